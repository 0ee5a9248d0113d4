// The stats tree, in the style of gem5's: each statistic is declared once, next to the model
// that updates it, with a name, a unit and a description, in a group named after the model's
// place in the module tree (soc.pe0.gpc, soc.rmm.rmi.DATA_CREATE). Models only increment;
// visitors (stats_json.h, stats_text.h) read the tree in declaration order, so outputs are
// deterministic.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <time.h>

#include <systemc>

#include "sim/cost_ledger.h"

namespace platform {

// What every statistic carries: its name in its group, its unit and what it counts.
struct StatInfo {
  std::string name, unit, desc;
};

struct Counter {
  uint64_t value = 0;
  Counter& operator++() { ++value; return *this; }
  Counter& operator+=(uint64_t n) { value += n; return *this; }
};

// Simulated time accumulated over events.
struct TimeStat {
  sc_core::sc_time total = sc_core::SC_ZERO_TIME;
  uint64_t count = 0;
  void add(const sc_core::sc_time& t) { total += t; ++count; }
};

// A distribution in power-of-two buckets: bucket 0 holds 0, bucket i >= 1 holds [2^(i-1), 2^i).
struct Histogram {
  static constexpr unsigned kBuckets = 65;
  std::array<uint64_t, kBuckets> buckets{};
  uint64_t count = 0, sum = 0, min = 0, max = 0;
  void sample(uint64_t v);
  static uint64_t bucket_low(unsigned i) { return i == 0 ? 0 : uint64_t{1} << (i - 1); }
};

// Where the simulated time of some intervals (a phase; every call of a command) went: how long
// they took, how that splits by cost category (CostLedger) plus the time no charge explains
// (the PE waited for another PE, an event or a deadline), and the host seconds simulating
// them took. The categories and the wait sum exactly to the time.
struct Breakdown {
  uint64_t count = 0;
  uint64_t time_ps = 0;
  std::array<uint64_t, kNumCostCategories> by_cost_ps{};
  uint64_t wait_ps = 0;
  double host_seconds = 0;
  // One interval that lasted `elapsed`, in which `after - before` was charged.
  void add(const CostLedger::Totals& before, const CostLedger::Totals& after,
           const sc_core::sc_time& elapsed, double host_s);
};

// The host time of the "host" columns, in seconds: CLOCK_MONOTONIC_COARSE, the kernel's last
// tick read from the vDSO (7.5 ns a read against 20 for CLOCK_MONOTONIC, measured here; a
// meter reads it twice, and a realm's page fault runs about ten meters). One interval reads up
// to a tick (1-4 ms) off, but intervals start at no particular phase of the tick, so a sum
// over many (an RMI command's 10^5 calls) is right on average and a long one (a phase) to
// within a tick.
inline double host_coarse_seconds() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Measures one interval of a requester's time into a Breakdown: made at its start (the
// requester's ledger and local time then), stopped at its end.
class CostMeter {
 public:
  CostMeter(const CostLedger& ledger, const sc_core::sc_time& start)
      : before_(ledger.totals()), start_(start), wall_(host_coarse_seconds()) {}
  const sc_core::sc_time& start() const { return start_; }
  void stop(Breakdown& b, const CostLedger& ledger, const sc_core::sc_time& end) const {
    b.add(before_, ledger.totals(), end - start_, host_coarse_seconds() - wall_);
  }

 private:
  CostLedger::Totals before_;
  sc_core::sc_time start_;
  double wall_;
};

class StatGroup;

// Reads a group: its statistics and child groups, interleaved in declaration order.
class StatVisitor {
 public:
  virtual ~StatVisitor() = default;
  virtual void begin_group(const StatGroup& g) = 0;
  virtual void end_group(const StatGroup& g) = 0;
  virtual void counter(const StatInfo& i, const Counter& c) = 0;
  virtual void time(const StatInfo& i, const TimeStat& t) = 0;
  virtual void histogram(const StatInfo& i, const Histogram& h) = 0;
  virtual void formula(const StatInfo& i, double value) = 0;
  virtual void breakdown(const StatInfo& i, const Breakdown& b) = 0;
};

class StatGroup {
 public:
  explicit StatGroup(std::string name, StatGroup* parent = nullptr);
  ~StatGroup();
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  const std::string& name() const { return name_; }
  // "soc.pe0.gpc": the names from the root down.
  std::string path() const;

  // Declarations, each name once per group (a second one is our bug: std::logic_error).
  // Counters without a unit count events ("count").
  Counter& counter(const std::string& name, const std::string& desc) { return counter(name, "count", desc); }
  Counter& counter(const std::string& name, const std::string& unit, const std::string& desc);
  TimeStat& time(const std::string& name, const std::string& desc);
  Histogram& histogram(const std::string& name, const std::string& unit, const std::string& desc);
  // A value computed from other statistics whenever the tree is read.
  void formula(const std::string& name, const std::string& unit, const std::string& desc,
               std::function<double()> value);
  Breakdown& breakdown(const std::string& name, const std::string& desc);

  // Lookups for tests, scenario checks and reports; nullptr when absent. `path` is
  // dot-separated below this group ("gpc.walks").
  const StatGroup* find_group(const std::string& path) const;
  const Counter* find_counter(const std::string& path) const;
  const TimeStat* find_time(const std::string& path) const;
  const Histogram* find_histogram(const std::string& path) const;
  const Breakdown* find_breakdown(const std::string& path) const;

  const std::vector<StatGroup*>& children() const { return children_; }

  void accept(StatVisitor& v) const;

 private:
  enum class Kind { Counter, Time, Histogram, Formula, Breakdown, Group };
  template <typename T>
  struct Stat {
    StatInfo info;
    T value{};
  };
  struct Ref {
    Kind kind;
    size_t index;              // into the deque of its kind
    const StatGroup* group;    // Kind::Group
  };
  void declare(Kind kind, const std::string& name, size_t index);
  // The statistic at `path` (below this group) among those of one kind.
  template <typename T>
  const T* find_stat(const std::string& path, std::deque<Stat<T>> StatGroup::*kind) const;
  std::string name_;
  StatGroup* parent_;
  std::vector<Ref> order_;
  std::deque<Stat<Counter>> counters_;
  std::deque<Stat<TimeStat>> times_;
  std::deque<Stat<Histogram>> histograms_;
  std::deque<Stat<std::function<double()>>> formulas_;
  std::deque<Stat<Breakdown>> breakdowns_;
  std::vector<StatGroup*> children_;
};

}  // namespace platform
