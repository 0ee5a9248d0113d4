// GPC configuration: GPCCR_EL3 and GPTBR_EL3 decoded, validated and turned into geometry.
//
// The fields hold register values as programmed, even invalid ones, because an invalid
// GPCCR_EL3 is not refused by the register: it makes every check a GPT walk fault at level 0
// (GPC priority 1). validate() says what is wrong; the check applies the same rules.
#pragma once
#include <cstdint>
#include <string>

namespace gpt {

// GPCCR_EL3.PGS encodings (note the order: 64 KiB is 1, 16 KiB is 2; 3 is reserved).
enum class Pgs : uint8_t { K4 = 0, K64 = 1, K16 = 2 };

// Lookup tables at namespace scope: a function-local constexpr array may be rebuilt on the
// stack at every call, and these sit on the GPC hot path.
inline constexpr uint8_t kPpsBits[8] = {32, 36, 40, 42, 44, 48, 52, 0};
inline constexpr uint8_t kL0gptszBits[16] = {30, 0, 0, 0, 34, 0, 36, 0, 0, 39, 0, 0, 0, 0, 0, 0};
inline constexpr uint8_t kPgsBits[4] = {12, 16, 14, 0};

// Bits of PA for a PPS (or ID_AA64MMFR0_EL1.PARANGE) encoding, or 0 if reserved.
constexpr unsigned pps_bits(uint8_t pps) { return pps < 8 ? kPpsBits[pps] : 0; }
// Bits an L0 entry covers for an L0GPTSZ encoding (0, 4, 6, 9), or 0 if reserved.
constexpr unsigned l0gptsz_bits(uint8_t l0gptsz) {
  return l0gptsz < 16 ? kL0gptszBits[l0gptsz] : 0;
}
// PGS bits (12, 16, 14), or 0 for the reserved encoding.
constexpr unsigned pgs_bits(Pgs pgs) {
  const uint8_t v = static_cast<uint8_t>(pgs);
  return v < 4 ? kPgsBits[v] : 0;
}

// GPCCR_EL3 field positions.
namespace gpccr {
constexpr unsigned kPpsShift = 0, kIrgnShift = 8, kOrgnShift = 10, kShShift = 12,
                   kPgsShift = 14, kGpcShift = 16, kL0gptszShift = 20;
}  // namespace gpccr
// GPTBR_EL3.BADDR: PA[51:12] of the L0 table.
constexpr uint64_t kGptbrBaddrMask = 0xFF'FFFF'FFFFull;

struct GpcConfig {
  uint8_t pps = 2;        // GPCCR_EL3.PPS: 0..6 -> 32,36,40,42,44,48,52 PA bits
  Pgs pgs = Pgs::K4;      // granule size
  uint8_t l0gptsz = 0;    // GPCCR_EL3.L0GPTSZ: 0,4,6,9 -> 30,34,36,39 bits per L0 entry
  bool enabled = false;   // GPCCR_EL3.GPC
  uint64_t l0_base = 0;   // L0 table PA (GPTBR_EL3.BADDR << 12)
  // Attributes of GPT fetches. They do not change what a walk reads here, but some
  // combinations are invalid configurations. Defaults are what TF-A programs.
  uint8_t sh = 3;         // GPCCR_EL3.SH: 0 Non-shareable, 2 Outer, 3 Inner (1 reserved)
  uint8_t irgn = 1;       // GPCCR_EL3.IRGN: 0 NC, 1 WB-RA-WA, 2 WT-RA-nWA, 3 WB-RA-nWA
  uint8_t orgn = 1;       // GPCCR_EL3.ORGN: same encoding
  uint8_t parange = 6;    // ID_AA64MMFR0_EL1.PARANGE of the requester: PPS above it is invalid

  // Geometry in bits, as the architecture names them: t (protected PA size), s (L0 entry
  // coverage), p (granule size). 0 for a reserved encoding.
  unsigned t() const { return pps_bits(pps); }
  unsigned s() const { return l0gptsz_bits(l0gptsz); }
  unsigned p() const { return pgs_bits(pgs); }
  uint64_t granule_size() const { return uint64_t{1} << p(); }
  // 2^(t-s), at least 1 (s >= t: one entry).
  uint64_t l0_entries() const { return t() > s() ? uint64_t{1} << (t() - s()) : 1; }
  // l0_entries * 8, at least 4 KiB; also the L0 table's alignment.
  uint64_t l0_table_bytes() const {
    return t() > s() + 9 ? uint64_t{1} << (t() - s() + 3) : 4096;
  }
  // One L1 table covering 2^s bytes: 2^(s-p-4) entries * 8 = 2^(s-p-1) bytes; also the
  // alignment the L0 table descriptor's address must have.
  uint64_t l1_table_bytes() const { return uint64_t{1} << (s() - p() - 1); }
  // Bytes of an L1 table that PAs below 2^t can reach: l1_table_bytes() unless s > t.
  uint64_t l1_used_bytes() const { return uint64_t{1} << ((s() < t() ? s() : t()) - p() - 1); }
  // Bytes one L1 entry covers (16 granules).
  uint64_t l1_entry_span() const { return granule_size() * 16; }

  // Register images.
  uint64_t gpccr() const;
  uint64_t gptbr() const { return (l0_base >> 12) & kGptbrBaddrMask; }

  // Decodes register images into `out`, keeping invalid values (see top of file). Returns
  // false and explains in `err` when the result is not a valid configuration.
  static bool decode(uint64_t gpccr, uint64_t gptbr, GpcConfig& out, std::string* err);

  // The GPC priority 1 rules (R_GMGRR, R_JWCSM): PPS reserved or above PARANGE, PGS
  // reserved, L0GPTSZ reserved, SH reserved, or SH Non/Inner-shareable with both IRGN and
  // ORGN Non-cacheable. The hot path form:
  bool valid() const {
    if (t() == 0 || pps > parange || p() == 0 || s() == 0) return false;
    if (sh == 1 || sh > 3) return false;
    if (sh != 2 && irgn == 0 && orgn == 0) return false;
    return true;
  }
  // Returns an empty string when valid, else what is wrong.
  std::string validate() const;
};

// A GpcConfig prepared for the hot path: validated once, every shift, mask and base the
// walk needs precomputed (deriving them per check costs about as much as the rest of a
// warm walk). It is a snapshot: build a new one whenever the configuration changes, as a
// GPC unit does when GPCCR_EL3 / GPTBR_EL3 are programmed.
struct GpcGeometry {
  GpcGeometry() = default;  // GPC disabled
#if defined(__GNUC__)
  __attribute__((always_inline))  // the GpcConfig forms of the check build one per call
#endif
  explicit GpcGeometry(const GpcConfig& cfg) {
    enabled = cfg.enabled;
    valid = cfg.valid();
    if (!valid) return;
    t = static_cast<uint8_t>(cfg.t());
    s = static_cast<uint8_t>(cfg.s());
    p = static_cast<uint8_t>(cfg.p());
    l0_range_bits = s < t ? s : t;
    pps_mask = (uint64_t{1} << t) - 1;
    l0_base_in_pps = (cfg.l0_base & ~pps_mask) == 0;
    // GPTBR_EL3.BADDR bits below the L0 table's size are RES0 but not a configuration
    // error: the table is read as if they were zero.
    l0_base = cfg.l0_base & ~(cfg.l0_table_bytes() - 1);
    l1_index_mask = (uint64_t{1} << (s - p - 4)) - 1;
    l1_base_bad = ~pps_mask | (cfg.l1_table_bytes() - 1);
  }

  bool enabled = false;         // GPCCR_EL3.GPC
  bool valid = false;           // the GPC priority 1 rules hold (else: walk fault L0)
  bool l0_base_in_pps = false;  // GPTBR_EL3 inside the PPS (else: address size fault L0)
  uint8_t t = 0, s = 0, p = 0;  // as GpcConfig::t(), s(), p()
  uint8_t l0_range_bits = 0;    // what an L0 entry covers below 2^t: min(s, t)
  uint64_t pps_mask = 0;        // 2^t - 1
  uint64_t l0_base = 0;         // the L0 table, GPTBR's RES0 low bits cleared
  uint64_t l1_index_mask = 0;   // 2^(s-p-4) - 1: L1 index = (pa >> (p+4)) & mask
  uint64_t l1_base_bad = 0;     // bits an L1 table address must not have: ~pps_mask |
                                // (table size - 1)
};

}  // namespace gpt
