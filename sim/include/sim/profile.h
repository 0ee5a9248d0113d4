// The timing profile: every cost the models charge is declared once, in a YAML file under
// platform/profiles/, with its name, unit, value and source (a public figure or a stated
// assumption). Models look a cost up by name once, at construction, and keep the result;
// the hot paths never see a string. Which costs a profile declares, each one's unit and the
// range of its value are listed once, in profile.cpp (kCostRules), and checked at load.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <systemc>

#include "sim/cost_ledger.h"

namespace platform {

class TimingProfile {
 public:
  struct Cost {
    std::string name;
    std::string unit;    // ns, us, cycles, MHz, GB/s, count
    double value = 0;
    double declared = 0; // the value in the profile file
    double min = 0, max = 0;  // the values it may take (in `unit`)
    std::string source;  // where the number comes from
    std::string help;    // what it is
    std::string override_origin;  // empty unless --set changed it
  };

  // Reads a profile (a regular file of at most kMaxFileBytes); throws ConfigError naming
  // file:line:column and the key on any problem.
  static TimingProfile load(const std::string& path);
  static constexpr uint64_t kMaxFileBytes = 1 << 20;
  // Parses a profile from text (tests); `origin` stands in for the file name in errors.
  static TimingProfile parse(const std::string& yaml_text, const std::string& origin);

  // Overrides one declared cost (--set profile.<name>=<value>); throws ConfigError on an
  // unknown name, a malformed value or one outside the cost's range.
  void set(const std::string& name, const std::string& value_text, const std::string& origin);

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  const std::map<std::string, Cost>& costs() const { return costs_; }
  bool has(const std::string& name) const { return costs_.count(name) != 0; }

  // Typed accessors. Each throws std::logic_error when the cost is not declared or has a
  // unit that does not fit: a model asking for a cost the profile lacks is our bug.
  const Cost& cost(const std::string& name) const;
  sc_core::sc_time duration(const std::string& name) const;  // ns, us or cycles (core.clock)
  double bytes_per_ns(const std::string& name) const;        // GB/s (decimal: 1 GB/s = 1 B/ns)
  double number(const std::string& name) const;              // any unit, raw value
  // The same, tagged with the cost's category, for charging (Requester::charge): every
  // charge says which cost it is.
  TimedCost charge(const std::string& name) const { return {cost_id(name), duration(name)}; }
  RateCost rate(const std::string& name) const { return {cost_id(name), bytes_per_ns(name)}; }
  // A declared cost's category (its place in profile.cpp's list); logic_error if none.
  static CostId cost_id(const std::string& name);


 private:
  std::string name_, path_;
  std::map<std::string, Cost> costs_;
};

}  // namespace platform
