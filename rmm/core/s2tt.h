// Stage-2 translation tables (RTTs) in the architectural VMSAv8-64 format, 4 KiB granule,
// as the RMM keeps them in Realm-PAS memory, plus the RMM's software encodings of invalid
// entries (TF-RMM's s2tte layout, see ../shared/reference/rmm-abi.md section 7):
//
//   DESC[1:0]   0 invalid, 1 block (levels 1-2), 3 page (level 3) or table (levels < 3)
//   HIPAS[4:2]  invalid entries only: 0 UNASSIGNED, 1 ASSIGNED
//   RIPAS[6:5]  invalid protected entries only: 0 EMPTY, 1 RAM, 2 DESTROYED
//   NS[55]      the entry maps (or would map) the unprotected half: Non-secure output
//   valid page/block: OA[47:12] (LPA2: OA[49:12] + OA[51:50] in bits [9:8]), MemAttr[5:2],
//                     S2AP[7:6], SH[9:8] (not with LPA2), AF[10], XN[54:53]
//
// A level's entry covers 2^(12 + 9 * (3 - level)) bytes; levels run from the realm's start
// level (-1 only with LPA2) to 3; the starting level may be up to 16 concatenated tables.
#pragma once
#include <cstdint>

namespace rmm::s2tt {

constexpr int kPageLevel = 3;
constexpr int kMinBlockLevel = 1;   // blocks at levels 1 and 2 with a 4 KiB granule
constexpr unsigned kEntriesPerTable = 512;
constexpr unsigned kMaxRootTables = 16;

constexpr unsigned level_shift(int level) { return 12 + 9 * (3 - level); }
constexpr uint64_t entry_size(int level) { return uint64_t{1} << level_shift(level); }
constexpr bool aligned(uint64_t addr, int level) { return (addr & (entry_size(level) - 1)) == 0; }
// Index of `ipa` in a (single) table of `level`.
constexpr unsigned table_index(uint64_t ipa, int level) {
  return static_cast<unsigned>((ipa >> level_shift(level)) & (kEntriesPerTable - 1));
}

// Number of concatenated starting-level tables for an IPA width and start level, or 0 when
// the pair is not a valid stage-2 configuration (the starting level must resolve at least one
// bit and at most 9 + 4 bits: up to 16 concatenated tables).
constexpr unsigned num_root_tables(unsigned ipa_bits, int start_level) {
  const unsigned below = level_shift(start_level);  // bits resolved below the start level
  if (ipa_bits <= below) return 0;
  const unsigned at = ipa_bits - below;             // bits the start level resolves
  if (at > 9 + 4) return 0;
  return at <= 9 ? 1u : 1u << (at - 9);
}

enum class Ripas : uint8_t { Empty = 0, Ram = 1, Destroyed = 2 };

// What an entry is, in the RMM's terms (the HIPAS x RIPAS combinations of the spec).
enum class Type : uint8_t {
  UnassignedEmpty, UnassignedRam, UnassignedDestroyed,
  AssignedEmpty, AssignedRam, AssignedDestroyed,
  UnassignedNs, AssignedNs,
  Table,
  Invalid,  // an encoding the RMM never writes (a model bug if ever read)
};

struct Entry {
  Type type = Type::Invalid;
  uint64_t oa = 0;         // output address (ASSIGNED*, TABLE)
  uint64_t ns_attrs = 0;   // host attributes of an ASSIGNED_NS entry (MemAttr, S2AP, SH)
};

// Descriptor bits.
constexpr uint64_t kDescMask = 0x3;
constexpr uint64_t kDescInvalid = 0x0;
constexpr uint64_t kDescBlock = 0x1;
constexpr uint64_t kDescPageOrTable = 0x3;
constexpr unsigned kHipasShift = 2;
constexpr uint64_t kHipasMask = uint64_t{0x7} << kHipasShift;
constexpr uint64_t kHipasUnassigned = 0;
constexpr uint64_t kHipasAssigned = 1;
constexpr unsigned kRipasShift = 5;
constexpr uint64_t kRipasMask = uint64_t{0x3} << kRipasShift;
constexpr uint64_t kNs = uint64_t{1} << 55;
constexpr uint64_t kAf = uint64_t{1} << 10;
constexpr uint64_t kXn = uint64_t{0x2} << 53;      // XN[54:53] = 0b10: not executable at EL1/EL0
constexpr uint64_t kMemAttrMask = uint64_t{0xF} << 2;
constexpr uint64_t kS2apMask = uint64_t{0x3} << 6;
constexpr uint64_t kShMask = uint64_t{0x3} << 8;
constexpr uint64_t kMemAttrNormalWb = uint64_t{0x6} << 2;  // FWB encoding: Normal Write-Back
constexpr uint64_t kS2apRw = uint64_t{0x3} << 6;
constexpr uint64_t kShInner = uint64_t{0x3} << 8;
// Host-controlled attributes of an unprotected entry (RTT_MAP_UNPROTECTED desc).
constexpr uint64_t host_attr_mask(bool lpa2) { return kMemAttrMask | kS2apMask | (lpa2 ? 0 : kShMask); }

// Output address field of a descriptor for `level`.
uint64_t oa_mask(int level, bool lpa2);
uint64_t encode_oa(uint64_t pa, bool lpa2);
uint64_t decode_oa(uint64_t desc, int level, bool lpa2);

uint64_t encode(const Entry& e, int level, bool lpa2);
Entry decode(uint64_t desc, int level, bool lpa2);

constexpr bool is_assigned(Type t) {
  return t == Type::AssignedEmpty || t == Type::AssignedRam || t == Type::AssignedDestroyed;
}
constexpr bool is_unassigned(Type t) {
  return t == Type::UnassignedEmpty || t == Type::UnassignedRam || t == Type::UnassignedDestroyed;
}
// Live entries: what the "top" results of DATA_DESTROY, RTT_DESTROY and RTT_UNMAP_UNPROTECTED
// skip to.
constexpr bool is_live(Type t) { return is_assigned(t) || t == Type::AssignedNs || t == Type::Table; }
// Entries counted in their RTT granule's refcount: protected mappings (each holds a DATA
// granule) and tables. ASSIGNED_NS entries hold nothing of the realm's and are not counted, so
// an RTT that only maps Non-secure memory may be destroyed (TF-RMM does the same).
constexpr bool holds_ref(Type t) { return is_assigned(t) || t == Type::Table; }
Ripas ripas_of(Type t);
Type unassigned_with(Ripas r);
Type assigned_with(Ripas r);
const char* to_string(Type t);

}  // namespace rmm::s2tt
