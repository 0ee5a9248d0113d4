// GICv3 distributor (GICD_*, IHI0069 12.9): the SPIs' group, enable, pending, active,
// priority, trigger and affinity routing. One security state (GICD_CTLR.DS = 1) and affinity
// routing always on (ARE RAO/WI), as a virtual platform's GIC exposes it to a normal-world
// host; no LPIs, no 1-of-N routing (GICD_TYPER.No1N = 1).
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "platform/devices/gicv3/irq_state.h"

namespace platform::gicv3 {

class Distributor {
 public:
  static constexpr uint64_t GICD_CTLR = 0x0000, GICD_TYPER = 0x0004, GICD_IIDR = 0x0008,
                            GICD_IROUTER = 0x6000, GICD_PIDR2 = kPidr2;
  static constexpr uint32_t kCtlrEnableGrp0 = 1u << 0, kCtlrEnableGrp1 = 1u << 1, kCtlrAre = 1u << 4,
                            kCtlrDs = 1u << 6;
  // ITLinesNumber (SPIs / 32), IDbits = 15 (16-bit INTIDs), No1N.
  static constexpr uint32_t kTyper = (kIntidCount / 32 - 1) | (15u << 19) | (1u << 25);
  static constexpr uint64_t kIrouterAffinity = 0xFF'00FF'FFFFull;  // Aff3 [39:32], Aff2..Aff0 [23:0]

  // `changed` runs after every write that may change what is signalled.
  explicit Distributor(std::function<void()> changed);
  void reset();

  // One access at `offset` in the frame; false: an access size the register does not allow
  // (the bus answers with an error). Unimplemented offsets are RAZ/WI.
  bool read(uint64_t offset, unsigned size, uint64_t& value) const;
  bool write(uint64_t offset, unsigned size, uint64_t value);

  bool group_enabled(bool group1) const { return ctlr_ & (group1 ? kCtlrEnableGrp1 : kCtlrEnableGrp0); }
  IrqState& spi(unsigned intid) { return spis_.at(intid - kSpiBase); }
  const IrqState& spi(unsigned intid) const { return spis_.at(intid - kSpiBase); }
  // GICD_IROUTER<n>'s affinity: the PE whose MPIDR affinity fields match receives the SPI.
  uint64_t route(unsigned intid) const { return irouter_.at(intid - kSpiBase); }
  // An SPI's input line (a device).
  void set_spi_level(unsigned intid, bool level);

 private:
  // The SPIs as the shared register code sees them (reads do not modify through it).
  IrqBank bank() const { return {const_cast<IrqState*>(spis_.data()), kSpiBase, kSpiCount, 0}; }

  std::function<void()> changed_;
  uint32_t ctlr_ = 0;
  std::array<IrqState, kSpiCount> spis_{};
  std::array<uint64_t, kSpiCount> irouter_{};
};

}  // namespace platform::gicv3
