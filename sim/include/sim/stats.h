// Statistics next to the models: groups of named counters and time accumulators, arranged
// along the module tree. The hot path only increments; visitors write stats.json and the
// terminal summary. Registration order is kept so outputs are deterministic.
#pragma once
#include <cstdint>
#include <deque>
#include <ostream>
#include <string>
#include <vector>

#include <systemc>

namespace platform {

class JsonWriter;

struct Counter {
  uint64_t value = 0;
  Counter& operator++() { ++value; return *this; }
  Counter& operator+=(uint64_t n) { value += n; return *this; }
};

struct TimeStat {
  sc_core::sc_time total = sc_core::SC_ZERO_TIME;
  uint64_t count = 0;
  void add(const sc_core::sc_time& t) { total += t; ++count; }
};

class StatGroup {
 public:
  explicit StatGroup(std::string name, StatGroup* parent = nullptr);
  ~StatGroup();
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  const std::string& name() const { return name_; }

  Counter& counter(const std::string& name, const std::string& desc);
  TimeStat& time(const std::string& name, const std::string& desc);

  // Lookups for tests and reports; nullptr when absent. `path` is dot-separated below this
  // group ("gpc.walks").
  const Counter* find_counter(const std::string& path) const;
  const TimeStat* find_time(const std::string& path) const;
  const StatGroup* find_group(const std::string& path) const;

  // {"counter": n, "time_ns": {"total": x, "count": n}, "child": {...}}
  void write_json(JsonWriter& w) const;
  // Indented text, skipping zero counters.
  void write_text(std::ostream& os, int indent = 0) const;

 private:
  struct CounterEntry { std::string name, desc; Counter c; };
  struct TimeEntry { std::string name, desc; TimeStat t; };
  std::string name_;
  StatGroup* parent_;
  std::deque<CounterEntry> counters_;
  std::deque<TimeEntry> times_;
  std::vector<StatGroup*> children_;
};

}  // namespace platform
