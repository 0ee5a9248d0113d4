// Stateful RMI operations (SRO, RMM spec 2.0-bet1): a command that needs memory from the host,
// or hands memory back, returns RMI_INCOMPLETE with a handle in X1 instead of finishing; the
// host answers with OP_MEM_DONATE (the memory asked for), OP_MEM_RECLAIM (take released
// granules back), OP_CONTINUE (go on) or OP_CANCEL (undo it), each naming the handle, until a
// call returns RMI_SUCCESS (or an error) and the handle is dead. Private to rmm/.
//
// In this model REC_CREATE asks for the REC's auxiliary granules (1.0's REC_AUX_COUNT + aux[])
// and REC_DESTROY gives them back. While an operation is open its REC granule is PARTIAL and
// its realm's RD holds a reference, so neither can be used or destroyed underneath it: a host
// that abandons an operation halfway leaves both pinned until it cancels or finishes it.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <vector>

namespace rmm {

struct Sro {
  enum class Kind : uint8_t { RecCreate, RecDestroy };
  // What the operation waits for from the host next.
  enum class Wait : uint8_t { Donate, Continue, Reclaim };
  Kind kind = Kind::RecCreate;
  Wait wait = Wait::Donate;
  bool cancelling = false;            // OP_CANCEL (or OP_CONTINUE STOP): undoing, then reclaim
  uint64_t rd = 0, rec = 0;           // the realm and the REC granule (PARTIAL meanwhile)
  unsigned needed = 0;                // granules still to be donated
  std::vector<uint64_t> donated;      // granules given so far (REC_AUX)
  std::vector<uint64_t> to_reclaim;   // granules released, not yet taken back by the host
  std::array<uint8_t, 0x1000> params{};  // REC_CREATE's RmiRecParams, as read on the first call
};

// Open operations by handle. Handles count up from a non-zero base and are never reused, so a
// stale handle (its operation finished) never names a new one.
class SroTable {
 public:
  uint64_t open(Sro op) {
    const uint64_t h = next_++;
    ops_.emplace(h, std::move(op));
    return h;
  }
  Sro* find(uint64_t handle) {
    auto it = ops_.find(handle);
    return it == ops_.end() ? nullptr : &it->second;
  }
  void close(uint64_t handle) { ops_.erase(handle); }
  size_t size() const { return ops_.size(); }
  // Every open operation by handle (Rmm::audit).
  const std::map<uint64_t, Sro>& all() const { return ops_; }

 private:
  uint64_t next_ = 0x5A0'0001;
  std::map<uint64_t, Sro> ops_;
};

}  // namespace rmm
