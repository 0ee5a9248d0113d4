#include "platform/host_prefault.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace platform {

// Both advices came with Linux 5.14; headers without them leave the accesses to fault as usual.
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
constexpr int kPopulateWrite = MADV_POPULATE_WRITE, kPopulateRead = MADV_POPULATE_READ;
#else
constexpr int kPopulateWrite = 0, kPopulateRead = 0;
#endif

// A range the read-ahead thread faults in.
struct HostPrefault::Job {
  uint8_t* start;
  uint64_t len;
  int advice;
};

HostPrefault::HostPrefault() = default;
HostPrefault::~HostPrefault() = default;

void HostPrefault::select_window(uint8_t* base, uint64_t size) {
  if (base == base_) return;
  base_ = base;  // another window: what was done is not known for it
  size_ = size;
  chunks_ = (size + (uint64_t{1} << kChunkShift) - 1) >> kChunkShift;
  for (Stream* s : {&written_, &mapped_}) {
    s->taken.assign((chunks_ + 63) / 64, 0);
    s->next = ~uint64_t{0};
    s->end = 0;
  }
  written_.advice = kPopulateWrite;
  mapped_.advice = kPopulateRead;
}

void HostPrefault::take(uint64_t c, Stream& s) {
  const uint64_t bit = uint64_t{1} << (c % 64);
  s.taken[c / 64] |= bit;
  if (&s == &written_) mapped_.taken[c / 64] |= bit;
}

void HostPrefault::populate(const uint8_t* host, uint64_t len, Stream& s) {
  if (s.advice == 0) return;
  const uint64_t off = static_cast<uint64_t>(host - base_);
  const uint64_t first = off >> kChunkShift, last = (off + len - 1) >> kChunkShift;
  // The chunk before taken by an earlier access: a sequential touch.
  const bool sequential = first > 0 && taken(s, first - 1);
  bool missed = false;
  for (uint64_t c = first; c <= last; ++c) {
    if (taken(s, c)) {
      // Inside a read-ahead: half-way through what the thread was handed, hand it as much again.
      if (c == s.next) {
        s.next = c + kAhead / 2;
        read_ahead(s.end, s.end + kAhead / 2, s);
      }
      continue;
    }
    take(c, s);
    missed = true;
    const uint64_t start = c << kChunkShift, n = std::min<uint64_t>(uint64_t{1} << kChunkShift, size_ - start);
    // A kernel without it (before Linux 5.14) refuses with EINVAL: the accesses fault as before,
    // and this advice is not asked for again.
    if (madvise(base_ + start, n, s.advice) != 0 && errno == EINVAL) {
      s.advice = 0;
      return;
    }
  }
  // A sequential touch of fresh chunks: the next ones go to the thread.
  if (missed && sequential) {
    s.next = last + 1 + kAhead / 2;
    read_ahead(last + 1, last + 1 + kAhead, s);
  }
}

void HostPrefault::read_ahead(uint64_t from, uint64_t to, Stream& s) {
  to = std::min(to, chunks_);
  if (no_thread_ || from >= to) return;
  s.end = to;
  std::vector<Job> batch;
  for (uint64_t c = from; c < to; ++c) {
    if (taken(s, c)) continue;
    take(c, s);
    const uint64_t start = c << kChunkShift, n = std::min<uint64_t>(uint64_t{1} << kChunkShift, size_ - start);
    if (!batch.empty() && batch.back().start + batch.back().len == base_ + start) batch.back().len += n;
    else batch.push_back({base_ + start, n, s.advice});
  }
  if (batch.empty()) return;
  if (!worker_) {
    try {
      worker_ = std::make_unique<HostWorker<Job>>("rmesim-prefault",
                                                  [](const Job& j) { madvise(j.start, j.len, j.advice); });
    } catch (const std::system_error&) {
      // No thread to be had (a limit on the host): the chunks taken fault in as they are
      // touched, and there is no read-ahead from now on.
      no_thread_ = true;
      return;
    }
  }
  worker_->hand(batch.begin(), batch.end());
}

void HostPrefault::before_write(uint8_t* base, uint64_t size, uint8_t* host, uint64_t len) {
  select_window(base, size);
  populate(host, len, written_);
}

void HostPrefault::before_read(uint8_t* base, uint64_t size, const uint8_t* host, uint64_t len) {
  select_window(base, size);
  populate(host, len, mapped_);
}

}  // namespace platform
