// The linear Stream table and Context Descriptors (IHI 0070 §3.3, §5.2, §5.4): fetch through
// the SMMU's GPC unit, validity checks (C_BAD_STE, C_BAD_CD), and the configuration cache that
// keeps what was fetched until CMD_CFGI_* invalidates it.
#include <array>

#include "platform/devices/smmuv3/smmuv3.h"

namespace platform::smmuv3 {

namespace {
// Input sizes a 4 KiB-granule walk may start with at `level` (with up to 16 concatenated
// tables at stage 2): 12 + 9 * (4 - level) bits, plus 4 for concatenation.
bool s2_geometry_ok(unsigned ia_bits, int level) {
  const unsigned below = 12 + 9 * (3 - level);  // bits resolved below the start level
  return ia_bits > below && ia_bits <= below + 9 + 4;
}
}  // namespace

bool Smmuv3::fetch_structure(uint64_t addr, std::array<uint64_t, 8>& d, EventType type, uint32_t sid, Fault& f,
                             Delay& delay, const sc_core::sc_time& now) {
  static_assert(kSteBytes == sizeof d && kCdBytes == sizeof d, "STEs and CDs are 64 bytes");
  const Access a = access(addr, d.data(), sizeof d, false, delay);
  if (a.ok()) return true;
  fetch_failed(a, sid, type, addr, f, now);
  return false;
}

bool Smmuv3::config_error(Fault& f, EventType type, uint32_t sid) {
  f.abort = true;
  f.event.type = static_cast<uint8_t>(type);
  f.event.sid = sid;
  return false;
}

bool Smmuv3::ste_is_valid(const Ste& s) {
  if (!s.valid) return false;
  switch (static_cast<SteConfig>(s.config)) {
    case SteConfig::Abort:
    case SteConfig::Bypass: return true;
    case SteConfig::Stage1:
    case SteConfig::Stage2:
    case SteConfig::Nested: break;
    default: return false;  // 0b001-0b011 reserved
  }
  const bool s1 = s.config & 1, s2 = s.config & 2;
  // Stage 1: a single CD (S1Fmt linear with S1CDMax 0).
  if (s1 && (s.s1_fmt != 0 || s.s1_cd_max != 0)) return false;
  if (s2) {
    // Stage 2: AArch64 tables, 4 KiB granule, a start level consistent with S2T0SZ, an
    // output size the SMMU has (S2PS <= OAS).
    if (!s.s2_aa64 || s.s2_tg != 0 || s.s2_sl0 > 2 || s.s2_ps > IDR5_OAS_48) return false;
    const unsigned ia = 64 - s.s2_t0sz;
    if (s.s2_t0sz < 16 || !s2_geometry_ok(ia, 2 - s.s2_sl0)) return false;
  }
  return true;
}

bool Smmuv3::cd_is_valid(const Cd& c) {
  // AArch64 CDs with a 4 KiB TTB0 granule and a 25- to 48-bit input range.
  return c.valid && c.aa64 && c.tg0 == 0 && c.t0sz >= 16 && c.t0sz <= 39 && c.ips <= IDR5_OAS_48;
}

bool Smmuv3::ste_for(uint32_t sid, Ste& ste, Fault& f, Delay& delay, const sc_core::sc_time& now) {
  const unsigned log2size = strtab_base_cfg_ & STRTAB_CFG_LOG2SIZE_MASK;
  if (sid >> log2size || ((strtab_base_cfg_ >> STRTAB_CFG_FMT_SHIFT) & 3) != 0) {
    // Out of range (or a 2-level table, which this SMMU does not support: ST_LEVEL 0).
    if (cr2_ & CR2_RECINVSID) return config_error(f, EventType::C_BAD_STREAMID, sid);
    f.abort = true;
    return false;
  }
  if (auto it = ste_cache_.find(sid); it != ste_cache_.end()) {
    ste = it->second;
  } else {
    const uint64_t addr = (strtab_base_ & STRTAB_BASE_ADDR_MASK) + uint64_t{sid} * kSteBytes;
    std::array<uint64_t, 8> d{};
    ++stats_.ste_fetches;
    if (!fetch_structure(addr, d, EventType::F_STE_FETCH, sid, f, delay, now)) return false;
    ste = Ste::decode(d);
    if (!ste_is_valid(ste)) return config_error(f, EventType::C_BAD_STE, sid);  // not cached
    ste_cache_[sid] = ste;
  }
  return true;
}

bool Smmuv3::cd_for(uint32_t sid, const Ste& ste, Cd& cd, Fault& f, Delay& delay, const sc_core::sc_time& now) {
  if (auto it = cd_cache_.find({sid, 0}); it != cd_cache_.end()) {
    cd = it->second;
    return true;
  }
  // With stage 2 enabled, S1ContextPtr is an IPA: stage 2 translates it (CLASS CD).
  uint64_t addr = ste.s1_context_ptr;
  if (ste.config & 2) {
    const WalkResult w = walk_stage2(ste, addr, kClassCd, delay);
    if (w.kind == WalkResult::Kind::FetchAbort) {
      fetch_failed(w.fetch, sid, EventType::F_WALK_EABT, w.fetch_addr, f, now);
      f.event.clss = kClassCd;
      f.event.s2 = true;
      f.event.input_addr = addr;
      return false;
    }
    if (w.kind != WalkResult::Kind::Ok || !w.readable) {
      f.abort = true;
      f.event.type = static_cast<uint8_t>(w.kind == WalkResult::Kind::AccessFlag ? EventType::F_ACCESS
                                          : w.kind == WalkResult::Kind::Translation ? EventType::F_TRANSLATION
                                                                                    : EventType::F_PERMISSION);
      f.event.sid = sid;
      f.event.s2 = true;
      f.event.clss = kClassCd;
      f.event.rnw = true;
      f.event.input_addr = addr;
      f.event.ipa = addr;
      return false;
    }
    addr = w.oa | (addr & 0xFFF);
  }
  std::array<uint64_t, 8> d{};
  ++stats_.cd_fetches;
  if (!fetch_structure(addr, d, EventType::F_CD_FETCH, sid, f, delay, now)) return false;
  cd = Cd::decode(d);
  if (!cd_is_valid(cd)) return config_error(f, EventType::C_BAD_CD, sid);
  cd_cache_[{sid, 0}] = cd;
  return true;
}

}  // namespace platform::smmuv3
