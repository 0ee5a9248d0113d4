// ECDSA_do_sign_ex and the EC_KEY type are deprecated in OpenSSL 3.0 but are the only libcrypto
// entry points that accept a caller-computed (k^-1, r) pair, which deterministic signing needs
// on 3.0 (EVP got RFC 6979 only in 3.2). This file is the one place that uses them.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "core/attestation_token.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>

namespace rmm {
namespace {

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "rmm attestation: failure in %s\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

// ---------------------------------------------------------------------------------------------
// Claim keys and COSE labels (all facts from public sources):
//   RMM spec DEN0137 1.0 "Attestation token" / TF-RMM rmm-spec-v1.0-rel0
//   lib/attestation/src/attestation_defs_priv.h: realm claims and the collection;
//   CCA platform claims: draft-ffm-rats-cca-token and Arm's iat-verifier (cca_claims.py);
//   COSE: RFC 9052 (COSE_Sign1, Sig_structure), RFC 9053 (ES256/ES384, EC2 keys).
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

namespace cose {
constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kAlgEs256 = -7, kAlgEs384 = -35;
constexpr int64_t kKeyKty = 1, kKeyCrv = -1, kKeyX = -2, kKeyY = -3;
constexpr int64_t kKtyEc2 = 2;
constexpr int64_t kCrvP256 = 1, kCrvP384 = 2;
constexpr const char* kSign1Context = "Signature1";
}  // namespace cose

// ---------------------------------------------------------------------------------------------
// libcbor with ownership: every builder returns an owning handle; containers take their own
// reference (libcbor's incref convention) and the handle drops ours.
// ---------------------------------------------------------------------------------------------
struct CborDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborItem = std::unique_ptr<cbor_item_t, CborDeleter>;

CborItem owned(cbor_item_t* item) {
  if (item == nullptr) fatal("libcbor allocation");
  return CborItem(item);
}

// libcbor serialises an integer with the width of the item it was built as, so pick the
// smallest width that holds the value (RFC 8949 4.2.1: shortest form).
CborItem cbor_uint(uint64_t v) {
  if (v <= 0xff) return owned(cbor_build_uint8(static_cast<uint8_t>(v)));
  if (v <= 0xffff) return owned(cbor_build_uint16(static_cast<uint16_t>(v)));
  if (v <= 0xffffffffu) return owned(cbor_build_uint32(static_cast<uint32_t>(v)));
  return owned(cbor_build_uint64(v));
}

CborItem cbor_int(int64_t v) {
  if (v >= 0) return cbor_uint(static_cast<uint64_t>(v));
  const uint64_t m = static_cast<uint64_t>(-(v + 1));  // CBOR negative n encodes -1 - n
  if (m <= 0xff) return owned(cbor_build_negint8(static_cast<uint8_t>(m)));
  if (m <= 0xffff) return owned(cbor_build_negint16(static_cast<uint16_t>(m)));
  if (m <= 0xffffffffu) return owned(cbor_build_negint32(static_cast<uint32_t>(m)));
  return owned(cbor_build_negint64(m));
}

CborItem cbor_bytes(const uint8_t* data, size_t len) {
  // libcbor copies; a zero-length bstr still needs a non-null pointer.
  static const uint8_t kEmpty = 0;
  return owned(cbor_build_bytestring(len != 0 ? data : &kEmpty, len));
}
CborItem cbor_bytes(const Bytes& b) { return cbor_bytes(b.data(), b.size()); }

CborItem cbor_text(std::string_view s) { return owned(cbor_build_stringn(s.data(), s.size())); }

CborItem cbor_tagged(uint64_t tag, CborItem inner) {
  return owned(cbor_build_tag(tag, inner.get()));
}

Bytes serialize(const cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  size_t capacity = 0;
  const size_t length = cbor_serialize_alloc(item, &buffer, &capacity);
  if (length == 0 || buffer == nullptr) fatal("cbor_serialize_alloc");
  Bytes out(buffer, buffer + length);
  std::free(buffer);
  return out;
}

class CborArray {
 public:
  CborArray& add(CborItem value) {
    items_.push_back(std::move(value));
    return *this;
  }
  CborItem build() {
    CborItem array = owned(cbor_new_definite_array(items_.size()));
    for (auto& v : items_)
      if (!cbor_array_push(array.get(), v.get())) fatal("cbor_array_push");
    return array;
  }

 private:
  std::vector<CborItem> items_;
};

// A map with integer keys, emitted in the bytewise order of the keys' encodings (unsigned
// before negative, then by magnitude), i.e. RFC 8949 core deterministic order.
class CborIntMap {
 public:
  CborIntMap& add(int64_t key, CborItem value) {
    entries_.emplace_back(key, std::move(value));
    return *this;
  }
  CborItem build() {
    auto order = [](int64_t k) { return std::make_pair(k < 0, k < 0 ? -(k + 1) : k); };
    std::stable_sort(entries_.begin(), entries_.end(), [&](const auto& a, const auto& b) {
      return order(a.first) < order(b.first);
    });
    CborItem map = owned(cbor_new_definite_map(entries_.size()));
    for (auto& [key, value] : entries_) {
      CborItem k = cbor_int(key);
      if (!cbor_map_add(map.get(), cbor_pair{k.get(), value.get()})) fatal("cbor_map_add");
    }
    return map;
  }

 private:
  std::vector<std::pair<int64_t, CborItem>> entries_;
};

// ---------------------------------------------------------------------------------------------
// OpenSSL helpers
// ---------------------------------------------------------------------------------------------
struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
struct BnCtxDeleter {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxDeleter>;
struct PointDeleter {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
using PointPtr = std::unique_ptr<EC_POINT, PointDeleter>;
struct EcKeyDeleter {
  void operator()(EC_KEY* k) const { EC_KEY_free(k); }
};
using EcKeyPtr = std::unique_ptr<EC_KEY, EcKeyDeleter>;
struct SigDeleter {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using SigPtr = std::unique_ptr<ECDSA_SIG, SigDeleter>;

BnPtr new_bn() {
  BIGNUM* bn = BN_new();
  if (bn == nullptr) fatal("BN_new");
  return BnPtr(bn);
}

BnCtxPtr new_bn_ctx() {
  BN_CTX* ctx = BN_CTX_new();
  if (ctx == nullptr) fatal("BN_CTX_new");
  return BnCtxPtr(ctx);
}

// Fetched once per name (names are a small fixed set).
const EVP_MD* md_by_name(const char* name) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* const sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  static EVP_MD* const sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  const EVP_MD* md = nullptr;
  if (std::strcmp(name, "SHA256") == 0) md = sha256;
  else if (std::strcmp(name, "SHA384") == 0) md = sha384;
  else if (std::strcmp(name, "SHA512") == 0) md = sha512;
  if (md == nullptr) fatal("EVP_MD_fetch (unknown digest name)");
  return md;
}

Bytes digest(const char* md_name, const uint8_t* data, size_t len) {
  const EVP_MD* md = md_by_name(md_name);
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int out_len = 0;
  if (EVP_Digest(data, len, out.data(), &out_len, md, nullptr) != 1) fatal("EVP_Digest");
  out.resize(out_len);
  return out;
}

Bytes sha256(const Bytes& data) {
  Bytes out(32);
  hash_compute(HashAlgorithm::Sha256, data.data(), data.size(), out.data());
  return out;
}

Bytes sha256(std::string_view text) {
  return sha256(Bytes(text.begin(), text.end()));
}

// ---------------------------------------------------------------------------------------------
// RFC 6979 section 3.2: the deterministic nonce generator (HMAC_DRBG keyed by the private key
// and the message digest), written against the RFC's steps. `next()` yields the candidate k of
// step h.3, and every further call is the RFC's "K = HMAC_K(V || 0x00), V = HMAC_K(V)" retry.
// ---------------------------------------------------------------------------------------------
class Rfc6979 {
 public:
  Rfc6979(const BIGNUM* q, const BIGNUM* x, const uint8_t* h1, size_t h1_len, const EVP_MD* md)
      : q_(q), md_(md), qlen_(BN_num_bits(q)), rlen_((qlen_ + 7) / 8),
        hlen_(static_cast<size_t>(EVP_MD_get_size(md))) {
    // Step a is the caller's hash. Step b, c: V = 0x01 ... 0x01, K = 0x00 ... 0x00.
    v_.assign(hlen_, 0x01);
    k_.assign(hlen_, 0x00);
    const Bytes x_octets = int2octets(x);
    const Bytes h_octets = bits2octets(h1, h1_len);
    // Step d, e: K = HMAC_K(V || 0x00 || int2octets(x) || bits2octets(h1)); V = HMAC_K(V).
    // Step f, g: the same with 0x01.
    for (uint8_t sep : {uint8_t{0x00}, uint8_t{0x01}}) {
      Bytes msg = v_;
      msg.push_back(sep);
      msg.insert(msg.end(), x_octets.begin(), x_octets.end());
      msg.insert(msg.end(), h_octets.begin(), h_octets.end());
      k_ = hmac(k_, msg);
      v_ = hmac(k_, v_);
    }
  }

  // Step h: the next k in [1, q-1].
  BnPtr next() {
    for (;;) {
      if (!first_) {
        Bytes msg = v_;
        msg.push_back(0x00);
        k_ = hmac(k_, msg);
        v_ = hmac(k_, v_);
      }
      first_ = false;
      Bytes t;  // h.1, h.2: T = V || V' || ... until tlen >= qlen
      while (t.size() * 8 < static_cast<size_t>(qlen_)) {
        v_ = hmac(k_, v_);
        t.insert(t.end(), v_.begin(), v_.end());
      }
      BnPtr k = bits2int(t.data(), t.size());  // h.3
      if (!BN_is_zero(k.get()) && BN_cmp(k.get(), q_) < 0) return k;
    }
  }

 private:
  Bytes hmac(const Bytes& key, const Bytes& msg) const {
    Bytes out(hlen_);
    unsigned int out_len = 0;
    if (HMAC(md_, key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), out.data(),
             &out_len) == nullptr)
      fatal("HMAC");
    assert(out_len == hlen_);
    return out;
  }

  // Section 2.3.2: the leftmost qlen bits of the bit string, as an integer.
  BnPtr bits2int(const uint8_t* b, size_t len) const {
    BnPtr v = new_bn();
    if (BN_bin2bn(b, static_cast<int>(len), v.get()) == nullptr) fatal("BN_bin2bn");
    const int blen = static_cast<int>(len * 8);
    if (blen > qlen_ && BN_rshift(v.get(), v.get(), blen - qlen_) != 1) fatal("BN_rshift");
    return v;
  }

  // Section 2.3.3: an integer below q as rlen big-endian octets.
  Bytes int2octets(const BIGNUM* v) const {
    Bytes out(rlen_);
    if (BN_bn2binpad(v, out.data(), static_cast<int>(rlen_)) < 0) fatal("BN_bn2binpad");
    return out;
  }

  // Section 2.3.4: bits2int, reduced once modulo q (z1 < 2^qlen < 2q), as octets.
  Bytes bits2octets(const uint8_t* h, size_t len) const {
    BnPtr z = bits2int(h, len);
    if (BN_cmp(z.get(), q_) >= 0 && BN_sub(z.get(), z.get(), q_) != 1) fatal("BN_sub");
    return int2octets(z.get());
  }

  const BIGNUM* q_;
  const EVP_MD* md_;
  int qlen_;
  size_t rlen_;
  size_t hlen_;
  Bytes v_, k_;
  bool first_ = true;
};

int curve_nid(EcSigningKey::Curve c) {
  return c == EcSigningKey::Curve::P256 ? NID_X9_62_prime256v1 : NID_secp384r1;
}

}  // namespace

// =============================================================================================
// EcSigningKey
// =============================================================================================
struct EcSigningKey::Impl {
  Curve curve;
  EcKeyPtr key;
  const EC_GROUP* group = nullptr;  // owned by key
  const BIGNUM* order = nullptr;    // owned by group
  size_t scalar_size = 0;
};

EcSigningKey::EcSigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EcSigningKey::EcSigningKey(EcSigningKey&&) noexcept = default;
EcSigningKey& EcSigningKey::operator=(EcSigningKey&&) noexcept = default;
EcSigningKey::~EcSigningKey() = default;

EcSigningKey EcSigningKey::from_private_scalar(Curve curve, const Bytes& d_be) {
  auto impl = std::make_unique<Impl>();
  impl->curve = curve;
  impl->key.reset(EC_KEY_new_by_curve_name(curve_nid(curve)));
  if (!impl->key) fatal("EC_KEY_new_by_curve_name");
  impl->group = EC_KEY_get0_group(impl->key.get());
  impl->order = EC_GROUP_get0_order(impl->group);
  impl->scalar_size = static_cast<size_t>((BN_num_bits(impl->order) + 7) / 8);

  BnPtr d = new_bn();
  if (BN_bin2bn(d_be.data(), static_cast<int>(d_be.size()), d.get()) == nullptr)
    fatal("BN_bin2bn");
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), impl->order) >= 0)
    throw std::invalid_argument("EcSigningKey: private scalar outside [1, n-1]");

  BnCtxPtr ctx = new_bn_ctx();
  PointPtr pub(EC_POINT_new(impl->group));
  if (!pub || EC_POINT_mul(impl->group, pub.get(), d.get(), nullptr, nullptr, ctx.get()) != 1)
    fatal("EC_POINT_mul");
  if (EC_KEY_set_private_key(impl->key.get(), d.get()) != 1) fatal("EC_KEY_set_private_key");
  if (EC_KEY_set_public_key(impl->key.get(), pub.get()) != 1) fatal("EC_KEY_set_public_key");
  return EcSigningKey(std::move(impl));
}

EcSigningKey EcSigningKey::from_seed(Curve curve, std::string_view label, const Bytes& seed) {
  Bytes input;
  const std::string_view prefix = "rmesim-key:";
  input.insert(input.end(), prefix.begin(), prefix.end());
  input.insert(input.end(), label.begin(), label.end());
  input.push_back(':');
  input.insert(input.end(), seed.begin(), seed.end());
  const Bytes h = digest("SHA512", input.data(), input.size());

  // d = 1 + (h mod (n - 1)): always in [1, n-1]; a 512-bit h makes the bias negligible.
  EcKeyPtr probe(EC_KEY_new_by_curve_name(curve_nid(curve)));
  if (!probe) fatal("EC_KEY_new_by_curve_name");
  const BIGNUM* n = EC_GROUP_get0_order(EC_KEY_get0_group(probe.get()));
  BnCtxPtr ctx = new_bn_ctx();
  BnPtr hv = new_bn(), n_minus_1 = new_bn(), d = new_bn();
  if (BN_bin2bn(h.data(), static_cast<int>(h.size()), hv.get()) == nullptr ||
      BN_copy(n_minus_1.get(), n) == nullptr || BN_sub_word(n_minus_1.get(), 1) != 1 ||
      BN_mod(d.get(), hv.get(), n_minus_1.get(), ctx.get()) != 1 || BN_add_word(d.get(), 1) != 1)
    fatal("seed to scalar");
  Bytes d_be(static_cast<size_t>((BN_num_bits(n) + 7) / 8));
  if (BN_bn2binpad(d.get(), d_be.data(), static_cast<int>(d_be.size())) < 0)
    fatal("BN_bn2binpad");
  EcSigningKey key = from_private_scalar(curve, d_be);
  OPENSSL_cleanse(d_be.data(), d_be.size());
  return key;
}

EcSigningKey::Curve EcSigningKey::curve() const { return impl_->curve; }
size_t EcSigningKey::scalar_size() const { return impl_->scalar_size; }

int EcSigningKey::cose_alg() const {
  return static_cast<int>(impl_->curve == Curve::P256 ? cose::kAlgEs256 : cose::kAlgEs384);
}

Bytes EcSigningKey::public_point() const {
  const EC_POINT* pub = EC_KEY_get0_public_key(impl_->key.get());
  BnCtxPtr ctx = new_bn_ctx();
  Bytes out(1 + 2 * impl_->scalar_size);
  const size_t n = EC_POINT_point2oct(impl_->group, pub, POINT_CONVERSION_UNCOMPRESSED,
                                      out.data(), out.size(), ctx.get());
  if (n != out.size()) fatal("EC_POINT_point2oct");
  return out;
}

Bytes EcSigningKey::cose_key() const {
  const Bytes point = public_point();
  const size_t w = impl_->scalar_size;
  CborIntMap key;
  key.add(cose::kKeyKty, cbor_int(cose::kKtyEc2))
      .add(cose::kKeyCrv, cbor_int(impl_->curve == Curve::P256 ? cose::kCrvP256 : cose::kCrvP384))
      .add(cose::kKeyX, cbor_bytes(point.data() + 1, w))
      .add(cose::kKeyY, cbor_bytes(point.data() + 1 + w, w));
  return serialize(key.build().get());
}

Bytes EcSigningKey::rfc6979_nonce(const uint8_t* dgst, size_t dgst_len,
                                  const char* md_name) const {
  Rfc6979 gen(impl_->order, EC_KEY_get0_private_key(impl_->key.get()), dgst, dgst_len,
              md_by_name(md_name));
  BnPtr k = gen.next();
  Bytes out(impl_->scalar_size);
  if (BN_bn2binpad(k.get(), out.data(), static_cast<int>(out.size())) < 0) fatal("BN_bn2binpad");
  return out;
}

Bytes EcSigningKey::sign_digest(const uint8_t* dgst, size_t dgst_len, const char* md_name) const {
  const BIGNUM* n = impl_->order;
  Rfc6979 gen(n, EC_KEY_get0_private_key(impl_->key.get()), dgst, dgst_len, md_by_name(md_name));
  BnCtxPtr ctx = new_bn_ctx();
  PointPtr kg(EC_POINT_new(impl_->group));
  if (!kg) fatal("EC_POINT_new");

  // Each round: r = (k.G).x mod n, then ECDSA_do_sign_ex computes s = k^-1 (z + r.d) mod n
  // (truncating the digest to the order's bit length, as FIPS 186 and RFC 6979 do). A zero r
  // or s moves to the generator's next k, as RFC 6979 section 3.4 says.
  for (int attempt = 0; attempt < 16; ++attempt) {
    BnPtr k = gen.next();
    BN_set_flags(k.get(), BN_FLG_CONSTTIME);
    BnPtr x = new_bn(), r = new_bn();
    if (EC_POINT_mul(impl_->group, kg.get(), k.get(), nullptr, nullptr, ctx.get()) != 1 ||
        EC_POINT_get_affine_coordinates(impl_->group, kg.get(), x.get(), nullptr, ctx.get()) != 1 ||
        BN_nnmod(r.get(), x.get(), n, ctx.get()) != 1)
      fatal("r = (k.G).x mod n");
    if (BN_is_zero(r.get())) continue;
    BnPtr kinv(BN_mod_inverse(nullptr, k.get(), n, ctx.get()));
    if (!kinv) fatal("BN_mod_inverse");

    SigPtr sig(ECDSA_do_sign_ex(dgst, static_cast<int>(dgst_len), kinv.get(), r.get(),
                                impl_->key.get()));
    if (!sig) {  // s == 0 (ECDSA_R_NEED_NEW_SETUP_VALUES): try the next k
      ERR_clear_error();
      continue;
    }
    const BIGNUM* sig_r = nullptr;
    const BIGNUM* sig_s = nullptr;
    ECDSA_SIG_get0(sig.get(), &sig_r, &sig_s);
    const int w = static_cast<int>(impl_->scalar_size);
    Bytes out(2 * impl_->scalar_size);
    if (BN_bn2binpad(sig_r, out.data(), w) != w || BN_bn2binpad(sig_s, out.data() + w, w) != w)
      fatal("BN_bn2binpad");
    return out;
  }
  fatal("ECDSA: no usable nonce in 16 rounds");
}

Bytes EcSigningKey::sign_message(const uint8_t* msg, size_t len) const {
  const char* md = impl_->curve == Curve::P256 ? "SHA256" : "SHA384";
  const Bytes h = digest(md, msg, len);
  return sign_digest(h.data(), h.size(), md);
}

// =============================================================================================
// COSE_Sign1 (RFC 9052 section 4.2, 4.4)
// =============================================================================================
namespace {

// #6.18([protected: bstr .cbor {1: alg}, unprotected: {}, payload: bstr, signature: bstr]),
// signature = ECDSA over Sig_structure = ["Signature1", protected, external_aad = h'', payload].
Bytes cose_sign1(const Bytes& payload, const EcSigningKey& key) {
  CborIntMap header;
  header.add(cose::kHeaderAlg, cbor_int(key.cose_alg()));
  const Bytes protected_bytes = serialize(header.build().get());

  CborArray sig_structure;
  sig_structure.add(cbor_text(cose::kSign1Context))
      .add(cbor_bytes(protected_bytes))
      .add(cbor_bytes(nullptr, 0))
      .add(cbor_bytes(payload));
  const Bytes to_be_signed = serialize(sig_structure.build().get());
  const Bytes signature = key.sign_message(to_be_signed.data(), to_be_signed.size());

  CborArray sign1;
  sign1.add(cbor_bytes(protected_bytes))
      .add(owned(cbor_new_definite_map(0)))
      .add(cbor_bytes(payload))
      .add(cbor_bytes(signature));
  return serialize(cbor_tagged(AttestationToken::kCoseSign1Tag, sign1.build()).get());
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
