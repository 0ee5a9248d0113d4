// The host kernel's first touch of simulated DRAM, taken a chunk at a time. DRAM is anonymous
// memory (Dram), so the first write to each 4 KiB host page is a page fault; a realm faulting
// its memory in, or a populate, pays one per granule, most of it at the granule's zeroing on
// DELEGATE. MADV_POPULATE_WRITE faults in a whole chunk in one call, about a third cheaper per
// page on this project's machine (1.1-1.2 against 1.5-1.7 us per page, 512 MiB). The first read
// of a page never written is a fault too (the kernel maps its zero page): a populate's source
// pages beyond the image, read once each. MADV_POPULATE_READ maps a chunk of them in one call
// (0.16 against 0.63-0.66 us per page, 1 GiB read page by page, measured bare).
//
// Read-ahead: once a fresh chunk is touched right after the chunk before it (a populate, a
// realm touching its memory in order), a host thread of this object's own faults in the next
// kAhead chunks while the simulation goes on, so the kernel's share runs on another host core
// (a 1 GiB populate: 1.65 s of wall time before, 1.50 s with it; docs/cpu.md, which also says
// why 16 MiB ahead and not less). Host memory only: nothing simulated changes, and a page the
// simulation reaches before the thread does simply takes its fault as usual. At most kAhead
// chunks are resident beyond what was touched.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/host_worker.h"

namespace platform {

class HostPrefault {
 public:
  static constexpr unsigned kChunkShift = 16;  // 64 KiB
  static constexpr uint64_t kAhead = 256;      // chunks (16 MiB) faulted in ahead of a sequential touch

  HostPrefault();
  ~HostPrefault();  // drops what the thread has not started, waits for what it has

  // `host` points into the window [base, base + size) of host memory; `len` bytes at `host`
  // are about to be written (read). Faults in the chunks they fall in that this object has not
  // yet faulted in for writing (for reading or writing).
  void before_write(uint8_t* base, uint64_t size, uint8_t* host, uint64_t len);
  void before_read(uint8_t* base, uint64_t size, const uint8_t* host, uint64_t len);

 private:
  // Chunks taken (done, or handed to the thread) for one advice, and its read-ahead: the chunk
  // whose touch hands the thread kAhead / 2 more (`next`), and the end of what it was handed.
  struct Stream {
    std::vector<uint64_t> taken;
    int advice = 0;
    uint64_t next = ~uint64_t{0}, end = 0;
  };
  void populate(const uint8_t* host, uint64_t len, Stream& s);
  bool taken(const Stream& s, uint64_t c) const { return (s.taken[c / 64] >> (c % 64)) & 1; }
  void take(uint64_t c, Stream& s);
  // Hands the thread the chunks of [from, to) not yet taken.
  void read_ahead(uint64_t from, uint64_t to, Stream& s);
  void select_window(uint8_t* base, uint64_t size);

  uint8_t* base_ = nullptr;
  uint64_t size_ = 0, chunks_ = 0;
  Stream written_, mapped_;  // mapped_: for reading or writing
  struct Job;  // a range to fault in (host_prefault.cpp)
  std::unique_ptr<HostWorker<Job>> worker_;  // the read-ahead thread, made at the first read-ahead
  bool no_thread_ = !host_workers_worthwhile();  // one host core, or no thread given: no read-ahead
};

}  // namespace platform
