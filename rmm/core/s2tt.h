// Stage-2 translation tables (RTTs) in the architectural VMSAv8-64 format, of the realm's
// translation granule, as the RMM keeps them in Realm-PAS memory, plus the RMM's software encodings of invalid
// entries (TF-RMM's s2tte layout, see ../shared/reference/rmm-abi.md section 7):
//
//   DESC[1:0]   0 invalid, 1 block (Geometry::block_level), 3 page (level 3) or table (levels < 3)
//   HIPAS[4:2]  invalid entries only: 0 UNASSIGNED, 1 ASSIGNED
//   RIPAS[6:5]  invalid protected entries only: 0 EMPTY, 1 RAM, 2 DESTROYED
//   NS[55]      the entry maps (or would map) the unprotected half: Non-secure output
//   valid page/block: OA[47:granule shift] (LPA2: OA[49:12] + OA[51:50] in bits [9:8]), MemAttr[5:2],
//                     S2AP[7:6], SH[9:8] (not with LPA2), AF[10], XN[54:53]
//
// The geometry of the realm's translation granule (its RMI granule: 4 KiB under RMM 1.0, the
// RMM_CONFIG_SET size under 2.0) is platform/s2_geometry.h: entries per table, level shifts,
// start levels, block levels, concatenated start tables.
#pragma once
#include <cstdint>

#include "platform/s2_geometry.h"

namespace rmm::s2tt {

using Geometry = platform::s2::Geometry;
using platform::s2::kMaxRootTables;
using platform::s2::kPageLevel;

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
uint64_t oa_mask(const Geometry& g, int level, bool lpa2);
uint64_t encode_oa(uint64_t pa, bool lpa2);
uint64_t decode_oa(const Geometry& g, uint64_t desc, int level, bool lpa2);

uint64_t encode(const Entry& e, int level, bool lpa2);
// A block descriptor at a level `g` has no blocks at decodes as Invalid.
Entry decode(const Geometry& g, uint64_t desc, int level, bool lpa2);

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
