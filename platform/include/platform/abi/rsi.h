// Realm Services Interface (RSI), RMM specification DEN0137 1.0: the calls a realm makes to
// the RMM through SMC. Function IDs, status codes and the structures a realm passes by IPA
// (RsiRealmConfig, RsiHostCall). Cross-checked with TF-RMM rmm-spec-v1.0-rel0 smc-rsi.h.
#pragma once
#include <cstddef>
#include <cstdint>

#include "platform/abi/smccc.h"

namespace platform::abi::rsi {

constexpr uint64_t version(uint64_t major, uint64_t minor) { return (major << 16) | minor; }
constexpr uint64_t kVersion = version(1, 0);

// Function IDs; arguments in X1.., results in X1.. (X0 = status).
constexpr uint32_t kVersionFid = 0xC4000190;             // (req) -> lower, higher
constexpr uint32_t kFeatures = 0xC4000191;               // (index) -> value
constexpr uint32_t kMeasurementRead = 0xC4000192;        // (index) -> X1..X8 = 64 bytes
constexpr uint32_t kMeasurementExtend = 0xC4000193;      // (index, size, X3..X10 value)
constexpr uint32_t kAttestationTokenInit = 0xC4000194;   // (X1..X8 challenge) -> upper bound of size
constexpr uint32_t kAttestationTokenContinue = 0xC4000195;  // (buf IPA, offset, size) -> len
constexpr uint32_t kRealmConfig = 0xC4000196;            // (IPA of RsiRealmConfig)
constexpr uint32_t kIpaStateSet = 0xC4000197;            // (base, top, ripas, flags) -> new_base, response
constexpr uint32_t kIpaStateGet = 0xC4000198;            // (base, top) -> out_top, ripas
constexpr uint32_t kHostCall = 0xC4000199;               // (IPA of RsiHostCall)

constexpr uint32_t kFidFirst = kRsiFidFirst;
constexpr uint32_t kFidLast = kRsiFidLast;
constexpr bool is_rsi_fid(uint32_t fid) { return fid >= kFidFirst && fid <= kFidLast; }

// RsiCommandReturnCode.
enum class Status : uint64_t {
  Success = 0,
  ErrorInput = 1,
  ErrorState = 2,
  Incomplete = 3,
  ErrorUnknown = 4,
};

enum class Ripas : uint8_t { Empty = 0, Ram = 1, Destroyed = 2 };  // RsiRipas
enum class Response : uint8_t { Accept = 0, Reject = 1 };        // RsiResponse
enum class HashAlgorithm : uint8_t { Sha256 = 0, Sha512 = 1 };   // RsiHashAlgorithm

// RSI_IPA_STATE_SET flags (RsiRipasChangeFlags).
constexpr uint64_t kChangeDestroyed = 1u << 0;  // allow DESTROYED -> new RIPAS

constexpr unsigned kNumMeasurementSlots = 5;  // 0 = RIM, 1..4 = REM
constexpr size_t kMaxMeasurementSize = 64;
constexpr size_t kChallengeSize = 64;

// RsiRealmConfig (one 4 KiB granule, written by the RMM).
namespace realm_config {
constexpr uint64_t kIpaWidth = 0x000;  // u64
constexpr uint64_t kHashAlgo = 0x008;  // u8
constexpr uint64_t kRpv = 0x200;       // 64 bytes
constexpr size_t kSize = 0x1000;
}  // namespace realm_config

// RsiHostCall (0x100 bytes; must not cross a granule).
namespace host_call {
constexpr uint64_t kImm = 0x000;   // u16
constexpr uint64_t kGprs = 0x008;  // u64[31]
constexpr unsigned kNumGprs = 31;
constexpr size_t kSize = 0x100;
}  // namespace host_call

}  // namespace platform::abi::rsi
