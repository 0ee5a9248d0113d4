// The host's emulated GICv3 distributor and redistributors (host/kvm/vgic_dist.h), at
// register level through guest-physical MMIO, and what reaches a vCPU's list registers.
#include <gtest/gtest.h>

#include "platform/abi/rmi.h"
#include "platform/memory_map.h"
#include "vgic_dist.h"

namespace {

namespace gic = platform::gicv3;
namespace lr = platform::gicv3::lr;
namespace map = platform::memory_map;
using gic::Distributor;
using gic::Redistributor;
using host::vgic::EmulatedGic;
using host::vgic::Lrs;

constexpr uint64_t kSgiBase = Redistributor::kFrame;

struct VgicDist : ::testing::Test {
  EmulatedGic g{{platform::abi::rmi::rec_params::index_to_mpidr(0), platform::abi::rmi::rec_params::index_to_mpidr(1)}};
  uint64_t rd(uint64_t gpa, unsigned len = 4) {
    uint64_t v = ~uint64_t{0};
    EXPECT_TRUE(g.mmio(gpa, len, false, v)) << std::hex << gpa;
    return v;
  }
  void wr(uint64_t gpa, uint64_t v, unsigned len = 4) { EXPECT_TRUE(g.mmio(gpa, len, true, v)) << std::hex << gpa; }
  uint64_t gicd(uint64_t off) { return map::kGicdBase + off; }
  uint64_t gicr(unsigned vcpu, uint64_t off) { return map::kGicrBase + vcpu * map::kGicrStride + off; }
  // What Linux's GICv3 driver does before it takes interrupts: groups enabled, the
  // redistributor awake, everything group 1.
  void linux_init(unsigned vcpu) {
    wr(gicd(Distributor::GICD_CTLR), Distributor::kCtlrEnableGrp1);
    wr(gicr(vcpu, Redistributor::GICR_WAKER), 0);
    wr(gicr(vcpu, kSgiBase + gic::kIgroupr), 0xFFFF'FFFF);
    wr(gicd(gic::kIgroupr + 4), 0xFFFF'FFFF);
  }
};

TEST_F(VgicDist, DistributorIdentityAndResetValues) {
  EXPECT_EQ(rd(gicd(Distributor::GICD_CTLR)), Distributor::kCtlrAre | Distributor::kCtlrDs);
  EXPECT_EQ(rd(gicd(Distributor::GICD_TYPER)), Distributor::kTyper);
  EXPECT_EQ(rd(gicd(Distributor::GICD_TYPER)) & 0x1F, gic::kSpiCount / 32);  // ITLinesNumber: SPIs 32..95
  EXPECT_EQ(rd(gicd(Distributor::GICD_IIDR)), gic::kIidrArm);
  EXPECT_EQ((rd(gicd(Distributor::GICD_PIDR2)) >> 4) & 0xF, 3u);  // ArchRev: GICv3
  EXPECT_EQ(rd(gicd(gic::kIsenabler + 4)), 0u);
  // TYPER is RO; CTLR keeps ARE and DS set whatever is written.
  wr(gicd(Distributor::GICD_TYPER), 0);
  EXPECT_EQ(rd(gicd(Distributor::GICD_TYPER)), Distributor::kTyper);
  wr(gicd(Distributor::GICD_CTLR), Distributor::kCtlrEnableGrp1);
  EXPECT_EQ(rd(gicd(Distributor::GICD_CTLR)), Distributor::kCtlrAre | Distributor::kCtlrDs | Distributor::kCtlrEnableGrp1);
}

TEST_F(VgicDist, DistributorEnablePendingPriorityConfigRouting) {
  wr(gicd(gic::kIsenabler + 4), 0x6);  // SPIs 33, 34
  EXPECT_EQ(rd(gicd(gic::kIsenabler + 4)), 0x6u);
  wr(gicd(gic::kIcenabler + 4), 0x4);
  EXPECT_EQ(rd(gicd(gic::kIcenabler + 4)), 0x2u);
  wr(gicd(gic::kIspendr + 4), 0x2);
  EXPECT_EQ(rd(gicd(gic::kIspendr + 4)), 0x2u);
  wr(gicd(gic::kIcpendr + 4), 0x2);
  EXPECT_EQ(rd(gicd(gic::kIspendr + 4)), 0u);
  wr(gicd(gic::kIsactiver + 4), 0x8);
  EXPECT_EQ(rd(gicd(gic::kIcactiver + 4)), 0x8u);
  wr(gicd(gic::kIpriorityr + 33), 0xA7, 1);  // byte access; low bits not implemented
  EXPECT_EQ(rd(gicd(gic::kIpriorityr + 33), 1), 0xA0u);
  EXPECT_EQ(rd(gicd(gic::kIpriorityr + 32)), 0xA000u);
  wr(gicd(gic::kIcfgr + 8), 0x8);  // SPI 33 edge-triggered
  EXPECT_EQ(rd(gicd(gic::kIcfgr + 8)), 0x8u);
  const uint64_t aff = 0x0100;  // Aff1 = 1
  wr(gicd(Distributor::GICD_IROUTER + 8 * 33), aff | (uint64_t{1} << 31), 8);  // IRM: RAZ/WI
  EXPECT_EQ(rd(gicd(Distributor::GICD_IROUTER + 8 * 33), 8), aff);
}

TEST_F(VgicDist, RedistributorsPerVcpu) {
  // GICR_TYPER: affinity of each vCPU in [63:32], its processor number, Last on the last one.
  const uint64_t t0 = rd(gicr(0, Redistributor::GICR_TYPER), 8), t1 = rd(gicr(1, Redistributor::GICR_TYPER), 8);
  const uint64_t m1 = platform::abi::rmi::rec_params::index_to_mpidr(1);
  EXPECT_EQ(t0 >> 32, 0u);
  EXPECT_EQ(t1 >> 32, m1 & 0xFF'FFFF);
  EXPECT_EQ((t1 >> 8) & 0xFFFF, 1u);
  EXPECT_FALSE(t0 & Redistributor::kTyperLast);
  EXPECT_TRUE(t1 & Redistributor::kTyperLast);
  EXPECT_EQ((rd(gicr(0, Redistributor::GICR_PIDR2)) >> 4) & 0xF, 3u);
  EXPECT_EQ(rd(gicr(0, Redistributor::GICR_CTLR)), 0u);
  // WAKER: asleep at reset; clearing ProcessorSleep clears ChildrenAsleep (Linux polls it).
  EXPECT_EQ(rd(gicr(1, Redistributor::GICR_WAKER)), Redistributor::kWakerProcessorSleep | Redistributor::kWakerChildrenAsleep);
  wr(gicr(1, Redistributor::GICR_WAKER), 0);
  EXPECT_EQ(rd(gicr(1, Redistributor::GICR_WAKER)), 0u);
  EXPECT_EQ(rd(gicr(0, Redistributor::GICR_WAKER)), Redistributor::kWakerProcessorSleep | Redistributor::kWakerChildrenAsleep);
  // SGI_base: banked per vCPU; SGIs' ICFGR0 reads edge and is RO.
  wr(gicr(0, kSgiBase + gic::kIsenabler), 0x0800'0001);
  EXPECT_EQ(rd(gicr(0, kSgiBase + gic::kIsenabler)), 0x0800'0001u);
  EXPECT_EQ(rd(gicr(1, kSgiBase + gic::kIsenabler)), 0u);
  wr(gicr(0, kSgiBase + gic::kIcfgr), 0);
  EXPECT_EQ(rd(gicr(0, kSgiBase + gic::kIcfgr)), 0xAAAA'AAAAu);
}

TEST_F(VgicDist, OnlyTheGicWindowsAreClaimed) {
  uint64_t v = 0;
  EXPECT_FALSE(g.mmio(map::kUart0Base, 4, false, v));
  EXPECT_FALSE(g.mmio(map::kGicrBase + 2 * map::kGicrStride, 4, false, v));  // no third vCPU
  EXPECT_FALSE(g.mmio(map::kGicdBase + map::kGicdSize, 4, false, v));
  // A width no register allows (2 bytes) is claimed, reads as zero and is ignored.
  v = 0xFFFF;
  EXPECT_TRUE(g.mmio(map::kGicdBase + Distributor::GICD_CTLR, 2, true, v));
  EXPECT_TRUE(g.mmio(map::kGicdBase + Distributor::GICD_TYPER, 2, false, v));
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(rd(gicd(Distributor::GICD_CTLR)), Distributor::kCtlrAre | Distributor::kCtlrDs);
}

TEST_F(VgicDist, LevelSpiReachesTheRoutedVcpuWhenEnabled) {
  const unsigned uart = gic::kSpiBase + map::kUart0Spi;
  linux_init(1);
  const uint64_t m1 = platform::abi::rmi::rec_params::index_to_mpidr(1);
  wr(gicd(Distributor::GICD_IROUTER + 8 * uart), m1 & 0xFF'FFFF, 8);
  wr(gicd(gic::kIpriorityr + uart), 0x90, 1);
  g.set_spi_level(uart, true);
  Lrs lrs{};
  g.flush(1, lrs);
  EXPECT_FALSE(host::vgic::any_pending(lrs)) << "disabled: not delivered";
  EXPECT_FALSE(g.has_pending(1, lrs));
  wr(gicd(gic::kIsenabler + 4), 1u << map::kUart0Spi);
  EXPECT_TRUE(g.has_pending(1, lrs));
  EXPECT_FALSE(g.has_pending(0, lrs)) << "routed to vCPU 1 only";
  g.flush(1, lrs);
  EXPECT_EQ(lr::vintid(lrs[0]), uart);
  EXPECT_EQ(lr::priority(lrs[0]), 0x90);
  EXPECT_TRUE(lrs[0] & lr::kGroup1);
  EXPECT_TRUE(lrs[0] & lr::kPending);
  EXPECT_FALSE(g.has_pending(1, lrs)) << "already in a list register";
  g.flush(1, lrs);
  EXPECT_EQ(lrs[1], 0u);
  // The guest handled it (the LR is free again) and the line is still high: delivered again.
  lrs = {};
  g.flush(1, lrs);
  EXPECT_EQ(lr::vintid(lrs[0]), uart);
  lrs = {};
  g.set_spi_level(uart, false);
  g.flush(1, lrs);
  EXPECT_EQ(lrs[0], 0u);
  // A disabled group holds it back.
  g.set_spi_level(uart, true);
  wr(gicd(Distributor::GICD_CTLR), 0);
  EXPECT_FALSE(g.has_pending(1, lrs));
}

TEST_F(VgicDist, EdgeInterruptMovesToTheListRegisterOnce) {
  Lrs lrs{};
  wr(gicr(0, kSgiBase + gic::kIsenabler), 1u << 3);
  wr(gicr(0, kSgiBase + gic::kIspendr), 1u << 3);  // SGI 3 pending by ISPENDR0
  wr(gicd(Distributor::GICD_CTLR), Distributor::kCtlrEnableGrp1);
  wr(gicr(0, kSgiBase + gic::kIgroupr), 0xFFFF'FFFF);
  g.flush(0, lrs);
  EXPECT_FALSE(host::vgic::any_pending(lrs)) << "the redistributor is asleep";
  wr(gicr(0, Redistributor::GICR_WAKER), 0);
  g.flush(0, lrs);
  EXPECT_EQ(lr::vintid(lrs[0]), 3u);
  EXPECT_EQ(rd(gicr(0, kSgiBase + gic::kIspendr)), 0u) << "the pending latch moved to the LR";
  lrs = {};
  g.flush(0, lrs);
  EXPECT_EQ(lrs[0], 0u) << "an edge is delivered once";
}

}  // namespace
