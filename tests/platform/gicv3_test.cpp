// GICv3 register-level tests (IHI0069 chapter 12): reset values, RO/RW/WO and reserved bits
// of the distributor and redistributors through the bus, then the CPU interface's
// acknowledge / priority drop / deactivation, SGI generation and SPI routing.
#include "platform/devices/gicv3/gicv3.h"

#include <gtest/gtest.h>

#include "platform/memory_map.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using namespace platform::gicv3;
namespace mm = platform::memory_map;
using rmesim::testing::SocFixture;

namespace {

struct Gicv3Test : ::testing::Test {
  SocFixture f;
  Gicv3& gic() { return f.soc->gic(); }
  Distributor& dist() { return gic().distributor(); }
  uint64_t d(uint64_t off, unsigned size = 4) {
    uint64_t v = 0;
    EXPECT_TRUE(dist().read(off, size, v)) << std::hex << off;
    return v;
  }
  uint64_t r(unsigned pe, uint64_t off, unsigned size = 4) {
    uint64_t v = 0;
    EXPECT_TRUE(gic().redistributor(pe).read(off, size, v)) << std::hex << off;
    return v;
  }
  // Enables INTID `intid` (a PPI of `pe`, or an SPI) as group 1 at `prio`, the distributor's
  // group 1, the redistributor and the CPU interface (PMR 0xF0, IGRPEN1).
  void enable(unsigned pe, unsigned intid, uint8_t prio) {
    Redistributor& rd = gic().redistributor(pe);
    ASSERT_TRUE(rd.write(Redistributor::GICR_WAKER, 4, 0));
    dist().write(Distributor::GICD_CTLR, 4, Distributor::kCtlrEnableGrp1);
    const uint64_t bit = uint64_t{1} << (intid % 32);
    if (intid < kSpiBase) {
      rd.write(Redistributor::kFrame + kIgroupr, 4, r(pe, Redistributor::kFrame + kIgroupr) | bit);
      rd.write(Redistributor::kFrame + kIpriorityr + intid, 1, prio);
      rd.write(Redistributor::kFrame + kIsenabler, 4, bit);
    } else {
      dist().write(kIgroupr + 4 * (intid / 32), 4, bit);
      dist().write(kIpriorityr + intid, 1, prio);
      dist().write(kIsenabler + 4 * (intid / 32), 4, bit);
    }
    CpuInterface& cpu = gic().cpu_interface(pe);
    cpu.write(IccReg::Pmr, 0xF0);
    cpu.write(IccReg::Igrpen1, 1);
  }
};

TEST_F(Gicv3Test, distributor_reset_values_are_the_specified_ones) {
  EXPECT_EQ(d(Distributor::GICD_CTLR), Distributor::kCtlrAre | Distributor::kCtlrDs);
  EXPECT_EQ(d(Distributor::GICD_TYPER) & 0x1F, 2u);         // ITLinesNumber: 96 INTIDs
  EXPECT_EQ((d(Distributor::GICD_TYPER) >> 19) & 0x1F, 15u);  // IDbits: 16-bit INTIDs
  EXPECT_EQ((d(Distributor::GICD_TYPER) >> 17) & 1, 0u);     // LPIS: none
  EXPECT_EQ(d(Distributor::GICD_PIDR2) >> 4 & 0xF, 3u);      // ArchRev: GICv3
  EXPECT_EQ(d(Distributor::GICD_IIDR), kIidrArm);
  for (uint64_t off : {kIgroupr + 4, kIsenabler + 4, kIspendr + 4, kIsactiver + 4, kIpriorityr + 32, kIcfgr + 8})
    EXPECT_EQ(d(off), 0u) << std::hex << off;
}

TEST_F(Gicv3Test, distributor_ctlr_are_and_ds_are_rao_wi_and_group_enables_rw) {
  dist().write(Distributor::GICD_CTLR, 4, 0);
  EXPECT_EQ(d(Distributor::GICD_CTLR), Distributor::kCtlrAre | Distributor::kCtlrDs);
  dist().write(Distributor::GICD_CTLR, 4, 0xFFFF'FFFF);  // RWP and reserved bits ignored
  EXPECT_EQ(d(Distributor::GICD_CTLR), 0x53u);
  dist().write(Distributor::GICD_TYPER, 4, 0);  // RO
  EXPECT_EQ(d(Distributor::GICD_TYPER), Distributor::kTyper);
}

TEST_F(Gicv3Test, distributor_sgi_ppi_registers_are_raz_wi_with_affinity_routing) {
  dist().write(kIsenabler, 4, 0xFFFF'FFFF);
  dist().write(kIpriorityr, 4, 0xFFFF'FFFF);
  EXPECT_EQ(d(kIsenabler), 0u);
  EXPECT_EQ(d(kIpriorityr), 0u);
}

TEST_F(Gicv3Test, set_and_clear_enable_registers_change_only_the_bits_written_as_one) {
  dist().write(kIsenabler + 4, 4, 0x0000'00F0);
  dist().write(kIsenabler + 4, 4, 0x0000'0001);
  EXPECT_EQ(d(kIsenabler + 4), 0xF1u);
  EXPECT_EQ(d(kIcenabler + 4), 0xF1u);  // both views read the enables
  dist().write(kIcenabler + 4, 4, 0x10);
  EXPECT_EQ(d(kIsenabler + 4), 0xE1u);
}

TEST_F(Gicv3Test, priority_bytes_keep_only_the_implemented_bits) {
  dist().write(kIpriorityr + 33, 1, 0xFF);
  EXPECT_EQ(d(kIpriorityr + 32), 0x0000'F800u);
  EXPECT_EQ(d(kIpriorityr + 33, 1), 0xF8u);
  dist().write(kIpriorityr + 36, 4, 0x0102'0384);
  EXPECT_EQ(d(kIpriorityr + 36), 0x0000'0080u);
}

TEST_F(Gicv3Test, irouter_is_64_bit_and_irm_and_reserved_bits_are_raz_wi) {
  const uint64_t off = Distributor::GICD_IROUTER + 8 * 40;
  dist().write(off, 8, ~uint64_t{0});
  EXPECT_EQ(d(off, 8), Distributor::kIrouterAffinity);
  dist().write(off + 4, 4, 0);
  EXPECT_EQ(d(off, 8), 0x00FF'FFFFu);
}

TEST_F(Gicv3Test, an_access_of_a_size_the_register_does_not_allow_is_a_bus_error) {
  f.run([&](Pe& pe) {
    uint16_t v = 0;
    EXPECT_FALSE(pe.requester().read(mm::kGicdBase + Distributor::GICD_TYPER, &v, 2, gpt::Pas::NonSecure).ok());
    uint64_t t = 0;
    ASSERT_TRUE(pe.requester().read64(mm::kGicrBase + Redistributor::GICR_TYPER, t, gpt::Pas::NonSecure).ok());
    EXPECT_EQ(t >> 32, 0u);  // PE 0: affinity 0.0.0.0
    EXPECT_FALSE(pe.requester().read64(mm::kGicdBase + Distributor::GICD_CTLR, t, gpt::Pas::NonSecure).ok());
  });
}

TEST_F(Gicv3Test, redistributor_typer_gives_affinity_processor_number_and_last) {
  const uint64_t t0 = r(0, Redistributor::GICR_TYPER, 8), t1 = r(1, Redistributor::GICR_TYPER, 8);
  EXPECT_EQ(t0 >> 32, 0u);
  EXPECT_EQ(t1 >> 32, 1u);               // Aff0 = 1
  EXPECT_EQ((t1 >> 8) & 0xFFFF, 1u);     // Processor_Number
  EXPECT_EQ(t0 & Redistributor::kTyperLast, 0u);
  EXPECT_NE(t1 & Redistributor::kTyperLast, 0u);
  EXPECT_EQ(r(1, Redistributor::GICR_PIDR2) >> 4 & 0xF, 3u);
}

TEST_F(Gicv3Test, redistributor_waker_resets_asleep_and_children_follow) {
  EXPECT_EQ(r(0, Redistributor::GICR_WAKER), 0x6u);
  gic().redistributor(0).write(Redistributor::GICR_WAKER, 4, 0);
  EXPECT_EQ(r(0, Redistributor::GICR_WAKER), 0u);
  gic().redistributor(0).write(Redistributor::GICR_WAKER, 4, Redistributor::kWakerChildrenAsleep);  // RO bit
  EXPECT_EQ(r(0, Redistributor::GICR_WAKER), 0u);
}

TEST_F(Gicv3Test, sgi_config_is_edge_and_read_only_ppi_config_is_programmable) {
  Redistributor& rd = gic().redistributor(0);
  EXPECT_EQ(r(0, Redistributor::kFrame + kIcfgr), 0xAAAA'AAAAu);
  rd.write(Redistributor::kFrame + kIcfgr, 4, 0);
  EXPECT_EQ(r(0, Redistributor::kFrame + kIcfgr), 0xAAAA'AAAAu);
  EXPECT_EQ(r(0, Redistributor::kFrame + kIcfgr + 4), 0u);  // PPIs reset level-sensitive
  rd.write(Redistributor::kFrame + kIcfgr + 4, 4, 0xFFFF'FFFF);
  EXPECT_EQ(r(0, Redistributor::kFrame + kIcfgr + 4), 0xAAAA'AAAAu);  // Int_config[0] is RES0
}

TEST_F(Gicv3Test, cpu_interface_reset_values) {
  CpuInterface& c = gic().cpu_interface(0);
  EXPECT_EQ(c.read(IccReg::Pmr), 0u);
  EXPECT_EQ(c.read(IccReg::Bpr1), kMinBpr1);
  EXPECT_EQ(c.read(IccReg::Sre), kSreFixed);
  EXPECT_EQ(c.read(IccReg::Ctlr) >> 8 & 7, kPriorityBits - 1);
  EXPECT_EQ(c.read(IccReg::Rpr), kIdlePriority);
  EXPECT_EQ(c.read(IccReg::Iar1), kSpurious);
  c.write(IccReg::Bpr1, 0);  // below the minimum: the minimum
  EXPECT_EQ(c.read(IccReg::Bpr1), kMinBpr1);
}

TEST_F(Gicv3Test, a_level_ppi_is_acknowledged_dropped_and_signalled_again_while_its_line_is_high) {
  enable(0, mm::kPpiVirtTimer, 0x80);
  CpuInterface& c = gic().cpu_interface(0);
  EXPECT_FALSE(f.soc->pe(0).irq_line());
  gic().set_line(0, mm::kPpiVirtTimer, true);
  EXPECT_TRUE(f.soc->pe(0).irq_line());
  EXPECT_FALSE(f.soc->pe(1).irq_line());  // PPIs are banked per PE
  EXPECT_EQ(c.read(IccReg::Hppir1), mm::kPpiVirtTimer);
  EXPECT_EQ(c.read(IccReg::Iar1), mm::kPpiVirtTimer);
  EXPECT_EQ(c.read(IccReg::Rpr), 0x80u);
  EXPECT_FALSE(f.soc->pe(0).irq_line());  // active: not signalled again
  EXPECT_EQ(r(0, Redistributor::kFrame + kIsactiver), uint64_t{1} << mm::kPpiVirtTimer);
  c.write(IccReg::Eoir1, mm::kPpiVirtTimer);
  EXPECT_EQ(c.read(IccReg::Rpr), kIdlePriority);
  EXPECT_TRUE(f.soc->pe(0).irq_line());  // the line is still high
  gic().set_line(0, mm::kPpiVirtTimer, false);
  EXPECT_FALSE(f.soc->pe(0).irq_line());
}

TEST_F(Gicv3Test, the_priority_mask_and_the_running_priority_hold_interrupts_back) {
  enable(0, 40, 0xF0);  // SPI 40 routed to PE 0 (IROUTER reset 0)
  dist().write(kIspendr + 4, 4, 1u << 8);
  EXPECT_FALSE(f.soc->pe(0).irq_line());  // priority 0xF0 is not above PMR 0xF0
  EXPECT_EQ(gic().cpu_interface(0).read(IccReg::Iar1), kSpurious);
  gic().cpu_interface(0).write(IccReg::Pmr, 0xF8);
  EXPECT_TRUE(f.soc->pe(0).irq_line());
  EXPECT_EQ(gic().cpu_interface(0).read(IccReg::Iar1), 40u);
  EXPECT_EQ(d(kIspendr + 4), 0u);  // edge or latched: acknowledged means no longer pending
}

TEST_F(Gicv3Test, eoimode_1_leaves_the_interrupt_active_until_dir) {
  enable(0, 3, 0x40);  // SGI 3
  CpuInterface& c = gic().cpu_interface(0);
  c.write(IccReg::Ctlr, kCtlrEoiMode);
  gic().state(0, 3).latch = true;
  gic().update();
  EXPECT_EQ(c.read(IccReg::Iar1), 3u);
  c.write(IccReg::Eoir1, 3);
  EXPECT_TRUE(gic().state(0, 3).active);
  c.write(IccReg::Dir, 3);
  EXPECT_FALSE(gic().state(0, 3).active);
}

TEST_F(Gicv3Test, sgi1r_targets_the_pes_its_affinity_and_target_list_name) {
  enable(1, 5, 0x40);
  // INTID 5, Aff1 0, TargetList bit 1 (Aff0 = 1): PE 1 only.
  gic().cpu_interface(0).write(IccReg::Sgi1r, (uint64_t{5} << 24) | 0x2);
  EXPECT_TRUE(f.soc->pe(1).irq_line());
  EXPECT_FALSE(f.soc->pe(0).irq_line());
  EXPECT_EQ(gic().cpu_interface(1).read(IccReg::Iar1), 5u);
  EXPECT_EQ(f.soc->stats().find_counter("gicv3.sgis")->value, 1u);
}

TEST_F(Gicv3Test, an_spi_goes_to_the_pe_its_irouter_names) {
  enable(1, 50, 0x40);
  dist().write(Distributor::GICD_IROUTER + 8 * 50, 8, 1);  // Aff0 = 1: PE 1
  dist().set_spi_level(50, true);
  EXPECT_TRUE(f.soc->pe(1).irq_line());
  EXPECT_FALSE(f.soc->pe(0).irq_line());
}

TEST_F(Gicv3Test, an_asleep_redistributor_forwards_nothing) {
  enable(0, mm::kPpiVirtTimer, 0x80);
  gic().redistributor(0).write(Redistributor::GICR_WAKER, 4, Redistributor::kWakerProcessorSleep);
  gic().set_line(0, mm::kPpiVirtTimer, true);
  EXPECT_FALSE(f.soc->pe(0).irq_line());
}

}  // namespace
