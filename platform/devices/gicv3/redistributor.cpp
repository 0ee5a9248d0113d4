#include "platform/devices/gicv3/redistributor.h"

namespace platform::gicv3 {

Redistributor::Redistributor(unsigned processor_number, uint64_t mpidr, bool last,
                             std::function<void()> changed)
    : changed_(std::move(changed)), processor_number_(processor_number),
      affinity_((mpidr & 0xFF'FFFF) | ((mpidr >> 32 & 0xFF) << 32)), last_(last) {
  reset();
}

void Redistributor::reset() {
  waker_ = kWakerProcessorSleep | kWakerChildrenAsleep;  // the PE is asleep until software wakes it
  irqs_.fill(IrqState{});
  for (unsigned i = 0; i < kSgiCount; ++i) irqs_[i].edge = true;  // SGIs are edge-triggered (ICFGR0 RO)
}

bool Redistributor::read(uint64_t offset, unsigned size, uint64_t& value) const {
  value = 0;
  if (offset >= kFrame) {  // SGI_base
    if (read_irq_regs(bank(), offset - kFrame, size, value)) return true;
    return size == 4;  // reserved: RAZ
  }
  if (offset == GICR_TYPER || offset == GICR_TYPER + 4) {
    if (size != 8 && size != 4) return false;
    // Affinity_Value [63:32] (Aff3.Aff2.Aff1.Aff0), Processor_Number [23:8], Last [4]; no LPIs.
    const uint64_t aff = (affinity_ & 0xFF'FFFF) | ((affinity_ >> 32) << 24);
    const uint64_t t = aff << 32 | uint64_t{processor_number_} << 8 | (last_ ? kTyperLast : 0);
    value = size == 8 ? t : (offset & 4) ? t >> 32 : t & 0xFFFF'FFFF;
    return true;
  }
  if (size != 4) return false;
  switch (offset) {
    case GICR_IIDR: value = kIidrArm; break;
    case GICR_WAKER: value = waker_; break;
    case GICR_PIDR2: value = kPidr2Gicv3; break;
    default: break;  // GICR_CTLR (no LPIs: EnableLPIs RAZ/WI), GICR_STATUSR, reserved: RAZ
  }
  return true;
}

bool Redistributor::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset >= kFrame) {
    IrqBank b = bank();
    if (!write_irq_regs(b, offset - kFrame, size, value) && size != 4) return false;
  } else if (offset == GICR_TYPER || offset == GICR_TYPER + 4) {
    if (size != 8 && size != 4) return false;  // RO
  } else {
    if (size != 4) return false;
    // ProcessorSleep is RW; ChildrenAsleep follows it at once (no power sequencing to wait for).
    if (offset == GICR_WAKER)
      waker_ = (value & kWakerProcessorSleep) ? kWakerProcessorSleep | kWakerChildrenAsleep : 0;
  }
  changed_();
  return true;
}

void Redistributor::set_ppi_level(unsigned intid, bool level) {
  irq(intid).set_line(level);
  changed_();
}

}  // namespace platform::gicv3
