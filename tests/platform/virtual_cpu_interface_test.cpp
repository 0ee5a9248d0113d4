// The GICv3 virtual CPU interface (IHI0069 12.4) as pure functions of a vCPU's ICH_* state:
// acknowledge, priority drop and deactivation of list registers, EOImode 1 with ICV_DIR, the
// EOIcount of an EOI no list register matches, and ICH_MISR / ICH_ELRSR / ICH_EISR.
#include "platform/devices/gicv3/virtual_cpu_interface.h"

#include <gtest/gtest.h>

using namespace platform::gicv3;

namespace {

VgicState open_interface() {
  VgicState s;
  s.hcr = hcr::kEn;
  icv_write(s, IccReg::Pmr, 0xF0);
  icv_write(s, IccReg::Igrpen1, 1);
  return s;
}

TEST(VirtualCpuInterface, the_highest_priority_pending_list_register_is_acknowledged_first) {
  VgicState s = open_interface();
  s.lrs[0] = lr::make(40, 0xA0, true);
  s.lrs[2] = lr::make(41, 0x80, true);
  EXPECT_TRUE(virtual_irq_signalled(s));
  EXPECT_EQ(icv_read(s, IccReg::Hppir1), 41u);
  EXPECT_EQ(icv_read(s, IccReg::Iar1), 41u);
  EXPECT_EQ(s.lrs[2] & lr::kStateMask, lr::kActive);
  EXPECT_EQ(icv_read(s, IccReg::Rpr), 0x80u);
  EXPECT_FALSE(virtual_irq_signalled(s));  // 0xA0 does not preempt the active 0x80
  EXPECT_EQ(icv_read(s, IccReg::Iar1), kSpurious);
  icv_write(s, IccReg::Eoir1, 41);
  EXPECT_EQ(s.lrs[2] & lr::kStateMask, 0u);
  EXPECT_EQ(icv_read(s, IccReg::Iar1), 40u);
}

TEST(VirtualCpuInterface, nothing_is_signalled_with_the_interface_or_the_group_disabled) {
  VgicState s = open_interface();
  s.lrs[0] = lr::make(40, 0xA0, true);
  s.hcr = 0;  // ICH_HCR.En clear
  EXPECT_FALSE(virtual_irq_signalled(s));
  s.hcr = hcr::kEn;
  icv_write(s, IccReg::Igrpen1, 0);
  EXPECT_FALSE(virtual_irq_signalled(s));
  EXPECT_EQ(icv_read(s, IccReg::Iar1), kSpurious);
}

TEST(VirtualCpuInterface, eoimode_1_drops_priority_and_dir_deactivates) {
  VgicState s = open_interface();
  icv_write(s, IccReg::Ctlr, kCtlrEoiMode);
  EXPECT_NE(s.vmcr & vmcr::kVeoim, 0u);
  EXPECT_EQ(icv_read(s, IccReg::Ctlr) & kCtlrEoiMode, kCtlrEoiMode);
  s.lrs[1] = lr::make(27, 0xA0, true);
  EXPECT_EQ(icv_read(s, IccReg::Iar1), 27u);
  icv_write(s, IccReg::Eoir1, 27);
  EXPECT_EQ(icv_read(s, IccReg::Rpr), kIdlePriority);   // dropped
  EXPECT_EQ(s.lrs[1] & lr::kStateMask, lr::kActive);    // still active
  icv_write(s, IccReg::Dir, 27);
  EXPECT_EQ(s.lrs[1] & lr::kStateMask, 0u);
}

TEST(VirtualCpuInterface, an_eoi_no_list_register_holds_counts_in_eoicount_and_raises_lrenp) {
  VgicState s = open_interface();
  s.hcr |= hcr::kLrenpie;
  EXPECT_EQ(ich_misr(s) & misr::kLrenp, 0u);
  icv_write(s, IccReg::Eoir1, 33);
  EXPECT_EQ((s.hcr & hcr::kEoiCountMask) >> hcr::kEoiCountShift, 1u);
  EXPECT_NE(ich_misr(s) & misr::kLrenp, 0u);
}

TEST(VirtualCpuInterface, misr_elrsr_and_eisr_follow_the_list_registers) {
  VgicState s = open_interface();
  s.hcr |= hcr::kUie | hcr::kNpie | hcr::kVgrp1eie | hcr::kVgrp0die;
  EXPECT_EQ(ich_misr(s), misr::kU | misr::kNp | misr::kVgrp1e | misr::kVgrp0d);
  EXPECT_EQ(ich_elrsr(s), 0xFu);
  s.lrs[0] = lr::make(40, 0xA0, true) | lr::kEoi;
  s.lrs[1] = lr::make(41, 0xA0, true);
  EXPECT_EQ(ich_elrsr(s), 0xCu);
  EXPECT_EQ(ich_misr(s) & (misr::kU | misr::kNp), 0u);  // two valid, one pending
  ASSERT_EQ(icv_read(s, IccReg::Iar1), 40u);
  icv_write(s, IccReg::Eoir1, 40);
  EXPECT_EQ(ich_eisr(s), 0x1u);                         // LR 0: EOI maintenance due
  EXPECT_NE(ich_misr(s) & misr::kEoi, 0u);
  EXPECT_EQ(ich_elrsr(s) & 1, 0u);
  s.hcr &= ~hcr::kEn;
  EXPECT_EQ(ich_misr(s), 0u);                           // no maintenance with the interface off
}

TEST(VirtualCpuInterface, pmr_and_binary_points_keep_only_their_implemented_bits) {
  VgicState s;
  icv_write(s, IccReg::Pmr, 0xFF);
  EXPECT_EQ(icv_read(s, IccReg::Pmr), 0xF8u);
  icv_write(s, IccReg::Bpr1, 0);
  EXPECT_EQ(icv_read(s, IccReg::Bpr1), kMinBpr1);
  EXPECT_EQ(icv_read(s, IccReg::Sre), kSreFixed);
  EXPECT_EQ(ich_vtr() & 0x1F, kListRegs - 1);
}

}  // namespace
