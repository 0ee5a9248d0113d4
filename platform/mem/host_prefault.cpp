#include "platform/host_prefault.h"

#include <sys/mman.h>

#include <algorithm>

namespace platform {

void HostPrefault::select_window(uint8_t* base, uint64_t size) {
  if (base == base_) return;
  base_ = base;  // another window: what was done is not known for it
  written_.assign(((size >> kChunkShift) + 64) / 64, 0);
  mapped_.assign(written_.size(), 0);
}

void HostPrefault::populate(uint8_t* base, uint64_t size, const uint8_t* host, uint64_t len,
                            std::vector<uint64_t>& done, int advice) {
  select_window(base, size);
  const uint64_t off = static_cast<uint64_t>(host - base);
  for (uint64_t c = off >> kChunkShift; c <= (off + len - 1) >> kChunkShift; ++c) {
    const uint64_t bit = uint64_t{1} << (c % 64);
    if (done[c / 64] & bit) continue;
    done[c / 64] |= bit;
    mapped_[c / 64] |= bit;
    const uint64_t start = c << kChunkShift, n = std::min<uint64_t>(uint64_t{1} << kChunkShift, size - start);
    // A kernel without it (before Linux 5.14) refuses with EINVAL: the access faults as before.
    madvise(base + start, n, advice);
  }
}

// Both advices came with Linux 5.14; headers without them leave the accesses to fault as usual.
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
void HostPrefault::before_write(uint8_t* base, uint64_t size, uint8_t* host, uint64_t len) {
  populate(base, size, host, len, written_, MADV_POPULATE_WRITE);
}
void HostPrefault::before_read(uint8_t* base, uint64_t size, const uint8_t* host, uint64_t len) {
  populate(base, size, host, len, mapped_, MADV_POPULATE_READ);
}
#else
void HostPrefault::before_write(uint8_t*, uint64_t, uint8_t*, uint64_t) {}
void HostPrefault::before_read(uint8_t*, uint64_t, const uint8_t*, uint64_t) {}
#endif

}  // namespace platform
