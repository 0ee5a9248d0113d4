#include "core/granule.h"

#include <algorithm>
#include <stdexcept>

namespace rmm {

const char* to_string(GranuleState s) {
  switch (s) {
    case GranuleState::Undelegated: return "UNDELEGATED";
    case GranuleState::Delegated: return "DELEGATED";
    case GranuleState::Rd: return "RD";
    case GranuleState::Rec: return "REC";
    case GranuleState::RecAux: return "REC_AUX";
    case GranuleState::Data: return "DATA";
    case GranuleState::Rtt: return "RTT";
    case GranuleState::Partial: return "PARTIAL";
  }
  return "?";
}

GranuleTable::GranuleTable(uint64_t dram_base, uint64_t dram_size)
    : base_(dram_base), size_(dram_size), desc_(dram_size >> 12, 0) {
  if ((dram_base | dram_size) & 0xFFF)
    throw std::invalid_argument("granule table: DRAM base and size must be 4 KiB aligned");
}

void GranuleTable::set_granule_shift(unsigned shift) {
  const uint64_t g = uint64_t{1} << shift;
  if ((base_ | size_) & (g - 1))
    throw std::invalid_argument("granule table: DRAM base and size must be aligned to the granule");
  for (uint32_t d : desc_)
    if (d != 0) throw std::logic_error("rmm: the granule size changes while a granule is in use");
  shift_ = shift;
  desc_.assign(size_ >> shift, 0);
}

void GranuleTable::refcount_add(uint64_t pa, int delta) {
  uint32_t& d = desc(pa);
  const int64_t rc = static_cast<int64_t>(d & kRefcountMax) + delta;
  if (rc < 0 || rc > kRefcountMax)  // an RMM invariant, not host input
    throw std::logic_error("rmm: granule refcount out of range");
  d = (d & ~kRefcountMax) | static_cast<uint32_t>(rc);
}

void GranuleTable::lock(uint64_t pa) {
  while (desc(pa) & kLockBit) {
    if (!sc_core::sc_is_running())
      throw std::logic_error("rmm: granule lock contended outside a simulation thread");
    sc_core::wait(unlocked_);
  }
  desc(pa) |= kLockBit;
}

void GranuleTable::unlock(uint64_t pa) {
  assert(desc(pa) & kLockBit);
  desc(pa) &= ~kLockBit;
  if (sc_core::sc_is_running()) unlocked_.notify(sc_core::SC_ZERO_TIME);
}

std::vector<uint64_t> GranuleTable::census() const {
  std::vector<uint64_t> n(16, 0);
  for (uint32_t d : desc_) ++n[(d & kStateMask) >> kStateShift];
  // 1.0's seven states always; PARTIAL (2.0, an object mid-SRO) once one exists.
  size_t used = 7;
  for (size_t s = used; s < n.size(); ++s)
    if (n[s]) used = s + 1;
  n.resize(used);
  return n;
}

void GranuleLocks::hold(uint64_t pa) {
  table_.lock(pa);
  if (rest_.empty() && n_first_ < kInline) first_[n_first_++] = pa;
  else rest_.push_back(pa);
}

void GranuleLocks::lock_sorted(std::vector<uint64_t> pas) {
  std::sort(pas.begin(), pas.end());
  pas.erase(std::unique(pas.begin(), pas.end()), pas.end());
  for (uint64_t pa : pas) hold(pa);
}

void GranuleLocks::lock_sorted(std::initializer_list<uint64_t> pas) {
  if (pas.size() > kInline) return lock_sorted(std::vector<uint64_t>(pas));
  std::array<uint64_t, kInline> sorted;
  auto end = std::copy(pas.begin(), pas.end(), sorted.begin());
  std::sort(sorted.begin(), end);
  end = std::unique(sorted.begin(), end);
  for (auto it = sorted.begin(); it != end; ++it) hold(*it);
}

void GranuleLocks::release() {
  while (!rest_.empty()) {
    table_.unlock(rest_.back());
    rest_.pop_back();
  }
  while (n_first_) table_.unlock(first_[--n_first_]);
}

}  // namespace rmm
