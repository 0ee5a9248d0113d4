// A VM's emulated GICv3 distributor and redistributors, as KVM's vgic-v3 emulates them: the
// guest's GICD/GICR accesses are stage-2 faults that exit to the host (for a normal VM and,
// through the unprotected alias, for a realm), and the host answers them from per-VM copies of
// the platform's register models. Pending, enabled interrupts of an enabled group then reach a
// vCPU through its list registers (vgic.h). SGIs and the virtual timer keep their direct path.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "platform/devices/gicv3/distributor.h"
#include "platform/devices/gicv3/redistributor.h"
#include "vgic.h"

namespace host::vgic {

class EmulatedGic {
 public:
  // `mpidrs`: each vCPU's MPIDR_EL1, in vCPU order (one redistributor each, the last one Last).
  explicit EmulatedGic(const std::vector<uint64_t>& mpidrs);

  // One guest access at guest-physical `gpa`: false when `gpa` is outside the GICD frame and
  // the vCPUs' GICR frames (not the GIC's). An access size a register does not allow reads as
  // zero and is ignored, as KVM's vgic does for a bad access width.
  bool mmio(uint64_t gpa, unsigned len, bool is_write, uint64_t& data);
  // KVM_IRQ_LINE for an SPI (`intid` >= 32): the device's input level.
  void set_spi_level(unsigned intid, bool level);
  // Moves the interrupts pending for vCPU `vcpu` (enabled, group enabled, routed to it, its
  // redistributor awake) into free list registers; an edge's pending latch moves with it.
  void flush(unsigned vcpu, Lrs& lrs);
  // Whether flush() would give vCPU `vcpu` an interrupt not already in `lrs` (ends a WFI).
  bool has_pending(unsigned vcpu, const Lrs& lrs) const;

  platform::gicv3::Distributor& distributor() { return dist_; }
  platform::gicv3::Redistributor& redistributor(unsigned vcpu) { return *redists_.at(vcpu); }

 private:
  template <typename Fn> void for_each_pending(unsigned vcpu, const Lrs& lrs, Fn fn) const;

  platform::gicv3::Distributor dist_;
  std::vector<std::unique_ptr<platform::gicv3::Redistributor>> redists_;
};

}  // namespace host::vgic
