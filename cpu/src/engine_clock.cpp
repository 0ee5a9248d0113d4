// engine_clock: see engine_clock.h.
#include "engine_clock.h"

#include <dlfcn.h>
#include <sys/time.h>

#include <atomic>
#include <cstring>

namespace cpu::engine_clock {
namespace {
std::atomic<uint64_t> g_engine_reads{0};
}

void install() {}

bool is_engine_object(const char* object) {
  if (!object) return false;
  const char* base = std::strrchr(object, '/');
  return std::strncmp(base ? base + 1 : object, "libunicorn.", 11) == 0;
}

uint64_t engine_reads() { return g_engine_reads.load(std::memory_order_relaxed); }

}  // namespace cpu::engine_clock

extern "C" int gettimeofday(struct timeval* __restrict tv, void* __restrict tz) noexcept {
  Dl_info info{};
  if (dladdr(__builtin_return_address(0), &info) && cpu::engine_clock::is_engine_object(info.dli_fname)) {
    const uint64_t n = cpu::engine_clock::g_engine_reads.fetch_add(1, std::memory_order_relaxed);
    const uint64_t us = n * cpu::engine_clock::kMicrosecondsPerRead;
    tv->tv_sec = static_cast<time_t>(us / 1'000'000);
    tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
    return 0;
  }
  using Real = int (*)(struct timeval*, void*);
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "gettimeofday"));
  return real(tv, tz);
}
