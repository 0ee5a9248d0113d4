// VMSAv8-64 stage-2 translation geometry of one translation granule (4, 16 or 64 KiB), and the
// VTCR_EL2 fields that select it (TG0, SL0/SL2, T0SZ). One declaration shared by the RMM's RTTs
// (every RTT command, its walks), the CPU's stage-2 walk of a realm (decoded from the realm's
// VTCR) and the host's choice of a realm's starting level.
//
// A table is one granule of 8-byte entries: 2^(g-3) entries, each level resolving g-3 bits.
// Level l's entry maps 2^(g + (g-3)(3-l)) bytes: 4K 12+9(3-l), 16K 14+11(3-l), 64K 16+13(3-l).
// Levels run from the start level to 3 (page). Start levels (without LPA2): 4K 0..3, 16K 0..3
// (level 0 resolves 1 bit of a 48-bit IPA), 64K 1..3. Blocks: 4K at levels 1 (1 GiB) and 2
// (2 MiB); 16K and 64K at level 2 only (32 MiB, 512 MiB) - their level-1 blocks need 52-bit
// output addresses (LPA2 / FEAT_LPA), which the RMM does not offer with these granules. The
// starting level may be up to 16 concatenated tables (4 more bits).
#pragma once
#include <cstdint>
#include <optional>

namespace platform::s2 {

constexpr int kPageLevel = 3;
constexpr unsigned kMaxRootTables = 16;

struct Geometry {
  unsigned granule_shift = 12;  // 12, 14 or 16

  constexpr uint64_t granule() const { return uint64_t{1} << granule_shift; }
  constexpr unsigned bits_per_level() const { return granule_shift - 3; }
  constexpr unsigned entries() const { return 1u << bits_per_level(); }
  constexpr unsigned level_shift(int level) const {
    return granule_shift + bits_per_level() * static_cast<unsigned>(3 - level);
  }
  constexpr uint64_t entry_size(int level) const { return uint64_t{1} << level_shift(level); }
  constexpr bool aligned(uint64_t addr, int level) const { return (addr & (entry_size(level) - 1)) == 0; }
  // Index of `ipa` in a (single) table of `level`.
  constexpr unsigned table_index(uint64_t ipa, int level) const {
    return static_cast<unsigned>((ipa >> level_shift(level)) & (entries() - 1));
  }
  // The shallowest start level: 4K and 16K level 0 (-1 with LPA2, 4K only here), 64K level 1.
  constexpr int min_start_level(bool lpa2) const {
    if (granule_shift == 16) return 1;
    return lpa2 && granule_shift == 12 ? -1 : 0;
  }
  // The shallowest level that may hold a block: 4K level 1, 16K and 64K level 2.
  constexpr int min_block_level() const { return granule_shift == 12 ? 1 : 2; }
  constexpr bool block_level(int level) const { return level >= min_block_level() && level < kPageLevel; }

  // Concatenated starting-level tables for an IPA width and start level, or 0 when the pair is
  // not a stage-2 configuration: the start level resolves at least one bit and at most
  // bits_per_level + 4 (16 tables).
  constexpr unsigned num_root_tables(unsigned ipa_bits, int start_level) const {
    if (start_level < -1 || start_level > kPageLevel) return 0;
    const unsigned below = level_shift(start_level);  // bits resolved below the start level
    if (ipa_bits <= below) return 0;
    const unsigned at = ipa_bits - below;             // bits the start level resolves
    if (at > bits_per_level() + 4) return 0;
    return at <= bits_per_level() ? 1u : 1u << (at - bits_per_level());
  }
  // The start level KVM picks for `ipa_bits` (kvm_stage2_levels: as few levels as 16
  // concatenated tables allow).
  constexpr int start_level_for(unsigned ipa_bits) const {
    return 4 - static_cast<int>((ipa_bits - 8) / bits_per_level());
  }
  friend constexpr bool operator==(Geometry a, Geometry b) { return a.granule_shift == b.granule_shift; }
};

constexpr Geometry k4K{12}, k16K{14}, k64K{16};

// The geometry of a granule size in bytes (4096, 16384, 65536), or nullopt.
constexpr std::optional<Geometry> geometry_of(uint64_t granule_bytes) {
  if (granule_bytes == 4096) return k4K;
  if (granule_bytes == 16384) return k16K;
  if (granule_bytes == 65536) return k64K;
  return std::nullopt;
}

// VTCR_EL2 (Arm ARM D23.2): T0SZ[5:0], SL0[7:6], TG0[15:14], SL2[33] (4K with DS only).
namespace vtcr {
constexpr unsigned kT0szShift = 0, kSl0Shift = 6, kTg0Shift = 14, kSl2Shift = 33;
// TG0: 0b00 4K, 0b01 64K, 0b10 16K.
constexpr uint64_t tg0(Geometry g) { return g.granule_shift == 12 ? 0 : g.granule_shift == 16 ? 1 : 2; }
// SL0 of a start level: 4K 2 - l (0b11 = level 3), 16K and 64K 3 - l; 4K level -1 is SL2 = 1
// with SL0 = 0. nullopt for a level the granule cannot start at (64K level 0).
constexpr std::optional<uint64_t> sl0(Geometry g, int level) {
  if (level < g.min_start_level(true) || level > kPageLevel) return std::nullopt;
  if (g.granule_shift == 12) return level == 3 ? 3 : level == -1 ? 0 : static_cast<uint64_t>(2 - level);
  return static_cast<uint64_t>(3 - level);
}
// The VTCR_EL2 translation fields of a realm's stage 2 (the RMM's realm_vtcr), or nullopt.
constexpr std::optional<uint64_t> encode(Geometry g, unsigned ipa_bits, int start_level) {
  const auto s = sl0(g, start_level);
  if (!s || ipa_bits < 16 || ipa_bits > 52) return std::nullopt;
  return uint64_t{64 - ipa_bits} << kT0szShift | *s << kSl0Shift | tg0(g) << kTg0Shift |
         uint64_t{start_level == -1} << kSl2Shift;
}
// What a stage-2 walk reads from VTCR_EL2.
struct Walk {
  Geometry geometry;
  int start_level = 0;
  unsigned ipa_bits = 0;
  unsigned num_root = 1;  // concatenated start tables (from T0SZ and SL0)
};
// nullopt for a reserved TG0, an SL0 the granule does not define, or a T0SZ inconsistent with
// SL0 (the walk's level-0 translation fault).
constexpr std::optional<Walk> decode(uint64_t v) {
  Walk w;
  const uint64_t tg = v >> kTg0Shift & 3, s = v >> kSl0Shift & 3;
  if (tg == 3) return std::nullopt;
  w.geometry = tg == 0 ? k4K : tg == 1 ? k64K : k16K;
  if (w.geometry.granule_shift == 12) w.start_level = v >> kSl2Shift & 1 ? (s == 0 ? -1 : -2) : s == 3 ? 3 : 2 - static_cast<int>(s);
  else w.start_level = 3 - static_cast<int>(s);
  if (w.start_level < w.geometry.min_start_level(true)) return std::nullopt;
  w.ipa_bits = 64 - static_cast<unsigned>(v >> kT0szShift & 0x3F);
  w.num_root = w.geometry.num_root_tables(w.ipa_bits, w.start_level);
  if (w.num_root == 0) return std::nullopt;
  return w;
}
}  // namespace vtcr

}  // namespace platform::s2
