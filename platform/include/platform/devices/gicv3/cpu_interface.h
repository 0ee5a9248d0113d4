// The GICv3 CPU interface of one PE (ICC_*_EL1, IHI0069 4.1 and 12.2): priority mask,
// binary points, group enables, acknowledge / priority drop / deactivation and SGI
// generation. It serves the PE's host world (the KVM-like host runs at EL2 with these
// registers); guests reach the virtual interface instead (virtual_cpu_interface.h).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "platform/devices/gicv3/icc_regs.h"

namespace platform::gicv3 {

class Gicv3;

class CpuInterface {
 public:
  CpuInterface(Gicv3& gic, unsigned pe);
  void reset();

  // MRS / MSR of an ICC_*_EL1 register (write-only registers read as 0, read-only ones
  // ignore writes: the architecture makes both UNDEFINED, the CPU's trap decides that first).
  uint64_t read(IccReg r);
  void write(IccReg r, uint64_t value);

  // What the PE's IRQ and FIQ inputs see: the highest-priority pending interrupt of an enabled
  // group above the priority mask and the running priority.
  bool irq_signalled() const;
  bool fiq_signalled() const;
  uint8_t running_priority() const { return gicv3::running_priority(ap0r_[0], ap1r_[0]); }

 private:
  bool signalled(bool group1) const;
  uint64_t acknowledge(bool group1);
  void end_of_interrupt(bool group1, unsigned intid);
  uint64_t highest_pending(bool group1) const;

  Gicv3& gic_;
  unsigned pe_;
  uint64_t pmr_ = 0, bpr0_ = kMinBpr0, bpr1_ = kMinBpr1, ctlr_ = 0;
  bool igrpen0_ = false, igrpen1_ = false;
  std::array<uint32_t, 4> ap0r_{}, ap1r_{};
};

}  // namespace platform::gicv3
