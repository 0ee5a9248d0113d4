// RMM 2.0-bet1: the version's command table, RMI_VERSION, the global state (RMM_CONFIG_SET,
// RMM_ACTIVATE), GRANULE_TRACKING_GET, GPT_L1_CREATE, GRANULE_RANGE_DELEGATE/UNDELEGATE, VMIDs
// the RMM allocates, REALM_TERMINATE and ZOMBIE. One test per failure condition, in the
// spec's order. (Range mapping: rmi_v2_rtt_test.cpp; SRO: rmi_sro_test.cpp.)
#include "rmm2_fixture.h"

namespace rmmtest {
namespace {

constexpr uint64_t kSmcUnknown = platform::abi::kSmcUnknown;

class Rmm2Init : public Rmm2Test {
 protected:
  Rmm2Init() : Rmm2Test(false) {}
};

// --- RMI_VERSION and the command table. -----------------------------------------------------

TEST_F(Rmm2Init, version_reports_2_0_and_accepts_it) {
  const SmcRegs r = smc(rmi::kVersionFid, {rmi::version(2, 0)});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], rmi::version(2, 0));
  EXPECT_EQ(r.x[2], rmi::version(2, 0));
  EXPECT_STREQ(rmm->version(), "2.0-bet1");
}

TEST_F(Rmm2Init, version_ok_fails_for_1_0_and_names_2_0) {
  const SmcRegs r = smc(rmi::kVersionFid, {rmi::version(1, 0)});
  EXPECT_EQ(r.x[0], rmi::pack(Status::ErrorInput));
  EXPECT_EQ(r.x[1], rmi::version(2, 0));
  EXPECT_EQ(r.x[2], rmi::version(2, 0));
}

TEST_F(RmmTest, version_1_0_rmm_refuses_2_0_and_names_1_0) {
  const SmcRegs r = smc(rmi::kVersionFid, {rmi::version(2, 0)});
  EXPECT_EQ(r.x[0], rmi::pack(Status::ErrorInput));
  EXPECT_EQ(r.x[1], rmi::version(1, 0));
}

TEST_F(Rmm2Test, removed_commands_answer_smc_unknown) {
  for (uint32_t fid : {rmi::kGranuleDelegate, rmi::kGranuleUndelegate, rmi::kDataCreateUnknown, rmi::kDataDestroy,
                       rmi::kRttMapUnprotected, rmi::kRttUnmapUnprotected, rmi::kRecAuxCount})
    EXPECT_EQ(call(fid, {alloc()}), kSmcUnknown) << std::hex << fid;
}

TEST_F(RmmTest, commands_new_in_2_0_answer_smc_unknown_under_1_0) {
  for (uint32_t fid : {rmi::kRmmConfigSet, rmi::kRmmActivate, rmi::kGranuleRangeDelegate, rmi::kRttDataMap,
                       rmi::kRealmTerminate, rmi::kOpContinue, rmi::kOpCancel})
    EXPECT_EQ(call(fid, {alloc()}), kSmcUnknown) << std::hex << fid;
}

TEST_F(Rmm2Test, features_register_0_drops_the_moved_fields_and_register_1_has_them) {
  const uint64_t f0 = smc(rmi::kFeatures, {0}).x[1];
  const uint64_t f1 = smc(rmi::kFeatures, {1}).x[1];
  EXPECT_EQ(f0 >> 32, 0u);
  EXPECT_EQ(rmi::feat0::field(f0, rmi::feat0::kS2szShift, 8), 52u);
  EXPECT_TRUE(rmi::feat0::field(f1, rmi::feat1::kGranSz4kShift));
  EXPECT_TRUE(rmi::feat0::field(f1, rmi::feat1::kGranSz16kShift));
  EXPECT_TRUE(rmi::feat0::field(f1, rmi::feat1::kGranSz64kShift));
  EXPECT_TRUE(rmi::feat0::field(f1, rmi::feat1::kHashSha256Shift));
  EXPECT_EQ(30 + rmi::feat0::field(f1, rmi::feat1::kL0gptszShift, rmi::feat1::kL0gptszWidth),
            f.soc->monitor().gpc_config().s());
}

// --- RMM_CONFIG_SET / RMM_ACTIVATE. -----------------------------------------------------------

TEST_F(Rmm2Init, realm_commands_fail_rmm_state_before_activate) {
  const uint64_t g = alloc();
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {g, g + G}), Status::ErrorGlobal, 0);
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {g, g}), Status::ErrorGlobal, 0);
  EXPECT_RMI_OK(call(rmi::kFeatures, {0}));  // allowed in INIT
}

TEST_F(Rmm2Init, config_set_cfg_align_fails_unaligned) {
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {config_page(0, 0) + 8}), Status::ErrorInput, 0);
}

TEST_F(Rmm2Init, config_set_cfg_pas_fails_outside_non_secure_memory) {
  // The monitor's carve-out at the top of DRAM is Root memory.
  const uint64_t root = f.config.dram_base + f.config.dram_size - G;
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {root}), Status::ErrorInput, 0);
}

// The 16 and 64 KiB granules a v14 kernel of that PAGE_SIZE asks for: this RMM (as TF-RMM
// main) implements 4 KiB only, and RMI_FEATURES register 1 says so.
TEST_F(Rmm2Init, config_set_cfg_supp_fails_for_a_granule_size_code_that_names_no_size) {
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {config_page(3, 0)}), Status::ErrorInput, 0);
  EXPECT_RMI_OK(call(rmi::kRmmConfigSet, {config_page(0, 0)}));  // nothing changed: 4 KiB still works
}

TEST_F(Rmm2Init, config_set_accepts_16k_and_64k_above_a_4k_pgs) {
  EXPECT_RMI_OK(call(rmi::kRmmConfigSet, {config_page(1, 0)}));
  EXPECT_RMI_OK(call(rmi::kRmmConfigSet, {config_page(2, 0)}));  // INIT: configured again
}

TEST_F(Rmm2Init, config_set_cfg_supp_fails_for_a_tracking_region_size_other_than_the_default) {
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {config_page(0, 1)}), Status::ErrorInput, 0);
}

// On a GPT of 16 KiB granules the RMI granule starts at 16 KiB (A2.3.1): the configuration must
// be aligned to it, and no size smaller than the PGS is offered or accepted: 16 and 64 KiB are.
class Rmm2InitPgs16k : public Rmm2Test {
 protected:
  static platform::SocConfig config() {
    platform::SocConfig c = rmesim::testing::SocFixture::small_config();
    c.gpt_pgs = gpt::Pgs::K16;
    return c;
  }
  Rmm2InitPgs16k() : Rmm2Test(false, config()) {}
};

TEST_F(Rmm2InitPgs16k, config_set_cfg_align_is_to_the_pgs) {
  const uint64_t page = alloc(4, 4 * G);  // 16 KiB aligned
  std::array<uint8_t, 4096> c{};
  ASSERT_TRUE(write_ns(page + G, c.data(), c.size()));
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {page + G}), Status::ErrorInput, 0);
}

TEST_F(Rmm2InitPgs16k, features_offer_no_granule_smaller_than_the_pgs) {
  const uint64_t f1 = smc(rmi::kFeatures, {1}).x[1];
  EXPECT_EQ(f1 & 7, 6u);  // GRAN_SZ: 16K and 64K, not 4K
  EXPECT_TRUE(rmi::feat0::field(f1, rmi::feat1::kHashSha256Shift));  // the rest is unchanged
}

TEST_F(Rmm2InitPgs16k, config_set_cfg_supp_fails_for_4k_below_the_pgs) {
  const uint64_t page = alloc(4, 4 * G);
  std::array<uint8_t, 4096> c{};
  platform::abi::put(c.data(), platform::abi::v2_0::rmm_config::kRmiGranuleSize, 0);
  ASSERT_TRUE(write_ns(page, c.data(), c.size()));
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {page}), Status::ErrorInput, 0);
  platform::abi::put(c.data(), platform::abi::v2_0::rmm_config::kRmiGranuleSize, 1);
  ASSERT_TRUE(write_ns(page, c.data(), c.size()));
  EXPECT_RMI_OK(call(rmi::kRmmConfigSet, {page}));
}

TEST_F(Rmm2Test, config_set_rmm_state_fails_once_active) {
  EXPECT_RMI_FAIL(call(rmi::kRmmConfigSet, {config_page(0, 0)}), Status::ErrorGlobal, 0);
}

TEST_F(Rmm2Init, activate_rmm_config_fails_without_config_set) {
  EXPECT_RMI_FAIL(call(rmi::kRmmActivate), Status::ErrorGlobal, 0);
}

TEST_F(Rmm2Test, activate_rmm_state_fails_twice) { EXPECT_RMI_FAIL(call(rmi::kRmmActivate), Status::ErrorGlobal, 0); }

// --- GRANULE_TRACKING_GET / GPT_L1_CREATE. ------------------------------------------------------

TEST_F(Rmm2Test, tracking_get_reports_fine_conventional_up_to_the_tracking_region) {
  const uint64_t base = alloc();
  const SmcRegs r = smc(rmi::kGranuleTrackingGet, {base, base + (uint64_t{4} << 30)});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], static_cast<uint64_t>(rmi::MemCategory::Conventional));
  EXPECT_EQ(r.x[2], static_cast<uint64_t>(rmi::TrackingState::Fine));
  const uint64_t region_end = (base & ~((uint64_t{1} << 30) - 1)) + (uint64_t{1} << 30);
  EXPECT_GT(r.x[3], base);
  EXPECT_LE(r.x[3], region_end);
}

TEST_F(Rmm2Test, tracking_get_reports_firmware_memory_reserved) {
  const uint64_t root = f.config.dram_base + f.config.dram_size - G;
  const SmcRegs r = smc(rmi::kGranuleTrackingGet, {root, root + G});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[2], static_cast<uint64_t>(rmi::TrackingState::Reserved));
}

TEST_F(Rmm2Test, tracking_get_base_align_fails) {
  const uint64_t b = alloc();
  EXPECT_RMI_FAIL(call(rmi::kGranuleTrackingGet, {b + 1, b + G}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, tracking_get_top_align_fails) {
  const uint64_t b = alloc();
  EXPECT_RMI_FAIL(call(rmi::kGranuleTrackingGet, {b, b + G + 8}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, tracking_get_size_valid_fails_for_an_empty_range) {
  const uint64_t b = alloc();
  EXPECT_RMI_FAIL(call(rmi::kGranuleTrackingGet, {b, b}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, tracking_get_base_bound_fails_outside_dram) {
  EXPECT_RMI_FAIL(call(rmi::kGranuleTrackingGet, {f.config.dram_base - 2 * G, f.config.dram_base}), Status::ErrorInput, 0);
}

TEST_F(Rmm2Test, gpt_l1_create_pa_align_fails_inside_an_l0_block) {
  EXPECT_RMI_FAIL(call(rmi::kGptL1Create, {f.config.dram_base + G}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, gpt_l1_create_pa_bound_fails_outside_dram) {
  EXPECT_RMI_FAIL(call(rmi::kGptL1Create, {0}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, gpt_l1_create_l1_exists_fails_with_error_gpt) {
  EXPECT_RMI_FAIL(call(rmi::kGptL1Create, {f.config.dram_base}), Status::ErrorGpt, 0);
}

// --- GRANULE_RANGE_DELEGATE / _UNDELEGATE. ---------------------------------------------------

TEST_F(Rmm2Test, range_delegate_delegates_the_range_and_the_gpt_agrees) {
  const uint64_t b = alloc(8);
  const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {b, b + 8 * G});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], b + 8 * G);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(rmm->granule_state(b + i * G), GranuleState::Delegated);
  EXPECT_TRUE(rmm->gpt_disagreements(req()).empty());
}

TEST_F(Rmm2Test, range_delegate_base_align_fails) {
  const uint64_t b = alloc(2);
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {b + 8, b + G}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, range_delegate_top_align_fails) {
  const uint64_t b = alloc(2);
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {b, b + G + 8}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, range_delegate_size_valid_fails_when_top_is_not_above_base) {
  const uint64_t b = alloc(2);
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {b + G, b}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, range_delegate_base_bound_fails_on_firmware_memory) {
  const uint64_t root = f.config.dram_base + f.config.dram_size - G;
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {root, root + G}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, range_delegate_gran_state_fails_when_the_first_is_delegated) {
  const uint64_t b = delegated();
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {b, b + G}), Status::ErrorInput, 0);
}

TEST_F(Rmm2Test, range_delegate_stops_at_a_granule_in_the_wrong_state) {
  const uint64_t b = alloc(4);
  EXPECT_RMI_OK(call(rmi::kGranuleRangeDelegate, {b + 2 * G, b + 3 * G}));
  const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {b, b + 4 * G});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], b + 2 * G);  // partial progress: the next PA
  EXPECT_EQ(rmm->granule_state(b + G), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_state(b + 3 * G), GranuleState::Undelegated);
}

TEST_F(Rmm2Test, range_delegate_does_bounded_work_per_call) {
  const uint64_t b = alloc(1024);
  const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {b, b + 1024 * G});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], b + 512 * G);
  EXPECT_EQ(rmm->granule_state(b + 512 * G), GranuleState::Undelegated);
  const SmcRegs r2 = smc(rmi::kGranuleRangeDelegate, {r.x[1], b + 1024 * G});
  EXPECT_EQ(r2.x[1], b + 1024 * G);
}

TEST_F(Rmm2Test, range_undelegate_returns_the_range_to_non_secure) {
  const uint64_t b = delegated(4);
  const SmcRegs r = smc(rmi::kGranuleRangeUndelegate, {b, b + 4 * G});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], b + 4 * G);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rmm->granule_state(b + i * G), GranuleState::Undelegated);
  EXPECT_TRUE(rmm->gpt_disagreements(req()).empty());
}
TEST_F(Rmm2Test, range_undelegate_gran_state_fails_when_the_first_is_not_delegated) {
  const uint64_t b = alloc();
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeUndelegate, {b, b + G}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, range_undelegate_stops_at_a_granule_in_use) {
  const Realm r = make_realm();
  const uint64_t b = delegated(3);
  EXPECT_RMI_OK(call(rmi::kRttCreate, {r.rd, b + G, 0, 2}));  // the middle granule becomes an RTT
  const SmcRegs x = smc(rmi::kGranuleRangeUndelegate, {b, b + 3 * G});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], b + G);
  EXPECT_EQ(rmm->granule_state(b), GranuleState::Undelegated);
  EXPECT_EQ(rmm->granule_state(b + G), GranuleState::Rtt);
  EXPECT_EQ(rmm->granule_state(b + 2 * G), GranuleState::Delegated);
}

// --- REALM_CREATE: the RMM allocates VMIDs. --------------------------------------------------

TEST_F(Rmm2Test, realm_create_allocates_vmids_so_two_realms_may_ask_for_the_same) {
  RealmParams p;
  p.vmid = 7;
  make_realm(p);
  make_realm(p);  // under 1.0 this is vmid_valid (RMI_ERROR_INPUT)
}

TEST_F(RmmTest, realm_create_vmid_valid_still_fails_under_1_0) {
  RealmParams p;
  p.vmid = 7;
  make_realm(p);
  Realm r;
  r.rd = delegated();
  r.rtt_base = delegated(2, 2 * G);
  p.rtt_base = r.rtt_base;
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {r.rd, ns_page(p.bytes())}), Status::ErrorInput, 0);
}

// --- REALM_TERMINATE and ZOMBIE. -------------------------------------------------------------

TEST_F(Rmm2Test, realm_terminate_makes_the_realm_zombie) {
  const Realm r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmTerminate, {r.rd}));
  EXPECT_EQ(rmm->realm_state(r.rd), RealmState::Zombie);
}
TEST_F(Rmm2Test, realm_terminate_rd_state_fails_on_a_delegated_granule) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRealmTerminate, {g}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Test, realm_terminate_realm_state_fails_twice) {
  const Realm r = make_realm();
  EXPECT_RMI_OK(call(rmi::kRealmTerminate, {r.rd}));
  EXPECT_RMI_FAIL(call(rmi::kRealmTerminate, {r.rd}), Status::ErrorRealm, 0);
}
TEST_F(Rmm2Test, realm_destroy_realm_state_fails_before_terminate) {
  const Realm r = make_realm();
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorRealm, 0);
  EXPECT_RMI_OK(call(rmi::kRealmTerminate, {r.rd}));
  EXPECT_RMI_OK(call(rmi::kRealmDestroy, {r.rd}));
  EXPECT_EQ(rmm->granule_state(r.rd), GranuleState::Delegated);
}
TEST_F(Rmm2Test, rec_enter_fails_realm_state_on_a_zombie) {
  const Realm r = make_realm();
  uint64_t rec = 0;
  EXPECT_RMI_OK(make_rec2(r.rd, {}, &rec));
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_RMI_OK(call(rmi::kRealmTerminate, {r.rd}));
  EXPECT_EQ(call(rmi::kRecEnter, {rec, alloc()}), rmi::pack(Status::ErrorRealm, 1));
}

// --- RTT_INIT_RIPAS: no RIM extension in 2.0. -------------------------------------------------

TEST_F(Rmm2Test, init_ripas_leaves_the_rim_unchanged) {
  const Realm r = make_realm();
  make_rtts(r.rd, 0);
  const auto before = rmm->measurement(r.rd, 0);
  const SmcRegs x = smc(rmi::kRttInitRipas, {r.rd, 0, 16 * G});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 16 * G);
  EXPECT_EQ(rmm->measurement(r.rd, 0), before);
  EXPECT_EQ(read_entry(r.rd, 0, 3).ripas, rmi::Ripas::Ram);
}

TEST_F(RmmTest, init_ripas_extends_the_rim_under_1_0) {
  const Realm r = make_realm();
  make_rtts(r.rd, 0);
  const auto before = rmm->measurement(r.rd, 0);
  EXPECT_RMI_OK(smc(rmi::kRttInitRipas, {r.rd, 0, 16 * G}).x[0]);
  EXPECT_NE(rmm->measurement(r.rd, 0), before);
}

}  // namespace
}  // namespace rmmtest

namespace rmmtest {
namespace {

// platform.gpt.l1_tables: on_demand - 4 GiB of DRAM in 1 GiB blocks: the first and the last
// (the carve-outs) have L1 tables at boot, the two between do not until GPT_L1_CREATE.
platform::SocConfig lazy_l1_config() {
  platform::SocConfig c = rmesim::testing::SocFixture::small_config();
  c.dram_size = 4 * platform::GiB;
  c.gpt_l1_on_demand = true;
  return c;
}

class Rmm2LazyL1 : public Rmm2Test {
 protected:
  Rmm2LazyL1() : Rmm2Test(true, lazy_l1_config()) {}
  const uint64_t block = f.config.dram_base + platform::GiB;  // the second block: no L1 yet
};

TEST_F(Rmm2LazyL1, range_delegate_gran_gpt_fails_in_a_block_without_an_l1_table) {
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {block, block + G}), Status::ErrorInput, 0);
}

TEST_F(Rmm2LazyL1, gpt_l1_create_makes_the_table_and_the_block_delegable) {
  EXPECT_RMI_OK(call(rmi::kGptL1Create, {block}));
  const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {block, block + 4 * G});
  EXPECT_RMI_OK(r.x[0]);
  EXPECT_EQ(r.x[1], block + 4 * G);
  EXPECT_TRUE(rmm->gpt_disagreements(req()).empty());
  // l1_exists: a second call finds it.
  EXPECT_RMI_FAIL(call(rmi::kGptL1Create, {block}), Status::ErrorGpt, 0);
}

TEST_F(Rmm2LazyL1, gpt_l1_create_l1_exists_for_the_blocks_firmware_needs) {
  EXPECT_RMI_FAIL(call(rmi::kGptL1Create, {f.config.dram_base}), Status::ErrorGpt, 0);
  EXPECT_RMI_FAIL(call(rmi::kGptL1Create, {f.config.dram_base + 3 * platform::GiB}), Status::ErrorGpt, 0);
}

}  // namespace
}  // namespace rmmtest
