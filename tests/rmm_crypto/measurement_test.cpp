// RIM and REM values checked against an independent computation: each test lays out the
// measured structure by hand (memcpy / little-endian stores at the spec's offsets, RMM spec
// 1.0 RmiRealmParams, RmiRecParams, RmmMeasurementDescriptor{Data,Rec,Ripas}) and hashes it
// with EVP directly.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "core/measurement.h"
#include "test_util.h"

namespace {

using rmm::HashAlgorithm;
using rmm::Measurement;
using rmm_test::Bytes;
using rmm_test::digest;
using rmm_test::put_le64;

const char* md_name(HashAlgorithm a) { return a == HashAlgorithm::Sha256 ? "SHA256" : "SHA512"; }

rmm::RealmParamsMeasured sample_realm_params(HashAlgorithm algo) {
  rmm::RealmParamsMeasured p;
  p.flags = 0x6;  // sve | pmu
  p.s2sz = 40;
  p.sve_vl = 3;
  p.num_bps = 6;
  p.num_wps = 4;
  p.pmu_num_ctrs = 7;
  p.algorithm = algo;
  return p;
}

// The measured RmiRealmParams, built by hand.
Bytes expected_rim0(const rmm::RealmParamsMeasured& p) {
  Bytes g(4096, 0);
  put_le64(g.data(), 0x000, p.flags);
  put_le64(g.data(), 0x008, p.s2sz);
  put_le64(g.data(), 0x010, p.sve_vl);
  put_le64(g.data(), 0x018, p.num_bps);
  put_le64(g.data(), 0x020, p.num_wps);
  put_le64(g.data(), 0x028, p.pmu_num_ctrs);
  g[0x030] = static_cast<uint8_t>(p.algorithm);
  return digest(md_name(p.algorithm), g);
}

// RmmMeasurementDescriptorData, built by hand.
Bytes expected_data_extend(HashAlgorithm a, const Bytes& rim, uint64_t ipa, uint64_t flags,
                           const Bytes* content) {
  uint8_t desc[0x100] = {};
  desc[0x00] = 0;  // desc_type DATA
  put_le64(desc, 0x08, 0x100);
  std::memcpy(desc + 0x10, rim.data(), rim.size());
  put_le64(desc, 0x50, ipa);
  put_le64(desc, 0x58, flags);
  if (content != nullptr) {
    Bytes h = digest(md_name(a), *content);
    std::memcpy(desc + 0x60, h.data(), h.size());
  }
  return digest(md_name(a), desc, sizeof desc);
}

Bytes expected_rec_extend(HashAlgorithm a, const Bytes& rim, const rmm::RecParamsMeasured& r) {
  Bytes params(4096, 0);
  put_le64(params.data(), 0x000, r.flags);
  put_le64(params.data(), 0x200, r.pc);
  for (int i = 0; i < 8; ++i) put_le64(params.data(), 0x300 + 8 * i, r.gprs[i]);
  Bytes h = digest(md_name(a), params);
  uint8_t desc[0x100] = {};
  desc[0x00] = 1;  // desc_type REC
  put_le64(desc, 0x08, 0x100);
  std::memcpy(desc + 0x10, rim.data(), rim.size());
  std::memcpy(desc + 0x50, h.data(), h.size());
  return digest(md_name(a), desc, sizeof desc);
}

Bytes expected_ripas_extend(HashAlgorithm a, const Bytes& rim, uint64_t base, uint64_t top) {
  uint8_t desc[0x100] = {};
  desc[0x00] = 2;  // desc_type RIPAS
  put_le64(desc, 0x08, 0x100);
  std::memcpy(desc + 0x10, rim.data(), rim.size());
  put_le64(desc, 0x50, base);
  put_le64(desc, 0x58, top);
  return digest(md_name(a), desc, sizeof desc);
}

Bytes rim_of(const Measurement& m) { return Bytes(m.rim().begin(), m.rim().begin() + m.size()); }

Bytes page_pattern(uint8_t seed) {
  Bytes page(4096);
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
  return page;
}

class MeasurementBothAlgos : public ::testing::TestWithParam<HashAlgorithm> {};

TEST_P(MeasurementBothAlgos, realm_create_rim_is_hash_of_zeroed_params_with_measured_fields) {
  const auto p = sample_realm_params(GetParam());
  Measurement m;
  m.init_rim(p);
  EXPECT_EQ(m.algorithm(), GetParam());
  EXPECT_EQ(m.size(), GetParam() == HashAlgorithm::Sha256 ? 32u : 64u);
  EXPECT_EQ(rim_of(m), expected_rim0(p));
  // Unused bytes of the 64-byte slot stay zero; REMs start at zero.
  for (size_t i = m.size(); i < 64; ++i) EXPECT_EQ(m.rim()[i], 0) << i;
  for (unsigned i = 1; i <= 4; ++i)
    for (uint8_t b : m.slot(i)) EXPECT_EQ(b, 0);
}

TEST_P(MeasurementBothAlgos, realm_params_from_granule_ignores_rpv_vmid_rtt_fields_and_padding) {
  const auto p = sample_realm_params(GetParam());
  Bytes g(4096, 0);
  put_le64(g.data(), 0x000, p.flags);
  put_le64(g.data(), 0x008, p.s2sz);
  put_le64(g.data(), 0x010, p.sve_vl);
  put_le64(g.data(), 0x018, p.num_bps);
  put_le64(g.data(), 0x020, p.num_wps);
  put_le64(g.data(), 0x028, p.pmu_num_ctrs);
  g[0x030] = static_cast<uint8_t>(GetParam());
  // s2sz, sve_vl, num_bps, num_wps, pmu_num_ctrs and algorithm are u8 fields in 8-byte slots:
  // whatever a host leaves in the rest of the slot is not part of the measurement.
  for (size_t slot = 0x008; slot <= 0x030; slot += 8) std::memset(g.data() + slot + 1, 0xEE, 7);
  std::memset(g.data() + 0x400, 0xAB, 64);  // rpv
  put_le64(g.data(), 0x800, 17);             // vmid
  put_le64(g.data(), 0x808, 0x8000'0000);    // rtt_base
  put_le64(g.data(), 0x810, 1);              // rtt_level_start
  put_le64(g.data(), 0x818, 2);              // rtt_num_start
  auto parsed = rmm::RealmParamsMeasured::from_granule(g.data());
  ASSERT_TRUE(parsed.has_value());
  Measurement m;
  m.init_rim(*parsed);
  EXPECT_EQ(rim_of(m), expected_rim0(p));
}

TEST_P(MeasurementBothAlgos, data_create_measured_extends_rim_with_content_hash) {
  const auto p = sample_realm_params(GetParam());
  Measurement m;
  m.init_rim(p);
  const Bytes page = page_pattern(3);
  const Bytes rim0 = rim_of(m);
  m.extend_data(0x8000'1000, rmm::kRmiMeasureContent, page.data(), page.size());
  EXPECT_EQ(rim_of(m), expected_data_extend(GetParam(), rim0, 0x8000'1000, 1, &page));
}

TEST_P(MeasurementBothAlgos, data_create_unmeasured_extends_rim_with_zero_content) {
  const auto p = sample_realm_params(GetParam());
  Measurement m;
  m.init_rim(p);
  const Bytes rim0 = rim_of(m);
  m.extend_data(0x2000, 0, nullptr, 0);
  EXPECT_EQ(rim_of(m), expected_data_extend(GetParam(), rim0, 0x2000, 0, nullptr));
}

TEST_P(MeasurementBothAlgos, rec_create_extends_rim_with_hash_of_measured_rec_params) {
  const auto p = sample_realm_params(GetParam());
  Measurement m;
  m.init_rim(p);
  rmm::RecParamsMeasured r;
  r.flags = rmm::kRmiRecFlagRunnable;
  r.pc = 0x8008'0000;
  for (int i = 0; i < 8; ++i) r.gprs[i] = 0x1111'0000'0000'0000ull * (i + 1) + i;
  const Bytes rim0 = rim_of(m);
  m.extend_rec(r);
  EXPECT_EQ(rim_of(m), expected_rec_extend(GetParam(), rim0, r));
}

TEST_P(MeasurementBothAlgos, rec_params_from_granule_ignores_mpidr_and_aux) {
  Bytes g(4096, 0);
  put_le64(g.data(), 0x000, 1);
  put_le64(g.data(), 0x100, 0x0000'0101);  // mpidr: not measured
  put_le64(g.data(), 0x200, 0x4000);
  for (int i = 0; i < 8; ++i) put_le64(g.data(), 0x300 + 8 * i, 100 + i);
  put_le64(g.data(), 0x800, 2);             // num_aux: not measured
  put_le64(g.data(), 0x808, 0x9000'0000);   // aux[0]: not measured
  const auto r = rmm::RecParamsMeasured::from_granule(g.data());
  EXPECT_EQ(r.flags, 1u);
  EXPECT_EQ(r.pc, 0x4000u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(r.gprs[i], 100u + i);
  Measurement m(GetParam());
  m.init_rim(sample_realm_params(GetParam()));
  const Bytes rim0 = rim_of(m);
  m.extend_rec(r);
  EXPECT_EQ(rim_of(m), expected_rec_extend(GetParam(), rim0, r));
}

TEST_P(MeasurementBothAlgos, rtt_init_ripas_extends_rim_with_base_and_top) {
  Measurement m;
  m.init_rim(sample_realm_params(GetParam()));
  const Bytes rim0 = rim_of(m);
  m.extend_ripas(0x20'0000, 0x40'0000);
  EXPECT_EQ(rim_of(m), expected_ripas_extend(GetParam(), rim0, 0x20'0000, 0x40'0000));
}

TEST_P(MeasurementBothAlgos, full_populate_sequence_matches_step_by_step_computation) {
  const HashAlgorithm a = GetParam();
  const auto p = sample_realm_params(a);
  Measurement m;
  m.init_rim(p);
  Bytes expect = expected_rim0(p);

  m.extend_ripas(0x0, 0x20'0000);
  expect = expected_ripas_extend(a, expect, 0x0, 0x20'0000);
  for (uint64_t i = 0; i < 4; ++i) {
    const Bytes page = page_pattern(static_cast<uint8_t>(i));
    const uint64_t flags = (i == 2) ? 0 : rmm::kRmiMeasureContent;
    m.extend_data(0x8'0000 + i * 0x1000, flags, flags ? page.data() : nullptr, page.size());
    expect = expected_data_extend(a, expect, 0x8'0000 + i * 0x1000, flags, flags ? &page : nullptr);
  }
  rmm::RecParamsMeasured r;
  r.flags = 1;
  r.pc = 0x8'0000;
  r.gprs[0] = 0x4800'0000;  // DTB address
  m.extend_rec(r);
  expect = expected_rec_extend(a, expect, r);
  EXPECT_EQ(rim_of(m), expect);
}

TEST_P(MeasurementBothAlgos, rem_extend_hashes_current_value_then_data) {
  const HashAlgorithm a = GetParam();
  Measurement m;
  m.init_rim(sample_realm_params(a));
  const size_t n = m.size();
  Bytes rem(n, 0);
  for (unsigned idx = 1; idx <= 4; ++idx) {
    Bytes data(static_cast<size_t>(idx * 13 % 65));
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(idx * 31 + i);
    ASSERT_TRUE(m.extend_rem(idx, data.data(), data.size()));
    Bytes in(n, 0);  // REM[idx] was zero
    in.insert(in.end(), data.begin(), data.end());
    const Bytes expect = digest(md_name(a), in);
    EXPECT_EQ(Bytes(m.slot(idx).begin(), m.slot(idx).begin() + n), expect) << idx;
    for (size_t i = n; i < 64; ++i) EXPECT_EQ(m.slot(idx)[i], 0);
  }
  // A second extension chains on the first: REM = H(REM || data), 64 bytes of data.
  const Bytes before(m.slot(3).begin(), m.slot(3).begin() + n);
  Bytes data(64, 0x5A);
  ASSERT_TRUE(m.extend_rem(3, data.data(), data.size()));
  Bytes in = before;
  in.insert(in.end(), data.begin(), data.end());
  EXPECT_EQ(Bytes(m.slot(3).begin(), m.slot(3).begin() + n), digest(md_name(a), in));
}

TEST_P(MeasurementBothAlgos, rem_extend_with_zero_size_hashes_the_rem_alone) {
  const HashAlgorithm a = GetParam();
  Measurement m(a);
  ASSERT_TRUE(m.extend_rem(2, nullptr, 0));
  EXPECT_EQ(Bytes(m.slot(2).begin(), m.slot(2).begin() + m.size()),
            digest(md_name(a), Bytes(m.size(), 0)));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, MeasurementBothAlgos,
                         ::testing::Values(HashAlgorithm::Sha256, HashAlgorithm::Sha512),
                         [](const auto& info) {
                           return info.param == HashAlgorithm::Sha256 ? std::string("sha256")
                                                                      : std::string("sha512");
                         });

TEST(Measurement, rem_extend_rejects_index_zero_and_above_four_and_size_over_64) {
  Measurement m;
  m.init_rim(sample_realm_params(HashAlgorithm::Sha256));
  const auto snapshot = std::array<rmm::MeasurementValue, 5>{m.slot(0), m.slot(1), m.slot(2),
                                                             m.slot(3), m.slot(4)};
  uint8_t data[65] = {};
  EXPECT_FALSE(m.extend_rem(0, data, 8));   // the RIM is not extensible
  EXPECT_FALSE(m.extend_rem(5, data, 8));
  EXPECT_FALSE(m.extend_rem(1, data, 65));
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(m.slot(i), snapshot[i]) << "slot " << i;
}

TEST(Measurement, hash_algorithm_encodings_follow_rmi_hash_algorithm) {
  EXPECT_EQ(rmm::hash_algorithm_from_raw(0), HashAlgorithm::Sha256);
  EXPECT_EQ(rmm::hash_algorithm_from_raw(1), HashAlgorithm::Sha512);
  EXPECT_FALSE(rmm::hash_algorithm_from_raw(2).has_value());
  EXPECT_FALSE(rmm::hash_algorithm_from_raw(0x100).has_value());
  EXPECT_STREQ(rmm::hash_algo_id(HashAlgorithm::Sha256), "sha-256");
  EXPECT_STREQ(rmm::hash_algo_id(HashAlgorithm::Sha512), "sha-512");
  Bytes g(4096, 0);
  g[0x30] = 2;
  EXPECT_FALSE(rmm::RealmParamsMeasured::from_granule(g.data()).has_value());
}

TEST(Measurement, realm_create_resets_rems_and_switches_algorithm) {
  Measurement m;
  m.init_rim(sample_realm_params(HashAlgorithm::Sha256));
  uint8_t data[4] = {1, 2, 3, 4};
  ASSERT_TRUE(m.extend_rem(1, data, sizeof data));
  m.init_rim(sample_realm_params(HashAlgorithm::Sha512));
  EXPECT_EQ(m.algorithm(), HashAlgorithm::Sha512);
  for (uint8_t b : m.slot(1)) EXPECT_EQ(b, 0);
  EXPECT_EQ(rim_of(m), expected_rim0(sample_realm_params(HashAlgorithm::Sha512)));
}

TEST(Measurement, different_params_give_different_rims) {
  auto p = sample_realm_params(HashAlgorithm::Sha256);
  Measurement a, b;
  a.init_rim(p);
  p.num_wps += 1;
  b.init_rim(p);
  EXPECT_NE(a.rim(), b.rim());
}

// Known-answer values computed outside this code base (Python hashlib over the same
// hand-laid structures), so a regression in either the code or the test helpers shows up.
TEST(Measurement, known_answer_rim_for_default_realm) {
  rmm::RealmParamsMeasured p;  // all zero except s2sz and the counts
  p.s2sz = 48;
  p.num_bps = 2;
  p.num_wps = 2;
  p.algorithm = HashAlgorithm::Sha256;
  Measurement m;
  m.init_rim(p);
  EXPECT_EQ(rmm_test::to_hex(rim_of(m)), "3f377c61f1904ac32e500bfa4755fdae"
            "c5066d5998288b78bd6d63657800db50");
  m.extend_data(0x1000, 1, Bytes(4096, 0).data(), 4096);
  EXPECT_EQ(rmm_test::to_hex(rim_of(m)), "85f656ad2ed5d639cc9c343bacd7c1b9"
            "4d4fdee15ac920396838bce853598ce7");
}

}  // namespace
