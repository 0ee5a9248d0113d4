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
// Reproducibility: keys come from a seed, and ECDSA uses deterministic nonces (RFC 6979,
// HMAC-DRBG from libcrypto's HMAC). OpenSSL 3.0 has no deterministic ECDSA of its own (it
// arrived in 3.2), so we compute k ourselves and hand k^-1 and r to ECDSA_do_sign_ex, which
// computes s. Same seed + same claims => byte-identical token.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/measurement.h"

namespace rmm {

using Bytes = std::vector<uint8_t>;

// An ECDSA key pair on a NIST curve, private scalar known, signing deterministically.
class EcSigningKey {
 public:
  enum class Curve { P256, P384 };

  // Private scalar d = 1 + (SHA-512("rmesim-key:" || label || ":" || seed) mod (n - 1)).
  static EcSigningKey from_seed(Curve curve, std::string_view label, const Bytes& seed);
  // From a big-endian private scalar in [1, n-1] (test vectors); throws std::invalid_argument.
  static EcSigningKey from_private_scalar(Curve curve, const Bytes& d_big_endian);

  EcSigningKey(EcSigningKey&&) noexcept;
  EcSigningKey& operator=(EcSigningKey&&) noexcept;
  ~EcSigningKey();

  Curve curve() const;
  size_t scalar_size() const;       // 32 (P-256) or 48 (P-384)
  int cose_alg() const;             // -7 ES256 / -35 ES384
  Bytes public_point() const;       // SEC1 uncompressed: 0x04 || X || Y
  Bytes cose_key() const;           // CBOR COSE_Key {1: 2 (EC2), -1: crv, -2: X, -3: Y}

  // ECDSA over a digest the caller computed, nonce per RFC 6979 with HMAC-<digest_algo>.
  // `digest_md_name` is an OpenSSL digest name ("SHA256", "SHA384", "SHA512").
  // Returns r || s, each scalar_size() bytes big-endian (the COSE signature format).
  Bytes sign_digest(const uint8_t* digest, size_t digest_len, const char* digest_md_name) const;
  // Hashes `msg` with the curve's COSE hash (SHA-256 for ES256, SHA-384 for ES384) and signs.
  Bytes sign_message(const uint8_t* msg, size_t len) const;
  // The RFC 6979 nonce alone (exposed for the RFC's test vectors), big-endian scalar_size().
  Bytes rfc6979_nonce(const uint8_t* digest, size_t digest_len, const char* digest_md_name) const;

 private:
  struct Impl;
  explicit EcSigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

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
  static constexpr uint64_t kCoseSign1Tag = 18;
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
