// The GPC unit at a requester: caching of walks, and a stale answer that stays until TLBI.
#include "platform/gpc_unit.h"

#include <gtest/gtest.h>

#include "platform/abi/smccc.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using gpt::GpfKind;
using gpt::Pas;
using rmesim::testing::SocFixture;

namespace {

// Address of the L1 descriptor for `pa`, found the way the hardware walks (not through
// our table code): L0 entry -> L1 table base -> index PA[s-1:p+4].
uint64_t l1_descriptor_pa(Requester& r, const gpt::GpcConfig& c, uint64_t pa) {
  uint64_t l0 = 0;
  EXPECT_TRUE(r.read64(c.l0_base + (pa >> c.s()) * 8, l0, Pas::Root).ok());
  EXPECT_EQ(l0 & 0xF, 0x3u) << "expected an L0 table descriptor";
  const uint64_t l1_base = l0 & 0x000F'FFFF'FFFF'F000ull;
  const uint64_t index = (pa & ((uint64_t{1} << c.s()) - 1)) >> (c.p() + 4);
  return l1_base + index * 8;
}

TEST(GpcUnit, second_check_of_a_granule_hits_the_cache_without_walking) {
  SocFixture f;
  f.boot();
  f.run([&](Pe& pe) {
    const uint64_t pa = f.config.dram_base + 0x200000;
    auto& st = pe.gpc().stats();
    uint64_t v;
    // (Boot's own walks, e.g. of the SMMU's Root page, an L0 block, are not this test's.)
    const uint64_t walks0 = st.walks.value, reads0 = st.descriptor_reads.value;
    ASSERT_TRUE(pe.requester().read64(pa, v, Pas::NonSecure).ok());
    const uint64_t walks = st.walks.value, reads = st.descriptor_reads.value;
    ASSERT_TRUE(pe.requester().read64(pa + 64, v, Pas::NonSecure).ok());
    EXPECT_EQ(st.walks.value, walks);
    EXPECT_EQ(st.descriptor_reads.value, reads);
    EXPECT_GE(st.cache_hits.value, 1u);
    EXPECT_EQ(walks - walks0, 1u);
    EXPECT_EQ(reads - reads0, 2u) << "the walk reads an L0 and an L1 descriptor";
  });
}

TEST(GpcUnit, stale_cached_gpi_is_used_until_tlbi_and_gone_after) {
  SocFixture f;
  f.boot();
  f.run([&](Pe& pe) {
    const auto& c = f.soc->monitor().gpc_config();
    const uint64_t pa = f.config.dram_base + 0x300000;
    Requester& other = f.soc->pe(1).requester();
    uint64_t v;
    ASSERT_TRUE(other.read64(pa, v, Pas::NonSecure).ok());  // PE1 caches NS for the granule
    // EL3 changes the GPI in memory but "forgets" the TLBI.
    const uint64_t dpa = l1_descriptor_pa(pe.requester(), c, pa);
    uint64_t desc;
    ASSERT_TRUE(pe.requester().read64(dpa, desc, Pas::Root).ok());
    const unsigned nib = (pa >> c.p()) & 0xF;
    desc = (desc & ~(0xFull << (4 * nib))) | (uint64_t{0xB} << (4 * nib));  // REALM
    ASSERT_TRUE(pe.requester().write64(dpa, desc, Pas::Root).ok());
    EXPECT_TRUE(other.read64(pa, v, Pas::NonSecure).ok()) << "stale entry should still allow NS";
    // A PE that never cached it sees the new GPI at once.
    EXPECT_EQ(pe.requester().read64(pa, v, Pas::NonSecure).gpf.kind, GpfKind::Fail);
    other.gpc().tlbi_rpa(pa, c.granule_size());
    const auto st = other.read64(pa, v, Pas::NonSecure);
    EXPECT_EQ(st.gpf.kind, GpfKind::Fail);
    EXPECT_TRUE(other.read64(pa, v, Pas::Realm).ok());
  });
}

TEST(GpcUnit, tlbi_rpa_outside_the_cached_granule_keeps_it) {
  SocFixture f;
  f.boot();
  f.run([&](Pe& pe) {
    const uint64_t pa = f.config.dram_base + 0x400000;
    auto& st = pe.gpc().stats();
    // Delegating a neighbour shatters the contiguous descriptor, so `pa` gets a
    // granule-sized cache entry (a cached contiguous run would overlap the TLBI range).
    platform::abi::SmcRegs r;
    r.x[0] = platform::abi::kRmmGtsiDelegate;
    r.x[1] = pa + 0x2000;
    f.soc->monitor().smc(pe.requester(), World::Realm, r);
    ASSERT_EQ(r.x[0], platform::abi::kRmmEl3Ok);
    uint64_t v;
    ASSERT_TRUE(pe.requester().read64(pa, v, Pas::NonSecure).ok());
    const uint64_t walks = st.walks.value;
    pe.gpc().tlbi_rpa(pa + 0x1000, 0x1000);
    ASSERT_TRUE(pe.requester().read64(pa, v, Pas::NonSecure).ok());
    EXPECT_EQ(st.walks.value, walks);
    pe.gpc().tlbi_paall();
    ASSERT_TRUE(pe.requester().read64(pa, v, Pas::NonSecure).ok());
    EXPECT_EQ(st.walks.value, walks + 1);
  });
}

// R_CPDSB: a Non-secure access beyond the PPS passes; any other PAS takes a GPF at level 0.
// (QEMU first reported it as an address-size fault and later corrected it to GPCF_Fail.)
TEST(GpcUnit, access_beyond_the_protected_pa_space_passes_for_ns_and_faults_otherwise) {
  SocFixture f;
  f.boot();
  f.run([&](Pe& pe) {
    const auto& c = f.soc->monitor().gpc_config();
    platform::Delay d;
    const uint64_t beyond = uint64_t{1} << c.t();
    EXPECT_TRUE(pe.gpc().check(beyond, 8, Pas::NonSecure, d).ok());
    const auto r = pe.gpc().check(beyond, 8, Pas::Realm, d);
    EXPECT_EQ(r.kind, GpfKind::Fail);
    EXPECT_EQ(r.level, 0);
  });
}

TEST(GpcUnit, an_access_spanning_two_granules_checks_both) {
  SocFixture f;
  f.boot();
  f.run([&](Pe& pe) {
    const uint64_t g = f.config.dram_base + 0x500000;
    platform::abi::SmcRegs r;
    r.x[0] = platform::abi::kRmmGtsiDelegate;
    r.x[1] = g + 0x1000;
    f.soc->monitor().smc(pe.requester(), World::Realm, r);
    ASSERT_EQ(r.x[0], platform::abi::kRmmEl3Ok);
    uint8_t buf[16];
    const auto st = pe.requester().read(g + 0x1000 - 8, buf, 16, Pas::NonSecure);
    EXPECT_EQ(st.gpf.kind, GpfKind::Fail);
    EXPECT_EQ(st.gpf.pa, g + 0x1000);
  });
}

}  // namespace
