// The verifier's side of the CCA attestation token (attestation_token.h builds it): decode
// the CBOR with libcbor's decoder, rebuild each COSE_Sign1's Sig_structure (RFC 9052 4.4) and
// check both ES384 signatures with OpenSSL, then the binding between the two tokens. Used by
// the token tests and by `rmesim verify-token`, so a token a realm fetched can be checked
// outside it with the code the tests trust. Public (tools use it); it names no private type.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rmm {

using Bytes = std::vector<uint8_t>;  // as core/cbor.h

// A token that is malformed or whose signatures or binding do not hold; what() says which.
class TokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// array(4) ["Signature1", bstr protected, bstr external_aad = h'', bstr payload].
Bytes cose_sig_structure(const Bytes& protected_header, const Bytes& payload);

// ES384 over the Sig_structure, with a P-384 public key (x, y; 48 bytes each) and a raw
// r || s signature (96 bytes).
bool verify_es384(const Bytes& x, const Bytes& y, const Bytes& protected_header, const Bytes& payload,
                  const Bytes& signature);

struct VerifiedToken {
  // Realm token claims.
  std::string realm_profile;   // 265
  Bytes challenge;             // 10
  Bytes personalization_value; // 44235 (RPV)
  std::string hash_algo_id;    // 44236
  Bytes rim;                   // 44238
  std::vector<Bytes> rems;     // 44239
  // Platform token claims.
  std::string platform_profile;  // 265
  uint64_t lifecycle = 0;        // 2395
  Bytes instance_id;             // 256
};

// Checks `token` (a tag-399 CCA token collection): the realm token's signature with the RAK
// public key it carries (44237), the platform token's signature with `cpak_point` (the
// verifier's trust anchor, SEC1 uncompressed 0x04 || X || Y), and that the platform token's
// challenge is SHA-256 of that RAK key claim. Throws TokenError at the first check that fails.
VerifiedToken verify_cca_token(const Bytes& token, const Bytes& cpak_point);

// The public CPAK (SEC1 uncompressed) of the simulated platform of `seed`: what a verifier
// would hold as that platform's endorsement.
Bytes platform_cpak_point(uint64_t seed);

}  // namespace rmm
