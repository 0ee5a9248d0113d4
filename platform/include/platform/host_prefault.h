// The host kernel's first touch of simulated DRAM, taken a chunk at a time. DRAM is anonymous
// memory (Dram), so the first write to each 4 KiB host page is a page fault; a realm faulting
// its memory in, or a populate, pays one per granule, most of it at the granule's zeroing on
// DELEGATE. MADV_POPULATE_WRITE faults in a whole chunk in one call, about a third cheaper per
// page on this project's machine (1.1-1.2 against 1.5-1.7 us per page, 512 MiB). Host memory
// only: nothing simulated changes. At most a chunk is resident per page written.
#pragma once
#include <cstdint>
#include <vector>

namespace platform {

class HostPrefault {
 public:
  static constexpr unsigned kChunkShift = 16;  // 64 KiB

  // `host` points into the window [base, base + size) of host memory; `len` bytes at `host`
  // are about to be written. Faults in the chunks they fall in that this object has not yet.
  void before_write(uint8_t* base, uint64_t size, uint8_t* host, uint64_t len);

 private:
  uint8_t* base_ = nullptr;
  std::vector<uint64_t> done_;  // one bit per chunk of the window
};

}  // namespace platform
