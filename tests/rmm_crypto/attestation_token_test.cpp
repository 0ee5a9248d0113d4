// The CCA attestation token, decoded independently of the code that built it: libcbor's
// decoder (cbor_load) walks the bytes, the COSE Sig_structure is rebuilt here byte by byte, and
// OpenSSL's ECDSA_do_verify checks both signatures.
//
// ECDSA_do_verify and EC_KEY are deprecated in OpenSSL 3.0; they are the direct r/s verifier.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <gtest/gtest.h>

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "core/attestation_token.h"
#include "rmm/attestation_verify.h"
#include "core/measurement.h"
#include "test_util.h"

namespace {

using rmm::AttestationToken;
using rmm::EcSigningKey;
using rmm::HashAlgorithm;
using rmm::PlatformAttestation;
using rmm::RealmClaims;
using rmm_test::Bytes;
using rmm_test::digest;
using rmm_test::from_hex;
using rmm_test::to_hex;

// ------------------------------------------------------------------------------------------
// Decoding helpers (libcbor decoder)
// ------------------------------------------------------------------------------------------
struct CborFree {
  void operator()(cbor_item_t* p) const { cbor_decref(&p); }
};
using Item = std::unique_ptr<cbor_item_t, CborFree>;

Item load(const Bytes& b) {
  cbor_load_result res{};
  cbor_item_t* item = cbor_load(b.data(), b.size(), &res);
  EXPECT_EQ(res.error.code, CBOR_ERR_NONE);
  EXPECT_EQ(res.read, b.size()) << "trailing bytes after the CBOR item";
  if (item == nullptr) throw std::runtime_error("cbor_load failed");
  return Item(item);
}

bool is_int(const cbor_item_t* it) { return cbor_isa_uint(it) || cbor_isa_negint(it); }

int64_t int_value(const cbor_item_t* it) {
  const uint64_t v = cbor_get_int(it);
  return cbor_isa_uint(it) ? static_cast<int64_t>(v) : -1 - static_cast<int64_t>(v);
}

Bytes bstr(const cbor_item_t* it) {
  EXPECT_TRUE(cbor_isa_bytestring(it));
  EXPECT_TRUE(cbor_bytestring_is_definite(it));
  const uint8_t* p = cbor_bytestring_handle(it);
  return Bytes(p, p + cbor_bytestring_length(it));
}

std::string tstr(const cbor_item_t* it) {
  EXPECT_TRUE(cbor_isa_string(it));
  EXPECT_TRUE(cbor_string_is_definite(it));
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(it)),
                     cbor_string_length(it));
}

// The map's entries by integer key (borrowed pointers, valid while the map lives). Fails the
// test on a non-integer or repeated key.
std::map<int64_t, const cbor_item_t*> int_map(const cbor_item_t* map) {
  std::map<int64_t, const cbor_item_t*> out;
  EXPECT_TRUE(cbor_isa_map(map));
  const cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); ++i) {
    EXPECT_TRUE(is_int(pairs[i].key));
    EXPECT_TRUE(out.emplace(int_value(pairs[i].key), pairs[i].value).second) << "duplicate key";
  }
  return out;
}

// Every integer (and tag) uses its shortest form, and map keys are in RFC 8949 4.2.1 order.
size_t minimal_width_bytes(uint64_t v) {
  return v < 24 ? 0 : v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
}
void expect_deterministic(const cbor_item_t* it) {
  if (is_int(it)) {
    const size_t w = minimal_width_bytes(cbor_get_int(it));
    const size_t have = 1u << static_cast<unsigned>(cbor_int_get_width(it));  // 8/16/32/64 bits
    EXPECT_EQ(have, std::max<size_t>(w, 1)) << "integer " << int_value(it) << " not shortest";
  } else if (cbor_isa_array(it)) {
    for (size_t i = 0; i < cbor_array_size(it); ++i) expect_deterministic(cbor_array_handle(it)[i]);
  } else if (cbor_isa_map(it)) {
    const cbor_pair* pairs = cbor_map_handle(it);
    for (size_t i = 0; i < cbor_map_size(it); ++i) {
      expect_deterministic(pairs[i].key);
      expect_deterministic(pairs[i].value);
      if (i > 0) {
        auto rank = [](const cbor_item_t* k) {
          return std::make_pair(cbor_isa_negint(k), cbor_get_int(k));
        };
        EXPECT_LT(rank(pairs[i - 1].key), rank(pairs[i].key)) << "map keys out of order";
      }
    }
  } else if (cbor_isa_tag(it)) {
    Item inner(cbor_tag_item(it));
    expect_deterministic(inner.get());
  }
}

// A decoded COSE_Sign1: #6.18([protected bstr, unprotected map, payload bstr, signature bstr]).
struct Sign1 {
  Bytes protected_header;
  Bytes payload;
  Bytes signature;
  int64_t alg = 0;
};

// libcbor before 0.11 rejects tags 6..20 in cbor_load (CBOR_ERR_MALFORMATED; PJK/libcbor
// issue #307), and Debian ships 0.8. So the tag-18 head is checked here byte-wise - RFC 8949
// encodes tag 18 as the single byte 0xD2 (major type 6, value 18) - and libcbor decodes the
// COSE_Sign1 array that follows it.
Sign1 decode_sign1(const Bytes& encoded) {
  EXPECT_FALSE(encoded.empty());
  EXPECT_EQ(encoded.at(0), 0xD2) << "COSE_Sign1 tag 18";
  Item arr = load(Bytes(encoded.begin() + 1, encoded.end()));
  expect_deterministic(arr.get());
  EXPECT_TRUE(cbor_isa_array(arr.get()));
  EXPECT_EQ(cbor_array_size(arr.get()), 4u);
  cbor_item_t** e = cbor_array_handle(arr.get());
  Sign1 s;
  s.protected_header = bstr(e[0]);
  EXPECT_TRUE(cbor_isa_map(e[1]));
  EXPECT_EQ(cbor_map_size(e[1]), 0u) << "unprotected header is empty";
  s.payload = bstr(e[2]);
  s.signature = bstr(e[3]);
  Item prot = load(s.protected_header);
  auto hdr = int_map(prot.get());
  EXPECT_EQ(hdr.size(), 1u);
  EXPECT_TRUE(hdr.count(1));
  if (hdr.count(1)) s.alg = int_value(hdr.at(1));
  return s;
}

// The Sig_structure and the ES384 check are the verifier's (rmm/attestation_verify.h), which
// `rmesim verify-token` uses on tokens realms fetch.
using rmm::verify_es384;

// ------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------
RealmClaims sample_claims(HashAlgorithm algo) {
  rmm::Measurement m;
  rmm::RealmParamsMeasured p;
  p.s2sz = 40;
  p.num_bps = 2;
  p.num_wps = 2;
  p.algorithm = algo;
  m.init_rim(p);
  Bytes page(4096, 0x11);
  m.extend_data(0x1000, rmm::kRmiMeasureContent, page.data(), page.size());
  const uint8_t rem_data[5] = {'h', 'e', 'l', 'l', 'o'};
  m.extend_rem(1, rem_data, sizeof rem_data);
  m.extend_rem(4, rem_data, 3);
  std::array<uint8_t, 64> challenge{}, rpv{};
  for (int i = 0; i < 64; ++i) {
    challenge[i] = static_cast<uint8_t>(0xC0 + i);
    rpv[i] = static_cast<uint8_t>(i);
  }
  return RealmClaims::from_measurement(m, challenge, rpv);
}

struct DecodedToken {
  Bytes platform_sign1;
  Bytes realm_sign1;
};

DecodedToken decode_collection(const Bytes& token) {
  Item top = load(token);
  expect_deterministic(top.get());
  EXPECT_TRUE(cbor_isa_tag(top.get()));
  EXPECT_EQ(cbor_tag_value(top.get()), 399u) << "CCA token collection tag";
  Item map(cbor_tag_item(top.get()));
  auto entries = int_map(map.get());
  EXPECT_EQ(entries.size(), 2u);
  DecodedToken d;
  d.platform_sign1 = bstr(entries.at(44234));
  d.realm_sign1 = bstr(entries.at(44241));
  return d;
}

// The COSE_Key of the realm public key claim: {1: 2 (EC2), -1: 2 (P-384), -2: x, -3: y}.
struct CoseKey {
  Bytes x, y;
};
CoseKey decode_cose_key(const Bytes& encoded) {
  Item key = load(encoded);
  expect_deterministic(key.get());
  auto k = int_map(key.get());
  EXPECT_EQ(k.size(), 4u);
  EXPECT_EQ(int_value(k.at(1)), 2) << "kty EC2";
  EXPECT_EQ(int_value(k.at(-1)), 2) << "crv P-384";
  return CoseKey{bstr(k.at(-2)), bstr(k.at(-3))};
}

class TokenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new PlatformAttestation(PlatformAttestation::from_seed(42));
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static PlatformAttestation* platform_;
};
PlatformAttestation* TokenTest::platform_ = nullptr;

// ------------------------------------------------------------------------------------------
// Deterministic ECDSA: RFC 6979 appendix A.2.5 (P-256) and A.2.6 (P-384) test vectors
// ------------------------------------------------------------------------------------------
struct Rfc6979Vector {
  const char* md;
  const char* msg;
  const char* k;
  const char* r;
  const char* s;
};

TEST(DeterministicEcdsa, p384_matches_rfc6979_a26_vectors) {
  const auto key = EcSigningKey::from_private_scalar(
      EcSigningKey::Curve::P384,
      from_hex("6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
               "96D5724E4C70A825F872C9EA60D2EDF5"));
  const Bytes pub = key.public_point();
  EXPECT_EQ(to_hex(Bytes(pub.begin() + 1, pub.begin() + 49)),
            "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64"
            "def8f0ea9055866064a254515480bc13");
  EXPECT_EQ(to_hex(Bytes(pub.begin() + 49, pub.end())),
            "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1"
            "288b231c3ae0d4fe7344fd2533264720");
  const Rfc6979Vector vectors[] = {
      {"SHA384", "sample",
       "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA8"
       "7A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
       "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA7"
       "3D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
       "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526"
       "203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"},
      {"SHA384", "test",
       "015EE46A5BF88773ED9123A5AB0807962D193719503C527B"
       "031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
       "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36"
       "AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
       "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B"
       "827C2F13173923E06A739F040649A667BF3B828246BAA5A5"},
      // hlen < qlen: T spans two HMAC outputs and bits2int truncates.
      {"SHA256", "sample",
       "180AE9F9AEC5438A44BC159A1FCB277C7BE54FA20E7CF404"
       "B490650A8ACC414E375572342863C899F9F2EDF9747A9B60",
       "21B13D1E013C7FA1392D03C5F99AF8B30C570C6F98D4EA8E"
       "354B63A21D3DAA33BDE1E888E63355D92FA2B3C36D8FB2CD",
       "F3AA443FB107745BF4BD77CB3891674632068A10CA67E3D4"
       "5DB2266FA7D1FEEBEFDC63ECCD1AC42EC0CB8668A4FA0AB0"},
      // hlen > qlen: the digest itself is truncated.
      {"SHA512", "sample",
       "92FC3C7183A883E24216D1141F1A8976C5B0DD797DFA597E"
       "3D7B32198BD35331A4E966532593A52980D0E3AAA5E10EC3",
       "ED0959D5880AB2D869AE7F6C2915C6D60F96507F9CB3E047"
       "C0046861DA4A799CFE30F35CC900056D7C99CD7882433709",
       "512C8CCEEE3890A84058CE1E22DBC2198F42323CE8ACA913"
       "5329F03C068E5112DC7CC3EF3446DEFCEB01A45C2667FDD5"},
  };
  for (const auto& v : vectors) {
    const Bytes h = digest(v.md, v.msg, std::strlen(v.msg));
    EXPECT_EQ(key.rfc6979_nonce(h.data(), h.size(), v.md), from_hex(v.k)) << v.md << " " << v.msg;
    Bytes rs = from_hex(v.r);
    const Bytes s = from_hex(v.s);
    rs.insert(rs.end(), s.begin(), s.end());
    EXPECT_EQ(key.sign_digest(h.data(), h.size(), v.md), rs) << v.md << " " << v.msg;
  }
}

TEST(DeterministicEcdsa, p256_matches_rfc6979_a25_vector) {
  const auto key = EcSigningKey::from_private_scalar(
      EcSigningKey::Curve::P256,
      from_hex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
  EXPECT_EQ(key.cose_alg(), -7);
  const Bytes h = digest("SHA256", "sample", 6);
  EXPECT_EQ(to_hex(key.rfc6979_nonce(h.data(), h.size(), "SHA256")),
            "a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60");
  EXPECT_EQ(to_hex(key.sign_digest(h.data(), h.size(), "SHA256")),
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
}

TEST(DeterministicEcdsa, private_scalar_outside_range_is_rejected) {
  EXPECT_THROW(EcSigningKey::from_private_scalar(EcSigningKey::Curve::P384, Bytes(48, 0)),
               std::invalid_argument);
  EXPECT_THROW(EcSigningKey::from_private_scalar(EcSigningKey::Curve::P384, Bytes(48, 0xff)),
               std::invalid_argument);
}

TEST(DeterministicEcdsa, seeded_keys_are_reproducible_and_domain_separated) {
  const Bytes seed = {1, 2, 3};
  const auto a = EcSigningKey::from_seed(EcSigningKey::Curve::P384, "RAK", seed);
  const auto b = EcSigningKey::from_seed(EcSigningKey::Curve::P384, "RAK", seed);
  const auto c = EcSigningKey::from_seed(EcSigningKey::Curve::P384, "CPAK", seed);
  const auto d = EcSigningKey::from_seed(EcSigningKey::Curve::P384, "RAK", Bytes{1, 2, 4});
  EXPECT_EQ(a.public_point(), b.public_point());
  EXPECT_NE(a.public_point(), c.public_point());
  EXPECT_NE(a.public_point(), d.public_point());
  EXPECT_EQ(a.public_point().size(), 97u);
  EXPECT_EQ(a.public_point()[0], 0x04);
}

// ------------------------------------------------------------------------------------------
// The token
// ------------------------------------------------------------------------------------------
TEST_F(TokenTest, cca_token_is_tag_399_map_of_two_bstr_wrapped_cose_sign1) {
  const Bytes token = AttestationToken::build(sample_claims(HashAlgorithm::Sha256), *platform_);
  const DecodedToken d = decode_collection(token);
  EXPECT_EQ(d.platform_sign1, platform_->platform_token());
  const Sign1 p = decode_sign1(d.platform_sign1);
  const Sign1 r = decode_sign1(d.realm_sign1);
  EXPECT_EQ(p.alg, -35) << "ES384";
  EXPECT_EQ(r.alg, -35) << "ES384";
  EXPECT_EQ(p.signature.size(), 96u);
  EXPECT_EQ(r.signature.size(), 96u);
}

TEST_F(TokenTest, realm_token_carries_every_claim_with_its_value) {
  const RealmClaims claims = sample_claims(HashAlgorithm::Sha256);
  const Bytes token = AttestationToken::build(claims, *platform_);
  const Sign1 r = decode_sign1(decode_collection(token).realm_sign1);
  Item payload = load(r.payload);
  expect_deterministic(payload.get());
  auto c = int_map(payload.get());
  EXPECT_EQ(c.size(), 8u);
  EXPECT_EQ(bstr(c.at(10)), Bytes(claims.challenge.begin(), claims.challenge.end()));
  EXPECT_EQ(tstr(c.at(265)), "tag:arm.com,2023:realm#1.0.0");
  EXPECT_EQ(bstr(c.at(44235)),
            Bytes(claims.personalization_value.begin(), claims.personalization_value.end()));
  EXPECT_EQ(tstr(c.at(44236)), "sha-256");
  EXPECT_EQ(bstr(c.at(44238)), Bytes(claims.rim.begin(), claims.rim.begin() + 32));
  const cbor_item_t* rems = c.at(44239);
  ASSERT_TRUE(cbor_isa_array(rems));
  ASSERT_EQ(cbor_array_size(rems), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(bstr(cbor_array_handle(rems)[i]),
              Bytes(claims.rems[i].begin(), claims.rems[i].begin() + 32))
        << "REM " << i;
  EXPECT_EQ(tstr(c.at(44240)), "sha-256");

  // RAK: a COSE_Key whose coordinates are the RAK's public point.
  const CoseKey rak = decode_cose_key(bstr(c.at(44237)));
  const Bytes point = platform_->rak().key().public_point();
  EXPECT_EQ(rak.x, Bytes(point.begin() + 1, point.begin() + 49));
  EXPECT_EQ(rak.y, Bytes(point.begin() + 49, point.end()));
}

TEST_F(TokenTest, realm_token_with_sha512_reports_64_byte_measurements) {
  const RealmClaims claims = sample_claims(HashAlgorithm::Sha512);
  const Bytes token = AttestationToken::build(claims, *platform_);
  const Sign1 r = decode_sign1(decode_collection(token).realm_sign1);
  Item payload = load(r.payload);
  auto c = int_map(payload.get());
  EXPECT_EQ(tstr(c.at(44236)), "sha-512");
  EXPECT_EQ(bstr(c.at(44238)), Bytes(claims.rim.begin(), claims.rim.end()));
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(bstr(cbor_array_handle(c.at(44239))[i]).size(), 64u);
  EXPECT_EQ(tstr(c.at(44240)), "sha-256") << "the RAK hash algorithm does not follow the realm's";
}

TEST_F(TokenTest, platform_token_claims_and_challenge_binds_the_rak) {
  const Bytes token = AttestationToken::build(sample_claims(HashAlgorithm::Sha256), *platform_);
  const DecodedToken d = decode_collection(token);
  const Sign1 p = decode_sign1(d.platform_sign1);
  const Sign1 r = decode_sign1(d.realm_sign1);
  Item pp = load(p.payload);
  Item rp = load(r.payload);
  auto pc = int_map(pp.get());
  auto rc = int_map(rp.get());

  // Binding: platform challenge == SHA-256 (the RAK hash algo id) of the 44237 claim bytes.
  EXPECT_EQ(tstr(rc.at(44240)), "sha-256");
  EXPECT_EQ(bstr(pc.at(10)), digest("SHA256", bstr(rc.at(44237))));

  EXPECT_EQ(pc.size(), 9u);
  EXPECT_EQ(tstr(pc.at(265)), "tag:arm.com,2023:cca_platform#1.0.0");
  EXPECT_EQ(bstr(pc.at(2396)).size(), 32u) << "implementation id";
  const Bytes instance = bstr(pc.at(256));
  ASSERT_EQ(instance.size(), 33u);
  EXPECT_EQ(instance[0], 0x01) << "UEID type RAND";
  EXPECT_EQ(Bytes(instance.begin() + 1, instance.end()),
            digest("SHA256", platform_->cpak().public_point()));
  EXPECT_EQ(bstr(pc.at(2401)), platform_->claims().config);
  EXPECT_EQ(int_value(pc.at(2395)), 0x3000) << "lifecycle SECURED";
  EXPECT_EQ(tstr(pc.at(2400)), "https://verifier.rmesim.invalid/");
  EXPECT_EQ(tstr(pc.at(2402)), "sha-256");

  const cbor_item_t* sw = pc.at(2399);
  ASSERT_TRUE(cbor_isa_array(sw));
  ASSERT_EQ(cbor_array_size(sw), 2u);
  const char* types[] = {"AP_BL31", "RMM"};
  for (size_t i = 0; i < 2; ++i) {
    auto comp = int_map(cbor_array_handle(sw)[i]);
    EXPECT_EQ(comp.size(), 5u);
    EXPECT_EQ(tstr(comp.at(1)), types[i]);
    EXPECT_EQ(bstr(comp.at(2)), platform_->claims().sw_components[i].measurement);
    EXPECT_EQ(bstr(comp.at(2)).size(), 32u);
    EXPECT_EQ(tstr(comp.at(4)), "0.1");
    EXPECT_EQ(bstr(comp.at(5)).size(), 32u) << "signer id";
    EXPECT_EQ(tstr(comp.at(6)), "sha-256");
  }
}

TEST_F(TokenTest, both_signatures_verify_over_rebuilt_sig_structure) {
  const Bytes token = AttestationToken::build(sample_claims(HashAlgorithm::Sha256), *platform_);
  const DecodedToken d = decode_collection(token);
  const Sign1 p = decode_sign1(d.platform_sign1);
  const Sign1 r = decode_sign1(d.realm_sign1);

  // Realm token: verified with the key it carries (as a verifier does), then bound above.
  Item rp = load(r.payload);
  const CoseKey rak = decode_cose_key(bstr(int_map(rp.get()).at(44237)));
  EXPECT_TRUE(verify_es384(rak.x, rak.y, r.protected_header, r.payload, r.signature));

  // Platform token: verified with the CPAK, the verifier's trust anchor for this instance.
  const Bytes cpak = platform_->cpak().public_point();
  const Bytes cx(cpak.begin() + 1, cpak.begin() + 49), cy(cpak.begin() + 49, cpak.end());
  EXPECT_TRUE(verify_es384(cx, cy, p.protected_header, p.payload, p.signature));

  // Keys are not interchangeable.
  EXPECT_FALSE(verify_es384(cx, cy, r.protected_header, r.payload, r.signature));
  EXPECT_FALSE(verify_es384(rak.x, rak.y, p.protected_header, p.payload, p.signature));
}

TEST_F(TokenTest, changed_claim_breaks_the_signature) {
  const Bytes token = AttestationToken::build(sample_claims(HashAlgorithm::Sha256), *platform_);
  const DecodedToken d = decode_collection(token);
  const Sign1 r = decode_sign1(d.realm_sign1);
  const Sign1 p = decode_sign1(d.platform_sign1);
  Item rp = load(r.payload);
  const CoseKey rak = decode_cose_key(bstr(int_map(rp.get()).at(44237)));
  const Bytes cpak = platform_->cpak().public_point();
  const Bytes cx(cpak.begin() + 1, cpak.begin() + 49), cy(cpak.begin() + 49, cpak.end());

  // Flip one bit of the RIM inside the signed payload.
  Bytes tampered = r.payload;
  const Bytes rim = bstr(int_map(rp.get()).at(44238));
  auto pos = std::search(tampered.begin(), tampered.end(), rim.begin(), rim.end());
  ASSERT_NE(pos, tampered.end());
  *pos ^= 0x01;
  EXPECT_FALSE(verify_es384(rak.x, rak.y, r.protected_header, tampered, r.signature));

  // A different challenge is a different payload: the old signature does not cover it.
  RealmClaims other = sample_claims(HashAlgorithm::Sha256);
  other.challenge[0] ^= 0xff;
  const Bytes other_token = AttestationToken::build(other, *platform_);
  const Sign1 r2 = decode_sign1(decode_collection(other_token).realm_sign1);
  EXPECT_TRUE(verify_es384(rak.x, rak.y, r2.protected_header, r2.payload, r2.signature));
  EXPECT_FALSE(verify_es384(rak.x, rak.y, r.protected_header, r2.payload, r.signature));

  // Platform lifecycle changed from SECURED to DEBUG in the payload.
  Bytes ptampered = p.payload;
  const uint8_t secured[] = {0x19, 0x09, 0x5b, 0x19, 0x30, 0x00};  // 2395: 0x3000
  auto at = std::search(ptampered.begin(), ptampered.end(), std::begin(secured), std::end(secured));
  ASSERT_NE(at, ptampered.end());
  at[4] = 0x50;  // 0x5000: RECOVERABLE_CCA_PLATFORM_ROT_DEBUG
  EXPECT_FALSE(verify_es384(cx, cy, p.protected_header, ptampered, p.signature));
  EXPECT_TRUE(verify_es384(cx, cy, p.protected_header, p.payload, p.signature));
}

// The whole verifier: both signatures, the binding, the claims; and each check can fail.
TEST_F(TokenTest, verify_cca_token_checks_signatures_and_binding_and_returns_the_claims) {
  const RealmClaims claims = sample_claims(HashAlgorithm::Sha256);
  const Bytes token = AttestationToken::build(claims, *platform_);
  const Bytes cpak = platform_->cpak().public_point();
  const rmm::VerifiedToken v = rmm::verify_cca_token(token, cpak);
  EXPECT_EQ(v.realm_profile, AttestationToken::kRealmProfile);
  EXPECT_EQ(v.challenge, Bytes(claims.challenge.begin(), claims.challenge.end()));
  EXPECT_EQ(v.personalization_value, Bytes(claims.personalization_value.begin(), claims.personalization_value.end()));
  EXPECT_EQ(v.hash_algo_id, "sha-256");
  EXPECT_EQ(v.rim, Bytes(claims.rim.begin(), claims.rim.begin() + 32));
  EXPECT_EQ(v.rems.size(), 4u);
  EXPECT_EQ(v.lifecycle, 0x3000u);

  // Another platform's CPAK: the platform signature fails.
  EXPECT_THROW(rmm::verify_cca_token(token, PlatformAttestation::from_seed(43).cpak().public_point()), rmm::TokenError);
  // One bit of the RIM flipped inside the realm token: its signature fails.
  Bytes tampered = token;
  const Bytes rim = v.rim;
  auto pos = std::search(tampered.begin(), tampered.end(), rim.begin(), rim.end());
  ASSERT_NE(pos, tampered.end());
  *pos ^= 0x01;
  EXPECT_THROW(rmm::verify_cca_token(tampered, cpak), rmm::TokenError);
  // A realm token signed by another RAK, beside this platform token: the binding fails.
  const PlatformAttestation other = PlatformAttestation::from_seed(43);
  const Bytes mixed = AttestationToken::collection(platform_->platform_token(),
                                                   AttestationToken::realm_token(claims, other.rak()));
  try {
    rmm::verify_cca_token(mixed, cpak);
    ADD_FAILURE() << "a realm token of another RAK was accepted";
  } catch (const rmm::TokenError& e) {
    EXPECT_NE(std::string(e.what()).find("binding"), std::string::npos) << e.what();
  }
  // Not a token at all.
  EXPECT_THROW(rmm::verify_cca_token(Bytes{0x01, 0x02}, cpak), rmm::TokenError);
}

TEST(Token, same_seed_and_claims_give_byte_identical_tokens) {
  const auto claims = sample_claims(HashAlgorithm::Sha256);
  const auto a = PlatformAttestation::from_seed(7);
  const auto b = PlatformAttestation::from_seed(7);
  const Bytes t1 = AttestationToken::build(claims, a);
  const Bytes t2 = AttestationToken::build(claims, a);
  const Bytes t3 = AttestationToken::build(claims, b);
  EXPECT_EQ(t1, t2);
  EXPECT_EQ(t1, t3);
  EXPECT_EQ(a.platform_token(), b.platform_token());
}

TEST(Token, different_seed_or_challenge_gives_different_tokens) {
  const auto claims = sample_claims(HashAlgorithm::Sha256);
  const auto a = PlatformAttestation::from_seed(7);
  const auto b = PlatformAttestation::from_seed(8);
  EXPECT_NE(AttestationToken::build(claims, a), AttestationToken::build(claims, b));
  EXPECT_NE(a.platform_token(), b.platform_token());
  EXPECT_NE(a.claims().instance_id, b.claims().instance_id);
  EXPECT_EQ(a.claims().implementation_id, b.claims().implementation_id);
  auto other = claims;
  other.challenge[63] ^= 1;
  EXPECT_NE(AttestationToken::build(claims, a), AttestationToken::build(other, a));
}

TEST(Token, custom_platform_claims_omit_empty_optional_fields) {
  rmm::PlatformClaims pc;
  pc.config = {0xCF};
  pc.sw_components.push_back(rmm::SwComponent{"", Bytes(48, 0xAA), "", Bytes(48, 0xBB), ""});
  const auto platform = PlatformAttestation::from_seed(3, pc);
  const Sign1 p = decode_sign1(platform.platform_token());
  Item payload = load(p.payload);
  auto c = int_map(payload.get());
  EXPECT_EQ(c.size(), 8u) << "no verification service";
  EXPECT_EQ(c.count(2400), 0u);
  auto comp = int_map(cbor_array_handle(c.at(2399))[0]);
  EXPECT_EQ(comp.size(), 2u) << "only measurement value and signer id";
  EXPECT_EQ(bstr(comp.at(2)), Bytes(48, 0xAA));
  EXPECT_EQ(bstr(comp.at(5)), Bytes(48, 0xBB));
}

TEST(Token, realm_claims_from_measurement_copy_rim_and_rems) {
  rmm::Measurement m(HashAlgorithm::Sha512);
  rmm::RealmParamsMeasured p;
  p.algorithm = HashAlgorithm::Sha512;
  m.init_rim(p);
  const uint8_t v[2] = {9, 9};
  m.extend_rem(2, v, 2);
  std::array<uint8_t, 64> ch{}, rpv{};
  ch[0] = 1;
  rpv[1] = 2;
  const auto c = RealmClaims::from_measurement(m, ch, rpv);
  EXPECT_EQ(c.hash_algorithm, HashAlgorithm::Sha512);
  EXPECT_EQ(c.rim, m.rim());
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(c.rems[i], m.slot(i + 1));
  EXPECT_EQ(c.challenge, ch);
  EXPECT_EQ(c.personalization_value, rpv);
}

}  // namespace
