// The content digests of RMI_DATA_CREATE, computed ahead on a host thread. A populate creates
// its DATA granules from consecutive Non-secure source granules, and hashing each one's content
// is most of what the host spends on it (SHA-256 was 35% of a 1 GiB populate's samples). Once
// two consecutive sources are seen, a thread of this object's own copies the next kAhead
// sources and hashes each copy while the simulation goes on; DATA_CREATE then takes the digest
// of its source when the copy still equals the content it measures (one memcmp instead of the
// hash), and hashes the content itself otherwise. So the digest is always that of the content:
// whatever writes the source in between (another PE, the host), or a thread that is late, costs
// only the host time of the hash. Host work only: nothing simulated depends on it (the hash's
// simulated cost is charged as before), and nothing of it goes to the outputs.
//
// The thread reads simulated DRAM without synchronising with the simulation, which may write the
// same memory: it hashes its own copy, and the comparison decides, so a torn copy is never used.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/measurement.h"

namespace rmm {

class ContentDigests {
 public:
  static constexpr unsigned kAhead = 64;  // sources hashed ahead of the one measured

  ContentDigests();
  ~ContentDigests();  // drops what the thread has not started, waits for what it has

  // The digest under `algo` of `content` (`len` bytes: a DATA granule just copied from the
  // source granule whose host view is `src`) into `out` (hash_size(algo) bytes). [window,
  // window_end) is the host memory later sources may be read from (the source's DRAM), or
  // null when there is none: then nothing is hashed ahead.
  void digest(HashAlgorithm algo, const uint8_t* src, const uint8_t* content, size_t len, uint8_t* out,
              const uint8_t* window, const uint8_t* window_end);

  // Digests taken from the thread, for tests (they depend on host timing: never an output).
  uint64_t taken() const { return taken_; }

 private:
  class Worker;  // the thread, its slots and its queue (content_digests.cpp)
  std::unique_ptr<Worker> worker_;  // made at the first sequential source
  bool no_thread_;                  // one host core, or no thread given: hashed in place
  const uint8_t* last_src_ = nullptr;
  const uint8_t* ahead_end_ = nullptr;  // sources below it were handed to the thread
  HashAlgorithm last_algo_ = HashAlgorithm::Sha256;
  size_t last_len_ = 0;
  uint64_t taken_ = 0;
};

}  // namespace rmm
