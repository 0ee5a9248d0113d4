// Realm measurements (RMM spec DEN0137 1.0, "Realm measurement and attestation"): the Realm
// Initial Measurement (RIM) and the four Realm Extensible Measurements (REMs) of one realm.
//
// Who calls what (the RMI/RSI handlers own every argument check; this file only hashes):
//   RMI_REALM_CREATE        init_rim(params)         RIM = H(measured RmiRealmParams)
//   RMI_DATA_CREATE         extend_data(...)         RIM = H(RmmMeasurementDescriptorData)
//   RMI_REC_CREATE          extend_rec(params)       RIM = H(RmmMeasurementDescriptorRec),
//                                                    only for a RUNNABLE REC (caller decides)
//   RMI_RTT_INIT_RIPAS      extend_ripas(base, top)  RIM = H(RmmMeasurementDescriptorRipas),
//                                                    once per RTT entry converted
//   RSI_MEASUREMENT_EXTEND  extend_rem(i, data, n)   REM[i] = H(REM[i] || data[0:n])
//   RSI_MEASUREMENT_READ    slot(i)                  64 bytes, zero past the hash size
//
// The byte layouts of everything that is hashed are in measurement.cpp, in one block
// ("Measured structures"), each with its spec name and offsets.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rmm {

// RmiHashAlgorithm (RMM 1.0: RMI_HASH_SHA_256 = 0, RMI_HASH_SHA_512 = 1).
enum class HashAlgorithm : uint8_t { Sha256 = 0, Sha512 = 1 };

// Decodes an RmiHashAlgorithm value from the host; nullopt for a reserved encoding.
std::optional<HashAlgorithm> hash_algorithm_from_raw(uint64_t raw);
// Digest size in bytes: 32 or 64.
size_t hash_size(HashAlgorithm algo);
// IANA "Hash Function Textual Names" ("sha-256", "sha-512"), as the token claims use them.
const char* hash_algo_id(HashAlgorithm algo);

// One-shot hash with OpenSSL EVP; writes hash_size(algo) bytes to `out`.
void hash_compute(HashAlgorithm algo, const void* data, size_t len, uint8_t* out);

constexpr size_t kMaxMeasurementSize = 64;  // MAX_MEASUREMENT_SIZE: the SHA-512 digest size
constexpr unsigned kRimSlot = 0;
constexpr unsigned kNumRems = 4;
constexpr unsigned kNumMeasurementSlots = 1 + kNumRems;  // RIM + REM[1..4]
constexpr size_t kStructSize = 4096;  // RmiRealmParams, RmiRecParams: 4 KiB whatever the granule
constexpr size_t kMaxRemExtendSize = 64;  // RSI_MEASUREMENT_EXTEND: size <= 64
constexpr uint64_t kRmiMeasureContent = 1;  // RmiDataFlags.measure (bit 0) = RMI_MEASURE_CONTENT
constexpr uint64_t kRmiRecFlagRunnable = 1;  // RmiRecParams.flags.runnable (bit 0)

using MeasurementValue = std::array<uint8_t, kMaxMeasurementSize>;

// The fields of RmiRealmParams that the RIM covers (everything else - rpv, vmid, rtt_* - is not
// measured). `algorithm` is also the hash algorithm of the whole realm.
struct RealmParamsMeasured {
  uint64_t flags = 0;         // 0x000: RmiRealmFlags (lpa2, sve, pmu)
  uint64_t s2sz = 0;          // 0x008
  uint64_t sve_vl = 0;        // 0x010
  uint64_t num_bps = 0;       // 0x018
  uint64_t num_wps = 0;       // 0x020
  uint64_t pmu_num_ctrs = 0;  // 0x028
  HashAlgorithm algorithm = HashAlgorithm::Sha256;  // 0x030 (u8)

  // Reads the fields from a 4096-byte RmiRealmParams granule (little-endian, spec offsets).
  // nullopt when the algorithm byte is a reserved encoding.
  static std::optional<RealmParamsMeasured> from_granule(const uint8_t* params_4k);
};

// The fields of RmiRecParams that the RIM covers (mpidr and the aux granules are not measured).
struct RecParamsMeasured {
  uint64_t flags = 0;                  // 0x000: RmiRecFlags (runnable)
  uint64_t pc = 0;                     // 0x200
  std::array<uint64_t, 8> gprs{};      // 0x300: X0..X7

  // Reads the fields from a 4096-byte RmiRecParams granule (little-endian, spec offsets).
  static RecParamsMeasured from_granule(const uint8_t* params_4k);
};

// The measurement state of one realm: slot 0 is the RIM, slots 1..4 the REMs. Each slot is a
// 64-byte buffer of which the first hash_size(algorithm) bytes are used; the rest stays zero.
class Measurement {
 public:
  // All slots zero; init_rim() gives the RIM its first value.
  explicit Measurement(HashAlgorithm algorithm = HashAlgorithm::Sha256);

  // REALM_CREATE: sets the algorithm from params.algorithm, zeroes every slot, and sets
  // RIM = H(4096-byte zeroed RmiRealmParams carrying only the measured fields).
  void init_rim(const RealmParamsMeasured& params);

  // DATA_CREATE: `flags` is RmiDataFlags as the host passed it (recorded in the descriptor).
  // When flags.measure == RMI_MEASURE_CONTENT, `content` must point at the DATA granule (`len`
  // bytes: the RMI granule) and its hash goes in the descriptor; otherwise it may be null (zero
  // hash).
  void extend_data(uint64_t ipa, uint64_t flags, const uint8_t* content, size_t len);
  // The same with the content's hash given (hash_size() bytes; ContentDigests computes it).
  void extend_data_digest(uint64_t ipa, uint64_t flags, const uint8_t* content_digest);

  // REC_CREATE (the caller extends only for a runnable REC, as the spec says).
  void extend_rec(const RecParamsMeasured& params);

  // RTT_INIT_RIPAS (RMM 1.0): one extension per RTT entry whose RIPAS became RAM,
  // [base, top) being that entry's IPA range.
  void extend_ripas(uint64_t base, uint64_t top);

  // RSI_MEASUREMENT_EXTEND: REM[index] = H(REM[index] || data[0:size]). Returns false, changing
  // nothing, when index is not 1..4 or size > 64 (the RSI handler reports RSI_ERROR_INPUT).
  bool extend_rem(unsigned index, const uint8_t* data, size_t size);

  HashAlgorithm algorithm() const { return algorithm_; }
  size_t size() const { return hash_size(algorithm_); }
  // Slot 0 = RIM, 1..4 = REM[1..4]; 64 bytes, zero past size().
  const MeasurementValue& slot(unsigned index) const;
  const MeasurementValue& rim() const { return slots_[kRimSlot]; }

 private:
  HashAlgorithm algorithm_;
  std::array<MeasurementValue, kNumMeasurementSlots> slots_{};
};

}  // namespace rmm
