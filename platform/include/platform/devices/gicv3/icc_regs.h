// The GIC CPU interface system registers a PE's EL1 reaches with MRS/MSR (ICC_*_EL1, IHI0069
// 12.2), by encoding. With HCR_EL2.IMO/FMO set the same encodings reach the virtual CPU
// interface (ICV_*_EL1), so one decoder serves both.
#pragma once
#include <cstdint>
#include <optional>

namespace platform::gicv3 {

enum class IccReg : uint8_t {
  Pmr, Iar0, Eoir0, Hppir0, Bpr0, Ap0r0, Ap0r1, Ap0r2, Ap0r3, Ap1r0, Ap1r1, Ap1r2, Ap1r3,
  Dir, Rpr, Sgi1r, Asgi1r, Sgi0r, Iar1, Eoir1, Hppir1, Bpr1, Ctlr, Sre, Igrpen0, Igrpen1,
};

// (op0, op1, CRn, CRm, op2) of an ICC_*_EL1 register; nullopt for anything else.
inline std::optional<IccReg> decode_icc(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
  if (op0 != 3 || op1 != 0) return std::nullopt;
  if (crn == 4 && crm == 6 && op2 == 0) return IccReg::Pmr;  // ICC_PMR_EL1 = S3_0_C4_C6_0
  if (crn != 12) return std::nullopt;
  switch (crm) {
    case 8: return static_cast<IccReg>(static_cast<unsigned>(IccReg::Iar0) + op2);  // IAR0 EOIR0 HPPIR0 BPR0 AP0R0..3
    case 9: if (op2 < 4) return static_cast<IccReg>(static_cast<unsigned>(IccReg::Ap1r0) + op2); break;
    case 11:
      if (op2 == 1) return IccReg::Dir;
      if (op2 == 3) return IccReg::Rpr;
      if (op2 == 5) return IccReg::Sgi1r;
      if (op2 == 6) return IccReg::Asgi1r;
      if (op2 == 7) return IccReg::Sgi0r;
      break;
    case 12: return static_cast<IccReg>(static_cast<unsigned>(IccReg::Iar1) + op2);  // IAR1 EOIR1 HPPIR1 BPR1 CTLR SRE IGRPEN0 IGRPEN1
    default: break;
  }
  return std::nullopt;
}

// Registers that only read (an MSR to them is UNDEFINED) or only write (an MRS is UNDEFINED).
inline bool icc_read_only(IccReg r) {
  return r == IccReg::Iar0 || r == IccReg::Iar1 || r == IccReg::Hppir0 || r == IccReg::Hppir1 || r == IccReg::Rpr;
}
inline bool icc_write_only(IccReg r) {
  return r == IccReg::Eoir0 || r == IccReg::Eoir1 || r == IccReg::Dir || r == IccReg::Sgi0r ||
         r == IccReg::Sgi1r || r == IccReg::Asgi1r;
}

// ICC_CTLR_EL1 / ICV_CTLR_EL1 read-only fields: PRIbits [10:8] (5 bits), IDbits [13:11] = 0
// (16-bit INTIDs), A3V [15] (Aff3 in SGI generation).
constexpr uint64_t kCtlrCbpr = 1u << 0, kCtlrEoiMode = 1u << 1;
constexpr uint64_t kCtlrFixed = (4u << 8) | (1u << 15);
// ICC_SRE_EL1: SRE, DFB, DIB RAO/WI (system-register access only).
constexpr uint64_t kSreFixed = 0x7;
// The group-priority mask for binary point `bpr` (IHI0069 4.8.3): group 0 uses [7:bpr+1],
// group 1 [7:bpr] (with at least the implemented bits' minimum).
inline uint8_t group_priority_mask(unsigned bpr, bool group1) {
  const unsigned shift = group1 ? bpr : bpr + 1;
  return static_cast<uint8_t>(0xFF << (shift > 7 ? 8 : shift));
}
constexpr unsigned kMinBpr0 = 2, kMinBpr1 = 3;  // with 5 priority bits (IHI0069 12.2.5)

// SGI generation (ICC_SGI1R_EL1 and friends): TargetList [15:0], Aff1 [23:16], INTID
// [27:24], Aff2 [39:32], IRM [40], Aff3 [55:48].
struct SgiRequest {
  unsigned intid;
  bool broadcast;  // IRM: every PE but the sender
  uint64_t aff3_2_1;  // Aff3.Aff2.Aff1 in IROUTER layout (Aff1 at [15:8], Aff2 [23:16], Aff3 [39:32])
  uint16_t targets;   // Aff0 values 0..15
};
inline SgiRequest decode_sgi(uint64_t v) {
  return {static_cast<unsigned>(v >> 24 & 0xF), ((v >> 40) & 1) != 0,
          ((v >> 16 & 0xFF) << 8) | ((v >> 32 & 0xFF) << 16) | ((v >> 48 & 0xFF) << 32),
          static_cast<uint16_t>(v & 0xFFFF)};
}
inline bool sgi_targets(const SgiRequest& s, uint64_t affinity) {
  const unsigned aff0 = affinity & 0xFF;
  return (affinity & ~uint64_t{0xFF}) == s.aff3_2_1 && aff0 < 16 && ((s.targets >> aff0) & 1);
}

// The running priority from active-priority bits (one bit per group priority, 5 priority
// bits: bit n = priority n << 3): the lowest set bit, or idle.
inline uint8_t running_priority(uint32_t ap0r0, uint32_t ap1r0) {
  const uint32_t ap = ap0r0 | ap1r0;
  return ap ? static_cast<uint8_t>(__builtin_ctz(ap) << (8 - 5)) : 0xFF;
}
inline uint32_t active_priority_bit(uint8_t group_priority) { return 1u << (group_priority >> (8 - 5)); }

}  // namespace platform::gicv3
