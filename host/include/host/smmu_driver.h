// The host kernel's SMMUv3 driver (Linux drivers/iommu/arm/arm-smmu-v3), as much of it as
// rmesim's device DMA needs. At probe it allocates a linear Stream table, the Command queue
// and the Event queue in host pages, programs the SMMU's Non-secure registers and enables
// it, every STE starting as abort. A stream is then attached to a domain:
// - bypass: the host's own DMA (the device sees PAs);
// - a normal VM's stage 2: KVM's own stage-2 tables shared with the device (levels 1-3, 4 KiB
//   granule, 39-bit IPA), tagged with a VMID the driver allocates per VM;
// each change written to the STE, then CMD_CFGI_STE, CMD_TLBI_S12_VMALL and CMD_SYNC.
// Every register access and table write is a timed Non-secure access of the calling PE.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "platform/devices/smmuv3/structures.h"

namespace platform {
class Requester;
}  // namespace platform

namespace host {

class PageAllocator;

class SmmuDriver {
 public:
  SmmuDriver(PageAllocator& pages, uint64_t smmu_base) : pages_(pages), base_(smmu_base) {}

  // Sets the SMMU up once (later calls do nothing). Returns an error message, or "".
  std::string probe(platform::Requester& req);
  // Points `sid` at a domain and invalidates what the SMMU cached of it. "" or an error.
  std::string attach_bypass(platform::Requester& req, uint32_t sid);
  std::string attach_stage2(platform::Requester& req, uint32_t sid, uint64_t s2_root);
  // The STE attach_stage2 writes for a stage-2 root (its VMID allocated on first use).
  platform::smmuv3::Ste stage2_ste(uint64_t s2_root);
  // Any STE for `sid`, as a careless or hostile host writes it: then CMD_CFGI_STE, the TLB
  // invalidations and CMD_SYNC (Invalidate::Ste), CMD_CFGI_ALL and CMD_SYNC (All), or nothing
  // (None: the SMMU may go on using what it cached). "" or an error.
  enum class Invalidate : uint8_t { None, Ste, All };
  std::string set_ste(platform::Requester& req, uint32_t sid, const platform::smmuv3::Ste& ste, Invalidate how);
  // The records the SMMU wrote to the Event queue since the last call (EVENTQ_CONS moves on).
  std::vector<platform::smmuv3::Event> drain_events(platform::Requester& req);

  uint16_t vmid_of(uint64_t s2_root) const;
  static constexpr unsigned kStreamBits = 8, kCmdqBits = 8, kEventqBits = 7;

 private:
  std::string issue(platform::Requester& req, const std::vector<platform::smmuv3::Command>& cmds);
  bool reg32(platform::Requester& req, uint64_t off, uint32_t v);
  bool reg64(platform::Requester& req, uint64_t off, uint64_t v);
  uint32_t read32(platform::Requester& req, uint64_t off);

  PageAllocator& pages_;
  uint64_t base_;
  bool probed_ = false;
  uint64_t strtab_ = 0, cmdq_ = 0, eventq_ = 0;
  uint32_t cmdq_prod_ = 0;
  std::map<uint64_t, uint16_t> vmids_;  // stage-2 root -> VMID
  std::map<uint32_t, uint16_t> stream_vmid_;  // what each attached stream was tagged with
};

}  // namespace host
