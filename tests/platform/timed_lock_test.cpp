// TimedLock: critical sections of different PEs never overlap in simulated time, and the
// PE that waits is charged the wait.
#include "platform/timed_lock.h"

#include <gtest/gtest.h>

#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using rmesim::testing::SocFixture;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {

class TimedLockTest : public ::testing::Test {
 protected:
  SocFixture f;
  TimeStat waits;
  TimedLock lock{&waits};
  // Work of some cost (which one does not matter here).
  static TimedCost work(sc_time t) { return {TimingProfile::cost_id("rmm.granule_lock"), t}; }
  // Runs `section` (length `hold`) under the lock on PE `pe` from local time `at`.
  void post(unsigned pe, sc_time at, sc_time hold, sc_time* took, bool yield_inside = false) {
    f.soc->pe(pe).post([=](Pe& p) {
      if (pe != 0) sc_core::wait(sc_core::SC_ZERO_TIME);  // PE 0 goes first in host order
      p.requester().charge(work(at - p.requester().now()));
      lock.acquire(p.requester());
      *took = p.requester().now();
      if (yield_inside) sc_core::wait(hold); else p.requester().charge(work(hold));
      lock.release(p.requester());
    });
  }
};

TEST_F(TimedLockTest, an_uncontended_lock_costs_nothing) {
  sc_time took;
  post(0, sc_time(3, SC_US), sc_time(1, SC_US), &took);
  sc_core::sc_start();
  EXPECT_EQ(took, sc_time(3, SC_US));
  EXPECT_EQ(waits.count, 0u);
}

TEST_F(TimedLockTest, a_pe_arriving_in_a_section_another_pe_ran_ahead_to_waits_for_its_end) {
  sc_time a, b;
  post(0, sc_time(10, SC_US), sc_time(2, SC_US), &a);
  post(1, sc_time(11, SC_US), sc_time(1, SC_US), &b);
  sc_core::sc_start();
  EXPECT_EQ(a, sc_time(10, SC_US));
  EXPECT_EQ(b, sc_time(12, SC_US));
  EXPECT_EQ(waits.count, 1u);
  EXPECT_EQ(waits.total, sc_time(1, SC_US));
}

TEST_F(TimedLockTest, a_pe_arriving_before_it_goes_first_when_its_section_fits) {
  sc_time a, b;
  post(0, sc_time(10, SC_US), sc_time(2, SC_US), &a);
  post(1, sc_time(5, SC_US), sc_time(2, SC_US), &b);
  sc_core::sc_start();
  EXPECT_EQ(b, sc_time(5, SC_US));
  EXPECT_EQ(waits.count, 0u);
}

TEST_F(TimedLockTest, a_section_that_would_overlap_a_later_one_is_moved_after_it) {
  sc_time a, b, end;
  post(0, sc_time(10, SC_US), sc_time(2, SC_US), &a);
  post(1, sc_time(9, SC_US), sc_time(2, SC_US), &b);
  f.soc->pe(1).post([&](Pe& p) { end = p.requester().now(); });
  sc_core::sc_start();
  EXPECT_EQ(b, sc_time(9, SC_US));
  EXPECT_EQ(end, sc_time(14, SC_US));  // placed at [12, 14): waited 3 us
  EXPECT_EQ(waits.total, sc_time(3, SC_US));
  EXPECT_EQ(f.soc->pe(1).requester().ledger().totals().ps[kCostLockWait], waits.total.value())
      << "the placement wait is charged as lock_wait";
}

TEST_F(TimedLockTest, a_holder_that_yields_inside_keeps_others_out_until_it_releases) {
  sc_time a, b;
  post(0, sc_time(1, SC_US), sc_time(5, SC_US), &a, /*yield_inside=*/true);
  post(1, sc_time(2, SC_US), sc_time(1, SC_US), &b);
  sc_core::sc_start();
  EXPECT_EQ(a, sc_time(1, SC_US));
  EXPECT_EQ(b, sc_time(6, SC_US));
  EXPECT_EQ(waits.total, sc_time(4, SC_US));
}

TEST_F(TimedLockTest, accesses_inside_a_section_do_not_yield) {
  f.soc->pe(0).post([&](Pe& p) {
    Requester& r = p.requester();
    lock.acquire(r);
    r.charge(work(sc_time(1, sc_core::SC_MS)));  // far past the quantum
    uint64_t v;
    (void)r.read64(f.config.dram_base, v, gpt::Pas::NonSecure);
    EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::SC_ZERO_TIME);
    lock.release(r);
    (void)r.read64(f.config.dram_base, v, gpt::Pas::NonSecure);
    EXPECT_GT(sc_core::sc_time_stamp(), sc_core::SC_ZERO_TIME);
  });
  sc_core::sc_start();
}

}  // namespace
