// engine_clock: see engine_clock.h.
#include "engine_clock.h"

#include <dlfcn.h>
#include <link.h>
#include <sys/time.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace cpu::engine_clock {
namespace {

std::atomic<uint64_t> g_engine_reads{0};
// The executable segments of the Unicorn library, found once: the caller test runs at every
// clock read, so it is two compares, not a dladdr (which made a Linux boot three times slower).
struct Range { uintptr_t begin, end; };
Range g_code[4];
std::atomic<unsigned> g_code_count{0};

int find_engine(struct dl_phdr_info* info, size_t, void*) {
  if (!is_engine_object(info->dlpi_name)) return 0;
  unsigned n = 0;
  for (unsigned i = 0; i < info->dlpi_phnum && n < 4; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X))
      g_code[n++] = {info->dlpi_addr + ph.p_vaddr, info->dlpi_addr + ph.p_vaddr + ph.p_memsz};
  }
  g_code_count.store(n, std::memory_order_release);
  return 1;
}

}  // namespace

void install() {
  static std::once_flag once;
  std::call_once(once, [] { dl_iterate_phdr(find_engine, nullptr); });
}

bool is_engine_object(const char* object) {
  if (!object) return false;
  const char* base = std::strrchr(object, '/');
  return std::strncmp(base ? base + 1 : object, "libunicorn.", 11) == 0;
}

bool in_engine(uintptr_t pc) {
  const unsigned n = g_code_count.load(std::memory_order_acquire);
  for (unsigned i = 0; i < n; ++i)
    if (pc >= g_code[i].begin && pc < g_code[i].end) return true;
  return false;
}

uint64_t engine_reads() { return g_engine_reads.load(std::memory_order_relaxed); }

uint64_t next_read_us() {
  return g_engine_reads.fetch_add(1, std::memory_order_relaxed) * kMicrosecondsPerRead;
}

}  // namespace cpu::engine_clock

extern "C" int gettimeofday(struct timeval* __restrict tv, void* __restrict tz) noexcept {
  if (cpu::engine_clock::in_engine(reinterpret_cast<uintptr_t>(__builtin_return_address(0)))) {
    const uint64_t us = cpu::engine_clock::next_read_us();
    tv->tv_sec = static_cast<time_t>(us / 1'000'000);
    tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
    return 0;
  }
  using Real = int (*)(struct timeval*, void*);
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "gettimeofday"));
  return real(tv, tz);
}
