// A whole realm lifecycle at RMI level, as a host drives it: delegate, create, RTTs, init
// RIPAS, populate, RECs with AUX granules, activate, tear down in order, undelegate. At the end
// every granule is UNDELEGATED again and reads as zeros from the Non-secure world.
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

using LifecycleTest = RmmTest;

TEST_F(LifecycleTest, whole_lifecycle_returns_every_granule_undelegated_and_zero) {
  const auto census0 = census();
  std::vector<uint64_t> all;  // every granule the host delegated
  auto track = [&](uint64_t pa, uint64_t n = 1) {
    for (uint64_t i = 0; i < n; ++i) all.push_back(pa + i * G);
    return pa;
  };
  const auto r = make_realm();
  track(r.rd);
  track(r.rtt_base, 2);
  // RTTs for IPA [0, 2 MiB) and the unprotected alias.
  for (uint64_t rtt : make_rtts(r.rd, 0, 3)) track(rtt);
  for (uint64_t rtt : make_rtts(r.rd, uint64_t{1} << 39, 3)) track(rtt);
  EXPECT_RMI_OK(call(rmi::kRttInitRipas, {r.rd, 0, 16 * G}));
  // Populate 8 pages, measured.
  std::array<uint8_t, 4096> img{};
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i ^ 0x5A);
  const uint64_t src = ns_page(img);
  std::vector<uint64_t> data;
  for (uint64_t i = 0; i < 8; ++i) {
    data.push_back(track(delegated()));
    EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, data.back(), i * G, src, rmi::kDataMeasureContent}));
  }
  // A shared page.
  const uint64_t shared = alloc();
  EXPECT_RMI_OK(call(rmi::kRttMapUnprotected,
                     {r.rd, uint64_t{1} << 39, 3, shared | rmi::s2tte_host::kMemAttrNormalWb | rmi::s2tte_host::kS2apRead}));
  // Two RECs with their AUX granules.
  std::vector<uint64_t> recs;
  for (uint64_t i = 0; i < 2; ++i) {
    RecParams p;
    p.mpidr = i;
    p.flags = i == 0 ? rmi::rec_params::kFlagRunnable : 0;
    p.aux = aux_granules();
    for (uint64_t a : p.aux) track(a);
    uint64_t rec;
    EXPECT_RMI_OK(make_rec(r.rd, p, &rec));
    recs.push_back(track(rec));
  }
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_EQ(rmm->realm_state(r.rd), RealmState::Active);

  // Teardown, in the order a host must follow.
  for (uint64_t rec : recs) EXPECT_RMI_OK(call(rmi::kRecDestroy, {rec}));
  for (uint64_t i = 0; i < 8; ++i) {
    const SmcRegs d = smc(rmi::kDataDestroy, {r.rd, i * G});
    EXPECT_EQ(d.x[0], rmi::pack(Status::Success));
    EXPECT_EQ(d.x[1], data[i]);
  }
  EXPECT_EQ(smc(rmi::kRttUnmapUnprotected, {r.rd, uint64_t{1} << 39, 3}).x[0], rmi::pack(Status::Success));
  for (uint64_t base : {uint64_t{0}, uint64_t{1} << 39})
    for (int level = 3; level >= 2; --level)
      EXPECT_EQ(smc(rmi::kRttDestroy, {r.rd, base, static_cast<uint64_t>(level)}).x[0], rmi::pack(Status::Success));
  EXPECT_RMI_OK(call(rmi::kRealmDestroy, {r.rd}));
  for (uint64_t pa : all) EXPECT_RMI_OK(call(rmi::kGranuleUndelegate, {pa})) << std::hex << pa;

  EXPECT_EQ(census(), census0);
  for (uint64_t pa : all) {
    EXPECT_EQ(rmm->granule_state(pa), GranuleState::Undelegated);
    std::array<uint8_t, 4096> back;
    ASSERT_TRUE(read_ns(pa, back.data(), back.size())) << std::hex << pa;
    EXPECT_EQ(std::count(back.begin(), back.end(), 0), 4096) << std::hex << pa;
  }
  // Every step cost simulated time on PE 0.
  EXPECT_GT(req().now(), sc_core::SC_ZERO_TIME);
}

}  // namespace
}  // namespace rmmtest
