// The DMA engine is a bus master with its own GPC unit: programmed by a PE through MMIO, it
// copies Non-secure memory, and faults (moving no data) on delegated granules.
#include "platform/dma_engine.h"

#include <gtest/gtest.h>

#include <vector>

#include "platform/abi/smccc.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using rmesim::testing::SocFixture;

namespace {

struct DmaTest : ::testing::Test {
  SocFixture f;
  uint64_t a() const { return f.config.dram_base + 0x100000; }
  uint64_t b() const { return f.config.dram_base + 0x200000; }
  void SetUp() override { f.boot(); }

  // Programs a copy through the MMIO window and waits for the engine.
  uint64_t copy(Pe& pe, uint64_t src, uint64_t dst, uint64_t len) {
    auto& r = pe.requester();
    const uint64_t base = Soc::dma_base();
    EXPECT_TRUE(r.write64(base + DmaEngine::kSrc, src, gpt::Pas::NonSecure).ok());
    EXPECT_TRUE(r.write64(base + DmaEngine::kDst, dst, gpt::Pas::NonSecure).ok());
    EXPECT_TRUE(r.write64(base + DmaEngine::kLen, len, gpt::Pas::NonSecure).ok());
    EXPECT_TRUE(r.write64(base + DmaEngine::kCtrl, 1, gpt::Pas::NonSecure).ok());
    r.sync();
    if (f.soc->dma().busy()) sc_core::wait(f.soc->dma().done_event());
    uint64_t status = 0;
    EXPECT_TRUE(r.read64(base + DmaEngine::kStatus, status, gpt::Pas::NonSecure).ok());
    return status;
  }
  void delegate(Pe& pe, uint64_t pa) {
    platform::abi::SmcRegs regs;
    regs.x[0] = platform::abi::kRmmGtsiDelegate;
    regs.x[1] = pa;
    f.soc->monitor().smc(pe.requester(), World::Realm, regs);
    ASSERT_EQ(regs.x[0], platform::abi::kRmmEl3Ok);
  }
};

TEST_F(DmaTest, copies_non_secure_memory_across_granules) {
  f.run([&](Pe& pe) {
    std::vector<uint8_t> data(10000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
    ASSERT_TRUE(pe.requester().write(a() + 100, data.data(), data.size(), gpt::Pas::NonSecure).ok());
    EXPECT_EQ(copy(pe, a() + 100, b() + 3, data.size()), DmaEngine::kStatusDone);
    std::vector<uint8_t> seen(data.size());
    ASSERT_TRUE(pe.requester().read(b() + 3, seen.data(), seen.size(), gpt::Pas::NonSecure).ok());
    EXPECT_EQ(seen, data);
    EXPECT_EQ(f.soc->dma().read_reg(DmaEngine::kCopied), data.size());
  });
}

// Found by rmesim fuzz: status said DONE while the engine still synced the transfer's time,
// so a start in that window was a notification nobody waited for, and the PE waited forever.
TEST_F(DmaTest, a_transfer_started_as_soon_as_the_last_one_reports_done_still_runs) {
  bool finished = false;
  f.run([&](Pe&) {
    auto& dma = f.soc->dma();
    for (uint64_t dst : {b(), b() + 0x1000}) {
      dma.write_reg(DmaEngine::kSrc, a());
      dma.write_reg(DmaEngine::kDst, dst);
      dma.write_reg(DmaEngine::kLen, 4096);
      dma.write_reg(DmaEngine::kCtrl, 1);
      // Poll the status the way a driver does, and start the next one the moment it says done.
      for (int spins = 0; dma.busy() && spins < 1000000; ++spins) sc_core::wait(sc_core::sc_time(1, sc_core::SC_NS));
      EXPECT_EQ(dma.read_reg(DmaEngine::kStatus), DmaEngine::kStatusDone);
    }
    finished = true;
  });
  EXPECT_TRUE(finished) << "the second transfer never ended";
  EXPECT_EQ(f.soc->dma().read_reg(DmaEngine::kCopied), 4096u);
}

TEST_F(DmaTest, write_into_a_delegated_granule_faults_and_leaves_it_untouched) {
  f.run([&](Pe& pe) {
    delegate(pe, b());
    std::vector<uint8_t> secret(4096, 0x5A);
    ASSERT_TRUE(pe.requester().write(b(), secret.data(), secret.size(), gpt::Pas::Realm).ok());
    ASSERT_TRUE(pe.requester().fill(a(), 0xEE, 4096, gpt::Pas::NonSecure).ok());
    EXPECT_EQ(copy(pe, a(), b(), 4096), DmaEngine::kStatusFault);
    auto& d = f.soc->dma();
    EXPECT_EQ(d.read_reg(DmaEngine::kFaultPa), b());
    EXPECT_EQ(d.read_reg(DmaEngine::kFaultInfo) & 7, static_cast<uint64_t>(gpt::GpfKind::Fail));
    EXPECT_EQ((d.read_reg(DmaEngine::kFaultInfo) >> 16) & 3, static_cast<uint64_t>(gpt::Pas::NonSecure));
    std::vector<uint8_t> seen(4096);
    ASSERT_TRUE(pe.requester().read(b(), seen.data(), seen.size(), gpt::Pas::Realm).ok());
    EXPECT_EQ(seen, secret);
  });
}

TEST_F(DmaTest, read_from_a_delegated_granule_faults_and_leaks_nothing) {
  f.run([&](Pe& pe) {
    delegate(pe, a() + 0x1000);
    ASSERT_TRUE(pe.requester().fill(a() + 0x1000, 0x77, 4096, gpt::Pas::Realm).ok());
    ASSERT_TRUE(pe.requester().fill(b(), 0, 0x2000, gpt::Pas::NonSecure).ok());
    // 8 KiB from a(): the first granule copies, the delegated second one faults.
    EXPECT_EQ(copy(pe, a(), b(), 0x2000), DmaEngine::kStatusFault);
    EXPECT_EQ(f.soc->dma().read_reg(DmaEngine::kCopied), 0x1000u);
    EXPECT_EQ(f.soc->dma().read_reg(DmaEngine::kFaultPa), a() + 0x1000);
    std::vector<uint8_t> seen(4096, 1);
    ASSERT_TRUE(pe.requester().read(b() + 0x1000, seen.data(), seen.size(), gpt::Pas::NonSecure).ok());
    EXPECT_EQ(seen, std::vector<uint8_t>(4096, 0));
    const auto* gpf = f.soc->stats().find_counter("dma_master.gpc.faults_fail");
    ASSERT_NE(gpf, nullptr);
    EXPECT_EQ(gpf->value, 1u) << "the DMA master's own GPC unit refused the access";
  });
}

TEST_F(DmaTest, copy_to_an_address_nothing_decodes_is_a_bus_error) {
  f.run([&](Pe& pe) {
    EXPECT_EQ(copy(pe, a(), 0x1000, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(f.soc->dma().read_reg(DmaEngine::kFaultInfo) & 7, DmaEngine::kBusErrorKind);
  });
}

}  // namespace
