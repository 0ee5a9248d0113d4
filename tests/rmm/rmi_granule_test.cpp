// RMI_VERSION, RMI_FEATURES, RMI_GRANULE_DELEGATE, RMI_GRANULE_UNDELEGATE.
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

using GranuleTest = RmmTest;

TEST_F(GranuleTest, version_reports_1_0_and_accepts_1_0) {
  const SmcRegs r = smc(rmi::kVersionFid, {rmi::version(1, 0)});
  EXPECT_EQ(r.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(r.x[1], rmi::version(1, 0));
  EXPECT_EQ(r.x[2], rmi::version(1, 0));
}

TEST_F(GranuleTest, version_fails_input_for_an_unimplemented_revision_and_still_reports_range) {
  const SmcRegs r = smc(rmi::kVersionFid, {rmi::version(2, 0)});
  EXPECT_EQ(r.x[0], rmi::pack(Status::ErrorInput));
  EXPECT_EQ(r.x[1], rmi::version(1, 0));
  EXPECT_EQ(r.x[2], rmi::version(1, 0));
}

TEST_F(GranuleTest, features_index_0_reports_register_0_and_other_indices_zero) {
  const SmcRegs r0 = smc(rmi::kFeatures, {0});
  EXPECT_EQ(r0.x[0], rmi::pack(Status::Success));
  namespace f0 = rmi::feat0;
  EXPECT_EQ(f0::field(r0.x[1], f0::kS2szShift, f0::kS2szWidth), 52u);
  EXPECT_EQ(f0::field(r0.x[1], f0::kHashSha256Shift), 1u);
  EXPECT_EQ(f0::field(r0.x[1], f0::kHashSha512Shift), 1u);
  EXPECT_EQ(r0.x[1] >> 42, 0u);  // MBZ
  const SmcRegs r1 = smc(rmi::kFeatures, {1});
  EXPECT_EQ(r1.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(r1.x[1], 0u);
}

TEST_F(GranuleTest, unused_fid_in_the_rmi_range_is_smc_unknown) {
  EXPECT_EQ(call(0xC4000156), platform::abi::kSmcUnknown);
  EXPECT_EQ(call(0xC4000170), platform::abi::kSmcUnknown);
}

TEST_F(GranuleTest, granule_delegate_succeeds_and_ns_access_then_faults) {
  const uint64_t pa = alloc();
  EXPECT_RMI_OK(call(rmi::kGranuleDelegate, {pa}));
  EXPECT_EQ(rmm->granule_state(pa), GranuleState::Delegated);
  uint64_t v;
  EXPECT_FALSE(read_ns(pa, &v, 8));
  const auto content = read_realm(pa, G);
  EXPECT_EQ(std::count(content.begin(), content.end(), 0), static_cast<long>(G));
}

TEST_F(GranuleTest, granule_delegate_gran_align_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kGranuleDelegate, {alloc() + 8}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, granule_delegate_gran_bound_fails_input_outside_dram_and_in_firmware) {
  EXPECT_RMI_FAIL(call(rmi::kGranuleDelegate, {0x1000}), Status::ErrorInput, 0);
  const uint64_t top = f.config.dram_base + f.config.dram_size - G;  // GPT carve-out
  EXPECT_RMI_FAIL(call(rmi::kGranuleDelegate, {top}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, granule_delegate_gran_state_fails_when_already_delegated) {
  const uint64_t pa = delegated();
  EXPECT_RMI_FAIL(call(rmi::kGranuleDelegate, {pa}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, granule_delegate_gran_align_before_gran_state) {
  const uint64_t pa = delegated();
  EXPECT_RMI_FAIL(call(rmi::kGranuleDelegate, {pa + 1}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, granule_undelegate_returns_a_zeroed_granule_to_non_secure) {
  const uint64_t pa = alloc();
  std::array<uint8_t, 4096> junk;
  junk.fill(0xAB);
  ASSERT_TRUE(write_ns(pa, junk.data(), junk.size()));
  EXPECT_RMI_OK(call(rmi::kGranuleDelegate, {pa}));
  EXPECT_RMI_OK(call(rmi::kGranuleUndelegate, {pa}));
  EXPECT_EQ(rmm->granule_state(pa), GranuleState::Undelegated);
  std::array<uint8_t, 4096> back;
  ASSERT_TRUE(read_ns(pa, back.data(), back.size()));
  EXPECT_EQ(std::count(back.begin(), back.end(), 0), 4096);
}

TEST_F(GranuleTest, granule_undelegate_gran_align_fails_input) {
  const uint64_t pa = delegated();
  EXPECT_RMI_FAIL(call(rmi::kGranuleUndelegate, {pa + 0x800}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, granule_undelegate_gran_bound_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kGranuleUndelegate, {0x2000}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, granule_undelegate_gran_state_fails_for_undelegated_and_rd) {
  EXPECT_RMI_FAIL(call(rmi::kGranuleUndelegate, {alloc()}), Status::ErrorInput, 0);
  const auto r = make_realm();
  EXPECT_RMI_FAIL(call(rmi::kGranuleUndelegate, {r.rd}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kGranuleUndelegate, {r.rtt_base}), Status::ErrorInput, 0);
}

TEST_F(GranuleTest, rmi_stats_count_calls_and_errors_by_status) {
  const uint64_t pa = alloc();
  call(rmi::kGranuleDelegate, {pa});
  call(rmi::kGranuleDelegate, {pa});
  const auto* calls = rmm->stats().find_counter("rmi.GRANULE_DELEGATE.calls");
  const auto* errs = rmm->stats().find_counter("rmi.GRANULE_DELEGATE.error_input");
  ASSERT_NE(calls, nullptr);
  ASSERT_NE(errs, nullptr);
  EXPECT_EQ(calls->value, 2u);
  EXPECT_EQ(errs->value, 1u);
  const auto* t = rmm->stats().find_breakdown("rmi.GRANULE_DELEGATE.time");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->count, 2u);
  EXPECT_GT(t->time_ps, 0u);
  // Where the time went: the dispatch cost of each call, and the world switches to EL3 of the
  // one that delegated; nothing unaccounted on a single PE.
  const auto id = [](const char* n) { return platform::TimingProfile::cost_id(n); };
  EXPECT_EQ(t->by_cost_ps[id("rmm.rmi_dispatch")], 2 * f.profile.duration("rmm.rmi_dispatch").value());
  EXPECT_EQ(t->by_cost_ps[id("smc.world_switch")], 2 * f.profile.duration("smc.world_switch").value());
  EXPECT_EQ(t->wait_ps, 0u);
  uint64_t sum = t->wait_ps;
  for (uint64_t ps : t->by_cost_ps) sum += ps;
  EXPECT_EQ(sum, t->time_ps);
  const auto* lat = rmm->stats().find_histogram("rmi.GRANULE_DELEGATE.latency");
  ASSERT_NE(lat, nullptr);
  EXPECT_EQ(lat->count, 2u);
  EXPECT_LT(lat->min, lat->max) << "the failed call returns before the transition";
}

// The isolation invariant check: every granule's GPI is what its RMM state says.
TEST_F(GranuleTest, gpt_disagreements_is_empty_while_the_gpt_follows_the_rmm) {
  const uint64_t a = delegated(3);
  EXPECT_EQ(call(rmi::kGranuleUndelegate, {a + G}), rmi::pack(Status::Success));
  make_realm();
  EXPECT_TRUE(rmm->gpt_disagreements(req()).empty());
}

TEST_F(GranuleTest, gpt_disagreements_finds_a_gpi_changed_behind_the_rmm) {
  const uint64_t a = delegated(2);
  const uint64_t ns = alloc(2);
  // Transitions the RMM never made: one granule it owns made Non-secure again, one
  // UNDELEGATED granule made Realm.
  f.run([&](platform::Pe& pe) {
    EXPECT_EQ(f.soc->monitor().gtsi_undelegate(pe.requester(), a + G), platform::abi::kRmmEl3Ok);
    EXPECT_EQ(f.soc->monitor().gtsi_delegate(pe.requester(), ns + G), platform::abi::kRmmEl3Ok);
  });
  EXPECT_EQ(rmm->gpt_disagreements(req()), (std::vector<uint64_t>{a + G, ns + G}));
  EXPECT_EQ(rmm->gpt_disagreements(req(), 1), (std::vector<uint64_t>{a + G}));
}

}  // namespace
}  // namespace rmmtest
