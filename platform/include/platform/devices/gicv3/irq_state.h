// The per-INTID state a GICv3 keeps (GIC architecture spec IHI0069, 4.1) and the register
// families that the distributor (SPIs) and each redistributor's SGI_base frame (SGIs, PPIs)
// lay out at the same offsets: IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER, IPRIORITYR,
// ICFGR, IGRPMODR. One implementation serves both.
#pragma once
#include <cstdint>

namespace platform::gicv3 {

constexpr unsigned kSgiCount = 16, kPpiBase = 16, kSpiBase = 32;
constexpr unsigned kSpiCount = 64;                 // GICD_TYPER.ITLinesNumber = 2
constexpr unsigned kIntidCount = kSpiBase + kSpiCount;
constexpr unsigned kSpurious = 1023;               // no interrupt to acknowledge
constexpr unsigned kPriorityBits = 5;              // ICC_CTLR_EL1.PRIbits + 1
constexpr uint8_t kPriorityMask = 0xF8;            // implemented priority bits (RES0 below)
constexpr uint8_t kIdlePriority = 0xFF;            // running priority with nothing active

struct IrqState {
  bool group1 = false;     // IGROUPR (DS = 1: group 0 signals FIQ, group 1 IRQ)
  bool grpmod = false;     // IGRPMODR: RW with DS = 1 but has no effect
  bool enabled = false;
  bool latch = false;      // pending by an edge, ISPENDR or SGI generation
  bool active = false;
  bool edge = false;       // ICFGR: 1 edge-triggered, 0 level-sensitive
  bool line = false;       // the input's level (PPIs, SPIs)
  uint8_t priority = 0;
  bool pending() const { return latch || (!edge && line); }
  // A new input level: a rising edge latches an edge-triggered interrupt.
  void set_line(bool level) {
    if (edge && level && !line) latch = true;
    line = level;
  }
};

// A contiguous block of INTIDs whose state lives in one array (`first` is its lowest INTID);
// `edge_fixed` INTIDs from `first` are edge-triggered with a read-only ICFGR (SGIs).
struct IrqBank {
  IrqState* irqs;
  unsigned first, count, edge_fixed;
};

// The common register families at their GICD_/GICR_ offsets; false for offsets outside them.
// INTIDs outside the bank read as zero and ignore writes (RAZ/WI). Sizes: 4 bytes, or 1 for
// IPRIORITYR (byte-accessible by the architecture).
bool read_irq_regs(const IrqBank& bank, uint64_t offset, unsigned size, uint64_t& value);
bool write_irq_regs(IrqBank& bank, uint64_t offset, unsigned size, uint64_t value);

// Register offsets shared by GICD_* and GICR_* (SGI_base frame).
constexpr uint64_t kIgroupr = 0x0080, kIsenabler = 0x0100, kIcenabler = 0x0180, kIspendr = 0x0200,
                   kIcpendr = 0x0280, kIsactiver = 0x0300, kIcactiver = 0x0380, kIpriorityr = 0x0400,
                   kIcfgr = 0x0C00, kIgrpmodr = 0x0D00;
constexpr uint64_t kPidr2 = 0xFFE8;  // ArchRev [7:4] = 3: GICv3
constexpr uint32_t kPidr2Gicv3 = 0x3B;
constexpr uint32_t kIidrArm = 0x43B;  // JEP106 code of Arm in ProductID-less form

}  // namespace platform::gicv3
