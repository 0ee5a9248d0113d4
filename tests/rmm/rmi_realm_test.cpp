// RMI_REALM_CREATE, RMI_REALM_ACTIVATE, RMI_REALM_DESTROY, RMI_REC_AUX_COUNT.
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

using RealmTest = RmmTest;

TEST_F(RealmTest, realm_create_succeeds_with_concatenated_starting_level_rtts) {
  const auto r = make_realm();
  EXPECT_EQ(rmm->granule_state(r.rd), GranuleState::Rd);
  EXPECT_EQ(rmm->granule_state(r.rtt_base), GranuleState::Rtt);
  EXPECT_EQ(rmm->granule_state(r.rtt_base + G), GranuleState::Rtt);
  EXPECT_EQ(rmm->realm_state(r.rd), RealmState::New);
  // Protected half UNASSIGNED EMPTY; the unprotected half (IPA >= 2^39) UNASSIGNED_NS.
  auto e = read_entry(r.rd, 0, 1);
  EXPECT_EQ(e.x0, rmi::pack(Status::Success));
  EXPECT_EQ(e.level, 1);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
  e = read_entry(r.rd, uint64_t{1} << 39, 1);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
}

TEST_F(RealmTest, realm_create_starting_level_0_with_one_root) {
  RealmParams p;
  p.s2sz = 48;
  p.rtt_level_start = 0;
  p.rtt_num_start = 1;
  const auto r = make_realm(p);
  EXPECT_EQ(read_entry(r.rd, 0, 0).level, 0);
}

TEST_F(RealmTest, realm_create_lpa2_level_minus_1) {
  RealmParams p;
  p.flags = rmi::realm_params::kFlagLpa2;
  p.s2sz = 52;
  p.rtt_level_start = -1;
  p.rtt_num_start = 1;
  const auto r = make_realm(p);
  const auto e = read_entry(r.rd, 0, -1);
  EXPECT_EQ(e.x0, rmi::pack(Status::Success));
  EXPECT_EQ(e.level, -1);
}

TEST_F(RealmTest, realm_create_rd_align_rd_bound_rd_state_fail_input) {
  RealmParams p;
  p.rtt_base = delegated(2, 2 * G);
  const uint64_t params = ns_page(p.bytes());
  const uint64_t rd = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd + 0x10, params}), Status::ErrorInput, 0);   // rd_align
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {0x4000, params}), Status::ErrorInput, 0);      // rd_bound
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {alloc(), params}), Status::ErrorInput, 0);     // rd_state
  EXPECT_RMI_OK(call(rmi::kRealmCreate, {rd, params}));
}

TEST_F(RealmTest, realm_create_params_align_and_params_pas_fail_input) {
  RealmParams p;
  p.rtt_base = delegated(2, 2 * G);
  const uint64_t params = ns_page(p.bytes());
  const uint64_t rd = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd, params + 8}), Status::ErrorInput, 0);
  const uint64_t realm_pas = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd, realm_pas}), Status::ErrorInput, 0);  // params_pas
}

TEST_F(RealmTest, realm_create_params_supp_fails_input) {
  auto try_params = [&](RealmParams p) {
    p.rtt_base = delegated(p.rtt_num_start, p.rtt_num_start * G);
    const uint64_t rd = delegated();
    const uint64_t pp = ns_page(p.bytes());
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd, pp}), Status::ErrorInput, 0);
  };
  RealmParams p;
  p.hash_algo = 2;  // reserved encoding
  try_params(p);
  p = {};
  p.flags = rmi::realm_params::kFlagSve;  // SVE not implemented
  try_params(p);
  p = {};
  p.flags = rmi::realm_params::kFlagPmu;  // PMU not implemented
  try_params(p);
  p = {};
  p.num_bps = 0;
  try_params(p);
  p = {};
  p.num_wps = 99;
  try_params(p);
  p = {};
  p.s2sz = 49;  // > 48 without LPA2
  try_params(p);
  p = {};
  p.flags = 1u << 7;  // reserved flag
  try_params(p);
}

TEST_F(RealmTest, realm_create_rtt_num_level_fails_input_when_inconsistent_with_s2sz) {
  RealmParams p;
  p.rtt_num_start = 1;  // 40 bits at level 1 need two tables
  p.rtt_base = delegated(1);
  {
    const uint64_t rd_ = delegated(), pp_ = ns_page(p.bytes());
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd_, pp_}), Status::ErrorInput, 0);
  }
  RealmParams q;
  q.rtt_level_start = 3;  // too many tables
  q.rtt_base = delegated(2, 2 * G);
  {
    const uint64_t rd_ = delegated(), pp_ = ns_page(q.bytes());
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd_, pp_}), Status::ErrorInput, 0);
  }
}

TEST_F(RealmTest, realm_create_rtt_align_rtt_state_and_alias_fail_input) {
  RealmParams p;
  const uint64_t base = delegated(3, 2 * G);
  p.rtt_base = base + G;  // not aligned to two tables
  {
    const uint64_t rd_ = delegated(), pp_ = ns_page(p.bytes());
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd_, pp_}), Status::ErrorInput, 0);
  }
  RealmParams q;
  q.rtt_base = alloc(2, 2 * G);
  EXPECT_RMI_OK(call(rmi::kGranuleDelegate, {q.rtt_base}));  // second table left undelegated
  {
    const uint64_t rd_ = delegated(), pp_ = ns_page(q.bytes());
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd_, pp_}), Status::ErrorInput, 0);
  }
  RealmParams a;
  a.rtt_base = delegated(2, 2 * G);
  const uint64_t ap = ns_page(a.bytes());
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {a.rtt_base + G, ap}), Status::ErrorInput, 0);
}

TEST_F(RealmTest, realm_create_vmid_valid_fails_input_when_in_use) {
  make_realm();  // VMID 1
  RealmParams p;
  p.rtt_base = delegated(2, 2 * G);
  {
    const uint64_t rd_ = delegated(), pp_ = ns_page(p.bytes());
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd_, pp_}), Status::ErrorInput, 0);
  }
  p.vmid = 2;
  EXPECT_RMI_OK(call(rmi::kRealmCreate, {delegated(), ns_page(p.bytes())}));
}

// vmid is a u16 (TF-RMM: unsigned short at 0x800): the slot's other six bytes are padding, so
// VMID 1 with junk above it is VMID 1, in use.
TEST_F(RealmTest, realm_create_reads_vmid_as_its_declared_u16) {
  make_realm();  // VMID 1
  RealmParams p;
  p.rtt_base = delegated(2, 2 * G);
  auto b = p.bytes();
  b[rmi::realm_params::kVmid + 2] = 0x5A;
  {
    const uint64_t rd_ = delegated(), pp_ = ns_page(b);
    EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd_, pp_}), Status::ErrorInput, 0);
  }
  b[rmi::realm_params::kVmid] = 3;
  EXPECT_RMI_OK(call(rmi::kRealmCreate, {delegated(), ns_page(b)}));
}

TEST_F(RealmTest, realm_activate_moves_new_to_active_and_realm_state_fails_realm_after) {
  const auto r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_EQ(rmm->realm_state(r.rd), RealmState::Active);
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {r.rd}), Status::ErrorRealm, 0);
}

TEST_F(RealmTest, realm_activate_rd_align_rd_bound_rd_state_fail_input) {
  const auto r = make_realm();
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {r.rd + 1}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {r.rtt_base}), Status::ErrorInput, 0);
}

TEST_F(RealmTest, realm_destroy_returns_rd_and_rtts_to_delegated_and_frees_the_vmid) {
  const auto r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmDestroy, {r.rd}));
  EXPECT_EQ(rmm->granule_state(r.rd), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_state(r.rtt_base), GranuleState::Delegated);
  EXPECT_FALSE(rmm->realm_state(r.rd).has_value());
  const auto rtt = read_realm(r.rtt_base, G);
  EXPECT_EQ(std::count(rtt.begin(), rtt.end(), 0), static_cast<long>(G));
  // rd_state: the destroyed RD is now DELEGATED.
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorInput, 0);
  make_realm();  // VMID 1 is free again
}

TEST_F(RealmTest, realm_destroy_realm_live_fails_realm_with_an_rtt_or_a_rec) {
  const auto r = make_realm();
  const auto rtts = make_rtts(r.rd, 0, 2);
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorRealm, 0);
  const SmcRegs d = smc(rmi::kRttDestroy, {r.rd, 0, 2});
  EXPECT_EQ(d.x[0], rmi::pack(Status::Success));
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, {}, &rec));
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorRealm, 0);
  EXPECT_RMI_OK(call(rmi::kRecDestroy, {rec}));
  EXPECT_RMI_OK(call(rmi::kRealmDestroy, {r.rd}));
}

TEST_F(RealmTest, realm_destroy_rd_align_rd_bound_rd_state_fail_input) {
  const auto r = make_realm();
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd + 4}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {0x3000}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rtt_base}), Status::ErrorInput, 0);
}

TEST_F(RealmTest, rec_aux_count_reports_16_and_rd_state_fails_input) {
  const auto r = make_realm();
  const SmcRegs s = smc(rmi::kRecAuxCount, {r.rd});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], 16u);
  EXPECT_RMI_FAIL(call(rmi::kRecAuxCount, {r.rd + 8}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecAuxCount, {r.rtt_base}), Status::ErrorInput, 0);
}

// ---------------------------------------------------------------------------------------------
// RMI_REC_AUX_COUNT, RMI_REALM_ACTIVATE, RMI_REALM_DESTROY: one test per condition ID.

TEST_F(RealmTest, rec_aux_count_rd_align_fails_input) {
  const auto r = make_realm();
  EXPECT_RMI_FAIL(call(rmi::kRecAuxCount, {r.rd + 8}), Status::ErrorInput, 0);
}
TEST_F(RealmTest, rec_aux_count_rd_bound_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRecAuxCount, {0x1000}), Status::ErrorInput, 0);
}
TEST_F(RealmTest, rec_aux_count_rd_state_fails_input_for_a_delegated_granule) {
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecAuxCount, {d}), Status::ErrorInput, 0);
}
TEST_F(RealmTest, rec_aux_count_is_reported_for_an_active_realm_too) {
  const auto r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  const SmcRegs s = smc(rmi::kRecAuxCount, {r.rd});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], 16u);
}
TEST_F(RealmTest, realm_activate_rd_state_fails_input_for_a_delegated_granule) {
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {d}), Status::ErrorInput, 0);
}
TEST_F(RealmTest, realm_activate_realm_state_fails_realm_after_system_off_too) {
  // (SYSTEM_OFF needs a running REC: rec_enter_test covers REC_ENTER after it.) ACTIVE here.
  const auto r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {r.rd}), Status::ErrorRealm, 0);
}
TEST_F(RealmTest, realm_activate_rd_state_is_reported_before_realm_state) {
  const auto r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_RMI_FAIL(call(rmi::kRealmActivate, {r.rtt_base}), Status::ErrorInput, 0);
}
TEST_F(RealmTest, realm_destroy_realm_live_fails_realm_with_an_unprotected_mapping) {
  const auto r = make_realm();
  const uint64_t unprot = uint64_t{1} << 39;
  const auto rtts = make_rtts(r.rd, unprot, 2);
  ASSERT_EQ(call(rmi::kRttMapUnprotected, {r.rd, unprot, 2, alloc(512, uint64_t{1} << 21)}),
            rmi::pack(Status::Success));
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorRealm, 0);
}
TEST_F(RealmTest, realm_destroy_realm_live_fails_realm_with_a_rec_in_an_active_realm) {
  const auto r = make_realm();
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, {}, &rec));
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorRealm, 0);
}
TEST_F(RealmTest, realm_destroy_of_an_active_realm_succeeds_once_empty) {
  const auto r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_RMI_OK(call(rmi::kRealmDestroy, {r.rd}));
  EXPECT_EQ(rmm->granule_state(r.rd), GranuleState::Delegated);
}
TEST_F(RealmTest, realm_destroy_rd_state_is_reported_before_realm_live) {
  const auto r = make_realm();
  make_rtts(r.rd, 0, 2);
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rtt_base}), Status::ErrorInput, 0);
}

// ---------------------------------------------------------------------------------------------
// RMI_FEATURES and RMI_VERSION.

TEST_F(RealmTest, features_index_0_reads_feature_register_0) {
  const auto before = census();
  const SmcRegs s = smc(rmi::kFeatures, {0});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_NE(s.x[1], 0u);  // S2SZ at least
  EXPECT_EQ(census(), before);
}
TEST_F(RealmTest, features_index_other_than_0_reads_zero) {
  for (uint64_t index : {uint64_t{1}, uint64_t{2}, uint64_t{0xFFFF}, ~uint64_t{0}}) {
    const SmcRegs s = smc(rmi::kFeatures, {index});
    EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
    EXPECT_EQ(s.x[1], 0u) << index;
  }
}
TEST_F(RealmTest, version_1_0_succeeds_and_reports_lower_and_higher_1_0) {
  const SmcRegs s = smc(rmi::kVersionFid, {rmi::version(1, 0)});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], rmi::version(1, 0));
  EXPECT_EQ(s.x[2], rmi::version(1, 0));
}
TEST_F(RealmTest, version_higher_than_implemented_fails_input_and_reports_the_range) {
  for (uint64_t v : {rmi::version(2, 0), rmi::version(1, 1)}) {
    const auto before = census();
    const SmcRegs s = smc(rmi::kVersionFid, {v});
    EXPECT_EQ(s.x[0], rmi::pack(Status::ErrorInput));
    EXPECT_EQ(s.x[1], rmi::version(1, 0));
    EXPECT_EQ(s.x[2], rmi::version(1, 0));
    EXPECT_EQ(census(), before);
  }
}
TEST_F(RealmTest, version_lower_than_implemented_fails_input_and_reports_the_range) {
  for (uint64_t v : {rmi::version(0, 0), rmi::version(0, 9)}) {
    const SmcRegs s = smc(rmi::kVersionFid, {v});
    EXPECT_EQ(s.x[0], rmi::pack(Status::ErrorInput));
    EXPECT_EQ(s.x[1], rmi::version(1, 0));
    EXPECT_EQ(s.x[2], rmi::version(1, 0));
  }
}
TEST_F(RealmTest, version_mismatched_request_with_reserved_bits_fails_input) {
  const SmcRegs s = smc(rmi::kVersionFid, {(uint64_t{1} << 32) | rmi::version(1, 0)});
  EXPECT_EQ(s.x[0], rmi::pack(Status::ErrorInput));
  EXPECT_EQ(s.x[1], rmi::version(1, 0));
}

}  // namespace
}  // namespace rmmtest
