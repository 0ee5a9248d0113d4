#include "core/attestation_token.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace rmm {
namespace {

// ---------------------------------------------------------------------------------------------
// Claim keys (all facts from public sources):
//   RMM spec DEN0137 1.0 "Attestation token" / TF-RMM rmm-spec-v1.0-rel0
//   lib/attestation/src/attestation_defs_priv.h: realm claims and the collection;
//   CCA platform claims: draft-ffm-rats-cca-token and Arm's iat-verifier (cca_claims.py).
// ---------------------------------------------------------------------------------------------
namespace claim {
constexpr int64_t kChallenge = 10;  // EAT nonce, both tokens
constexpr int64_t kProfile = 265;   // EAT profile, both tokens
// Realm token.
constexpr int64_t kRealmPersonalizationValue = 44235;
constexpr int64_t kRealmHashAlgoId = 44236;
constexpr int64_t kRealmPublicKey = 44237;
constexpr int64_t kRealmInitialMeasurement = 44238;
constexpr int64_t kRealmExtensibleMeasurements = 44239;
constexpr int64_t kRealmPublicKeyHashAlgoId = 44240;
// Platform token.
constexpr int64_t kPlatformInstanceId = 256;  // EAT ueid
constexpr int64_t kPlatformLifecycle = 2395;
constexpr int64_t kPlatformImplementationId = 2396;
constexpr int64_t kPlatformSwComponents = 2399;
constexpr int64_t kPlatformVerificationService = 2400;
constexpr int64_t kPlatformConfig = 2401;
constexpr int64_t kPlatformHashAlgoId = 2402;
// Software component map.
constexpr int64_t kSwType = 1, kSwMeasurement = 2, kSwVersion = 4, kSwSignerId = 5,
                  kSwHashAlgoId = 6;
}  // namespace claim

Bytes sha256(const Bytes& data) {
  Bytes out(32);
  hash_compute(HashAlgorithm::Sha256, data.data(), data.size(), out.data());
  return out;
}

Bytes sha256(std::string_view text) {
  return sha256(Bytes(text.begin(), text.end()));
}

}  // namespace

// =============================================================================================
// Keys, platform, tokens
// =============================================================================================
RealmAttestationKey::RealmAttestationKey(EcSigningKey key)
    : key_(std::move(key)), cose_key_(key_.cose_key()), cose_key_hash_(sha256(cose_key_)) {}

PlatformAttestation::PlatformAttestation(PlatformClaims claims, EcSigningKey cpak,
                                         RealmAttestationKey rak)
    : claims_(std::move(claims)), cpak_(std::move(cpak)), rak_(std::move(rak)) {
  // The UEID of this device: type RAND (0x01) followed by a hash of its attestation key.
  const Bytes id = sha256(cpak_.public_point());
  claims_.instance_id[0] = 0x01;
  std::copy(id.begin(), id.end(), claims_.instance_id.begin() + 1);
  platform_token_ = AttestationToken::platform_token(claims_, rak_.public_key_hash(), cpak_);
}

PlatformAttestation PlatformAttestation::from_seed(uint64_t seed) {
  // The simulated platform: the same firmware on every simulated device, so implementation id
  // and software measurements are constants; only the keys (and the instance id) follow the seed.
  PlatformClaims c;
  const Bytes impl = sha256(std::string_view("rmesim implementation: Arm RME SoC model"));
  std::copy(impl.begin(), impl.end(), c.implementation_id.begin());
  c.config = Bytes{0x00, 0x00, 0x00, 0x00};
  c.lifecycle = 0x3000;  // SECURED
  const Bytes signer = sha256(std::string_view("rmesim firmware signing key"));
  c.sw_components.push_back(SwComponent{
      "AP_BL31", sha256(std::string_view("rmesim component AP_BL31 (EL3 monitor model) 0.1")),
      "0.1", signer, "sha-256"});
  c.sw_components.push_back(SwComponent{
      "RMM", sha256(std::string_view("rmesim component RMM (RMM model, spec 1.0-rel0) 0.1")),
      "0.1", signer, "sha-256"});
  c.verification_service = "https://verifier.rmesim.invalid/";
  c.hash_algo_id = "sha-256";
  return from_seed(seed, std::move(c));
}

PlatformAttestation PlatformAttestation::from_seed(uint64_t seed, PlatformClaims claims) {
  Bytes seed_bytes(8);
  for (int i = 0; i < 8; ++i) seed_bytes[i] = static_cast<uint8_t>(seed >> (8 * i));
  // The CPAK is P-384 / ES384 (our choice: the platform token names its algorithm in the
  // protected header, and verifiers such as Arm's iat-verifier take ES256/ES384/ES512).
  EcSigningKey cpak = EcSigningKey::from_seed(EcSigningKey::Curve::P384, "CPAK", seed_bytes);
  // The RAK is P-384, as the RMM spec requires (realm token alg ES384).
  RealmAttestationKey rak(EcSigningKey::from_seed(EcSigningKey::Curve::P384, "RAK", seed_bytes));
  return PlatformAttestation(std::move(claims), std::move(cpak), std::move(rak));
}

RealmClaims RealmClaims::from_measurement(const Measurement& m,
                                          const std::array<uint8_t, 64>& challenge,
                                          const std::array<uint8_t, 64>& rpv) {
  RealmClaims c;
  c.challenge = challenge;
  c.personalization_value = rpv;
  c.hash_algorithm = m.algorithm();
  c.rim = m.slot(kRimSlot);
  for (unsigned i = 0; i < kNumRems; ++i) c.rems[i] = m.slot(1 + i);
  return c;
}

Bytes AttestationToken::platform_token(const PlatformClaims& pc, const Bytes& challenge,
                                       const EcSigningKey& cpak) {
  CborArray components;
  for (const SwComponent& sw : pc.sw_components) {
    CborIntMap m;
    if (!sw.type.empty()) m.add(claim::kSwType, cbor_text(sw.type));
    m.add(claim::kSwMeasurement, cbor_bytes(sw.measurement));
    if (!sw.version.empty()) m.add(claim::kSwVersion, cbor_text(sw.version));
    m.add(claim::kSwSignerId, cbor_bytes(sw.signer_id));
    if (!sw.hash_algo_id.empty()) m.add(claim::kSwHashAlgoId, cbor_text(sw.hash_algo_id));
    components.add(m.build());
  }

  CborIntMap claims;
  claims.add(claim::kProfile, cbor_text(pc.profile))
      .add(claim::kChallenge, cbor_bytes(challenge))
      .add(claim::kPlatformImplementationId,
           cbor_bytes(pc.implementation_id.data(), pc.implementation_id.size()))
      .add(claim::kPlatformInstanceId, cbor_bytes(pc.instance_id.data(), pc.instance_id.size()))
      .add(claim::kPlatformConfig, cbor_bytes(pc.config))
      .add(claim::kPlatformLifecycle, cbor_uint(pc.lifecycle))
      .add(claim::kPlatformSwComponents, components.build())
      .add(claim::kPlatformHashAlgoId, cbor_text(pc.hash_algo_id));
  if (!pc.verification_service.empty())
    claims.add(claim::kPlatformVerificationService, cbor_text(pc.verification_service));
  return cose_sign1(serialize(claims.build().get()), cpak);
}

Bytes AttestationToken::realm_token(const RealmClaims& rc, const RealmAttestationKey& rak) {
  const size_t n = hash_size(rc.hash_algorithm);
  CborArray rems;
  for (const MeasurementValue& rem : rc.rems) rems.add(cbor_bytes(rem.data(), n));

  CborIntMap claims;
  claims.add(claim::kChallenge, cbor_bytes(rc.challenge.data(), rc.challenge.size()))
      .add(claim::kProfile, cbor_text(kRealmProfile))
      .add(claim::kRealmPersonalizationValue,
           cbor_bytes(rc.personalization_value.data(), rc.personalization_value.size()))
      .add(claim::kRealmHashAlgoId, cbor_text(hash_algo_id(rc.hash_algorithm)))
      .add(claim::kRealmPublicKey, cbor_bytes(rak.public_key_claim()))
      .add(claim::kRealmInitialMeasurement, cbor_bytes(rc.rim.data(), n))
      .add(claim::kRealmExtensibleMeasurements, rems.build())
      .add(claim::kRealmPublicKeyHashAlgoId, cbor_text(RealmAttestationKey::kPublicKeyHashAlgoId));
  return cose_sign1(serialize(claims.build().get()), rak.key());
}

Bytes AttestationToken::collection(const Bytes& platform, const Bytes& realm) {
  CborIntMap map;
  map.add(static_cast<int64_t>(kPlatformTokenKey), cbor_bytes(platform))
      .add(static_cast<int64_t>(kRealmTokenKey), cbor_bytes(realm));
  return serialize(cbor_tagged(kCcaTokenTag, map.build()).get());
}

Bytes AttestationToken::build(const RealmClaims& claims, const PlatformAttestation& platform) {
  return collection(platform.platform_token(), realm_token(claims, platform.rak()));
}

}  // namespace rmm
