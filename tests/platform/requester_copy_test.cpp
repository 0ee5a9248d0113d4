// Requester::copy: checked, timed and counted exactly as the read() and write() it stands for,
// with the data where the write puts it; nothing written when the read fails.
#include <gtest/gtest.h>

#include <vector>

#include "platform/abi/smccc.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using gpt::Pas;
using rmesim::testing::SocFixture;

namespace {

constexpr uint64_t kGranule = 4096;

void delegate(SocFixture& f, Pe& pe, uint64_t pa) {
  platform::abi::SmcRegs r;
  r.x[0] = platform::abi::kRmmGtsiDelegate;
  r.x[1] = pa;
  f.soc->monitor().smc(pe.requester(), World::Realm, r);
  ASSERT_EQ(r.x[0], platform::abi::kRmmEl3Ok);
}

std::vector<uint8_t> pattern(uint8_t seed) {
  std::vector<uint8_t> v(kGranule);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

// What one requester's ledger, clock and counters say an operation cost.
struct Cost {
  CostLedger::Totals ledger;
  sc_core::sc_time elapsed;
};

template <typename F>
Cost cost_of(Requester& req, F&& op) {
  const CostLedger::Totals before = req.ledger().totals();
  const sc_core::sc_time t0 = req.now();
  op();
  Cost c{req.ledger().totals(), req.now() - t0};
  for (size_t i = 0; i < c.ledger.ps.size(); ++i) c.ledger.ps[i] -= before.ps[i];
  c.ledger.total -= before.total;
  return c;
}

TEST(RequesterCopy, costs_what_a_read_then_a_write_cost_and_moves_the_data) {
  SocFixture f;
  f.boot();
  const uint64_t src = f.config.dram_base + 0x600000, by_parts = src + 0x10000, by_copy = src + 0x20000;
  Cost parts, copied;
  f.run([&](Pe& pe) {
    delegate(f, pe, by_parts);
    delegate(f, pe, by_copy);
    ASSERT_TRUE(pe.requester().write(src, pattern(3).data(), kGranule, Pas::NonSecure).ok());
    // Warm the GPC's cache for all three granules alike, so that both ways meet the same hits.
    std::vector<uint8_t> scratch(kGranule);
    ASSERT_TRUE(pe.requester().read(by_parts, scratch.data(), kGranule, Pas::Realm).ok());
    ASSERT_TRUE(pe.requester().read(by_copy, scratch.data(), kGranule, Pas::Realm).ok());
    parts = cost_of(pe.requester(), [&] {
      ASSERT_TRUE(pe.requester().read(src, scratch.data(), kGranule, Pas::NonSecure).ok());
      ASSERT_TRUE(pe.requester().write(by_parts, scratch.data(), kGranule, Pas::Realm).ok());
    });
    copied = cost_of(pe.requester(), [&] {
      EXPECT_TRUE(pe.requester().copy(by_copy, Pas::Realm, src, Pas::NonSecure, kGranule).ok());
    });
    std::vector<uint8_t> got(kGranule);
    ASSERT_TRUE(pe.requester().read(by_copy, got.data(), kGranule, Pas::Realm).ok());
    EXPECT_EQ(got, pattern(3));
  });
  EXPECT_EQ(copied.elapsed, parts.elapsed);
  EXPECT_EQ(copied.ledger.ps, parts.ledger.ps);
  EXPECT_GT(copied.ledger.total, 0u);
}

TEST(RequesterCopy, a_read_that_faults_writes_nothing) {
  SocFixture f;
  f.boot();
  const uint64_t realm_src = f.config.dram_base + 0x700000, dst = realm_src + 0x10000;
  f.run([&](Pe& pe) {
    ASSERT_TRUE(pe.requester().write(dst, pattern(9).data(), kGranule, Pas::NonSecure).ok());
    delegate(f, pe, realm_src);
    // From a Realm granule read as Non-secure: a GPF at the read, the destination untouched.
    const CopyStatus gpf = pe.requester().copy(dst, Pas::NonSecure, realm_src, Pas::NonSecure, kGranule);
    EXPECT_EQ(gpf.read.gpf.kind, gpt::GpfKind::Fail);
    EXPECT_TRUE(gpf.write.ok());
    EXPECT_FALSE(gpf.ok());
    // From beyond DRAM (no target: the bounce-buffer path): a bus error, nothing written.
    const uint64_t nowhere = f.config.dram_base + f.config.dram_size + 0x10000000;
    const CopyStatus bus = pe.requester().copy(dst, Pas::NonSecure, nowhere, Pas::NonSecure, kGranule);
    EXPECT_TRUE(bus.read.bus_error);
    EXPECT_FALSE(bus.ok());
    std::vector<uint8_t> got(kGranule);
    ASSERT_TRUE(pe.requester().read(dst, got.data(), kGranule, Pas::NonSecure).ok());
    EXPECT_EQ(got, pattern(9));
  });
}

}  // namespace
