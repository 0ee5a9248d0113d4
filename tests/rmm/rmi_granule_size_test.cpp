// RMM 2.0-bet1 configured with 16 and 64 KiB RMI granules (RMM_CONFIG_SET): granule-size
// alignment conditions, REALM_CREATE's rtt_num_level in the geometry of that granule, and the
// range descriptor's fields in that granule's layout.
#include "rmm2_fixture.h"

namespace rmmtest {
namespace {

// On a GPT of PGS `pgs`, configured with RmiGranuleSize `code` and activated.
class Rmm2Granule : public Rmm2Test {
 protected:
  Rmm2Granule(gpt::Pgs pgs, uint64_t code, uint64_t bytes) : Rmm2Test(false, config(pgs)), gs(bytes) {
    const uint64_t cfg = alloc(bytes / G, bytes);
    std::array<uint8_t, 4096> c{};
    platform::abi::put(c.data(), platform::abi::v2_0::rmm_config::kRmiGranuleSize, code);
    EXPECT_TRUE(write_ns(cfg, c.data(), c.size()));
    EXPECT_RMI_OK(call(rmi::kRmmConfigSet, {cfg}));
    EXPECT_RMI_OK(call(rmi::kRmmActivate));
  }
  static platform::SocConfig config(gpt::Pgs pgs) {
    platform::SocConfig c = rmesim::testing::SocFixture::small_config();
    c.gpt_pgs = pgs;
    return c;
  }
  // `n` granules of gs bytes, delegated by range.
  uint64_t granules(uint64_t n = 1, uint64_t align = 0) {
    const uint64_t pa = alloc(n * gs / G, std::max(align, gs));
    const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {pa, pa + n * gs});
    EXPECT_EQ(r.x[0], rmi::pack(Status::Success));
    EXPECT_EQ(r.x[1], pa + n * gs);
    return pa;
  }
  // The RD (in *rd_out) and RmiRealmParams of a realm whose start tables are delegated.
  uint64_t realm_params(int64_t level, uint64_t num, uint64_t s2sz, uint64_t& rd) {
    rd = granules();
    RealmParams p;
    p.s2sz = s2sz;
    p.rtt_level_start = level;
    p.rtt_num_start = num;
    p.rtt_base = granules(num, num * gs);
    const auto b = p.bytes();
    const uint64_t params = alloc(gs / G, gs);
    EXPECT_TRUE(write_ns(params, b.data(), b.size()));
    return params;
  }
  uint64_t realm_create(int64_t level, uint64_t num, uint64_t s2sz, uint64_t* rd_out = nullptr) {
    uint64_t rd = 0;
    const uint64_t params = realm_params(level, num, s2sz, rd);
    if (rd_out) *rd_out = rd;
    return call(rmi::kRealmCreate, {rd, params});
  }
  const uint64_t gs;
};

class Rmm2Granule16k : public Rmm2Granule {
 protected:
  Rmm2Granule16k() : Rmm2Granule(gpt::Pgs::K16, 1, 16384) {}
};
class Rmm2Granule64k : public Rmm2Granule {
 protected:
  Rmm2Granule64k() : Rmm2Granule(gpt::Pgs::K64, 2, 65536) {}
};
// 16 KiB granules on a 4 KiB GPT: each is four GPT granules.
class Rmm2Granule16kOn4kGpt : public Rmm2Granule {
 protected:
  Rmm2Granule16kOn4kGpt() : Rmm2Granule(gpt::Pgs::K4, 1, 16384) {}
};

TEST_F(Rmm2Granule16k, range_delegate_base_align_fails_for_a_4k_aligned_base) {
  const uint64_t pa = alloc(8, 16384);
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {pa + G, pa + G + 16384}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeDelegate, {pa, pa + 2 * G}), Status::ErrorInput, 0);  // top_align
  EXPECT_EQ(rmm->granule_state(pa), rmm::GranuleState::Undelegated);
  const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {pa, pa + 2 * 16384});
  EXPECT_EQ(r.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(rmm->granule_state(pa + 16384 + 3 * G), rmm::GranuleState::Delegated);  // inside the second granule
}

TEST_F(Rmm2Granule16kOn4kGpt, a_granule_is_every_gpt_granule_in_it) {
  const uint64_t pa = granules();
  for (uint64_t off = 0; off < 16384; off += G) EXPECT_FALSE(write_ns(pa + off, "x", 1)) << off;  // Realm PAS now
  EXPECT_TRUE(write_ns(pa + 16384, "x", 1));  // the next granule is still the host's
  EXPECT_RMI_OK(call(rmi::kGranuleRangeUndelegate, {pa, pa + 16384}));
  for (uint64_t off = 0; off < 16384; off += G) EXPECT_TRUE(write_ns(pa + off, "x", 1)) << off;
}

TEST_F(Rmm2Granule16k, realm_create_with_the_16k_geometry) {
  // 40-bit IPA: level 2 resolves 15 bits = 16 concatenated tables; level 1 resolves 4 bits.
  EXPECT_EQ(realm_create(2, 16, 40), rmi::pack(Status::Success));
  EXPECT_EQ(realm_create(1, 1, 40), rmi::pack(Status::Success));
  // 48-bit IPA from level 0: one table (1 bit).
  EXPECT_EQ(realm_create(0, 1, 48), rmi::pack(Status::Success));
}

TEST_F(Rmm2Granule16k, realm_create_rtt_num_level_fails_for_a_4k_geometry) {
  // What a 4 KiB host would pass for 40 bits (level 1, 2 tables): not the 16K geometry.
  uint64_t rd = 0;
  uint64_t params = realm_params(1, 2, 40, rd);
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd, params}), Status::ErrorInput, 0);
  params = realm_params(2, 15, 40, rd);
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd, params}), Status::ErrorInput, 0);
}

TEST_F(Rmm2Granule64k, realm_create_rtt_num_level_fails_at_level_0) {
  EXPECT_EQ(realm_create(1, 1, 48), rmi::pack(Status::Success));
  uint64_t rd = 0;
  const uint64_t params = realm_params(0, 1, 48, rd);
  EXPECT_RMI_FAIL(call(rmi::kRealmCreate, {rd, params}), Status::ErrorInput, 0);  // 64K has no level 0
  EXPECT_EQ(realm_create(2, 1, 40), rmi::pack(Status::Success));
}

TEST_F(Rmm2Granule16k, rtt_create_ipa_align_is_to_the_16k_level_sizes) {
  uint64_t rd = 0;
  ASSERT_EQ(realm_create(2, 16, 40, &rd), rmi::pack(Status::Success));
  const uint64_t rtt = granules();
  // A level-3 RTT covers one 32 MiB level-2 entry: 2 MiB alignment is not enough.
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {rd, rtt, uint64_t{2} << 20, 3}), Status::ErrorInput, 0);
  EXPECT_RMI_OK(call(rmi::kRttCreate, {rd, rtt, uint64_t{32} << 20, 3}));
  const SmcRegs e = smc(rmi::kRttReadEntry, {rd, (uint64_t{32} << 20) + 16384, 3});
  EXPECT_EQ(e.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(e.x[1], 3u);
}

TEST_F(Rmm2Granule16k, range_descriptor_count_field_reaches_bit_13) {
  // RmiAddrRangeDesc of 16 KiB granules: CNT[13:2], ADDR[51:14]. A count of 1024 needs bit 12,
  // which the 4 KiB layout would read as an address bit (and a count of 0).
  uint64_t rd = 0;
  ASSERT_EQ(realm_create(2, 16, 40, &rd), rmi::pack(Status::Success));
  const uint64_t ipa = uint64_t{32} << 20;
  EXPECT_RMI_OK(call(rmi::kRttCreate, {rd, granules(), ipa, 3}));
  const uint64_t data = alloc(1024 * gs / G, gs);
  for (uint64_t at = data; at < data + 1024 * gs;) {  // RANGE_DELEGATE's bounded progress: X1
    const SmcRegs d = smc(rmi::kGranuleRangeDelegate, {at, data + 1024 * gs});
    ASSERT_EQ(d.x[0], rmi::pack(Status::Success));
    ASSERT_GT(d.x[1], at);
    at = d.x[1];
  }
  const uint64_t desc = rmi::addr_range::make(data, 1024, 0, 14);
  EXPECT_EQ(desc >> 2 & 0xFFF, 1024u);
  const SmcRegs r = smc(rmi::kRttDataMap, {rd, ipa, ipa + 1024 * gs, rmi::map_flags::kOaddrSingle, desc});
  EXPECT_EQ(r.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(r.x[1], ipa + 512 * gs);  // bounded progress: one call maps 512 entries
  EXPECT_EQ(rmm->granule_state(data + 511 * gs), rmm::GranuleState::Data);
  EXPECT_EQ(rmm->granule_state(data + 512 * gs), rmm::GranuleState::Delegated);
}

}  // namespace
}  // namespace rmmtest
