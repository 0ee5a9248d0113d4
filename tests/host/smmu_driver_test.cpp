// The host's SMMUv3 driver against the SMMU model: probe enables translation with every STE
// abort, a stage-2 attach writes the STE the model then translates through, a VMID per stage-2
// root, and the Event queue is drained and acknowledged.
#include "host/smmu_driver.h"

#include <gtest/gtest.h>

#include "host/page_allocator.h"
#include "platform/devices/smmuv3/registers.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "platform/dma_engine.h"
#include "platform/memory_map.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using gpt::Pas;
using host::SmmuDriver;
namespace sm = platform::smmuv3;

namespace {

struct SmmuDriverTest : ::testing::Test {
  rmesim::testing::SocFixture f;
  host::PageAllocator pages{f.config.dram_base + 0x100000, 0x400000};
  SmmuDriver drv{pages, memory_map::kSmmuBase};
  void SetUp() override { f.boot(); }
  uint32_t reg(Requester& r, uint64_t off) {
    uint32_t v = 0;
    EXPECT_TRUE(r.read(memory_map::kSmmuBase + off, &v, 4, Pas::NonSecure).ok());
    return v;
  }
  uint64_t fill(uint64_t addr, uint8_t byte) {
    auto& d = f.soc->dma();
    f.soc->pe(0).requester().sync();
    d.write_reg(DmaEngine::kSrc, byte);
    d.write_reg(DmaEngine::kDst, addr);
    d.write_reg(DmaEngine::kLen, 64);
    d.write_reg(DmaEngine::kCtrl, DmaEngine::kCtrlStart | DmaEngine::kCtrlFill);
    while (d.busy()) sc_core::wait(d.done_event());
    return d.read_reg(DmaEngine::kStatus);
  }
};

TEST_F(SmmuDriverTest, probe_enables_translation_and_every_stream_starts_aborted) {
  f.run([&](Pe& pe) {
    auto& r = pe.requester();
    ASSERT_EQ(drv.probe(r), "");
    EXPECT_EQ(reg(r, sm::SMMU_CR0ACK), sm::CR0_SMMUEN | sm::CR0_CMDQEN | sm::CR0_EVENTQEN);
    EXPECT_EQ(reg(r, sm::SMMU_STRTAB_BASE_CFG), SmmuDriver::kStreamBits);
    EXPECT_EQ(drv.probe(r), "") << "probing twice changes nothing";
    EXPECT_EQ(fill(f.config.dram_base + 0x800000, 1), DmaEngine::kStatusFault) << "Config abort";
    EXPECT_TRUE(drv.drain_events(r).empty()) << "an abort STE records nothing";
  });
}

TEST_F(SmmuDriverTest, a_stage_2_attach_translates_through_the_given_tables_with_a_vmid_per_root) {
  f.run([&](Pe& pe) {
    auto& r = pe.requester();
    ASSERT_EQ(drv.probe(r), "");
    // A level-1 root with nothing mapped: a device write is a stage-2 translation fault event.
    const uint64_t root = *pages.alloc();
    ASSERT_TRUE(r.fill(root, 0, 4096, Pas::NonSecure).ok());
    ASSERT_EQ(drv.attach_stage2(r, memory_map::kDmaStreamId, root), "");
    EXPECT_EQ(drv.vmid_of(root), 1u);
    EXPECT_EQ(fill(0x4000'0000, 1), DmaEngine::kStatusFault);
    const auto ev = drv.drain_events(r);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_TRANSLATION));
    EXPECT_TRUE(ev[0].s2);
    EXPECT_EQ(reg(r, sm::SMMU_EVENTQ_CONS), reg(r, sm::SMMU_EVENTQ_PROD)) << "consumed";
    const uint64_t other = *pages.alloc();
    ASSERT_EQ(drv.attach_stage2(r, memory_map::kDmaStreamId, other), "");
    EXPECT_EQ(drv.vmid_of(other), 2u);
    // Bypass: the device writes the PA it names.
    ASSERT_EQ(drv.attach_bypass(r, memory_map::kDmaStreamId), "");
    const uint64_t data = f.config.dram_base + 0x900000;
    EXPECT_EQ(fill(data, 0x3C), DmaEngine::kStatusDone);
    uint8_t b = 0;
    ASSERT_TRUE(r.read(data, &b, 1, Pas::NonSecure).ok());
    EXPECT_EQ(b, 0x3C);
  });
}

}  // namespace
