// RMI_DATA_CREATE, RMI_DATA_CREATE_UNKNOWN, RMI_DATA_DESTROY.
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

class DataTest : public RmmTest {
 protected:
  Realm r;
  uint64_t src = 0;
  std::array<uint8_t, 4096> content{};
  void SetUp() override {
    r = make_realm();
    make_rtts(r.rd, 0, 3);
    for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 7);
    src = ns_page(content);
  }
};

TEST_F(DataTest, data_create_copies_the_source_and_maps_ram) {
  const uint64_t data = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, data, 0x3000, src, rmi::kDataMeasureContent}));
  EXPECT_EQ(rmm->granule_state(data), GranuleState::Data);
  const auto got = read_realm(data, G);
  EXPECT_TRUE(std::equal(got.begin(), got.end(), content.begin()));
  const auto e = read_entry(r.rd, 0x3000, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc, data);
  EXPECT_EQ(e.ripas, rmi::Ripas::Ram);
}

TEST_F(DataTest, data_create_flags_valid_fails_input) {
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, 0, src, 2}), Status::ErrorInput, 0);
}

TEST_F(DataTest, data_create_rd_state_and_data_state_fail_input) {
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {data, data, 0, src, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, r.rtt_base, 0, src, 0}), Status::ErrorInput, 0);
  const uint64_t ns = alloc();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, ns, 0, src, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data + 4, 0, src, 0}), Status::ErrorInput, 0);
}

TEST_F(DataTest, data_create_src_pas_fails_input_for_a_delegated_source) {
  const uint64_t data = delegated(), bad_src = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, 0, bad_src, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, 0, src + 8, 0}), Status::ErrorInput, 0);
}

TEST_F(DataTest, data_create_ipa_bound_and_ipa_align_fail_input) {
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, uint64_t{1} << 39, src, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, 0x10, src, 0}), Status::ErrorInput, 0);
}

TEST_F(DataTest, data_create_realm_state_fails_realm_after_activation) {
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, 0, src, 0}), Status::ErrorRealm, 0);
}

TEST_F(DataTest, data_create_realm_state_before_ipa_bound) {
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, uint64_t{1} << 39, src, 0}), Status::ErrorRealm, 0);
}

TEST_F(DataTest, data_create_rtt_walk_fails_rtt_with_walk_level) {
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, uint64_t{1} << 30, src, 0}), Status::ErrorRtt, 1);
}

TEST_F(DataTest, data_create_rtte_state_fails_rtt_3_when_assigned) {
  const uint64_t d1 = delegated(), d2 = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, d1, 0, src, 0}));
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, d2, 0, src, 0}), Status::ErrorRtt, 3);
}

TEST_F(DataTest, data_create_ipa_bound_before_rtt_walk) {
  const uint64_t data = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreate, {r.rd, data, (uint64_t{1} << 39) + (uint64_t{1} << 30), src, 0}),
                  Status::ErrorInput, 0);
}

TEST_F(DataTest, data_create_unknown_keeps_ripas_and_works_when_active) {
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  const uint64_t data = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreateUnknown, {r.rd, data, 0x5000}));
  const auto e = read_entry(r.rd, 0x5000, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
}

TEST_F(DataTest, data_create_unknown_rtte_state_and_data_state_fail) {
  const uint64_t d1 = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreateUnknown, {r.rd, d1, 0}));
  const uint64_t d2 = delegated();
  EXPECT_RMI_FAIL(call(rmi::kDataCreateUnknown, {r.rd, d2, 0}), Status::ErrorRtt, 3);
  EXPECT_RMI_FAIL(call(rmi::kDataCreateUnknown, {r.rd, d1, G}), Status::ErrorInput, 0);
}

TEST_F(DataTest, data_destroy_unmaps_zeroes_and_leaves_destroyed_ripas) {
  const uint64_t data = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, data, 0x2000, src, 0}));
  const SmcRegs d = smc(rmi::kDataDestroy, {r.rd, 0x2000});
  EXPECT_EQ(d.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(d.x[1], data);
  EXPECT_EQ(d.x[2], uint64_t{1} << 21);  // nothing live after it in this RTT
  EXPECT_EQ(rmm->granule_state(data), GranuleState::Delegated);
  const auto z = read_realm(data, G);
  EXPECT_EQ(std::count(z.begin(), z.end(), 0), static_cast<long>(G));
  const auto e = read_entry(r.rd, 0x2000, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Destroyed);
}

TEST_F(DataTest, data_destroy_rtte_state_fails_rtt_3_and_reports_next_live) {
  const uint64_t data = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreateUnknown, {r.rd, data, 0x9000}));
  const SmcRegs d = smc(rmi::kDataDestroy, {r.rd, 0x1000});
  EXPECT_EQ(d.x[0], rmi::pack(Status::ErrorRtt, 3));
  EXPECT_EQ(d.x[2], 0x9000u);
}

TEST_F(DataTest, data_destroy_rtt_walk_fails_rtt_with_level_and_ipa_checks_fail_input) {
  EXPECT_RMI_FAIL(call(rmi::kDataDestroy, {r.rd, uint64_t{1} << 30}), Status::ErrorRtt, 1);
  EXPECT_RMI_FAIL(call(rmi::kDataDestroy, {r.rd, 0x10}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kDataDestroy, {r.rd, uint64_t{1} << 39}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kDataDestroy, {r.rtt_base, 0}), Status::ErrorInput, 0);
}

}  // namespace
}  // namespace rmmtest
