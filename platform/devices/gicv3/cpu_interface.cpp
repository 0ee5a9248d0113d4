#include "platform/devices/gicv3/cpu_interface.h"

#include "platform/devices/gicv3/gicv3.h"

namespace platform::gicv3 {

CpuInterface::CpuInterface(Gicv3& gic, unsigned pe) : gic_(gic), pe_(pe) {}

void CpuInterface::reset() {
  pmr_ = 0;
  bpr0_ = kMinBpr0;
  bpr1_ = kMinBpr1;
  ctlr_ = 0;
  igrpen0_ = igrpen1_ = false;
  ap0r_.fill(0);
  ap1r_.fill(0);
}

bool CpuInterface::signalled(bool group1) const {
  const Gicv3::Candidate c = gic_.highest_pending(pe_);
  if (c.intid == kSpurious || c.group1 != group1 || !(group1 ? igrpen1_ : igrpen0_)) return false;
  // Above the priority mask, and preempting what is active (by group priority).
  const uint8_t mask = ctlr_ & kCtlrCbpr ? group_priority_mask(bpr0_, false)
                                         : group_priority_mask(group1 ? bpr1_ : bpr0_, group1);
  return c.priority < pmr_ && (c.priority & mask) < running_priority();
}

bool CpuInterface::irq_signalled() const { return signalled(true); }
bool CpuInterface::fiq_signalled() const { return signalled(false); }

uint64_t CpuInterface::highest_pending(bool group1) const {
  const Gicv3::Candidate c = gic_.highest_pending(pe_);
  return c.intid != kSpurious && c.group1 == group1 ? c.intid : kSpurious;
}

uint64_t CpuInterface::acknowledge(bool group1) {
  if (!signalled(group1)) return kSpurious;
  const Gicv3::Candidate c = gic_.highest_pending(pe_);
  IrqState& s = gic_.state(pe_, c.intid);
  s.latch = false;  // a level interrupt stays pending while its line is high
  s.active = true;
  const uint8_t mask = group_priority_mask(group1 ? bpr1_ : bpr0_, group1);
  (group1 ? ap1r_ : ap0r_)[0] |= active_priority_bit(c.priority & mask);
  gic_.count_acknowledge();
  gic_.update();
  return c.intid;
}

void CpuInterface::end_of_interrupt(bool group1, unsigned intid) {
  // Priority drop: the highest active priority goes (IHI0069 4.1.1).
  uint32_t& ap = (group1 ? ap1r_ : ap0r_)[0];
  if (ap) ap &= ap - 1;
  // EOImode 0: deactivation too; EOImode 1: ICC_DIR_EL1 deactivates.
  if (!(ctlr_ & kCtlrEoiMode) && intid < kIntidCount) gic_.state(pe_, intid).active = false;
  gic_.update();
}

uint64_t CpuInterface::read(IccReg r) {
  switch (r) {
    case IccReg::Pmr: return pmr_;
    case IccReg::Iar0: return acknowledge(false);
    case IccReg::Iar1: return acknowledge(true);
    case IccReg::Hppir0: return highest_pending(false);
    case IccReg::Hppir1: return highest_pending(true);
    case IccReg::Bpr0: return bpr0_;
    case IccReg::Bpr1: return bpr1_;
    case IccReg::Ap0r0: return ap0r_[0];
    case IccReg::Ap1r0: return ap1r_[0];
    case IccReg::Rpr: return running_priority();
    case IccReg::Ctlr: return (ctlr_ & (kCtlrCbpr | kCtlrEoiMode)) | kCtlrFixed;
    case IccReg::Sre: return kSreFixed;
    case IccReg::Igrpen0: return igrpen0_;
    case IccReg::Igrpen1: return igrpen1_;
    default: return 0;  // AP*R1..3 (5 priority bits: RES0), write-only registers
  }
}

void CpuInterface::write(IccReg r, uint64_t v) {
  switch (r) {
    case IccReg::Pmr: pmr_ = v & kPriorityMask; break;
    case IccReg::Bpr0: bpr0_ = std::max<uint64_t>(v & 7, kMinBpr0); break;
    case IccReg::Bpr1: bpr1_ = std::max<uint64_t>(v & 7, kMinBpr1); break;
    case IccReg::Ap0r0: ap0r_[0] = static_cast<uint32_t>(v); break;
    case IccReg::Ap1r0: ap1r_[0] = static_cast<uint32_t>(v); break;
    case IccReg::Ctlr: ctlr_ = v & (kCtlrCbpr | kCtlrEoiMode); break;
    case IccReg::Igrpen0: igrpen0_ = v & 1; break;
    case IccReg::Igrpen1: igrpen1_ = v & 1; break;
    case IccReg::Eoir0: end_of_interrupt(false, static_cast<unsigned>(v & 0xFFFFFF)); return;
    case IccReg::Eoir1: end_of_interrupt(true, static_cast<unsigned>(v & 0xFFFFFF)); return;
    case IccReg::Dir:
      if ((ctlr_ & kCtlrEoiMode) && (v & 0xFFFFFF) < kIntidCount) gic_.state(pe_, static_cast<unsigned>(v & 0xFFFFFF)).active = false;
      break;
    case IccReg::Sgi1r: case IccReg::Asgi1r: gic_.generate_sgi(pe_, v); return;
    case IccReg::Sgi0r: gic_.generate_sgi(pe_, v); return;
    default: return;  // read-only registers, AP*R1..3
  }
  gic_.update();
}

}  // namespace platform::gicv3
