#include "rmesim/steps.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <vector>

#include "platform/abi/smccc.h"
#include "platform/monitor.h"
#include "platform/requester.h"
#include "sim/time_format.h"
#include "rmesim/runner.h"
#include "typed_value.h"
#include "vm_steps.h"

namespace rmesim {
namespace {

using yaml::fail;

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// An address: a number, or "dram+OFFSET" so scenarios need not know where DRAM starts.
struct Address {
  bool dram_relative = false;
  uint64_t value = 0;
  uint64_t resolve(const RunContext& c) const {
    return dram_relative ? c.soc.config().dram_base + value : value;
  }
};

Address parse_address(const std::string& f, const YAML::Node& n, const std::string& key) {
  const std::string s = yaml::str(f, n, key);
  Address a;
  if (s.rfind("dram", 0) == 0) {
    a.dram_relative = true;
    if (s.size() == 4) return a;
    if (s[4] != '+') fail(f, n, key, "expected dram or dram+OFFSET");
    YAML::Node off(s.substr(5));
    try {
      a.value = yaml::u64(f, off, key);
    } catch (const platform::ConfigError&) {
      fail(f, n, key, "'" + s + "': the offset after dram+ is not an integer");
    }
    return a;
  }
  a.value = yaml::u64(f, n, key);
  return a;
}

gpt::Pas parse_pas(const std::string& f, const YAML::Node& n, const std::string& key) {
  static const std::map<std::string, gpt::Pas> names = {
      {"secure", gpt::Pas::Secure}, {"non_secure", gpt::Pas::NonSecure},
      {"root", gpt::Pas::Root}, {"realm", gpt::Pas::Realm}};
  auto it = names.find(yaml::str(f, n, key));
  if (it == names.end()) fail(f, n, key, "expected secure, non_secure, root or realm");
  return it->second;
}

// --- phase: NAME -------------------------------------------------------------------------
struct PhaseStep : Step {
  std::string name;
  void execute(RunContext& c) override { c.begin_phase(name); c.note("phase " + name); }
};

// --- delegate / undelegate: {base, count} --------------------------------------------------
// Granule transitions through the monitor's GTSI, issued from the Realm world as the RMM
// does (RMI-level calls arrive with the RMM model).
struct TransitionStep : Step {
  bool delegate = true;
  Address base;
  uint64_t count = 1;
  std::string expect = "ok";  // ok | bad_addr | bad_pas
  void execute(RunContext& c) override {
    auto& m = c.soc.monitor();
    const uint64_t g = m.granule_size();
    const uint64_t b = base.resolve(c);
    uint64_t ok = 0, first_err = abi_ok();
    auto& req = c.pe.requester();
    const sc_core::sc_time start = req.now();
    sc_core::sc_time first;  // the first transition shatters a fresh contiguous run: show it apart
    for (uint64_t i = 0; i < count; ++i) {
      platform::abi::SmcRegs r;
      r.x[0] = delegate ? platform::abi::kRmmGtsiDelegate : platform::abi::kRmmGtsiUndelegate;
      r.x[1] = b + i * g;
      m.smc(req, platform::World::Realm, r);
      if (i == 0) first = req.now() - start;
      if (r.x[0] == platform::abi::kRmmEl3Ok) ++ok;
      else if (first_err == abi_ok()) first_err = r.x[0];
    }
    std::string what = std::string(delegate ? "delegated " : "undelegated ") + std::to_string(ok) +
                       "/" + std::to_string(count) + " granules from " + hex(b);
    if (count > 1)
      what += " (first " + platform::format_time(first) + ", then " +
              platform::format_time((req.now() - start - first) / static_cast<double>(count - 1)) + " each)";
    c.note(what);
    const std::string got = first_err == abi_ok() ? "ok"
                            : first_err == platform::abi::kRmmEl3BadAddr ? "bad_addr" : "bad_pas";
    if (got != expect) throw RunFailure(where + ": " + kind + ": expected " + expect + ", got " + got + " (" + what + ")");
  }
  static uint64_t abi_ok() { return platform::abi::kRmmEl3Ok; }
};

// --- tlbi: paall ---------------------------------------------------------------------------
// TLBI PAALLOS from EL3 on PE 0: after a GPT descriptor is written by hand (a Root `write`),
// each GPC unit keeps answering from what it cached until this.
struct TlbiStep : Step {
  void execute(RunContext& c) override {
    c.soc.monitor().tlbi_broadcast_paall(c.pe.requester());
    c.note("TLBI PAALLOS: every GPC unit's cache invalidated");
  }
};

// --- read / write: {pa, pas, size, value, expect} ------------------------------------------
struct AccessStep : Step {
  bool write = false;
  Address pa;
  gpt::Pas pas = gpt::Pas::NonSecure;
  uint64_t size = 8;
  uint8_t byte = 0;
  std::vector<uint8_t> data;  // a typed value's bytes (empty: fill with `byte`)
  std::string expect = "ok";
  void execute(RunContext& c) override {
    const uint64_t a = pa.resolve(c);
    std::vector<uint8_t> buf(size, byte);
    auto& r = c.pe.requester();
    const auto st = write ? (data.empty() ? r.fill(a, byte, size, pas) : r.write(a, data.data(), size, pas))
                          : r.read(a, buf.data(), size, pas);
    std::string got;
    if (st.bus_error) got = "bus_error";
    else if (!st.gpf.ok()) got = std::string("gpf_") + to_snake(gpt::to_string(st.gpf.kind));
    else if (!write && std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0; })) got = "zeros";
    else got = "ok";
    std::string what = std::string(write ? "write " : "read ") + std::to_string(size) + " B at " + hex(a) +
                       " as " + gpt::to_string(pas) + ": " + got;
    if (!st.gpf.ok()) what += std::string(" (level ") + std::to_string(st.gpf.level) + ", GPI " + gpt::to_string(st.gpf.gpi) + ")";
    c.note(what);
    const bool match = got == expect || (expect == "ok" && got == "zeros") ||
                       (expect == "gpf" && got.rfind("gpf_", 0) == 0);
    if (!match) throw RunFailure(where + ": " + kind + ": expected " + expect + ", got " + got + " (" + what + ")");
  }
  static std::string to_snake(std::string s) {
    std::string out;
    for (char ch : s) {
      if (std::isupper(static_cast<unsigned char>(ch)) && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return out;
  }
};

const Fields kTransitionFields = {
    {"base", "address", true, "first granule: a PA or dram+OFFSET"},
    {"count", "integer", false, "granules from base, 1 to 16777216 (default 1)"},
    {"expect", "ok|bad_addr|bad_pas", false, "the monitor's answer for every granule (default ok)"},
};
const Fields kReadFields = {
    {"pa", "address", true, "a PA or dram+OFFSET"},
    {"pas", "secure|non_secure|root|realm", false, "the access's physical address space (default non_secure)"},
    {"size", "size", false, "bytes, 1 B to 1 MiB (default 8)"},
    {"expect", "ok|zeros|gpf|gpf_fail|gpf_walk|gpf_address_size|gpf_external_abort|bus_error", false,
     "the outcome; ok also matches zeros, gpf any GPF (default ok)"},
};
Fields with(Fields f, const Field& extra) {
  f.insert(f.begin() + 3, extra);
  return f;
}
const Fields kWriteFields = with(kReadFields, {"value", "integer | typed value", false,
                                              "the fill byte, 0 to 255 (default 0), or a typed value (below) whose size is the write's"});

std::unique_ptr<Step> parse_phase(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario&) {
  auto s = std::make_unique<PhaseStep>();
  s->name = yaml::str(f, n, key);
  if (s->name.empty() || s->name.size() > 64) fail(f, n, key, "a phase needs a name of 1 to 64 characters");
  return s;
}

std::unique_ptr<Step> parse_tlbi(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario&) {
  if (yaml::str(f, n, key) != "paall") fail(f, n, key, "expected paall (TLBI PAALLOS from EL3)");
  return std::make_unique<TlbiStep>();
}

std::unique_ptr<Step> parse_transition(bool delegate, const std::string& f, const YAML::Node& n, const std::string& key) {
  auto s = std::make_unique<TransitionStep>();
  s->delegate = delegate;
  s->base = parse_address(f, n["base"], key + ".base");
  if (n["count"]) s->count = yaml::u64(f, n["count"], key + ".count");
  if (s->count == 0 || s->count > (1u << 24)) fail(f, n["count"], key + ".count", "must be 1 to 16777216");
  if (n["expect"]) s->expect = yaml::choice(f, n["expect"], key + ".expect", kTransitionFields, "expect");
  return s;
}

}  // namespace

std::vector<uint8_t> write_value(const std::string& f, const YAML::Node& n, const std::string& key, uint64_t& size,
                                 uint8_t& fill) {
  const YAML::Node v = n["value"];
  if (v.IsScalar()) {
    const uint64_t b = yaml::u64(f, v, key + ".value");
    if (b > 0xFF) fail(f, v, key + ".value", "a fill byte is 0 to 255 (or a typed value: rmesim help steps)");
    fill = static_cast<uint8_t>(b);
    return {};
  }
  std::vector<uint8_t> data = parse_typed_value(f, v, key + ".value");
  if (n["size"] && size != data.size())
    fail(f, n["size"], key + ".size", "the value is " + std::to_string(data.size()) + " bytes: leave size out or make it " +
                                          std::to_string(data.size()));
  size = data.size();
  return data;
}

namespace {

std::unique_ptr<Step> parse_access(bool write, const std::string& f, const YAML::Node& n, const std::string& key) {
  auto s = std::make_unique<AccessStep>();
  s->write = write;
  s->pa = parse_address(f, n["pa"], key + ".pa");
  if (n["pas"]) s->pas = parse_pas(f, n["pas"], key + ".pas");
  if (n["size"]) s->size = yaml::size(f, n["size"], key + ".size");
  if (s->size == 0 || s->size > (1u << 20)) fail(f, n["size"], key + ".size", "must be 1 byte to 1 MiB");
  if (n["value"]) s->data = write_value(f, n, key, s->size, s->byte);
  if (n["expect"]) {
    s->expect = yaml::choice(f, n["expect"], key + ".expect", kReadFields, "expect");
    if (write && s->expect == "zeros") fail(f, n["expect"], key + ".expect", "a write cannot expect zeros");
  }
  return s;
}

const std::vector<StepKind>& platform_step_kinds() {
  static const std::vector<StepKind> r = {
      {"phase", "NAME", "begin a named phase: a section of stats.json and a slice in trace.json", {}, parse_phase},
      {"delegate", nullptr, "GPT transitions Non-secure -> Realm through the monitor, as the RMM asks them",
       kTransitionFields, [](auto& f, auto& n, auto& k, auto&) { return parse_transition(true, f, n, k); }},
      {"undelegate", nullptr, "GPT transitions Realm -> Non-secure (the granules are scrubbed)", kTransitionFields,
       [](auto& f, auto& n, auto& k, auto&) { return parse_transition(false, f, n, k); }},
      {"tlbi", "paall", "TLBI PAALLOS from EL3 on PE 0: every GPC unit forgets its cached GPT entries", {},
       parse_tlbi},
      {"read", nullptr, "a timed read by PE 0 in a chosen PAS, through its GPC", kReadFields,
       [](auto& f, auto& n, auto& k, auto&) { return parse_access(false, f, n, k); }},
      {"write", nullptr, "a timed write (fill) by PE 0 in a chosen PAS, through its GPC", kWriteFields,
       [](auto& f, auto& n, auto& k, auto&) { return parse_access(true, f, n, k); }},
  };
  return r;
}

// Both tables in name order, for lookups and listings.
const std::map<std::string, const StepKind*>& all_kinds() {
  static const std::map<std::string, const StepKind*> all = [] {
    std::map<std::string, const StepKind*> m;
    for (const auto& k : platform_step_kinds()) m[k.name] = &k;
    for (const auto& k : vm_step_kinds()) m[k.name] = &k;
    return m;
  }();
  return all;
}

}  // namespace

const StepKind* find_step_kind(const std::string& kind) {
  auto it = all_kinds().find(kind);
  return it == all_kinds().end() ? nullptr : it->second;
}

std::string known_step_kinds() {
  std::string s;
  for (const auto& [k, _] : all_kinds()) s += (s.empty() ? "" : ", ") + k;
  return s;
}

std::string steps_help() {
  std::ostringstream o;
  o << "Step kinds (a scenario's steps: list; each step is {KIND: VALUE}):\n";
  for (const auto& [name, k] : all_kinds()) {
    o << "\n  " << name << ": " << k->help << "\n";
    if (k->scalar) o << "    " << name << ": " << k->scalar << "\n";
    if (!k->fields.empty()) {
      o << "    " << name << ": {" ;
      for (size_t i = 0; i < k->fields.size(); ++i) o << (i ? ", " : "") << k->fields[i].name;
      o << "}\n";
    }
    for (const Field& f : k->fields)
      o << "      " << f.name << " (" << f.type << (f.required ? ", required" : "") << "): " << f.help << "\n";
  }
  o << vm_steps_help();
  o << typed_value_help();
  return o.str();
}

bool is_reserved_name(const std::string& name) {
  return find_step_kind(name) || name == "all" || name == "dram" || name == "params";
}

std::string reserved_names() { return "the step kinds, all, dram, params"; }

}  // namespace rmesim
