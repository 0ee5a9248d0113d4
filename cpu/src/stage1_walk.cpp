// stage1_walk: see stage1_walk.h. Arm ARM D8 (VMSAv8-64 translation): D8.2 (translation
// granules and the levels they use), D8.3 (descriptors), D8.4 (memory access control).
#include "stage1_walk.h"

#include "unicorn_engine.h"  // Perm

namespace cpu {

uint32_t Stage1Result::fsc() const {
  uint32_t l = static_cast<uint32_t>(level) & 3;
  switch (fault) {
    case Fault::AddressSize: return 0x00 | l;
    case Fault::Translation: return 0x04 | l;
    case Fault::AccessFlag: return 0x08 | l;
    case Fault::Permission: return 0x0c | l;
    case Fault::TableRead: return 0x14 | l;  // synchronous external abort on a table walk
    default: return 0x10;
  }
}

namespace {

constexpr uint64_t kOaMask = 0x0000'ffff'ffff'ffffull;  // 48-bit output addresses

// TCR_EL1.IPS -> PA bits (52 is capped at 48: no LPA).
unsigned pa_bits(uint64_t tcr) {
  static constexpr unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
  return kBits[(tcr >> 32) & 7];
}

// Whether a block descriptor is allowed at `level` for the granule (D8.3.1, without 52-bit
// addresses): 4 KiB at levels 1 and 2; 16 and 64 KiB at level 2.
bool block_allowed(unsigned shift, int level) { return shift == 12 ? level == 1 || level == 2 : level == 2; }

}  // namespace

Stage1Result stage1_walk(const Stage1Regs& r, uint64_t va, bool write, bool fetch, bool el0,
                         const DescriptorRead& read) {
  Stage1Result res;
  auto fault = [&](Stage1Result::Fault f, int level) {
    res.fault = f;
    res.level = level;
    return res;
  };
  if (!(r.sctlr & 1)) {  // SCTLR_EL1.M
    res.mmu_off = true;
    res.ipa = va;
    res.perms = kRead | kWrite | kExec;
    return res;
  }
  // VA[55] selects TTBR1 (D8.1.2); its TCR fields: TxSZ, EPDx, TGx, TBIx.
  const bool upper = (va >> 55) & 1;
  const unsigned tsz = upper ? (r.tcr >> 16) & 0x3f : r.tcr & 0x3f;
  const unsigned tg = upper ? (r.tcr >> 30) & 3 : (r.tcr >> 14) & 3;
  const bool epd = upper ? (r.tcr >> 23) & 1 : (r.tcr >> 7) & 1;
  const bool tbi = upper ? (r.tcr >> 38) & 1 : (r.tcr >> 37) & 1;
  // TG0: 00 4K, 01 64K, 10 16K. TG1: 01 16K, 10 4K, 11 64K. Reserved encodings act as 4K.
  const unsigned shift = upper ? (tg == 1 ? 14 : tg == 3 ? 16 : 12) : (tg == 1 ? 16 : tg == 2 ? 14 : 12);
  res.granule_shift = shift;
  if (epd || tsz < 16 || tsz > 39) return fault(Stage1Result::Fault::Translation, 0);
  const unsigned va_bits = 64 - tsz;
  // Every bit from the VA size up to bit 55 (bit 63 without top-byte-ignore) equals VA[55].
  const unsigned top_bits = (tbi ? 56 : 64) - va_bits;
  const uint64_t top = (va >> va_bits) & ((uint64_t{1} << top_bits) - 1);
  if (top != (upper ? (uint64_t{1} << top_bits) - 1 : 0)) return fault(Stage1Result::Fault::Translation, 0);

  const unsigned stride = shift - 3;  // index bits per level
  const unsigned levels = (va_bits - shift + stride - 1) / stride;
  const int start = 4 - static_cast<int>(levels);
  const unsigned start_bits = va_bits - shift - stride * (levels - 1);
  // The start table is aligned to its size (at least 64 bytes): TTBR BADDR's low bits are RES0.
  const uint64_t table_align = start_bits + 3 < 6 ? 64 : uint64_t{8} << start_bits;
  uint64_t table = (upper ? r.ttbr1 : r.ttbr0) & kOaMask & ~(table_align - 1);
  const unsigned oa_bits = pa_bits(r.tcr);
  if (table >> oa_bits) return fault(Stage1Result::Fault::AddressSize, 0);

  // Hierarchical controls from table descriptors (D8.4.2): APTable[1] read-only, APTable[0]
  // no EL0 access, UXNTable, PXNTable, each applying to every later level.
  bool t_ro = false, t_no_el0 = false, t_uxn = false, t_pxn = false;
  for (int level = start;; ++level) {
    const unsigned lshift = shift + stride * static_cast<unsigned>(3 - level);
    const unsigned bits = level == start ? start_bits : stride;
    const uint64_t desc_ipa = table + ((va >> lshift) & ((uint64_t{1} << bits) - 1)) * 8;
    uint64_t d = 0;
    if (!read(desc_ipa, d)) {
      res.ipa = desc_ipa;
      return fault(Stage1Result::Fault::TableRead, level);
    }
    if (!(d & 1)) return fault(Stage1Result::Fault::Translation, level);
    const bool is_table = level < 3 && (d & 2);
    if (level == 3 && !(d & 2)) return fault(Stage1Result::Fault::Translation, level);  // reserved
    if (!is_table && level < 3 && !block_allowed(shift, level))
      return fault(Stage1Result::Fault::Translation, level);
    const uint64_t oa = d & kOaMask & ~((uint64_t{1} << shift) - 1);
    if (oa >> oa_bits) return fault(Stage1Result::Fault::AddressSize, level);
    if (is_table) {
      t_pxn |= (d >> 59) & 1;
      t_uxn |= (d >> 60) & 1;
      t_no_el0 |= (d >> 61) & 1;
      t_ro |= (d >> 62) & 1;
      table = oa;
      continue;
    }
    if (!(d & (uint64_t{1} << 10))) return fault(Stage1Result::Fault::AccessFlag, level);
    // AP[2:1] (D8.4.1): AP[2] read-only, AP[1] EL0 access. EL0 execution follows UXN alone
    // (execute-only memory); EL1 never executes what EL0 may write; SCTLR_EL1.WXN makes what
    // is writable at an EL execute-never there; PSTATE.PAN denies EL1 data access to what EL0
    // may access.
    const bool ro = ((d >> 7) & 1) || t_ro;
    const bool el0_access = ((d >> 6) & 1) && !t_no_el0;
    const bool uxn = ((d >> 54) & 1) || t_uxn, pxn = ((d >> 53) & 1) || t_pxn;
    const bool wxn = (r.sctlr >> 19) & 1;
    const uint32_t data = kRead | (ro ? 0u : uint32_t{kWrite});
    if (el0) {
      if (el0_access) res.perms |= data;
      if (!uxn && !(wxn && el0_access && !ro)) res.perms |= kExec;
    } else {
      if (!(r.pan && el0_access)) res.perms |= data;
      if (!pxn && !(el0_access && !ro) && !(wxn && !ro)) res.perms |= kExec;
    }
    const uint32_t need = fetch ? kExec : write ? kWrite : kRead;
    if (!(res.perms & need)) return fault(Stage1Result::Fault::Permission, level);
    const uint64_t block_mask = (uint64_t{1} << lshift) - 1;
    res.ipa = (oa & ~block_mask) | (va & block_mask);
    res.level = level;
    return res;
  }
}

}  // namespace cpu
