// ECDSA_do_verify and EC_KEY are deprecated in OpenSSL 3.0; they are the direct r/s verifier.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "rmm/attestation_verify.h"

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <map>
#include <memory>

#include "core/attestation_token.h"

namespace rmm {
namespace {

struct CborFree {
  void operator()(cbor_item_t* p) const { cbor_decref(&p); }
};
using Item = std::unique_ptr<cbor_item_t, CborFree>;

Item load(const Bytes& b, const char* what) {
  cbor_load_result res{};
  Item item(cbor_load(b.data(), b.size(), &res));  // owned first: an item with bytes after it is freed too
  if (!item || res.error.code != CBOR_ERR_NONE || res.read != b.size())
    throw TokenError(std::string(what) + ": not one well-formed CBOR item");
  return item;
}

bool is_int(const cbor_item_t* it) { return cbor_isa_uint(it) || cbor_isa_negint(it); }
int64_t int_value(const cbor_item_t* it) {
  const uint64_t v = cbor_get_int(it);
  return cbor_isa_uint(it) ? static_cast<int64_t>(v) : -1 - static_cast<int64_t>(v);
}

// The map's entries by integer key (borrowed: valid while the map lives).
std::map<int64_t, const cbor_item_t*> int_map(const cbor_item_t* map, const char* what) {
  if (!cbor_isa_map(map)) throw TokenError(std::string(what) + ": not a map");
  std::map<int64_t, const cbor_item_t*> out;
  const cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); ++i)
    if (!is_int(pairs[i].key) || !out.emplace(int_value(pairs[i].key), pairs[i].value).second)
      throw TokenError(std::string(what) + ": a key that is not an integer, or twice");
  return out;
}

const cbor_item_t* claim(const std::map<int64_t, const cbor_item_t*>& m, int64_t key, const char* what) {
  auto it = m.find(key);
  if (it == m.end()) throw TokenError(std::string(what) + ": no claim " + std::to_string(key));
  return it->second;
}

Bytes bstr(const cbor_item_t* it, const char* what) {
  if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it)) throw TokenError(std::string(what) + ": not a byte string");
  const uint8_t* p = cbor_bytestring_handle(it);
  return Bytes(p, p + cbor_bytestring_length(it));
}

std::string tstr(const cbor_item_t* it, const char* what) {
  if (!cbor_isa_string(it) || !cbor_string_is_definite(it)) throw TokenError(std::string(what) + ": not a text string");
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(it)), cbor_string_length(it));
}

struct Sign1 {
  Bytes protected_header, payload, signature;
};

// #6.18([protected bstr, unprotected map, payload bstr, signature bstr]). libcbor before 0.11
// rejects tags 6..20 in cbor_load (Debian ships 0.8), so the tag's one byte 0xD2 is checked
// here and libcbor decodes the array after it.
Sign1 decode_sign1(const Bytes& encoded, const char* what) {
  if (encoded.empty() || encoded[0] != 0xD2) throw TokenError(std::string(what) + ": not a COSE_Sign1 (tag 18)");
  Item arr = load(Bytes(encoded.begin() + 1, encoded.end()), what);
  if (!cbor_isa_array(arr.get()) || cbor_array_size(arr.get()) != 4)
    throw TokenError(std::string(what) + ": a COSE_Sign1 is an array of 4");
  cbor_item_t** e = cbor_array_handle(arr.get());
  Sign1 s{bstr(e[0], what), bstr(e[2], what), bstr(e[3], what)};
  Item prot = load(s.protected_header, what);
  const auto hdr = int_map(prot.get(), what);
  if (int_value(claim(hdr, 1, what)) != -35) throw TokenError(std::string(what) + ": alg is not ES384 (-35)");
  return s;
}

Bytes sha256(const Bytes& data) {
  Bytes out(32);
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

Bytes bstr_head(size_t n) {
  if (n < 24) return {static_cast<uint8_t>(0x40 | n)};
  if (n <= 0xff) return {0x58, static_cast<uint8_t>(n)};
  if (n <= 0xffff) return {0x59, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  return {0x5a, static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
          static_cast<uint8_t>(n)};
}

}  // namespace

Bytes cose_sig_structure(const Bytes& prot, const Bytes& payload) {
  Bytes s = {0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1'};
  for (const Bytes* part : {&prot, &payload}) {
    const Bytes h = bstr_head(part->size());
    s.insert(s.end(), h.begin(), h.end());
    s.insert(s.end(), part->begin(), part->end());
    if (part == &prot) s.push_back(0x40);  // external_aad: h''
  }
  return s;
}

bool verify_es384(const Bytes& x, const Bytes& y, const Bytes& prot, const Bytes& payload, const Bytes& signature) {
  if (signature.size() != 96 || x.size() != 48 || y.size() != 48) return false;
  const Bytes tbs = cose_sig_structure(prot, payload);
  Bytes h(48);
  unsigned len = 0;
  EVP_Digest(tbs.data(), tbs.size(), h.data(), &len, EVP_sha384(), nullptr);
  std::unique_ptr<EC_KEY, decltype(&EC_KEY_free)> key(EC_KEY_new_by_curve_name(NID_secp384r1), &EC_KEY_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bx(BN_bin2bn(x.data(), 48, nullptr), &BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> by(BN_bin2bn(y.data(), 48, nullptr), &BN_free);
  if (EC_KEY_set_public_key_affine_coordinates(key.get(), bx.get(), by.get()) != 1) return false;
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
  ECDSA_SIG_set0(sig.get(), BN_bin2bn(signature.data(), 48, nullptr), BN_bin2bn(signature.data() + 48, 48, nullptr));
  return ECDSA_do_verify(h.data(), static_cast<int>(h.size()), sig.get(), key.get()) == 1;
}

VerifiedToken verify_cca_token(const Bytes& token, const Bytes& cpak_point) {
  Item top = load(token, "token");
  if (!cbor_isa_tag(top.get()) || cbor_tag_value(top.get()) != 399) throw TokenError("token: not a CCA token (tag 399)");
  Item collection(cbor_tag_item(top.get()));
  const auto entries = int_map(collection.get(), "token");
  const Sign1 realm = decode_sign1(bstr(claim(entries, 44241, "token"), "token"), "realm token");
  const Sign1 platform = decode_sign1(bstr(claim(entries, 44234, "token"), "token"), "platform token");

  Item rp = load(realm.payload, "realm token claims");
  const auto rc = int_map(rp.get(), "realm token claims");
  const Bytes rak_claim = bstr(claim(rc, 44237, "realm token claims"), "realm public key");
  Item rak = load(rak_claim, "realm public key");
  const auto k = int_map(rak.get(), "realm public key");
  if (int_value(claim(k, 1, "realm public key")) != 2 || int_value(claim(k, -1, "realm public key")) != 2)
    throw TokenError("realm public key: not an EC2 P-384 COSE_Key");
  if (!verify_es384(bstr(claim(k, -2, "realm public key"), "x"), bstr(claim(k, -3, "realm public key"), "y"),
                    realm.protected_header, realm.payload, realm.signature))
    throw TokenError("realm token: the signature does not verify with the realm public key it carries");

  if (cpak_point.size() != 97 || cpak_point[0] != 0x04) throw TokenError("CPAK: not an uncompressed P-384 point");
  const Bytes cx(cpak_point.begin() + 1, cpak_point.begin() + 49), cy(cpak_point.begin() + 49, cpak_point.end());
  if (!verify_es384(cx, cy, platform.protected_header, platform.payload, platform.signature))
    throw TokenError("platform token: the signature does not verify with the CPAK");
  Item pp = load(platform.payload, "platform token claims");
  const auto pc = int_map(pp.get(), "platform token claims");
  if (bstr(claim(pc, 10, "platform token claims"), "platform challenge") != sha256(rak_claim))
    throw TokenError("binding: the platform token's challenge is not SHA-256 of the realm public key");

  VerifiedToken v;
  v.realm_profile = tstr(claim(rc, 265, "realm token claims"), "realm profile");
  v.challenge = bstr(claim(rc, 10, "realm token claims"), "challenge");
  v.personalization_value = bstr(claim(rc, 44235, "realm token claims"), "RPV");
  v.hash_algo_id = tstr(claim(rc, 44236, "realm token claims"), "hash algorithm");
  v.rim = bstr(claim(rc, 44238, "realm token claims"), "RIM");
  const cbor_item_t* rems = claim(rc, 44239, "realm token claims");
  if (!cbor_isa_array(rems)) throw TokenError("REMs: not an array");
  for (size_t i = 0; i < cbor_array_size(rems); ++i) v.rems.push_back(bstr(cbor_array_handle(rems)[i], "REM"));
  v.platform_profile = tstr(claim(pc, 265, "platform token claims"), "platform profile");
  v.lifecycle = cbor_get_int(claim(pc, 2395, "platform token claims"));
  v.instance_id = bstr(claim(pc, 256, "platform token claims"), "instance id");
  return v;
}

Bytes platform_cpak_point(uint64_t seed) { return PlatformAttestation::from_seed(seed).cpak().public_point(); }

}  // namespace rmm
