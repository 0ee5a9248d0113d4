// Timing for the speed benchmarks, made to survive a shared, noisy host:
//  - CPU time of the calling thread, not wall time: the whole simulation runs on one thread
//    (SystemC processes are coroutines), and the wall clock also counts time the host gave to
//    other tenants;
//  - a ratio is the median of ratios of runs made back to back (same host conditions), not a
//    ratio of totals that mixes a quiet minute with a busy one.
#pragma once
#include <time.h>

#include <algorithm>
#include <vector>

namespace bench_cpu {

inline double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace bench_cpu
