#include "sim/stats_text.h"

#include <cmath>
#include <iomanip>
#include <sstream>
#include <vector>

#include "sim/time_format.h"

namespace platform {
namespace {

class TextVisitor : public StatVisitor {
 public:
  explicit TextVisitor(std::ostream& os) : os_(os) {}
  void begin_group(const StatGroup& g) override { path_.push_back(g.name()); }
  void end_group(const StatGroup&) override { path_.pop_back(); }
  void counter(const StatInfo& i, const Counter& c) override {
    if (c.value) line(i, std::to_string(c.value), i.unit);
  }
  void time(const StatInfo& i, const TimeStat& t) override {
    if (t.count) line(i, format_time(t.total) + " in " + std::to_string(t.count), "");
  }
  void histogram(const StatInfo& i, const Histogram& h) override {
    if (!h.count) return;
    std::ostringstream v;
    v << h.count << " samples, mean " << std::fixed << std::setprecision(1)
      << static_cast<double>(h.sum) / static_cast<double>(h.count) << ", min " << h.min << ", max " << h.max;
    line(i, v.str(), i.unit);
  }
  void formula(const StatInfo& i, double v) override {
    if (v == 0 || !std::isfinite(v)) return;
    std::ostringstream s;
    s << std::setprecision(6) << v;
    line(i, s.str(), i.unit);
  }
  void breakdown(const StatInfo& i, const Breakdown& b) override {
    if (b.count) line(i, format_time(sc_core::sc_time::from_value(b.time_ps)) + " in " + std::to_string(b.count), "");
  }

 private:
  void line(const StatInfo& i, const std::string& value, const std::string& unit) {
    std::string name;
    for (const auto& p : path_) name += p + ".";
    name += i.name;
    os_ << "  " << std::left << std::setw(52) << name << std::right << " " << std::setw(16) << value << " "
        << std::left << std::setw(6) << unit << std::right << " # " << i.desc << "\n";
  }
  std::ostream& os_;
  std::vector<std::string> path_;
};

// Collects the non-zero counters directly in the group it starts at.
class CounterList : public StatVisitor {
 public:
  std::string text;
  void begin_group(const StatGroup&) override { ++depth_; }
  void end_group(const StatGroup&) override { --depth_; }
  void counter(const StatInfo& i, const Counter& c) override {
    if (depth_ == 1 && c.value) text += " " + i.name + "=" + std::to_string(c.value);
  }
  void time(const StatInfo&, const TimeStat&) override {}
  void histogram(const StatInfo&, const Histogram&) override {}
  void formula(const StatInfo&, double) override {}
  void breakdown(const StatInfo&, const Breakdown&) override {}

 private:
  int depth_ = 0;
};

}  // namespace

std::string nonzero_counters(const StatGroup& g) {
  CounterList v;
  g.accept(v);
  return v.text;
}

void write_stats_text(std::ostream& os, const StatGroup& root) {
  TextVisitor v(os);
  root.accept(v);
}

}  // namespace platform
