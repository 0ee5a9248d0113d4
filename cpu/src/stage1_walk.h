// The guest's own stage-1 translation (VMSAv8-64, EL1&0 regime, Arm ARM D8), walked by the
// CPU model on every TLB fill: 4, 16 and 64 KiB granules, TTBR0 and TTBR1 (VA[55] selects,
// top-byte-ignore per TCR_EL1.TBIn), 25- to 48-bit VAs, table, block and page descriptors,
// hierarchical APTable/UXNTable/PXNTable, AP[2:1], UXN/PXN, SCTLR_EL1.WXN, PSTATE.PAN, the
// access flag, and output-address-size checks against TCR_EL1.IPS. Not modelled: 52-bit VAs
// and PAs (LVA/LPA/LPA2), hardware access-flag and dirty-state updates (HA/HD: a clear AF
// faults), and the contiguous hint (a hint; entries here are per granule anyway).
#pragma once
#include <cstdint>
#include <functional>

namespace cpu {

struct Stage1Regs {
  uint64_t sctlr = 0, tcr = 0, ttbr0 = 0, ttbr1 = 0;
  bool pan = false;  // PSTATE.PAN
  bool operator==(const Stage1Regs& o) const {
    return sctlr == o.sctlr && tcr == o.tcr && ttbr0 == o.ttbr0 && ttbr1 == o.ttbr1 && pan == o.pan;
  }
};

struct Stage1Result {
  enum class Fault : uint8_t {
    None,
    Translation,  // DFSC 0b0001LL
    AccessFlag,   // 0b0010LL
    Permission,   // 0b0011LL
    AddressSize,  // 0b0000LL
    TableRead,    // a table descriptor's IPA could not be read (stage 2 said no)
  };
  Fault fault = Fault::None;
  int level = 0;
  uint64_t ipa = 0;        // output (None) or the table IPA that failed (TableRead)
  bool mmu_off = false;
  // What the translation allows at the walk's EL (Perm bits of unicorn_engine.h): a TLB
  // entry holds them all, so later accesses of another kind need no walk.
  uint32_t perms = 0;
  unsigned granule_shift = 12;  // the translation granule (12, 14 or 16)
  // DFSC/IFSC for the fault kinds the architecture reports.
  uint32_t fsc() const;
};

// Reads the 64-bit descriptor at `ipa`; false when the IPA cannot be read (the caller records
// why: a stage-2 fault on the walk, a GPF).
using DescriptorRead = std::function<bool(uint64_t ipa, uint64_t& value)>;

Stage1Result stage1_walk(const Stage1Regs& regs, uint64_t va, bool write, bool fetch, bool el0,
                         const DescriptorRead& read);

}  // namespace cpu
