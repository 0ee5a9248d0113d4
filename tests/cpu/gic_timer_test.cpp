// A guest's GIC CPU interface and EL1 timers: its ICC_* accesses reach the virtual CPU
// interface loaded in its state (list registers, VMCR, active priorities), a pending list
// register is taken at its IRQ vector, SGI generation traps to EL2, and its virtual timer is
// the PE's CNTV in simulated time, whose PPI 27 takes the PE back to EL2 (HCR_EL2.IMO).
#include <gtest/gtest.h>

#include "cpu_fixture.h"
#include "platform/devices/gicv3/gicv3.h"
#include "platform/generic_timer.h"
#include "platform/memory_map.h"
#include "snippets.h"

using namespace cpu_test;
namespace gic = platform::gicv3;
namespace mm = platform::memory_map;

namespace {

struct GicTimerTest : CpuFixture {
  void SetUp() override {
    CpuFixture::SetUp();
    load(read_file(snippets::kBinary), kCodeIpa, kCodePa, 0x4000);
  }
  void start_at(uint64_t pc) { st.pc = pc; }
  // The host's side of the physical GIC: PPI `ppi` of PE 0 enabled as group 1, the CPU
  // interface open (as Linux's GIC driver leaves it).
  void host_enables_ppi(unsigned ppi) {
    gic::Gicv3& g = f.soc->gic();
    g.redistributor(0).write(gic::Redistributor::GICR_WAKER, 4, 0);
    g.distributor().write(gic::Distributor::GICD_CTLR, 4, gic::Distributor::kCtlrEnableGrp1);
    g.redistributor(0).write(gic::Redistributor::kFrame + gic::kIgroupr, 4, 1u << ppi);
    g.redistributor(0).write(gic::Redistributor::kFrame + gic::kIpriorityr + ppi, 1, 0xA0);
    g.redistributor(0).write(gic::Redistributor::kFrame + gic::kIsenabler, 4, 1u << ppi);
    g.cpu_interface(0).write(gic::IccReg::Pmr, 0xF0);
    g.cpu_interface(0).write(gic::IccReg::Igrpen1, 1);
  }
};

TEST_F(GicTimerTest, a_pending_list_register_is_acknowledged_and_ended_through_icc_registers) {
  st.vbar_el1 = snippets::s_gic_vectors;
  start_at(snippets::s_virq);
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Wfi);  // nothing in the list registers yet
  EXPECT_EQ(st.vgic.vmcr >> gic::vmcr::kVpmrShift & 0xFF, 0xF0u);
  EXPECT_NE(st.vgic.vmcr & gic::vmcr::kVeng1, 0u);
  // The hypervisor injects vINTID 27 and runs the guest again.
  st.vgic.hcr = gic::hcr::kEn;
  st.vgic.lrs[1] = gic::lr::make(mm::kPpiVirtTimer, 0xA0, true);
  e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(e.imm, 21);
  EXPECT_EQ(st.x[20], mm::kPpiVirtTimer);  // ICC_IAR1_EL1
  EXPECT_EQ(st.x[22], 0xA0u);              // running priority while it is active
  EXPECT_EQ(st.x[21], 0xFFu);              // idle after EOI
  EXPECT_EQ(st.vgic.lrs[1] & gic::lr::kStateMask, 0u);  // EOImode 0: deactivated, LR free
  EXPECT_EQ(gic::ich_elrsr(st.vgic), 0xFu);
  EXPECT_EQ(st.vgic.ap1r[0], 0u);
  EXPECT_EQ(cpu.stats().virq_acks.value, 1u);
}

TEST_F(GicTimerTest, a_list_register_below_the_priority_mask_is_not_taken) {
  st.vbar_el1 = snippets::s_gic_vectors;
  start_at(snippets::s_virq);
  st.vgic.hcr = gic::hcr::kEn;
  st.vgic.lrs[0] = gic::lr::make(40, 0xF8, true);  // 0xF8 is not above PMR 0xF0
  EXPECT_EQ(run().kind, GuestExitKind::Wfi);
  EXPECT_EQ(st.vgic.lrs[0] & gic::lr::kStateMask, gic::lr::kPending);
  EXPECT_EQ(cpu.stats().virq_acks.value, 0u);
}

TEST_F(GicTimerTest, sgi_generation_traps_to_el2_with_the_register_and_rt_in_the_syndrome) {
  start_at(snippets::s_sgi);
  st.x[1] = (uint64_t{3} << 24) | 0x2;  // SGI 3 to Aff0 1
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::SysregTrap);
  EXPECT_EQ(st.pc, snippets::s_sgi);  // at the MSR: the hypervisor steps over it
  EXPECT_EQ(e.esr >> 26, platform::kEcSysreg);
  EXPECT_EQ(platform::esr_sysreg_rt(e.esr), 1u);
  EXPECT_EQ(platform::esr_sysreg_key(e.esr), platform::esr_sysreg_key(platform::esr_sysreg(3, 0, 12, 11, 5, 0, false)));
  EXPECT_EQ(e.esr & 1, 0u);  // an MSR
  st.pc += 4;
  e = run();
  EXPECT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(e.imm, 22);
}

TEST_F(GicTimerTest, sgi_generation_in_the_middle_of_a_block_stops_at_the_msr_and_runs_what_follows_once) {
  start_at(snippets::s_sgi_mid_block);
  st.x[1] = (uint64_t{3} << 24) | 0x2;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::SysregTrap);
  EXPECT_EQ(st.pc, snippets::s_sgi_mid_block + 4);  // at the MSR
  EXPECT_EQ(st.x[5], 1u);
  EXPECT_EQ(st.x[6], 0u) << "the instruction after the MSR ran before the exit";
  st.pc += 4;
  e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(e.imm, 23);
  EXPECT_EQ(st.x[5], 1u);
  EXPECT_EQ(st.x[6], 1u);
  EXPECT_EQ(st.x[7], 1u);
}

TEST_F(GicTimerTest, the_virtual_timer_fires_ppi_27_in_simulated_time_and_the_pe_exits_to_el2) {
  host_enables_ppi(mm::kPpiVirtTimer);
  start_at(snippets::s_vtimer);
  st.x[1] = 100'000;  // counts: 100 us at the 1 GHz counter = 200 k instructions at 2 GHz
  GuestExit e = run(1ull << 40);
  ASSERT_EQ(e.kind, GuestExitKind::Irq);
  EXPECT_GE(e.instructions, 200'000u - 4);
  EXPECT_LE(e.instructions, 200'000u + 20'000u);  // within one quantum of the deadline
  EXPECT_EQ(st.cntv_ctl, platform::GenericTimer::kCtlEnable | platform::GenericTimer::kCtlIstatus);
  EXPECT_EQ(st.cntv_cval, st.x[3]);
  // The guest's timer context is saved: the PE's EL1 timer is off while the host runs, so its
  // level PPI is no longer pending at the GIC.
  EXPECT_FALSE(f.soc->pe(0).irq_line());
  EXPECT_EQ(f.soc->gic().cpu_interface(0).read(gic::IccReg::Iar1), gic::kSpurious);
}

TEST_F(GicTimerTest, a_timer_the_hypervisor_masks_does_not_take_the_pe_back) {
  host_enables_ppi(mm::kPpiVirtTimer);
  start_at(snippets::s_vtimer);
  st.x[1] = 1000;
  st.cntv_hyp_masked = true;  // its interrupt is already in a list register
  GuestExit e = run(400'000);
  EXPECT_EQ(e.kind, GuestExitKind::Budget);
  EXPECT_NE(st.cntv_ctl & platform::GenericTimer::kCtlIstatus, 0u);  // the guest sees it met
  EXPECT_EQ(st.cntv_ctl & platform::GenericTimer::kCtlImask, 0u);    // and its own IMASK clear
}

}  // namespace
