// SMC Calling Convention (DEN0028) as the platform's models exchange it: X0..X17 in, X0..X17
// out. The function ID lives in X0 on the way in; results overwrite X0.. on the way out.
#pragma once
#include <array>
#include <cstdint>

namespace platform::abi {

struct SmcRegs {
  std::array<uint64_t, 18> x{};
  uint32_t fid() const { return static_cast<uint32_t>(x[0]); }
};

constexpr uint64_t kSmcUnknown = ~uint64_t{0};  // SMCCC NOT_SUPPORTED (-1)

// Function ID fields (SMCCC): bit31 fast call, bit30 SMC64, [29:24] OEN, [15:0] number.
constexpr uint32_t fid_fnum(uint32_t fid) { return fid & 0xFFFF; }
constexpr bool fid_is_smc64(uint32_t fid) { return (fid >> 30) & 1; }
constexpr uint32_t fid_oen(uint32_t fid) { return (fid >> 24) & 0x3F; }

// Standard Secure Service ranges used by RME firmware (TF-A rmmd, TF-RMM lib/smc).
constexpr uint32_t kRmiFidFirst = 0xC4000150;  // RMI, v1.0 range: 0x150..0x18F
constexpr uint32_t kRmiFidLast = 0xC400018F;
constexpr uint32_t kRmi2FidFirst = 0xC40001D0;  // RMI range 2 (RMM 2.0): 0x1D0..0x20A (TF-RMM main)
constexpr uint32_t kRmi2FidLast = 0xC400020A;
constexpr bool is_rmi_range(uint32_t fid) {
  return (fid >= kRmiFidFirst && fid <= kRmiFidLast) || (fid >= kRmi2FidFirst && fid <= kRmi2FidLast);
}
constexpr uint32_t kRsiFidFirst = 0xC4000190;  // RSI: 0x190..0x1AF
constexpr uint32_t kRsiFidLast = 0xC40001AF;
constexpr uint32_t kRmmEl3FidFirst = 0xC40001B0;  // RMM <-> EL3 interface: 0x1B0..0x1CF
constexpr uint32_t kRmmEl3FidLast = 0xC40001CF;
constexpr uint32_t kRmmGtsiDelegate = 0xC40001B0;
constexpr uint32_t kRmmGtsiUndelegate = 0xC40001B1;
// The model's RMM-EL3 call behind RMM 2.0's GPT_L1_CREATE (x1: an L0GPTSZ-aligned PA): EL3 gives
// the block an L1 table from its pool. (TF-A has no such call yet: TF-RMM main's GPT is static.)
constexpr uint32_t kRmmGptL1Create = 0xC40001CE;

// RMM-EL3 interface return codes (TF-A rmmd: E_RMM_*).
constexpr uint64_t kRmmEl3Ok = 0;
constexpr uint64_t kRmmEl3Unknown = static_cast<uint64_t>(-1);
constexpr uint64_t kRmmEl3BadAddr = static_cast<uint64_t>(-2);
constexpr uint64_t kRmmEl3BadPas = static_cast<uint64_t>(-3);

}  // namespace platform::abi
