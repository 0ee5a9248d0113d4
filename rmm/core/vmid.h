// VMIDs in use by realms (RMM spec 1.0: the host chooses a realm's VMID in RmiRealmParams;
// the RMM refuses one that is out of range or already taken). 16-bit VMIDs (FEAT_VMID16).
#pragma once
#include <bitset>
#include <cstdint>
#include <memory>

namespace rmm {

class VmidSet {
 public:
  static constexpr unsigned kBits = 16;
  VmidSet() : used_(std::make_unique<std::bitset<1u << kBits>>()) {}
  bool valid(uint64_t vmid) const { return vmid < (uint64_t{1} << kBits); }
  bool in_use(uint64_t vmid) const { return valid(vmid) && used_->test(vmid); }
  // Reserves `vmid`; false if out of range or taken.
  bool reserve(uint64_t vmid);
  void release(uint64_t vmid);
  // RMM 2.0 allocates: the lowest VMID not in use, from 1 (the host keeps 0); an invalid
  // VMID (1 << kBits) when every one is taken.
  uint64_t lowest_free() const;

 private:
  std::unique_ptr<std::bitset<1u << kBits>> used_;
};

}  // namespace rmm
