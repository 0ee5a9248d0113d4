// ECDSA_do_sign_ex and the EC_KEY type are deprecated in OpenSSL 3.0 but are the only libcrypto
// entry points that accept a caller-computed (k^-1, r) pair, which deterministic signing needs
// on 3.0 (EVP got RFC 6979 only in 3.2). This file is the one place that uses them.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "core/signing.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

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
// COSE labels (RFC 9052: COSE_Sign1, Sig_structure; RFC 9053: ES256/ES384, EC2 keys).
// ---------------------------------------------------------------------------------------------
namespace cose {
constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kAlgEs256 = -7, kAlgEs384 = -35;
constexpr int64_t kKeyKty = 1, kKeyCrv = -1, kKeyX = -2, kKeyY = -3;
constexpr int64_t kKtyEc2 = 2;
constexpr int64_t kCrvP256 = 1, kCrvP384 = 2;
constexpr const char* kSign1Context = "Signature1";
}  // namespace cose

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
  return serialize(cbor_tagged(kCoseSign1Tag, sign1.build()).get());
}


}  // namespace rmm
