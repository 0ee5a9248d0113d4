// The guest's own stage-1 translation (EL1&0 regime, 4 KiB granule), walked by the CPU model
// when Unicorn reports a fault without a syndrome: to find the IPA of a faulting VA, to fill the
// IPA pages holding the guest's tables, and to build ESR_EL1/FAR_EL1 for a stage-1 fault that
// belongs to the guest. Hierarchical table attributes (APTable, XNTable) are not applied.
#pragma once
#include <cstdint>
#include <functional>

namespace cpu {

struct Stage1Regs {
  uint64_t sctlr = 0, tcr = 0, ttbr0 = 0, ttbr1 = 0;
};

struct Stage1Result {
  enum class Fault : uint8_t {
    None,
    Translation,  // DFSC 0b0001LL
    AccessFlag,   // 0b0010LL
    Permission,   // 0b0011LL
    AddressSize,  // 0b0000LL
    TableRead,    // a table descriptor's IPA could not be read (stage 2 said no)
    Unsupported,  // a granule other than 4 KiB
  };
  Fault fault = Fault::None;
  int level = 0;
  uint64_t ipa = 0;        // output (None) or the table IPA that failed (TableRead)
  bool mmu_off = false;
  // What the translation allows at the walk's EL (Perm bits of unicorn_engine.h): a TLB
  // entry holds them all, so later accesses of another kind need no walk.
  uint32_t perms = 0;
  // DFSC/IFSC for the fault kinds the architecture reports.
  uint32_t fsc() const;
};

// Reads the 64-bit descriptor at `ipa`; false when the IPA cannot be read (the caller records
// why: a stage-2 fault on the walk, a GPF).
using DescriptorRead = std::function<bool(uint64_t ipa, uint64_t& value)>;

Stage1Result stage1_walk(const Stage1Regs& regs, uint64_t va, bool write, bool fetch, bool el0,
                         const DescriptorRead& read);

}  // namespace cpu
