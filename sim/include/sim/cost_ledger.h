// Cost accounting: every charge a model makes names its cost, and each requester keeps a
// ledger of the simulated time charged to it by cost category. A phase, a command or a step
// reads the ledger before and after, so it can say where its time went; the time between its
// start and end that no charge explains is time the PE waited (for another PE, an event, a
// deadline).
#pragma once
#include <array>
#include <cstdint>

#include <systemc>

namespace platform {

// Categories: the timing profile's costs, in its declaration order (profile.cpp), then the
// charges no profile cost names.
using CostId = uint16_t;
constexpr unsigned kNumProfileCosts = 31;
constexpr CostId kCostLockWait = kNumProfileCosts;  // placed after another PE's critical section
constexpr CostId kCostDevice = kNumProfileCosts + 1;  // a device model's annotated delay
constexpr unsigned kNumCostCategories = kNumProfileCosts + 2;
// "dram.latency", ..., "lock_wait", "device".
const char* cost_category_name(CostId id);

// A duration cost looked up once (TimingProfile::charge): its category and its time.
struct TimedCost {
  CostId id = 0;
  sc_core::sc_time time;
  TimedCost operator*(double n) const { return {id, time * n}; }
};

// A bandwidth cost (TimingProfile::rate): the time to move `bytes` at its rate.
struct RateCost {
  CostId id = 0;
  double bytes_per_ns = 1;
  // From picoseconds directly: the kernel's resolution is SystemC's default 1 ps (Soc checks).
  TimedCost of(uint64_t bytes) const {
    return {id, sc_core::sc_time::from_value(
                    static_cast<sc_dt::uint64>(static_cast<double>(bytes) * 1000.0 / bytes_per_ns + 0.5))};
  }
};

// The time one operation takes, by cost, before anyone charges it (a GPC check, a memory
// access): a few parts, merged by category.
class Delay {
 public:
  // Inline: every timed access and GPC check adds a few parts.
  void add(const TimedCost& c) {
    total_ += c.time;
    for (unsigned i = 0; i < n_; ++i)
      if (parts_[i].id == c.id) {
        parts_[i].ps += c.time.value();
        return;
      }
    if (n_ == parts_.size()) too_many_categories();
    parts_[n_++] = {c.id, c.time.value()};
  }
  const sc_core::sc_time& total() const { return total_; }
  struct Part { CostId id; uint64_t ps; };
  const Part* begin() const { return parts_.data(); }
  const Part* end() const { return parts_.data() + n_; }

 private:
  sc_core::sc_time total_ = sc_core::SC_ZERO_TIME;
  [[noreturn]] static void too_many_categories();
  std::array<Part, 8> parts_;  // [0, n_) used: not cleared, a Delay is made per timed access
  unsigned n_ = 0;
};

// Simulated time charged to one requester, by category, since it was built.
class CostLedger {
 public:
  struct Totals {
    std::array<uint64_t, kNumCostCategories> ps{};
    uint64_t total = 0;
  };
  void add(CostId id, uint64_t ps) { t_.ps[id] += ps; t_.total += ps; }
  void add(const Delay& d) { for (const auto& p : d) add(p.id, p.ps); }
  const Totals& totals() const { return t_; }

 private:
  Totals t_;
};

}  // namespace platform
