// Power State Coordination Interface (PSCI, DEN0022) as a realm calls it through SMC, and the
// SMCCC calls the RMM answers beside it. Function IDs, return codes and argument meanings.
#pragma once
#include <cstdint>

namespace platform::abi::psci {

constexpr uint32_t kVersion = 0x84000000;          // -> (major << 16) | minor
constexpr uint32_t kCpuSuspend32 = 0x84000001;     // (power_state, entry, context_id)
constexpr uint32_t kCpuSuspend64 = 0xC4000001;
constexpr uint32_t kCpuOff = 0x84000002;
constexpr uint32_t kCpuOn32 = 0x84000003;          // (target_mpidr, entry, context_id)
constexpr uint32_t kCpuOn64 = 0xC4000003;
constexpr uint32_t kAffinityInfo32 = 0x84000004;   // (target_affinity, lowest_affinity_level)
constexpr uint32_t kAffinityInfo64 = 0xC4000004;
constexpr uint32_t kSystemOff = 0x84000008;
constexpr uint32_t kSystemReset = 0x84000009;
constexpr uint32_t kFeatures = 0x8400000A;         // (psci_func_id)
constexpr uint32_t kSmcccVersion = 0x80000000;     // SMCCC_VERSION -> (major << 16) | minor
constexpr uint32_t kSmcccArchFeatures = 0x80000001;  // SMCCC_ARCH_FEATURES (function id)

constexpr uint64_t version(uint64_t major, uint64_t minor) { return (major << 16) | minor; }
constexpr uint64_t kPsciVersion = version(1, 1);   // what the RMM reports to realms
constexpr uint64_t kSmcccVersionValue = version(1, 2);

// Return codes (signed 32-bit values in X0; sign-extended here as 64-bit).
constexpr int64_t kSuccess = 0;
constexpr int64_t kNotSupported = -1;
constexpr int64_t kInvalidParameters = -2;
constexpr int64_t kDenied = -3;
constexpr int64_t kAlreadyOn = -4;
constexpr int64_t kOnPending = -5;
constexpr int64_t kInternalFailure = -6;
constexpr int64_t kNotPresent = -7;
constexpr int64_t kDisabled = -8;
constexpr int64_t kInvalidAddress = -9;

// AFFINITY_INFO results.
constexpr int64_t kAffinityOn = 0;
constexpr int64_t kAffinityOff = 1;
constexpr int64_t kAffinityOnPending = 2;

constexpr bool is_psci_fid(uint32_t fid) {
  return (fid & 0xBFFFFFE0u) == 0x84000000u;  // fnum 0x00..0x1F, SMC32 or SMC64
}
constexpr uint64_t ret(int64_t v) { return static_cast<uint64_t>(v); }

}  // namespace platform::abi::psci
