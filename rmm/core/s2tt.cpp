#include "core/s2tt.h"

namespace rmm::s2tt {

uint64_t oa_mask(const Geometry& g, int level, bool lpa2) {
  // OA bits above the level's entry size, up to bit 47 (bit 49 with LPA2).
  const unsigned top = lpa2 ? 50 : 48;
  const uint64_t all = (uint64_t{1} << top) - 1;
  return all & ~(g.entry_size(level) - 1);
}

uint64_t encode_oa(uint64_t pa, bool lpa2) {
  if (!lpa2) return pa & ((uint64_t{1} << 48) - 1) & ~uint64_t{0xFFF};
  // LPA2: OA[49:12] in place, OA[51:50] in descriptor bits [9:8].
  return (pa & ((uint64_t{1} << 50) - 1) & ~uint64_t{0xFFF}) | (((pa >> 50) & 0x3) << 8);
}

uint64_t decode_oa(const Geometry& g, uint64_t desc, int level, bool lpa2) {
  uint64_t pa = desc & oa_mask(g, level, lpa2);
  if (lpa2) pa |= ((desc >> 8) & 0x3) << 50;
  return pa;
}

namespace {
uint64_t invalid(uint64_t hipas, Ripas r) {
  return (hipas << kHipasShift) | (static_cast<uint64_t>(r) << kRipasShift);
}
// The attributes the RMM gives protected RAM: Normal WB, RW, inner shareable, accessed.
uint64_t ram_attrs(bool lpa2) { return kMemAttrNormalWb | kS2apRw | (lpa2 ? 0 : kShInner) | kAf; }
}  // namespace

uint64_t encode(const Entry& e, int level, bool lpa2) {
  const uint64_t valid = level == kPageLevel ? kDescPageOrTable : kDescBlock;
  switch (e.type) {
    case Type::UnassignedEmpty: return invalid(kHipasUnassigned, Ripas::Empty);
    case Type::UnassignedRam: return invalid(kHipasUnassigned, Ripas::Ram);
    case Type::UnassignedDestroyed: return invalid(kHipasUnassigned, Ripas::Destroyed);
    case Type::AssignedEmpty: return invalid(kHipasAssigned, Ripas::Empty) | encode_oa(e.oa, lpa2);
    case Type::AssignedDestroyed: return invalid(kHipasAssigned, Ripas::Destroyed) | encode_oa(e.oa, lpa2);
    case Type::AssignedRam: return valid | ram_attrs(lpa2) | encode_oa(e.oa, lpa2);
    case Type::UnassignedNs: return kNs;
    case Type::AssignedNs:
      return valid | (e.ns_attrs & host_attr_mask(lpa2)) | kAf | kXn | kNs | encode_oa(e.oa, lpa2);
    case Type::Table: return kDescPageOrTable | encode_oa(e.oa, lpa2);
    case Type::Invalid: break;
  }
  return 0x7 << kHipasShift;  // a HIPAS value the RMM never uses
}

Entry decode(const Geometry& g, uint64_t desc, int level, bool lpa2) {
  Entry e;
  const uint64_t d = desc & kDescMask;
  const bool ns = desc & kNs;
  if (d == kDescInvalid) {
    const uint64_t hipas = (desc & kHipasMask) >> kHipasShift;
    const uint64_t ripas = (desc & kRipasMask) >> kRipasShift;
    if (ns) {
      e.type = hipas == kHipasUnassigned ? Type::UnassignedNs : Type::Invalid;
      return e;
    }
    if (ripas > 2 || hipas > kHipasAssigned) return e;
    if (hipas == kHipasUnassigned) {
      e.type = unassigned_with(static_cast<Ripas>(ripas));
    } else {
      e.type = assigned_with(static_cast<Ripas>(ripas));
      if (e.type == Type::AssignedRam) return Entry{};  // RAM is always a valid descriptor
      e.oa = decode_oa(g, desc, level, lpa2);
    }
    return e;
  }
  if (d == kDescPageOrTable && level < kPageLevel) {
    e.type = Type::Table;
    e.oa = decode_oa(g, desc, kPageLevel, lpa2);
    return e;
  }
  if (d == kDescBlock && !g.block_level(level)) return e;
  e.oa = decode_oa(g, desc, level, lpa2);
  if (ns) {
    e.type = Type::AssignedNs;
    e.ns_attrs = desc & host_attr_mask(lpa2);
  } else {
    e.type = Type::AssignedRam;
  }
  return e;
}

Ripas ripas_of(Type t) {
  switch (t) {
    case Type::UnassignedRam: case Type::AssignedRam: return Ripas::Ram;
    case Type::UnassignedDestroyed: case Type::AssignedDestroyed: return Ripas::Destroyed;
    default: return Ripas::Empty;
  }
}

Type unassigned_with(Ripas r) {
  switch (r) {
    case Ripas::Empty: return Type::UnassignedEmpty;
    case Ripas::Ram: return Type::UnassignedRam;
    case Ripas::Destroyed: return Type::UnassignedDestroyed;
  }
  return Type::Invalid;
}

Type assigned_with(Ripas r) {
  switch (r) {
    case Ripas::Empty: return Type::AssignedEmpty;
    case Ripas::Ram: return Type::AssignedRam;
    case Ripas::Destroyed: return Type::AssignedDestroyed;
  }
  return Type::Invalid;
}

const char* to_string(Type t) {
  switch (t) {
    case Type::UnassignedEmpty: return "unassigned_empty";
    case Type::UnassignedRam: return "unassigned_ram";
    case Type::UnassignedDestroyed: return "unassigned_destroyed";
    case Type::AssignedEmpty: return "assigned_empty";
    case Type::AssignedRam: return "assigned_ram";
    case Type::AssignedDestroyed: return "assigned_destroyed";
    case Type::UnassignedNs: return "unassigned_ns";
    case Type::AssignedNs: return "assigned_ns";
    case Type::Table: return "table";
    case Type::Invalid: return "invalid";
  }
  return "?";
}

}  // namespace rmm::s2tt
