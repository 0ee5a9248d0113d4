// The SMMU's translation table walks (VMSAv8-64, 4 KiB granule, as Arm DDI 0487 D8 describes
// them): stage 1 from a CD's TTB0, stage 2 from an STE's S2TTB, and stage 1 nested in stage 2
// (every stage-1 table address is an IPA that stage 2 translates first). Each descriptor is
// fetched through the SMMU's GPC unit, timed like any other SMMU-originated read.
#include "platform/devices/smmuv3/smmuv3.h"

namespace platform::smmuv3 {

namespace {
constexpr unsigned level_shift(int level) { return 12 + 9 * (3 - level); }
}  // namespace

Smmuv3::WalkResult Smmuv3::walk(uint64_t root, int level, unsigned ia_bits, uint64_t in, bool stage2, bool affd,
                                const TableIpa& table_ipa, Delay& delay) {
  using Kind = WalkResult::Kind;
  WalkResult r;
  r.stage2 = stage2;
  if (ia_bits < 64 && (in >> ia_bits)) {  // beyond the input range: a translation fault
    r.kind = Kind::Translation;
    return r;
  }
  uint64_t table = root;
  for (int lvl = level;; ++lvl) {
    const unsigned shift = level_shift(lvl);
    // The start level may be several concatenated tables (stage 2): its index is not masked.
    const uint64_t index = lvl == level ? (in >> shift) : ((in >> shift) & 511);
    uint64_t entry = table + index * 8;
    if (table_ipa && !table_ipa(entry, entry, r)) return r;
    uint64_t d = 0;
    ++stats_.walk_reads;
    const Access a = access(entry, &d, 8, false, delay);
    if (!a.ok()) {
      r.kind = Kind::FetchAbort;
      r.fetch = a;
      r.fetch_addr = entry;
      return r;
    }
    if (!(d & desc::kValid)) {
      r.kind = Kind::Translation;
      return r;
    }
    const bool table_desc = d & desc::kTable;
    if (lvl < 3 && table_desc) {
      table = d & desc::kOaMask;
      continue;
    }
    // A block at levels 1 and 2, a page at level 3; anything else is a translation fault
    // (level-0 blocks do not exist with 4 KiB granules, a level-3 descriptor needs bit 1).
    if (lvl == 0 || (lvl == 3 && !table_desc)) {
      r.kind = Kind::Translation;
      return r;
    }
    if (!(d & desc::kAf) && !affd) {
      r.kind = Kind::AccessFlag;
      return r;
    }
    const uint64_t span = uint64_t{1} << shift;
    r.oa = ((d & desc::kOaMask) & ~(span - 1)) | (in & (span - 1) & ~uint64_t{0xFFF});
    if (stage2) {
      r.readable = d & desc::kS2apRead;
      r.writable = d & desc::kS2apWrite;
    } else {
      r.readable = true;  // device accesses are privileged data accesses (PnU 0)
      r.writable = !(d & desc::kS1ApRo);
    }
    return r;
  }
}

Smmuv3::WalkResult Smmuv3::walk_stage2(const Ste& ste, uint64_t ipa, uint8_t clss, Delay& delay) {
  WalkResult r = walk(ste.s2_ttb, 2 - ste.s2_sl0, 64 - ste.s2_t0sz, ipa, true, ste.s2_affd, nullptr, delay);
  r.ipa = ipa;
  r.clss = clss;
  return r;
}

Smmuv3::WalkResult Smmuv3::walk_stage1(const Ste& ste, const Cd& cd, uint64_t va, Delay& delay) {
  const unsigned ia = 64 - cd.t0sz;
  if (cd.epd0) {  // TTB0 walks disabled: a translation fault without a walk
    WalkResult r;
    r.kind = WalkResult::Kind::Translation;
    return r;
  }
  const int level = 4 - static_cast<int>((ia - 12 + 8) / 9);
  TableIpa nested;
  if (ste.config & 2) {
    nested = [&](uint64_t ipa, uint64_t& pa, WalkResult& fault) {
      const WalkResult w = walk_stage2(ste, ipa, kClassTt, delay);
      if (w.kind != WalkResult::Kind::Ok || !w.readable) {
        fault = w;
        if (fault.kind == WalkResult::Kind::Ok) fault.kind = WalkResult::Kind::Permission;
        return false;
      }
      pa = w.oa | (ipa & 0xFFF);
      return true;
    };
  }
  return walk(cd.ttb0, level, ia, va, false, cd.affd, nested, delay);
}

}  // namespace platform::smmuv3
