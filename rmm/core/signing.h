// ECDSA signing for the attestation token, with OpenSSL libcrypto: keys on NIST P-256/P-384
// whose private scalar is known, and the COSE structures that carry them (COSE_Key, COSE_Sign1;
// RFC 9052, RFC 9053).
//
// Reproducibility: keys come from a seed, and ECDSA uses deterministic nonces (RFC 6979,
// HMAC-DRBG from libcrypto's HMAC). OpenSSL 3.0 has no deterministic ECDSA of its own (it
// arrived in 3.2), so we compute k ourselves and hand k^-1 and r to ECDSA_do_sign_ex, which
// computes s. Same seed + same message => byte-identical signature.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/cbor.h"

namespace rmm {

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

constexpr uint64_t kCoseSign1Tag = 18;  // CBOR tag of a COSE_Sign1 message

// The tagged COSE_Sign1 of `payload`, signed with `key` (RFC 9052 section 4.2, 4.4).
Bytes cose_sign1(const Bytes& payload, const EcSigningKey& key);

}  // namespace rmm
