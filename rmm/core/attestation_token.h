// The Arm CCA attestation token (RMM spec DEN0137 1.0, "Attestation token"), built for real:
// CBOR with libcbor, COSE_Sign1 (RFC 9052) signed with ECDSA from OpenSSL libcrypto.
//
//   CCA token        = #6.399({ 44234: bstr(platform token), 44241: bstr(realm token) })
//   platform token   = #6.18(COSE_Sign1) signed by the CPAK (ES384), claims below
//   realm token      = #6.18(COSE_Sign1) signed by the RAK  (ES384), claims below
//   binding          = platform challenge == SHA-256(realm public key claim)
//
// Realm claims (profile "tag:arm.com,2023:realm#1.0.0"): 10 challenge, 265 profile,
// 44235 personalization value, 44236 hash algo id, 44237 RAK public key (a CBOR-encoded
// COSE_Key, as that profile requires), 44238 RIM, 44239 REMs[4], 44240 RAK hash algo id.
// Platform claims (profile "tag:arm.com,2023:cca_platform#1.0.0"): 10 challenge,
// 256 instance id, 265 profile, 2395 lifecycle, 2396 implementation id, 2399 sw components,
// 2400 verification service, 2401 config, 2402 hash algo id.
// Maps are written in ascending key order with minimal-length integers (RFC 8949 4.2.1 core
// deterministic encoding), so the same inputs always give the same bytes.
//
// The CBOR encoding is core/cbor.h, the keys and COSE_Sign1 core/signing.h; this file holds the
// claims and assembles the tokens. Same seed + same claims => byte-identical token.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/cbor.h"
#include "core/measurement.h"
#include "core/signing.h"

namespace rmm {

// One software component of the platform token (claim 2399 entry).
struct SwComponent {
  std::string type;           // 1: measurement type, e.g. "AP_BL31", "RMM" (omitted if empty)
  Bytes measurement;          // 2: measurement value (32/48/64 bytes)
  std::string version;        // 4: version (omitted if empty)
  Bytes signer_id;            // 5: hash of the signing authority's public key
  std::string hash_algo_id;   // 6: algorithm of `measurement` (omitted if empty)
};

// The platform claims the simulated HES (RSE-like root of trust) reports.
struct PlatformClaims {
  std::string profile = "tag:arm.com,2023:cca_platform#1.0.0";
  std::array<uint8_t, 32> implementation_id{};
  std::array<uint8_t, 33> instance_id{};  // UEID: 0x01 (RAND type) || SHA-256(CPAK public key)
  Bytes config;
  uint16_t lifecycle = 0x3000;            // 0x3000..0x30ff = SECURED
  std::vector<SwComponent> sw_components;
  std::string verification_service;      // omitted if empty
  std::string hash_algo_id = "sha-256";
};

// The realm attestation key as the platform delegates it to the RMM
// (SMC_RMM_GET_REALM_ATTEST_KEY): P-384, plus its public key encodings.
class RealmAttestationKey {
 public:
  explicit RealmAttestationKey(EcSigningKey key);
  const EcSigningKey& key() const { return key_; }
  // The 44237 claim: the COSE_Key encoding of the public key.
  const Bytes& public_key_claim() const { return cose_key_; }
  // SHA-256(public_key_claim()): the platform token's challenge (RAK hash algo id "sha-256").
  const Bytes& public_key_hash() const { return cose_key_hash_; }
  static constexpr const char* kPublicKeyHashAlgoId = "sha-256";

 private:
  EcSigningKey key_;
  Bytes cose_key_;
  Bytes cose_key_hash_;
};

// The simulated platform root of trust: the CPAK that signs the platform token, the RAK it
// derives for the RMM, and the platform token itself. The platform token's challenge is the
// RAK hash, so the token is fixed per boot: it is built once here, as TF-RMM fetches it once
// at boot (SMC_RMM_GET_PLAT_TOKEN).
class PlatformAttestation {
 public:
  // Keys from the seed (labels "CPAK" and "RAK"), default claims for the simulated SoC:
  // implementation id, instance id from the CPAK, lifecycle SECURED, software components
  // for the simulated monitor (AP_BL31) and RMM.
  static PlatformAttestation from_seed(uint64_t seed);
  // The same with caller-chosen claims. instance_id is always recomputed from the CPAK.
  static PlatformAttestation from_seed(uint64_t seed, PlatformClaims claims);

  const PlatformClaims& claims() const { return claims_; }
  const EcSigningKey& cpak() const { return cpak_; }
  const RealmAttestationKey& rak() const { return rak_; }
  // The tagged COSE_Sign1 platform token (challenge = rak().public_key_hash()).
  const Bytes& platform_token() const { return platform_token_; }

 private:
  PlatformAttestation(PlatformClaims claims, EcSigningKey cpak, RealmAttestationKey rak);
  PlatformClaims claims_;
  EcSigningKey cpak_;
  RealmAttestationKey rak_;
  Bytes platform_token_;
};

// The realm's claims at RSI_ATTEST_TOKEN_INIT time.
struct RealmClaims {
  std::array<uint8_t, 64> challenge{};             // X1..X8 of RSI_ATTEST_TOKEN_INIT
  std::array<uint8_t, 64> personalization_value{}; // RmiRealmParams.rpv
  HashAlgorithm hash_algorithm = HashAlgorithm::Sha256;
  MeasurementValue rim{};                          // hash_size() bytes are reported
  std::array<MeasurementValue, kNumRems> rems{};

  static RealmClaims from_measurement(const Measurement& m,
                                      const std::array<uint8_t, 64>& challenge,
                                      const std::array<uint8_t, 64>& rpv);
};

struct AttestationToken {
  static constexpr uint64_t kCcaTokenTag = 399;         // CBOR tag of the CCA token collection
  static constexpr uint64_t kPlatformTokenKey = 44234;  // collection key: platform token
  static constexpr uint64_t kRealmTokenKey = 44241;     // collection key: realm delegated token
  static constexpr const char* kRealmProfile = "tag:arm.com,2023:realm#1.0.0";

  // The complete CCA token: the platform's token and a freshly signed realm token.
  static Bytes build(const RealmClaims& claims, const PlatformAttestation& platform);
  // The tagged COSE_Sign1 realm token, signed with the RAK.
  static Bytes realm_token(const RealmClaims& claims, const RealmAttestationKey& rak);
  // The tag-399 collection around two already-encoded COSE_Sign1 tokens.
  static Bytes collection(const Bytes& platform_token, const Bytes& realm_token);
  // The tagged COSE_Sign1 platform token for these claims and challenge, signed with the CPAK.
  static Bytes platform_token(const PlatformClaims& claims, const Bytes& challenge,
                              const EcSigningKey& cpak);
};

}  // namespace rmm
