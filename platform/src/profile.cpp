#include "platform/profile.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "platform/config_error.h"
#include "platform/input_file.h"

namespace platform {
namespace {

const std::set<std::string> kUnits = {"ns", "us", "cycles", "MHz", "GB/s", "count"};

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

TimingProfile::Cost parse_cost(const std::string& origin, const std::string& name,
                               const YAML::Node& n) {
  if (!n.IsMap()) fail(origin, n, name, "a cost is a map {unit, value, source, help}");
  TimingProfile::Cost c;
  c.name = name;
  for (const auto& kv : n) {
    const auto field = kv.first.as<std::string>();
    const std::string key = name + "." + field;
    if (!kv.second.IsScalar()) fail(origin, kv.second, key, "must be a scalar");
    const auto text = kv.second.Scalar();
    if (field == "unit") {
      if (!kUnits.count(text)) fail(origin, kv.second, key, "unknown unit '" + text + "' (ns, us, cycles, MHz, GB/s, count)");
      c.unit = text;
    } else if (field == "value") {
      if (!parse_number(text, c.value) || c.value < 0) fail(origin, kv.second, key, "must be a non-negative number");
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
  if ((c.unit == "MHz" || c.unit == "GB/s") && c.value == 0) fail(origin, n["value"], name + ".value", "must be positive");
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
    const auto key = kv.first.as<std::string>();
    if (key == "name") {
      p.name_ = kv.second.as<std::string>();
    } else if (key == "description") {
    } else if (key == "costs") {
      if (!kv.second.IsMap()) fail(origin, kv.second, "costs", "must be a map of cost declarations");
      have_costs = true;
      for (const auto& c : kv.second) {
        const auto cname = c.first.as<std::string>();
        if (p.costs_.count(cname)) fail(origin, c.first, cname, "declared twice");
        p.costs_.emplace(cname, parse_cost(origin, cname, c.second));
      }
    } else {
      fail(origin, kv.first, key, "unknown key (name, description, costs)");
    }
  }
  if (p.name_.empty()) fail(origin, root, "name", "missing profile name");
  if (!have_costs) fail(origin, root, "costs", "missing cost declarations");
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
  if (!parse_number(value_text, v) || v < 0)
    throw ConfigError(origin, 0, 0, "profile." + name, "'" + value_text + "' is not a non-negative number");
  if ((it->second.unit == "MHz" || it->second.unit == "GB/s") && v == 0)
    throw ConfigError(origin, 0, 0, "profile." + name, "must be positive");
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

}  // namespace platform
