#include "core/content_digests.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <system_error>
#include <vector>

#include "sim/host_worker.h"

namespace rmm {

// The slots of the sources handed to the thread. A slot holds one source: queued, being hashed
// (the thread owns its copy and digest then), or done. Only the simulation's thread queues and
// takes, so a slot it took stays as it is until that thread queues it again.
class ContentDigests::Worker {
 public:
  static constexpr unsigned kSlots = 2 * kAhead;

  // Queues the sources [from, to), `len` bytes apart (a slot being hashed is left to finish).
  void queue(uintptr_t from, uintptr_t to, size_t len, HashAlgorithm algo) {
    std::vector<Job> jobs;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (uintptr_t a = from; a < to; a += len) {
        const auto* src = reinterpret_cast<const uint8_t*>(a);
        Slot& s = slot(src, len);
        if (s.state == State::Working) continue;
        s.src = src;
        s.len = len;
        s.algo = algo;
        s.state = State::Queued;
        jobs.push_back({&s, src});
      }
    }
    thread_.hand(jobs.begin(), jobs.end());
  }

  // The digest of `src` into `out` when the thread has it and its copy equals `content`.
  bool take(const uint8_t* src, HashAlgorithm algo, size_t len, const uint8_t* content, uint8_t* out) {
    Slot* s = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Slot& c = slot(src, len);
      if (c.src != src || c.len != len || c.algo != algo) return false;
      if (c.state == State::Queued) c.state = State::Empty;  // not started: it is hashed here
      if (c.state != State::Done) return false;             // started: it is hashed here too
      c.state = State::Empty;
      s = &c;
    }
    if (std::memcmp(s->copy.data(), content, len) != 0) return false;
    std::memcpy(out, s->digest.data(), hash_size(algo));
    return true;
  }

 private:
  enum class State : uint8_t { Empty, Queued, Working, Done };
  struct Slot {
    const uint8_t* src = nullptr;
    size_t len = 0;
    HashAlgorithm algo = HashAlgorithm::Sha256;
    State state = State::Empty;
    std::vector<uint8_t> copy;  // what the digest is of
    std::array<uint8_t, kMaxMeasurementSize> digest{};
  };
  struct Job {
    Slot* slot;
    const uint8_t* src;  // the source the slot held when queued: a slot queued again skips it
  };

  Slot& slot(const uint8_t* src, size_t len) {
    return slots_[(reinterpret_cast<uintptr_t>(src) / len) % kSlots];
  }

  void hash(const Job& job) {
    Slot& s = *job.slot;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (s.state != State::Queued || s.src != job.src) return;
      s.state = State::Working;
      s.copy.resize(s.len);
    }
    std::memcpy(s.copy.data(), s.src, s.len);
    hash_compute(s.algo, s.copy.data(), s.len, s.digest.data());
    std::lock_guard<std::mutex> lock(mutex_);
    s.state = State::Done;
  }

  std::mutex mutex_;  // the slots' states
  std::array<Slot, kSlots> slots_{};
  platform::HostWorker<Job> thread_{"rmesim-digest", [this](const Job& j) { hash(j); }};  // last
};

ContentDigests::ContentDigests() : no_thread_(!platform::host_workers_worthwhile()) {}
ContentDigests::~ContentDigests() = default;

void ContentDigests::digest(HashAlgorithm algo, const uint8_t* src, const uint8_t* content, size_t len,
                            uint8_t* out, const uint8_t* window, const uint8_t* window_end) {
  const auto at = reinterpret_cast<uintptr_t>(src);
  const bool sequential =
      last_src_ && at == reinterpret_cast<uintptr_t>(last_src_) + len && algo == last_algo_ && len == last_len_;
  if (worker_ && worker_->take(src, algo, len, content, out)) ++taken_;
  else hash_compute(algo, content, len, out);
  last_src_ = src;
  last_algo_ = algo;
  last_len_ = len;
  if (!sequential) {
    ahead_end_ = nullptr;  // another stream: nothing of it was handed yet
    return;
  }
  if (no_thread_ || !window || len == 0) return;
  // Handed in halves: when fewer than kAhead / 2 sources are left ahead, up to kAhead more.
  const uintptr_t lo = reinterpret_cast<uintptr_t>(window), hi = reinterpret_cast<uintptr_t>(window_end);
  if (at < lo || at >= hi) return;
  const uintptr_t handed = std::max(reinterpret_cast<uintptr_t>(ahead_end_), at + len);
  if (handed > at + (kAhead / 2) * len) return;
  const uintptr_t room = (hi - at) / len;  // whole sources from `at` to the window's end
  const uintptr_t to = at + std::min<uintptr_t>(kAhead + 1, room) * len;
  if (handed >= to) return;
  if (!worker_) {
    try {
      worker_ = std::make_unique<Worker>();
    } catch (const std::system_error&) {
      no_thread_ = true;  // no thread to be had (a limit on the host): hashed in place from now on
      return;
    }
  }
  worker_->queue(handed, to, len, algo);
  ahead_end_ = reinterpret_cast<const uint8_t*>(to);
}

}  // namespace rmm
