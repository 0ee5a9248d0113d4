// The generic timer of a PE (Arm ARM D11): counter in simulated time, CTL/CVAL/TVAL, ISTATUS,
// and the PPI level it drives, raised by a SystemC event at the deadline (nothing polls).
#include "platform/generic_timer.h"

#include <gtest/gtest.h>

#include <vector>

#include "platform/memory_map.h"
#include "sim_context.h"

using platform::GenericTimer;
using Channel = GenericTimer::Channel;

namespace {

struct GenericTimerTest : ::testing::Test {
  std::vector<std::pair<unsigned, bool>> lines;
  std::unique_ptr<GenericTimer> t;
  void SetUp() override {
    rmesim::testing::fresh_simcontext();
    t = std::make_unique<GenericTimer>("timer", 1000.0, [this](unsigned ppi, bool l) { lines.push_back({ppi, l}); });
  }
  static sc_core::sc_time us(double v) { return sc_core::sc_time(v, sc_core::SC_US); }
};

TEST_F(GenericTimerTest, the_counter_follows_simulated_time) {
  EXPECT_EQ(t->count(us(1)), 1000u);  // 1 GHz
  EXPECT_EQ(t->time_of(1000), us(1));
}

TEST_F(GenericTimerTest, the_virtual_timer_raises_ppi_27_at_its_deadline_and_istatus_is_set) {
  t->set_cval(Channel::Virt, 5000, sc_core::SC_ZERO_TIME);
  t->set_ctl(Channel::Virt, GenericTimer::kCtlEnable, sc_core::SC_ZERO_TIME);
  EXPECT_TRUE(lines.empty());
  sc_core::sc_start(us(4.999));
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(t->ctl(Channel::Virt, sc_core::sc_time_stamp()) & GenericTimer::kCtlIstatus, 0u);
  sc_core::sc_start(us(0.002));  // past the deadline (events at sc_start's end time run at the next start)
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], std::make_pair(platform::memory_map::kPpiVirtTimer, true));
  EXPECT_NE(t->ctl(Channel::Virt, sc_core::sc_time_stamp()) & GenericTimer::kCtlIstatus, 0u);
  t->set_ctl(Channel::Virt, GenericTimer::kCtlEnable | GenericTimer::kCtlImask, sc_core::sc_time_stamp());
  EXPECT_EQ(lines.back(), std::make_pair(platform::memory_map::kPpiVirtTimer, false));  // IMASK drops the output
  EXPECT_NE(t->ctl(Channel::Virt, sc_core::sc_time_stamp()) & GenericTimer::kCtlIstatus, 0u);  // the condition holds
}

TEST_F(GenericTimerTest, tval_is_a_signed_32_bit_offset_from_the_counter) {
  t->set_tval(Channel::Phys, 0xFFFF'FFFFull, us(10));  // -1
  EXPECT_EQ(t->cval(Channel::Phys), 10'000u - 1);
  EXPECT_EQ(t->tval(Channel::Phys, us(10)), 0xFFFF'FFFFu);
  EXPECT_EQ(t->tval(Channel::Phys, us(9)), 999u);
}

TEST_F(GenericTimerTest, a_disabled_timer_drives_nothing_and_istatus_reads_zero) {
  t->set_cval(Channel::Hyp, 0, sc_core::SC_ZERO_TIME);
  sc_core::sc_start(us(1));
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(t->ctl(Channel::Hyp, us(1)), 0u);
  t->set_ctl(Channel::Hyp, GenericTimer::kCtlEnable | GenericTimer::kCtlIstatus, us(1));  // ISTATUS is RO
  EXPECT_EQ(lines.back(), std::make_pair(platform::memory_map::kPpiHypTimer, true));
  EXPECT_EQ(t->ctl(Channel::Hyp, us(1)), GenericTimer::kCtlEnable | GenericTimer::kCtlIstatus);
}

}  // namespace
