// The host kernel's first touch of simulated DRAM, taken a chunk at a time. DRAM is anonymous
// memory (Dram), so the first write to each 4 KiB host page is a page fault; a realm faulting
// its memory in, or a populate, pays one per granule, most of it at the granule's zeroing on
// DELEGATE. MADV_POPULATE_WRITE faults in a whole chunk in one call, about a third cheaper per
// page on this project's machine (1.1-1.2 against 1.5-1.7 us per page, 512 MiB). The first read
// of a page never written is a fault too (the kernel maps its zero page): a populate's source
// pages beyond the image, read once each. MADV_POPULATE_READ maps a chunk of them in one call
// (0.16 against 0.63-0.66 us per page, 1 GiB read page by page, measured bare). Host memory
// only: nothing simulated changes. At most a chunk is resident per page written.
#pragma once
#include <cstdint>
#include <vector>

namespace platform {

class HostPrefault {
 public:
  static constexpr unsigned kChunkShift = 16;  // 64 KiB

  // `host` points into the window [base, base + size) of host memory; `len` bytes at `host`
  // are about to be written (read). Faults in the chunks they fall in that this object has not
  // yet faulted in for writing (for reading or writing).
  void before_write(uint8_t* base, uint64_t size, uint8_t* host, uint64_t len);
  void before_read(uint8_t* base, uint64_t size, const uint8_t* host, uint64_t len);

 private:
  // One bit per chunk of the window in `written_` (populated for writing) and `mapped_`
  // (populated for reading or writing); `advice` is MADV_POPULATE_WRITE or _READ.
  void populate(uint8_t* base, uint64_t size, const uint8_t* host, uint64_t len, std::vector<uint64_t>& done,
                int advice);
  void select_window(uint8_t* base, uint64_t size);

  uint8_t* base_ = nullptr;
  std::vector<uint64_t> written_, mapped_;
};

}  // namespace platform
