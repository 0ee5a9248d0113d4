// Guest speed inside a realm: the compute image's loops run by the whole stack (host KVM and
// VMM, the RMM, a REC entered on a PE, stage 2 from the realm's RTT, the GPC on every fill)
// through rmesim's scenario runner, against a bare Unicorn engine running the same function.
//
// A realm run also creates, populates and tears down the realm. Those costs do not depend on the
// loop's length, so the realm's rate is marginal: two runs that differ only in the loop count,
// (instructions of the longer - of the shorter) / (time of the longer - of the shorter), each
// time the fastest of its interleaved repeats; the ratio is the median over repeats (timing.h).
// Counters: realm_MIPS, bare_MIPS, ratio (goal >= 0.8).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bare_engine.h"
#include "guest_images/compute.h"
#include "loops.h"
#include "rmesim/runner.h"
#include "rmesim/scenario.h"
#include "timing.h"

namespace {

using bench_cpu::BareEngine;

// CPU seconds of one realm run of the compute image with X0 = n, X1 = mode.
double realm_run(uint64_t n, unsigned mode) {
  std::ostringstream text;
  text << "name: bench-realm-speed\n"
          "seed: 1\n"
          "platform: {cores: 2, dram: 1GiB}\n"
          "realms:\n"
          "  r0: {memory: 64MiB, vcpus: 1, image: compute, args: ["
       << n << ", " << mode
       << "], populate: measured}\n"
          "steps:\n"
          "  - create: r0\n"
          "  - run: {vm: r0, until: stopped, timeout: 100s}\n"
          "  - check: {vm: r0, stopped: system_off}\n"
          "  - teardown: r0\n";
  const auto s = rmesim::parse_scenario(text.str(), "bench", {});
  rmesim::RunOptions o;
  o.quiet = true;
  o.out_dir = (std::filesystem::temp_directory_path() / "bench_cpu_realm").string();
  std::ostringstream sink;
  const double t0 = bench_cpu::thread_seconds();
  const auto r = rmesim::run_scenario(s, o, sink);
  const double t = bench_cpu::thread_seconds() - t0;
  if (!r.ok) throw std::runtime_error("realm run failed: " + r.failure);
  return t;
}

struct BareImage {
  static constexpr uint64_t kBase = guest_images::compute::k_image_start, kSize = 8 << 20;
  static constexpr uint64_t kReturn = kBase + (4 << 20), kData = kBase + (6 << 20);
  // Page-aligned, as guest RAM is in the simulator (a vector's data is not).
  std::unique_ptr<uint8_t, decltype(&std::free)> memory{
      static_cast<uint8_t*>(std::aligned_alloc(4096, kSize)), &std::free};
  BareEngine engine{kBase, kSize, memory.get()};
  BareImage() {
    std::memset(memory.get(), 0, kSize);
    bench_cpu::load_image(guest_images::compute::kBinary, memory.get(), kSize);
  }
};

// `insns(n)`: the loop's instruction count for X0 = n; `bare(n)` runs it on the bare engine.
void measure(benchmark::State& state, unsigned mode, uint64_t n_short, uint64_t n_long,
             const std::function<uint64_t(uint64_t)>& insns, const std::function<void(uint64_t)>& bare) {
  const double extra = static_cast<double>(insns(n_long) - insns(n_short));
  double t_short = 1e30, t_long = 1e30, t_bare = 1e30;
  std::vector<double> ratios;
  for (auto _ : state) {
    const double s = realm_run(n_short, mode), l = realm_run(n_long, mode);
    const double a = bench_cpu::thread_seconds();
    bare(n_long);
    const double b = bench_cpu::thread_seconds() - a;
    t_short = std::min(t_short, s);
    t_long = std::min(t_long, l);
    t_bare = std::min(t_bare, b);
    if (l > s) ratios.push_back((extra / (l - s)) / (insns(n_long) / b));
  }
  if (t_long <= t_short || ratios.empty()) {
    state.SkipWithError("the longer realm run was not slower: too noisy to measure");
    return;
  }
  state.counters["realm_MIPS"] = extra / (t_long - t_short) / 1e6;
  state.counters["bare_MIPS"] = insns(n_long) / t_bare / 1e6;
  state.counters["ratio"] = bench_cpu::median(ratios);
  state.counters["realm_run_short_ms"] = t_short * 1e3;
}

void BM_RealmComputeLoop(benchmark::State& state) {
  BareImage b;
  measure(state, 0, 1'000'000, 11'000'000, bench_cpu::compute_loop_insns, [&](uint64_t n) {
    b.engine.call(guest_images::compute::k_compute_loop, BareImage::kReturn, n, 0x1234567);
  });
}
BENCHMARK(BM_RealmComputeLoop)->Unit(benchmark::kMillisecond)->Iterations(7);

void BM_RealmLoadStoreLoop(benchmark::State& state) {
  BareImage b;
  measure(state, 1, 1, 21, bench_cpu::ldst_loop_insns, [&](uint64_t n) {
    b.engine.call(guest_images::compute::k_ldst_loop, BareImage::kReturn, n, BareImage::kData,
                  bench_cpu::kLdstBytes);
  });
}
BENCHMARK(BM_RealmLoadStoreLoop)->Unit(benchmark::kMillisecond)->Iterations(7);

}  // namespace
