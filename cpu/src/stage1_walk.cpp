// stage1_walk: see stage1_walk.h. Arm ARM D8 (VMSAv8-64 translation), 4 KiB granule only.
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

Stage1Result stage1_walk(const Stage1Regs& r, uint64_t va, bool write, bool fetch, bool el0,
                         const DescriptorRead& read) {
  Stage1Result res;
  if (!(r.sctlr & 1)) {  // SCTLR_EL1.M
    res.mmu_off = true;
    res.ipa = va;
    res.perms = kRead | kWrite | kExec;
    return res;
  }
  bool upper = (va >> 63) & 1;
  unsigned tsz = upper ? (r.tcr >> 16) & 0x3f : r.tcr & 0x3f;
  unsigned tg = upper ? (r.tcr >> 30) & 3 : (r.tcr >> 14) & 3;
  bool epd = upper ? (r.tcr >> 23) & 1 : (r.tcr >> 7) & 1;
  bool granule_4k = upper ? tg == 2 : tg == 0;
  if (!granule_4k) {
    res.fault = Stage1Result::Fault::Unsupported;
    return res;
  }
  unsigned va_bits = 64 - tsz;
  // The VA must be all-zero (TTBR0) or all-one (TTBR1) above va_bits: else level-0 fault.
  uint64_t top = va_bits >= 64 ? 0 : va >> va_bits;
  uint64_t want = upper ? (~uint64_t{0} >> va_bits) : 0;
  if (epd || tsz < 16 || tsz > 39 || top != want) {
    res.fault = Stage1Result::Fault::Translation;
    res.level = 0;
    return res;
  }
  unsigned levels = (va_bits - 12 + 8) / 9;
  int level = 4 - static_cast<int>(levels);
  uint64_t table = (upper ? r.ttbr1 : r.ttbr0) & 0x0000fffffffffffeull;
  for (;; ++level) {
    unsigned shift = 12 + 9 * (3 - level);
    unsigned bits = level == 4 - static_cast<int>(levels) ? va_bits - shift : 9;
    uint64_t index = (va >> shift) & ((1ull << bits) - 1);
    uint64_t desc_ipa = (table & ~0xfffull) + index * 8;
    uint64_t d = 0;
    if (!read(desc_ipa, d)) {
      res.fault = Stage1Result::Fault::TableRead;
      res.level = level;
      res.ipa = desc_ipa;
      return res;
    }
    res.level = level;
    if (!(d & 1) || (level == 3 && !(d & 2)) || (level == 0 && !(d & 2))) {
      res.fault = Stage1Result::Fault::Translation;
      return res;
    }
    uint64_t out = d & 0x0000fffffffff000ull;
    if (level < 3 && (d & 2)) {  // table
      table = out;
      continue;
    }
    // Block (level 1 or 2) or page (level 3).
    uint64_t block_mask = (1ull << shift) - 1;
    if (!(d & (1ull << 10))) {
      res.fault = Stage1Result::Fault::AccessFlag;
      return res;
    }
    // AP[2:1] (D8.4.1): AP[2] read-only, AP[1] EL0 access. UXN/PXN; EL1 never executes what
    // EL0 may write, and SCTLR_EL1.WXN makes every writable page execute-never.
    unsigned ap = (d >> 6) & 3;
    bool ro = ap & 2, el0_ok = ap & 1;
    bool xn = el0 ? (d >> 54) & 1 : ((d >> 53) & 1) || (el0_ok && !ro);
    if (!el0 || el0_ok) res.perms = kRead | (ro ? 0u : uint32_t{kWrite});
    if ((r.sctlr >> 19) & 1 && (res.perms & kWrite)) xn = true;
    if (!xn && (!el0 || el0_ok)) res.perms |= kExec;
    const uint32_t need = fetch ? kExec : write ? kWrite : kRead;
    if (!(res.perms & need)) {
      res.fault = Stage1Result::Fault::Permission;
      return res;
    }
    res.ipa = (out & ~block_mask) | (va & block_mask);
    return res;
  }
}

}  // namespace cpu
