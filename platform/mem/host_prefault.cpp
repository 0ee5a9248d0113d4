#include "platform/host_prefault.h"

#include <sys/mman.h>

#include <algorithm>

namespace platform {

void HostPrefault::before_write(uint8_t* base, uint64_t size, uint8_t* host, uint64_t len) {
#ifdef MADV_POPULATE_WRITE
  if (base != base_) {  // another window: what was done is not known for it
    base_ = base;
    done_.assign(((size >> kChunkShift) + 64) / 64, 0);
  }
  const uint64_t off = static_cast<uint64_t>(host - base);
  for (uint64_t c = off >> kChunkShift; c <= (off + len - 1) >> kChunkShift; ++c) {
    uint64_t& word = done_[c / 64];
    const uint64_t bit = uint64_t{1} << (c % 64);
    if (word & bit) continue;
    word |= bit;
    const uint64_t start = c << kChunkShift, n = std::min<uint64_t>(uint64_t{1} << kChunkShift, size - start);
    // A kernel without it (before Linux 5.14) refuses with EINVAL: the write faults as before.
    madvise(base + start, n, MADV_POPULATE_WRITE);
  }
#else
  (void)base, (void)size, (void)host, (void)len;
#endif
}

}  // namespace platform
