// The EL3 monitor on a real SoC: boot builds the GPT and enables the GPC; delegate and
// undelegate move granules between PAS with the architecture's effects on every requester.
#include "platform/monitor.h"

#include <gtest/gtest.h>

#include <vector>

#include "platform/abi/smccc.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using gpt::GpfKind;
using gpt::Pas;
using rmesim::testing::SocFixture;

namespace {

uint64_t gtsi(Pe& pe, Monitor& m, uint32_t fid, uint64_t pa) {
  platform::abi::SmcRegs r;
  r.x[0] = fid;
  r.x[1] = pa;
  m.smc(pe.requester(), World::Realm, r);
  return r.x[0];
}

class MonitorTest : public ::testing::Test {
 protected:
  SocFixture f;
  uint64_t granule() const { return f.config.dram_base + 0x100000; }
  void SetUp() override { f.boot(); }
};

TEST_F(MonitorTest, boot_gives_firmware_carveouts_their_gpi_and_leaves_dram_non_secure) {
  f.run([&](Pe& pe) {
    auto& m = f.soc->monitor();
    for (const auto& r : m.regions()) {
      EXPECT_EQ(m.granule_gpi(pe.requester(), r.base), r.gpi) << r.name;
      EXPECT_EQ(m.granule_gpi(pe.requester(), r.base + r.size - m.granule_size()), r.gpi) << r.name;
    }
    uint64_t v = 0;
    EXPECT_TRUE(pe.requester().read64(granule(), v, Pas::NonSecure).ok());
    // The GPT lives in Root PAS: the Non-secure world cannot read it.
    const auto st = pe.requester().read64(m.gpc_config().l0_base, v, Pas::NonSecure);
    EXPECT_EQ(st.gpf.kind, GpfKind::Fail);
  });
}

TEST_F(MonitorTest, non_secure_access_to_a_delegated_granule_faults_with_gpcf_fail) {
  f.run([&](Pe& pe) {
    ASSERT_EQ(gtsi(pe, f.soc->monitor(), platform::abi::kRmmGtsiDelegate, granule()), platform::abi::kRmmEl3Ok);
    uint64_t v = 0;
    const auto st = pe.requester().read64(granule() + 8, v, Pas::NonSecure);
    EXPECT_EQ(st.gpf.kind, GpfKind::Fail);
    EXPECT_EQ(st.gpf.pa, granule() + 8);
    EXPECT_EQ(st.gpf.pas, Pas::NonSecure);
    EXPECT_EQ(st.gpf.gpi, gpt::Gpi::Realm);
    EXPECT_EQ(st.gpf.level, 1);
    EXPECT_TRUE(pe.requester().read64(granule(), v, Pas::Realm).ok());
    // The other PE's GPC unit received the TLBI broadcast as well.
    EXPECT_EQ(f.soc->pe(1).requester().read64(granule(), v, Pas::NonSecure).gpf.kind, GpfKind::Fail);
  });
}

TEST_F(MonitorTest, undelegate_scrubs_so_non_secure_reads_zeros_after) {
  f.run([&](Pe& pe) {
    auto& m = f.soc->monitor();
    ASSERT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, granule()), platform::abi::kRmmEl3Ok);
    std::vector<uint8_t> secret(m.granule_size(), 0xA5);
    ASSERT_TRUE(pe.requester().write(granule(), secret.data(), secret.size(), Pas::Realm).ok());
    ASSERT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiUndelegate, granule()), platform::abi::kRmmEl3Ok);
    std::vector<uint8_t> seen(m.granule_size(), 0xFF);
    ASSERT_TRUE(pe.requester().read(granule(), seen.data(), seen.size(), Pas::NonSecure).ok());
    EXPECT_EQ(seen, std::vector<uint8_t>(m.granule_size(), 0));
    uint64_t v;
    EXPECT_EQ(pe.requester().read64(granule(), v, Pas::Realm).gpf.kind, GpfKind::Fail);
  });
}

TEST_F(MonitorTest, transitions_in_the_wrong_state_fail_and_change_nothing) {
  f.run([&](Pe& pe) {
    auto& m = f.soc->monitor();
    EXPECT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiUndelegate, granule()), platform::abi::kRmmEl3BadPas);  // still NS
    ASSERT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, granule()), platform::abi::kRmmEl3Ok);
    EXPECT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, granule()), platform::abi::kRmmEl3BadPas);  // already Realm
    EXPECT_EQ(m.granule_gpi(pe.requester(), granule()), gpt::Gpi::Realm);
    EXPECT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, granule() + 8), platform::abi::kRmmEl3BadAddr);  // unaligned
    const auto& rmm_region = m.regions()[2];
    EXPECT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, rmm_region.base), platform::abi::kRmmEl3BadAddr);  // firmware
    EXPECT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, 0x1000), platform::abi::kRmmEl3BadAddr);  // not DRAM
    EXPECT_EQ(m.granule_gpi(pe.requester(), rmm_region.base), gpt::Gpi::Realm);
  });
}

TEST_F(MonitorTest, gtsi_is_only_for_the_realm_world_and_unknown_fids_get_smc_unknown) {
  f.run([&](Pe& pe) {
    platform::abi::SmcRegs r;
    r.x[0] = platform::abi::kRmmGtsiDelegate;
    r.x[1] = granule();
    f.soc->monitor().smc(pe.requester(), World::NonSecure, r);
    EXPECT_EQ(r.x[0], platform::abi::kSmcUnknown);
    EXPECT_EQ(f.soc->monitor().granule_gpi(pe.requester(), granule()), gpt::Gpi::NonSecure);
    r.x[0] = 0xC4000150;  // RMI_VERSION with no RMM attached
    f.soc->monitor().smc(pe.requester(), World::NonSecure, r);
    EXPECT_EQ(r.x[0], platform::abi::kSmcUnknown);
  });
}

TEST_F(MonitorTest, delegate_takes_simulated_time_that_follows_the_profile) {
  sc_core::sc_time t;
  sc_core::sc_time first;
  f.run([&](Pe& pe) {
    auto start = pe.requester().now();
    // The first transition in a contiguous run shatters it (many descriptor writes)...
    ASSERT_EQ(gtsi(pe, f.soc->monitor(), platform::abi::kRmmGtsiDelegate, granule()), platform::abi::kRmmEl3Ok);
    first = pe.requester().now() - start;
    start = pe.requester().now();
    // ...the next one in the same run only rewrites one descriptor.
    ASSERT_EQ(gtsi(pe, f.soc->monitor(), platform::abi::kRmmGtsiDelegate, granule() + 0x1000), platform::abi::kRmmEl3Ok);
    t = pe.requester().now() - start;
  });
  EXPECT_GT(first, t);
  const auto& p = f.profile;
  // At least: SMC in and out, two cache maintenance passes over the granule's 64 lines and one
  // TLBI broadcast.
  const auto floor = p.duration("smc.world_switch") * 2 + p.duration("cache.maint_line") * 128 +
                     p.duration("tlbi.broadcast");
  EXPECT_GT(t, floor);
  EXPECT_LT(t, floor + sc_core::sc_time(2, sc_core::SC_US));
}

// The time one delegate (not the first of its contiguous run) charged to one cost category.
uint64_t delegate_charge(SocConfig cfg, const char* cost) {
  SocFixture f(cfg);
  f.boot();
  const uint64_t pa = cfg.dram_base + 0x200000;
  const CostId id = TimingProfile::cost_id(cost);
  uint64_t ps = 0;
  f.run([&](Pe& pe) {
    auto& m = f.soc->monitor();
    ASSERT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, pa), platform::abi::kRmmEl3Ok);
    const uint64_t before = pe.requester().ledger().totals().ps[id];
    ASSERT_EQ(gtsi(pe, m, platform::abi::kRmmGtsiDelegate, pa + m.granule_size()), platform::abi::kRmmEl3Ok);
    ps = pe.requester().ledger().totals().ps[id] - before;
  });
  return ps;
}

SocConfig with_cores(unsigned n) {
  SocConfig c = SocFixture::small_config();
  c.cores = n;
  return c;
}

TEST(MonitorCostModel, tlbi_broadcast_cost_grows_with_the_pes) {
  // One broadcast per delegate, acknowledged by every GPC unit: each PE's and the DMA master's.
  const uint64_t one = delegate_charge(with_cores(1), "tlbi.broadcast_per_pe");
  const uint64_t eight = delegate_charge(with_cores(8), "tlbi.broadcast_per_pe");
  const uint64_t ack = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml")
                           .duration("tlbi.broadcast_per_pe").value();
  EXPECT_EQ(one, 2 * ack);    // 1 PE + the DMA master
  EXPECT_EQ(eight, 9 * ack);  // 8 PEs + the DMA master
  // The issue and DSB part does not depend on the PEs.
  EXPECT_EQ(delegate_charge(with_cores(1), "tlbi.broadcast"), delegate_charge(with_cores(8), "tlbi.broadcast"));
}

TEST(MonitorCostModel, cache_maintenance_grows_with_the_pgs) {
  SocConfig k4 = SocFixture::small_config(), k64 = k4;
  k64.gpt_pgs = gpt::Pgs::K64;
  const uint64_t line = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml")
                            .duration("cache.maint_line").value();
  // Two passes (old PAS, new PAS) over every 64-byte line of the granule.
  EXPECT_EQ(delegate_charge(k4, "cache.maint_line"), 2 * 64 * line);
  EXPECT_EQ(delegate_charge(k64, "cache.maint_line"), 2 * 1024 * line);
}

}  // namespace
