// The host vGIC's list-register bookkeeping (host/kvm/vgic.h): a level-sensitive input such
// as the virtual timer follows its line into and out of the list registers.
#include <gtest/gtest.h>

#include "vgic.h"

namespace {

namespace lr = platform::gicv3::lr;
using host::vgic::Lrs;
constexpr unsigned kTimer = 27;

TEST(VgicSyncLevel, a_high_line_puts_the_interrupt_in_a_free_list_register_once) {
  Lrs lrs{};
  lrs[0] = lr::make(40, 0x80, true);
  host::vgic::sync_level(lrs, kTimer, true);
  host::vgic::sync_level(lrs, kTimer, true);
  EXPECT_EQ(lrs[1], lr::make(kTimer, host::vgic::kDefaultPriority, true));
  EXPECT_EQ(lrs[2], 0u);
}

TEST(VgicSyncLevel, a_dropped_line_withdraws_an_interrupt_that_is_only_pending) {
  Lrs lrs{};
  host::vgic::sync_level(lrs, kTimer, true);
  lrs[1] = lr::make(40, 0x80, true);
  host::vgic::sync_level(lrs, kTimer, false);
  EXPECT_FALSE(host::vgic::holds(lrs, kTimer));
  EXPECT_EQ(lrs[1], lr::make(40, 0x80, true));  // other interrupts stay
}

TEST(VgicSyncLevel, a_dropped_line_leaves_an_active_interrupt_active_and_not_pending) {
  Lrs lrs{};
  lrs[2] = lr::make(kTimer, 0xA0, true, lr::kPending | lr::kActive);
  host::vgic::sync_level(lrs, kTimer, false);
  EXPECT_EQ(lrs[2], lr::make(kTimer, 0xA0, true, lr::kActive));
  lrs[2] = lr::make(kTimer, 0xA0, true, lr::kActive);
  host::vgic::sync_level(lrs, kTimer, false);
  EXPECT_EQ(lrs[2], lr::make(kTimer, 0xA0, true, lr::kActive));
}

}  // namespace
