#include "sim/profile.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "sim/config_error.h"
#include "sim/input_file.h"

namespace platform {
namespace {

// The costs the models charge, each with its unit and the values it may take: a profile
// declares every one of them and no other, and a value outside its range (at load or by
// --set) is refused, naming the range. The ranges are wide (what-if studies) but keep time
// finite and moving: no clock below 1 MHz, no bandwidth below 10 MB/s, no cost above 1 ms
// (1 s for signing a token).
struct CostRule {
  const char* name;
  const char* unit;
  double min, max;
};
constexpr double kMaxNs = 1e6;
const CostRule kCostRules[] = {
    {"core.clock", "MHz", 1, 10000},
    {"core.cpi", "count", 0.01, 100},
    {"dram.latency", "ns", 0, kMaxNs},
    {"dram.bandwidth", "GB/s", 0.01, 10000},
    {"gpc.cache_hit", "cycles", 0, 1000},
    {"gpt.walk_level", "ns", 0, kMaxNs},
    {"smc.world_switch", "ns", 0, kMaxNs},
    {"tlbi.broadcast", "ns", 0, kMaxNs},
    {"tlbi.broadcast_per_pe", "ns", 0, kMaxNs},
    {"cache.maint_line", "ns", 0, kMaxNs},
    {"scrub.bandwidth", "GB/s", 0.01, 10000},
    {"cpu.fill", "cycles", 0, 1e6},
    {"cpu.exception_entry", "cycles", 0, 1e6},
    {"cpu.counter_frequency", "MHz", 1, 10000},
    {"cpu.max_slice", "count", 1, 1e9},
    {"rmm.rmi_dispatch", "ns", 0, kMaxNs},
    {"rmm.rsi_dispatch", "ns", 0, kMaxNs},
    {"rmm.granule_lock", "cycles", 0, 1e6},
    {"rmm.rec_enter", "ns", 0, kMaxNs},
    {"rmm.rec_exit", "ns", 0, kMaxNs},
    {"rmm.tlbi_ipa", "ns", 0, kMaxNs},
    {"rmm.sha256", "GB/s", 0.01, 10000},
    {"rmm.sha512", "GB/s", 0.01, 10000},
    {"rmm.attest_sign", "us", 0, 1e6},
    {"dma.setup", "ns", 0, kMaxNs},
    {"host.ioctl", "ns", 0, kMaxNs},
    {"host.page_alloc", "ns", 0, kMaxNs},
    {"host.exit_handling", "ns", 0, kMaxNs},
    {"host.user_exit", "ns", 0, kMaxNs},
    {"host.s2_fault", "ns", 0, kMaxNs},
    {"host.memcpy", "GB/s", 0.01, 10000},
};

static_assert(sizeof(kCostRules) / sizeof(kCostRules[0]) == kNumProfileCosts,
              "cost_ledger.h's kNumProfileCosts counts the costs declared here");

const CostRule* find_rule(const std::string& name) {
  for (const auto& r : kCostRules)
    if (name == r.name) return &r;
  return nullptr;
}

std::string format_number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// Empty when `v` is an allowed value of the cost `r`, else what is allowed.
std::string check_value(const CostRule& r, double v) {
  const std::string range = "from " + format_number(r.min) + " to " + format_number(r.max) + " " + r.unit;
  if (!(v >= r.min && v <= r.max)) return "must be " + range;
  return "";
}

[[noreturn]] void fail(const std::string& origin, const YAML::Node& n, const std::string& key,
                       const std::string& what) {
  const auto m = n.Mark();
  if (m.is_null()) throw ConfigError(origin, 0, 0, key, what);
  throw ConfigError(origin, m.line + 1, m.column + 1, key, what);
}

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end && *end == '\0' && std::isfinite(out);
}

// A map key or a value that must be a plain scalar (a sequence or a map there is bad input).
std::string scalar(const std::string& origin, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(origin, n, key, "must be a scalar, not a list or a map");
  return n.Scalar();
}

TimingProfile::Cost parse_cost(const std::string& origin, const std::string& name,
                               const YAML::Node& n) {
  const CostRule* rule = find_rule(name);
  if (!rule) fail(origin, n, name, "no model charges a cost of this name");
  if (!n.IsMap()) fail(origin, n, name, "a cost is a map {unit, value, source, help}");
  TimingProfile::Cost c;
  c.name = name;
  c.min = rule->min;
  c.max = rule->max;
  for (const auto& kv : n) {
    const auto field = scalar(origin, kv.first, name);
    const std::string key = name + "." + field;
    const auto text = scalar(origin, kv.second, key);
    if (field == "unit") {
      if (text != rule->unit) fail(origin, kv.second, key, "this cost is in " + std::string(rule->unit) + ", not '" + text + "'");
      c.unit = text;
    } else if (field == "value") {
      if (!parse_number(text, c.value)) fail(origin, kv.second, key, "'" + text + "' is not a finite number");
      if (auto e = check_value(*rule, c.value); !e.empty()) fail(origin, kv.second, key, e);
    } else if (field == "source") {
      c.source = text;
    } else if (field == "help") {
      c.help = text;
    } else {
      fail(origin, kv.first, key, "unknown field (unit, value, source, help)");
    }
  }
  if (c.unit.empty()) fail(origin, n, name, "missing 'unit'");
  if (!n["value"]) fail(origin, n, name, "missing 'value'");
  if (c.source.empty()) fail(origin, n, name, "missing 'source': every cost names a public figure or states an assumption");
  c.declared = c.value;
  return c;
}

}  // namespace

TimingProfile TimingProfile::parse(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1, "", e.msg);
  }
  if (!root.IsMap()) fail(origin, root, "", "a profile is a map with 'name' and 'costs'");
  TimingProfile p;
  p.path_ = origin;
  bool have_costs = false;
  for (const auto& kv : root) {
    const auto key = scalar(origin, kv.first, "");
    if (key == "name") {
      p.name_ = scalar(origin, kv.second, "name");
    } else if (key == "description") {
    } else if (key == "costs") {
      if (!kv.second.IsMap()) fail(origin, kv.second, "costs", "must be a map of cost declarations");
      have_costs = true;
      for (const auto& c : kv.second) {
        const auto cname = scalar(origin, c.first, "costs");
        if (p.costs_.count(cname)) fail(origin, c.first, cname, "declared twice");
        p.costs_.emplace(cname, parse_cost(origin, cname, c.second));
      }
    } else {
      fail(origin, kv.first, key, "unknown key (name, description, costs)");
    }
  }
  if (p.name_.empty()) fail(origin, root, "name", "missing profile name");
  if (!have_costs) fail(origin, root, "costs", "missing cost declarations");
  for (const auto& r : kCostRules)
    if (!p.costs_.count(r.name)) fail(origin, root["costs"], r.name, "missing: every model's cost is declared (see platform/profiles/default.yaml)");
  return p;
}

TimingProfile TimingProfile::load(const std::string& path) {
  return parse(read_input_file(path, kMaxFileBytes, "timing profile"), path);
}

void TimingProfile::set(const std::string& name, const std::string& value_text,
                        const std::string& origin) {
  auto it = costs_.find(name);
  if (it == costs_.end())
    throw ConfigError(origin, 0, 0, "profile." + name, "no such cost in profile '" + name_ + "'");
  double v;
  if (!parse_number(value_text, v))
    throw ConfigError(origin, 0, 0, "profile." + name, "'" + value_text + "' is not a finite number");
  if (auto e = check_value(*find_rule(name), v); !e.empty()) throw ConfigError(origin, 0, 0, "profile." + name, e);
  it->second.value = v;
  it->second.override_origin = origin;
}

const TimingProfile::Cost& TimingProfile::cost(const std::string& name) const {
  auto it = costs_.find(name);
  if (it == costs_.end())
    throw std::logic_error("timing profile '" + name_ + "' does not declare cost '" + name + "'");
  return it->second;
}

sc_core::sc_time TimingProfile::duration(const std::string& name) const {
  const Cost& c = cost(name);
  if (c.unit == "ns") return sc_core::sc_time(c.value, sc_core::SC_NS);
  if (c.unit == "us") return sc_core::sc_time(c.value, sc_core::SC_US);
  if (c.unit == "cycles") {
    const double mhz = cost("core.clock").value;
    return sc_core::sc_time(c.value * 1000.0 / mhz, sc_core::SC_NS);
  }
  throw std::logic_error("cost '" + name + "' is in " + c.unit + ", not a duration");
}

double TimingProfile::bytes_per_ns(const std::string& name) const {
  const Cost& c = cost(name);
  if (c.unit != "GB/s") throw std::logic_error("cost '" + name + "' is in " + c.unit + ", not GB/s");
  return c.value;
}

double TimingProfile::number(const std::string& name) const { return cost(name).value; }

CostId TimingProfile::cost_id(const std::string& name) {
  const CostRule* r = find_rule(name);
  if (!r) throw std::logic_error("no cost named '" + name + "' (profile.cpp lists them)");
  return static_cast<CostId>(r - kCostRules);
}

const char* cost_category_name(CostId id) {
  if (id < kNumProfileCosts) return kCostRules[id].name;
  if (id == kCostLockWait) return "lock_wait";
  if (id == kCostDevice) return "device";
  throw std::logic_error("no cost category " + std::to_string(id));
}

}  // namespace platform
