// GICv3 redistributor of one PE (GICR_*, IHI0069 12.10): the RD_base frame (identity,
// affinity, power management) and the SGI_base frame (the SGIs' and PPIs' state). No LPIs.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "platform/devices/gicv3/irq_state.h"

namespace platform::gicv3 {

class Redistributor {
 public:
  static constexpr uint64_t kFrame = 0x1'0000;       // RD_base, then SGI_base at +64 KiB
  static constexpr uint64_t GICR_CTLR = 0x0000, GICR_IIDR = 0x0004, GICR_TYPER = 0x0008,
                            GICR_STATUSR = 0x0010, GICR_WAKER = 0x0014, GICR_PIDR2 = kPidr2;
  static constexpr uint32_t kWakerProcessorSleep = 1u << 1, kWakerChildrenAsleep = 1u << 2;
  static constexpr uint64_t kTyperLast = 1u << 4;

  // `mpidr`: the PE's MPIDR_EL1 (its affinity goes to GICR_TYPER); `last`: the highest
  // redistributor of the contiguous region (GICR_TYPER.Last).
  Redistributor(unsigned processor_number, uint64_t mpidr, bool last, std::function<void()> changed);
  void reset();

  // One access at `offset` in the 128 KiB of this PE (RD_base, SGI_base); false: an access
  // size the register does not allow. Unimplemented offsets are RAZ/WI.
  bool read(uint64_t offset, unsigned size, uint64_t& value) const;
  bool write(uint64_t offset, unsigned size, uint64_t value);

  IrqState& irq(unsigned intid) { return irqs_.at(intid); }  // SGIs and PPIs (0..31)
  const IrqState& irq(unsigned intid) const { return irqs_.at(intid); }
  // A PPI's input line (the PE's timers, the GIC maintenance interrupt).
  void set_ppi_level(unsigned intid, bool level);
  // GICR_WAKER.ProcessorSleep: while set, nothing is forwarded to the CPU interface.
  bool asleep() const { return waker_ & kWakerProcessorSleep; }
  // GICR_TYPER.Affinity_Value (Aff3.Aff2.Aff1.Aff0) in the GICD_IROUTER layout.
  uint64_t affinity() const { return affinity_; }

 private:
  IrqBank bank() const { return {const_cast<IrqState*>(irqs_.data()), 0, kSpiBase, kSgiCount}; }

  std::function<void()> changed_;
  unsigned processor_number_;
  uint64_t affinity_;  // IROUTER layout: Aff3 [39:32], Aff2..Aff0 [23:0]
  bool last_;
  uint32_t waker_ = 0;
  std::array<IrqState, kSpiBase> irqs_{};
};

}  // namespace platform::gicv3
