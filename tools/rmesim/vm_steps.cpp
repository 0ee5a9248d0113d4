#include "vm_steps.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

#include "host/kvm.h"
#include "host/rmi_client.h"
#include "host/vmm.h"
#include "platform/dma_engine.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "rmm/rmm.h"
#include "runner.h"

namespace rmesim {
namespace {

namespace rmi = platform::abi::rmi;
using yaml::fail;

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  std::strtoull(s.c_str(), &end, 0);
  return !errno && *end == 0 && s[0] != '-';
}

std::vector<std::string> name_list(const std::string& f, const YAML::Node& n, const std::string& key) {
  std::vector<std::string> out;
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) out.push_back(yaml::str(f, n[i], key));
  } else {
    out.push_back(yaml::str(f, n, key));
  }
  if (out.empty()) fail(f, n, key, "names at least one VM");
  return out;
}

std::vector<std::string> expand(RunContext& c, const std::vector<std::string>& names) {
  if (names.size() == 1 && names[0] == "all") {
    std::vector<std::string> all;
    for (const auto& v : c.scenario.vms) all.push_back(v.name);
    return all;
  }
  return names;
}

uint64_t duration_ns(const std::string& f, const YAML::Node& n, const std::string& key) {
  const std::string s = yaml::str(f, n, key);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  const std::string unit(end);
  const double mult = unit == "ns" ? 1 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : unit == "s" ? 1e9 : 0;
  if (end == s.c_str() || mult == 0 || v <= 0) fail(f, n, key, "expected a duration such as 500us, 20ms or 2s");
  return static_cast<uint64_t>(v * mult);
}

void require_host(RunContext& c, const std::string& where) {
  if (!c.vmm) throw RunFailure(where + ": this step needs the host (a realms: or vms: section)");
}

const host::VmSpec* spec_of(RunContext& c, const std::string& name) {
  for (const auto& v : c.scenario.vms)
    if (v.name == name) return &v;
  return nullptr;
}

// --- create / teardown --------------------------------------------------------------------
struct CreateStep : Step {
  bool teardown = false;
  std::vector<std::string> names;
  void execute(RunContext& c) override {
    require_host(c, where);
    for (const auto& n : expand(c, names)) {
      if (teardown) {
        const std::string e = c.vmm->teardown(n);
        if (!e.empty()) throw RunFailure(where + ": teardown: " + e);
        c.note("tore down " + n);
        continue;
      }
      const host::VmSpec* s = spec_of(c, n);
      if (!s) throw RunFailure(where + ": create: no realm or VM named " + n);
      const std::string e = c.vmm->create(*s);
      if (!e.empty()) throw RunFailure(where + ": create " + n + ": " + e);
      auto* st = c.vmm->state(n);
      c.note("created " + n + (s->realm ? " (realm, " : " (vm, ") + std::to_string(s->memory >> 20) + " MiB, " +
             std::to_string(s->vcpus) + " vCPUs, " + s->image + (s->realm ? ", " + std::to_string(st->vm->populated_pages()) + " pages populated" : "") + ")");
    }
  }
};

// --- run ----------------------------------------------------------------------------------
struct RunStep : Step {
  std::vector<std::string> names{"all"};
  host::Vmm::Until until;
  bool allow_timeout = false;
  void execute(RunContext& c) override {
    require_host(c, where);
    bool met = false;
    const std::string out = c.vmm->run(expand(c, names), until, met);
    c.note(out);
    if (!met && !allow_timeout)
      throw RunFailure(where + ": run: the condition did not hold before the timeout (" + out + ")");
  }
};

struct PauseStep : Step {
  uint64_t ns = 0;
  void execute(RunContext& c) override {
    c.pe.requester().sync();
    sc_core::wait(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
    c.note("paused " + std::to_string(ns) + " ns");
  }
};

// --- host_read / host_write -----------------------------------------------------------------
struct HostAccessStep : Step {
  bool write = false;
  std::string vm;
  uint64_t ipa = 0, size = 8;
  uint8_t value = 0;
  std::string expect = "ok";  // ok | sigbus | not_mapped
  void execute(RunContext& c) override {
    require_host(c, where);
    std::vector<uint8_t> data(size, value);
    const auto r = c.vmm->host_access(vm, ipa, write, data);
    const std::string got = r == host::Vmm::AccessResult::Ok ? "ok" : r == host::Vmm::AccessResult::Sigbus ? "sigbus" : "not_mapped";
    std::string what = std::string("VMM ") + (write ? "writes " : "reads ") + std::to_string(size) + " B of " + vm +
                       " at IPA " + hex(ipa) + ": " + (got == "sigbus" ? "SIGBUS (granule protection fault)" : got);
    if (!write && got == "ok") {
      std::ostringstream s;
      for (size_t i = 0; i < std::min<size_t>(8, data.size()); ++i) s << std::hex << (data[i] >> 4) << (data[i] & 15);
      what += " [" + s.str() + "]";
    }
    c.note(what);
    if (got != expect) throw RunFailure(where + ": expected " + expect + ", got " + got + " (" + what + ")");
  }
};

// --- map_page -----------------------------------------------------------------------------
struct MapPageStep : Step {
  std::string vm, to;
  uint64_t ipa = 0;
  bool shared = false;
  std::string expect = "ok";
  void execute(RunContext& c) override {
    require_host(c, where);
    auto* st = c.vmm->state(vm);
    if (!st || st->torn_down) throw RunFailure(where + ": map_page: no live VM named " + vm);
    uint64_t target = 0;
    if (!to.empty()) target = resolve_granule(c, to, where);
    const uint64_t a = shared ? (ipa | st->vm->unprotected_bit()) : ipa;
    const int rc = st->vm->map_page(a, to.empty() ? nullptr : &target);
    const std::string got = rc == 0 ? "ok" : "error";
    c.note("map " + vm + " IPA " + hex(a) + (to.empty() ? "" : " -> " + to + " (" + hex(target) + ")") + ": " +
           (rc ? "error " + std::to_string(rc) : "ok"));
    if (got != expect) throw RunFailure(where + ": map_page: expected " + expect + ", got " + got);
  }
};

// --- dma ----------------------------------------------------------------------------------
struct DmaStep : Step {
  std::string vm;
  uint64_t ipa = 0, size = 4096;
  bool write = true;  // device writes into guest memory
  std::string expect = "ok";  // ok | fault
  void execute(RunContext& c) override {
    require_host(c, where);
    auto* st = c.vmm->state(vm);
    if (!st || st->torn_down) throw RunFailure(where + ": dma: no live VM named " + vm);
    uint64_t target;
    if (!st->vm->pa_of(ipa, target) && !st->vm->user_pa_of(ipa & ~st->vm->unprotected_bit(), target))
      throw RunFailure(where + ": dma: nothing behind " + vm + " IPA " + hex(ipa));
    const uint64_t buffer = resolve_granule(c, "dma.buffer", where);
    auto& dma = c.soc.dma();
    dma.write_reg(platform::DmaEngine::kSrc, write ? buffer : target);
    dma.write_reg(platform::DmaEngine::kDst, write ? target : buffer);
    dma.write_reg(platform::DmaEngine::kLen, std::min<uint64_t>(size, 4096));
    dma.write_reg(platform::DmaEngine::kCtrl, 1);
    c.pe.requester().sync();
    while (dma.busy()) sc_core::wait(dma.done_event());
    const uint64_t status = dma.read_reg(platform::DmaEngine::kStatus);
    const bool fault = status & platform::DmaEngine::kStatusFault;
    const std::string got = fault ? "fault" : "ok";
    c.note(std::string("DMA ") + (write ? "write to " : "read from ") + vm + " IPA " + hex(ipa) + " (PA " + hex(target) +
           "): " + (fault ? "faulted at PA " + hex(dma.read_reg(platform::DmaEngine::kFaultPa)) : "ok") +
           ", copied " + std::to_string(dma.read_reg(platform::DmaEngine::kCopied)) + " B");
    if (got != expect) throw RunFailure(where + ": dma: expected " + expect + ", got " + got);
  }
};

// --- rmi: a raw RMI call on named granules ------------------------------------------------
struct RmiStep : Step {
  uint32_t fid = 0;
  std::string command;
  std::vector<std::pair<std::string, std::string>> args;  // in X1.. order: (name, value text)
  std::map<std::string, std::string> realm_params, rec_params;
  bool has_params = false;
  bool expect_any = false;
  rmi::Status expect_status = rmi::Status::Success;
  int expect_index = -1;
  // REC_ENTER only: how long the REC may run before the host's tick takes the PE back.
  sc_core::sc_time timeout = host::Vmm::Until{}.timeout;  // the run step's default

  uint64_t value(RunContext& c, const std::string& v) const { return is_number(v) ? std::strtoull(v.c_str(), nullptr, 0) : resolve_granule(c, v, where); }

  uint64_t params_page(RunContext& c) const {
    const uint64_t pa = resolve_granule(c, "params." + where, where);
    uint8_t buf[4096] = {};
    auto put = [&](uint64_t off, uint64_t v) { std::memcpy(buf + off, &v, 8); };
    if (fid == rmi::kRealmCreate) {
      namespace rp = rmi::realm_params;
      const std::map<std::string, uint64_t> offs = {
          {"flags", rp::kFlags}, {"s2sz", rp::kS2sz}, {"sve_vl", rp::kSveVl}, {"num_bps", rp::kNumBps},
          {"num_wps", rp::kNumWps}, {"pmu_num_ctrs", rp::kPmuNumCtrs}, {"hash_algo", rp::kHashAlgo},
          {"vmid", rp::kVmid}, {"rtt_base", rp::kRttBase}, {"rtt_level_start", rp::kRttLevelStart},
          {"rtt_num_start", rp::kRttNumStart}};
      put(rp::kNumBps, 2);
      put(rp::kNumWps, 2);
      for (const auto& [k, v] : realm_params) {
        const int64_t sv = (!v.empty() && v[0] == '-') ? std::strtoll(v.c_str(), nullptr, 0) : 0;
        put(offs.at(k), (!v.empty() && v[0] == '-') ? static_cast<uint64_t>(sv) : value(c, v));
      }
    } else {
      namespace rp = rmi::rec_params;
      const std::map<std::string, uint64_t> offs = {{"flags", rp::kFlags}, {"mpidr", rp::kMpidr}, {"pc", rp::kPc},
                                                    {"num_aux", rp::kNumAux}};
      for (const auto& [k, v] : rec_params) {
        if (k.rfind("aux", 0) == 0 && k != "num_aux") {
          const unsigned i = static_cast<unsigned>(std::stoul(k.substr(3)));
          put(rp::kAux + 8 * i, value(c, v));
        } else {
          put(offs.at(k), value(c, v));
        }
      }
    }
    c.pe.requester().write(pa, buf, sizeof buf, gpt::Pas::NonSecure);
    return pa;
  }

  // A REC runs inside REC_ENTER until it exits; one that never does (a guest spinning, a page
  // destroyed behind it) is stopped as a host's timer tick stops it: at `timeout` the PE takes
  // an interrupt (Pe::interrupt, as KVM's kick), the CPU ends the run at its slice boundary
  // and the RMM returns with RMI_EXIT_IRQ.
  struct HostTick {
    sc_core::sc_event done;
    bool armed = true;
    void cancel() { armed = false; done.notify(); }
  };
  std::shared_ptr<HostTick> host_tick(platform::Pe& pe) const {
    auto tick = std::make_shared<HostTick>();
    const sc_core::sc_time deadline = pe.requester().now() + timeout;
    sc_core::sc_spawn([tick, &pe, deadline] {
      if (!tick->armed) return;  // cancelled before this process first ran
      const sc_core::sc_time now = sc_core::sc_time_stamp();
      sc_core::wait(deadline > now ? deadline - now : sc_core::SC_ZERO_TIME, tick->done);
      if (tick->armed) pe.interrupt();
    });
    return tick;
  }
  static std::string exit_reason(RunContext& c, uint64_t run) {
    uint64_t reason = 0;
    if (!c.pe.requester().read64(run + rmi::rec_exit::kExitReason, reason, gpt::Pas::NonSecure).ok()) return "";
    return std::string(" (exit ") + rmi::to_string(static_cast<rmi::ExitReason>(reason & 0xFF)) + ")";
  }

  void execute(RunContext& c) override {
    require_host(c, where);
    platform::abi::SmcRegs regs;
    regs.x[0] = fid;
    std::string shown;
    unsigned i = 1;
    for (const auto& [name, v] : args) {
      const uint64_t x = (name == "params" && has_params) ? params_page(c) : value(c, v);
      regs.x[i++] = x;
      shown += (shown.empty() ? "" : ", ") + name + "=" + (is_number(v) ? v : v + "(" + hex(x) + ")");
    }
    const auto tick = fid == rmi::kRecEnter ? host_tick(c.pe) : nullptr;
    const host::RmiResult r = c.kvm->rmi().call_regs(regs);
    if (tick) tick->cancel();
    std::string got = std::string(rmi::to_string(r.status())) + (r.index() ? " index " + std::to_string(r.index()) : "");
    c.note(command + "(" + shown + ") -> " + got + (tick && r.status() == rmi::Status::Success ? exit_reason(c, regs.x[2]) : ""));
    if (expect_any) return;
    if (r.status() != expect_status || (expect_index >= 0 && static_cast<int>(r.index()) != expect_index))
      throw RunFailure(where + ": " + command + ": expected " + rmi::to_string(expect_status) +
                       (expect_index >= 0 ? " index " + std::to_string(expect_index) : "") + ", got " + got);
  }
};

// --- check: assertions on what happened ---------------------------------------------------
struct CheckStep : Step {
  std::string vm;
  std::vector<std::string> console;
  std::string stopped;
  bool has_result = false;
  uint64_t result = 0;
  std::map<std::string, uint64_t> min_exits;
  std::map<std::string, uint64_t> faults;  // action -> exact count
  bool check_granules = false;
  uint64_t granules_delegated = 0;
  void execute(RunContext& c) override {
    require_host(c, where);
    std::vector<std::string> bad;
    if (!vm.empty()) {
      auto* st = c.vmm->state(vm);
      if (!st) throw RunFailure(where + ": check: no VM named " + vm);
      for (const auto& t : console)
        if (st->console.find(t) == std::string::npos) bad.push_back("console of " + vm + " lacks \"" + t + "\"");
      if (!stopped.empty() && stopped != host::to_string(st->stop))
        bad.push_back(vm + " is " + host::to_string(st->stop) + ", expected " + stopped);
      if (has_result && st->result[0] != result)
        bad.push_back(vm + " result X1 = " + std::to_string(st->result[0]) + ", expected " + std::to_string(result));
      for (const auto& [name, n] : min_exits) {
        uint64_t have = 0;
        auto& e = st->vm->rec_exits();
        auto& k = st->vm->kvm_exits();
        if (e.count(name)) have = e.at(name);
        else if (k.count(name)) have = k.at(name);
        if (have < n) bad.push_back(vm + " had " + std::to_string(have) + " " + name + " exits, expected at least " + std::to_string(n));
      }
    }
    for (const auto& [action, n] : faults) {
      uint64_t have = 0;
      for (const auto& f : c.kvm->faults())
        if (action == host::to_string(f.action) && (vm.empty() || f.vm == vm)) ++have;
      if (have != n) bad.push_back(std::to_string(have) + " " + action + " faults, expected " + std::to_string(n));
    }
    if (check_granules && c.rmm) {
      const auto census = c.rmm->granule_census();
      uint64_t delegated = 0;
      for (size_t s = 1; s < census.size(); ++s) delegated += census[s];
      if (delegated != granules_delegated)
        bad.push_back(std::to_string(delegated) + " granules not undelegated, expected " + std::to_string(granules_delegated));
    }
    if (!bad.empty()) {
      std::string m;
      for (const auto& b : bad) m += (m.empty() ? "" : "; ") + b;
      throw RunFailure(where + ": check failed: " + m);
    }
    c.note("checks hold");
  }
};

// --- parsers ------------------------------------------------------------------------------
std::unique_ptr<Step> parse_create(bool teardown, const std::string& f, const YAML::Node& n, const std::string& key) {
  auto s = std::make_unique<CreateStep>();
  s->teardown = teardown;
  s->names = name_list(f, n, key);
  return s;
}

std::unique_ptr<Step> parse_run(const std::string& f, const YAML::Node& n, const std::string& key) {
  auto s = std::make_unique<RunStep>();
  if (n.IsScalar()) {
    s->names = name_list(f, n, key);
    return s;
  }
  yaml::only_keys(f, n, key, {"vm", "vms", "until", "timeout", "for", "allow_timeout"});
  if (n["vm"]) s->names = name_list(f, n["vm"], key + ".vm");
  if (n["vms"]) s->names = name_list(f, n["vms"], key + ".vms");
  if (const auto u = n["until"]) {
    if (u.IsScalar()) {
      if (u.Scalar() != "stopped") fail(f, u, key + ".until", "expected stopped or {console: TEXT}");
    } else {
      yaml::only_keys(f, u, key + ".until", {"console"});
      if (!u["console"]) fail(f, u, key + ".until", "expected stopped or {console: TEXT}");
      s->until.kind = host::Vmm::Until::Kind::Console;
      s->until.text = yaml::str(f, u["console"], key + ".until.console");
    }
  }
  if (n["for"]) {
    if (n["until"]) fail(f, n["for"], key + ".for", "use either until or for");
    s->until.kind = host::Vmm::Until::Kind::Time;
    s->until.timeout = sc_core::sc_time(static_cast<double>(duration_ns(f, n["for"], key + ".for")), sc_core::SC_NS);
  }
  if (n["timeout"]) {
    if (n["for"]) fail(f, n["timeout"], key + ".timeout", "use either for or timeout");
    s->until.timeout = sc_core::sc_time(static_cast<double>(duration_ns(f, n["timeout"], key + ".timeout")), sc_core::SC_NS);
  }
  if (n["allow_timeout"]) s->allow_timeout = yaml::boolean(f, n["allow_timeout"], key + ".allow_timeout");
  return s;
}

std::unique_ptr<Step> parse_pause(const std::string& f, const YAML::Node& n, const std::string& key) {
  auto s = std::make_unique<PauseStep>();
  s->ns = duration_ns(f, n, key);
  return s;
}

std::unique_ptr<Step> parse_host_access(bool write, const std::string& f, const YAML::Node& n, const std::string& key) {
  yaml::only_keys(f, n, key, {"vm", "ipa", "size", "value", "expect"});
  auto s = std::make_unique<HostAccessStep>();
  s->write = write;
  if (!n["vm"] || !n["ipa"]) fail(f, n, key, "needs vm and ipa");
  s->vm = yaml::str(f, n["vm"], key + ".vm");
  s->ipa = yaml::u64(f, n["ipa"], key + ".ipa");
  if (n["size"]) s->size = yaml::size(f, n["size"], key + ".size");
  if (s->size == 0 || s->size > 4096) fail(f, n["size"], key + ".size", "must be 1 to 4096 bytes");
  if (n["value"]) {
    if (!write) fail(f, n["value"], key + ".value", "only a write has a value");
    const uint64_t v = yaml::u64(f, n["value"], key + ".value");
    if (v > 255) fail(f, n["value"], key + ".value", "a fill byte is 0 to 255");
    s->value = static_cast<uint8_t>(v);
  }
  if (n["expect"]) {
    s->expect = yaml::str(f, n["expect"], key + ".expect");
    if (s->expect != "ok" && s->expect != "sigbus" && s->expect != "not_mapped")
      fail(f, n["expect"], key + ".expect", "expected ok, sigbus or not_mapped");
  }
  return s;
}

std::unique_ptr<Step> parse_map_page(const std::string& f, const YAML::Node& n, const std::string& key) {
  yaml::only_keys(f, n, key, {"vm", "ipa", "to", "shared", "expect"});
  auto s = std::make_unique<MapPageStep>();
  if (!n["vm"] || !n["ipa"]) fail(f, n, key, "needs vm and ipa");
  s->vm = yaml::str(f, n["vm"], key + ".vm");
  s->ipa = yaml::u64(f, n["ipa"], key + ".ipa");
  if (n["to"]) s->to = yaml::str(f, n["to"], key + ".to");
  if (n["shared"]) s->shared = yaml::boolean(f, n["shared"], key + ".shared");
  if (n["expect"]) {
    s->expect = yaml::str(f, n["expect"], key + ".expect");
    if (s->expect != "ok" && s->expect != "error") fail(f, n["expect"], key + ".expect", "expected ok or error");
  }
  return s;
}

std::unique_ptr<Step> parse_dma(const std::string& f, const YAML::Node& n, const std::string& key) {
  yaml::only_keys(f, n, key, {"vm", "ipa", "size", "direction", "expect"});
  auto s = std::make_unique<DmaStep>();
  if (!n["vm"] || !n["ipa"]) fail(f, n, key, "needs vm and ipa");
  s->vm = yaml::str(f, n["vm"], key + ".vm");
  s->ipa = yaml::u64(f, n["ipa"], key + ".ipa");
  if (n["size"]) s->size = yaml::size(f, n["size"], key + ".size");
  if (s->size == 0 || s->size > 4096) fail(f, n["size"], key + ".size", "must be 1 to 4096 bytes");
  if (n["direction"]) {
    const std::string d = yaml::str(f, n["direction"], key + ".direction");
    if (d != "to_guest" && d != "from_guest") fail(f, n["direction"], key + ".direction", "expected to_guest or from_guest");
    s->write = d == "to_guest";
  }
  if (n["expect"]) {
    s->expect = yaml::str(f, n["expect"], key + ".expect");
    if (s->expect != "ok" && s->expect != "fault") fail(f, n["expect"], key + ".expect", "expected ok or fault");
  }
  return s;
}

std::unique_ptr<Step> parse_rmi(const std::string& f, const YAML::Node& n, const std::string& key) {
  auto s = std::make_unique<RmiStep>();
  if (!n.IsMap() || !n["rmi"]) fail(f, n, key, "expected {rmi: COMMAND, ARG: value, ..., expect: {status, index}}");
  s->command = yaml::str(f, n["rmi"], key);
  s->fid = host::rmi_command_fid(s->command);
  if (!s->fid) fail(f, n["rmi"], key, "unknown RMI command '" + s->command + "' (RMM 1.0: DATA_CREATE, GRANULE_DELEGATE, ...)");
  s->command = host::rmi_command_name(s->fid);
  const auto& names = host::rmi_command_args(s->fid);
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    if (k == "rmi" || k == "expect") continue;
    if (k == "timeout" && s->fid == rmi::kRecEnter) {
      s->timeout = sc_core::sc_time(static_cast<double>(duration_ns(f, kv.second, key + ".timeout")), sc_core::SC_NS);
      continue;
    }
    bool known = false;
    for (const char* a : names) known = known || k == a;
    if (!known) {
      std::string list;
      for (const char* a : names) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(f, kv.first, key + "." + k, "not an argument of " + s->command + " (its arguments: " + list + ")");
    }
  }
  for (const char* a : names) {
    const YAML::Node v = n[a];
    if (!v) fail(f, n, key + "." + a, std::string("missing argument ") + a + " of " + s->command);
    if (v.IsMap() && std::string(a) == "params") {
      s->has_params = true;
      const bool realm = s->fid == rmi::kRealmCreate;
      if (realm)
        yaml::only_keys(f, v, key + ".params", {"flags", "s2sz", "sve_vl", "num_bps", "num_wps", "pmu_num_ctrs",
                                                "hash_algo", "vmid", "rtt_base", "rtt_level_start", "rtt_num_start"});
      else
        yaml::only_keys(f, v, key + ".params", {"flags", "mpidr", "pc", "num_aux", "aux0", "aux1", "aux2", "aux3",
                                                "aux4", "aux5", "aux6", "aux7", "aux8", "aux9", "aux10", "aux11",
                                                "aux12", "aux13", "aux14", "aux15"});
      for (const auto& p : v) (realm ? s->realm_params : s->rec_params)[p.first.Scalar()] = yaml::str(f, p.second, key + ".params." + p.first.Scalar());
      s->args.push_back({a, "params"});
      continue;
    }
    s->args.push_back({a, yaml::str(f, v, key + "." + a)});
  }
  if (const auto e = n["expect"]) {
    std::string st;
    if (e.IsScalar()) {
      st = e.Scalar();
    } else {
      yaml::only_keys(f, e, key + ".expect", {"status", "index"});
      if (!e["status"]) fail(f, e, key + ".expect", "needs a status");
      st = yaml::str(f, e["status"], key + ".expect.status");
      if (e["index"]) s->expect_index = static_cast<int>(yaml::u64(f, e["index"], key + ".expect.index"));
    }
    if (st == "any") s->expect_any = true;
    else if (!host::rmi_status_from_name(st, s->expect_status))
      fail(f, e, key + ".expect", "unknown status '" + st + "' (RMI_SUCCESS, RMI_ERROR_INPUT, RMI_ERROR_REALM, RMI_ERROR_REC, RMI_ERROR_RTT, any)");
  }
  return s;
}

std::unique_ptr<Step> parse_check(const std::string& f, const YAML::Node& n, const std::string& key) {
  yaml::only_keys(f, n, key, {"vm", "console", "stopped", "result", "exits", "faults", "granules_delegated"});
  auto s = std::make_unique<CheckStep>();
  if (n["vm"]) s->vm = yaml::str(f, n["vm"], key + ".vm");
  if (const auto c = n["console"]) {
    if (c.IsSequence()) for (size_t i = 0; i < c.size(); ++i) s->console.push_back(yaml::str(f, c[i], key + ".console"));
    else s->console.push_back(yaml::str(f, c, key + ".console"));
  }
  if (n["stopped"]) {
    s->stopped = yaml::str(f, n["stopped"], key + ".stopped");
    static const char* ok[] = {"running", "system_off", "system_reset", "oops", "shutdown", "error"};
    if (std::none_of(std::begin(ok), std::end(ok), [&](const char* k) { return s->stopped == k; }))
      fail(f, n["stopped"], key + ".stopped", "expected running, system_off, system_reset, oops, shutdown or error");
  }
  if (n["result"]) { s->has_result = true; s->result = yaml::u64(f, n["result"], key + ".result"); }
  if (const auto e = n["exits"]) {
    if (!e.IsMap()) fail(f, e, key + ".exits", "a map of exit name: minimum count");
    for (const auto& kv : e) s->min_exits[kv.first.Scalar()] = yaml::u64(f, kv.second, key + ".exits." + kv.first.Scalar());
  }
  if (const auto e = n["faults"]) {
    yaml::only_keys(f, e, key + ".faults", {"oops", "sigbus", "guest_abort"});
    for (const auto& kv : e) s->faults[kv.first.Scalar()] = yaml::u64(f, kv.second, key + ".faults." + kv.first.Scalar());
  }
  if (n["granules_delegated"]) {
    s->check_granules = true;
    s->granules_delegated = yaml::u64(f, n["granules_delegated"], key + ".granules_delegated");
  }
  if ((!s->console.empty() || !s->stopped.empty() || s->has_result || !s->min_exits.empty()) && s->vm.empty())
    fail(f, n, key, "console, stopped, result and exits need vm");
  return s;
}

}  // namespace

uint64_t resolve_granule(RunContext& c, const std::string& name, const std::string& where) {
  if (is_number(name)) return std::strtoull(name.c_str(), nullptr, 0);
  if (name.rfind("dram+", 0) == 0 && is_number(name.substr(5))) return c.soc.config().dram_base + std::strtoull(name.c_str() + 5, nullptr, 0);
  const auto dot = name.find('.');
  const std::string vm_name = name.substr(0, dot);
  if (c.vmm && c.vmm->state(vm_name) && !(dot == std::string::npos && c.granules.count(name))) {
    host::Vm& vm = *c.vmm->state(vm_name)->vm;
    const std::string what = dot == std::string::npos ? "rd" : name.substr(dot + 1);
    uint64_t pa = 0;
    if (what == "rd" && vm.rd()) return vm.rd();
    if (what == "rtt" && vm.root_rtt()) return vm.root_rtt();
    if (what == "pgd" && vm.nvm_pgd()) return vm.nvm_pgd();
    if (what.rfind("rec", 0) == 0 && what.size() > 3 && is_number(what.substr(3))) {
      host::Vcpu* v = vm.vcpu(static_cast<unsigned>(std::stoul(what.substr(3))));
      if (v && v->rec()) return v->rec();
    }
    if (what.rfind("data@", 0) == 0 && is_number(what.substr(5)) && vm.pa_of(std::strtoull(what.c_str() + 5, nullptr, 0), pa)) return pa;
    if (what.rfind("ram@", 0) == 0 && is_number(what.substr(4)) && vm.user_pa_of(std::strtoull(what.c_str() + 4, nullptr, 0), pa)) return pa;
    throw RunFailure(where + ": '" + name + "' names nothing (yet): VM.rd, VM.rtt, VM.recN, VM.pgd, VM.data@IPA, VM.ram@GPA");
  }
  if (auto it = c.granules.find(name); it != c.granules.end()) return it->second;
  if (!c.kvm) throw RunFailure(where + ": '" + name + "': named granules need the host");
  auto pa = c.kvm->pages().alloc();
  if (!pa) throw RunFailure(where + ": out of host memory for granule " + name);
  std::vector<uint8_t> zero(4096, 0);
  c.pe.requester().write(*pa, zero.data(), zero.size(), gpt::Pas::NonSecure);
  c.granules[name] = *pa;
  return *pa;
}

const std::map<std::string, StepParser>& vm_step_parsers() {
  static const std::map<std::string, StepParser> r = {
      {"create", [](auto& f, auto& n, auto& k) { return parse_create(false, f, n, k); }},
      {"teardown", [](auto& f, auto& n, auto& k) { return parse_create(true, f, n, k); }},
      {"run", parse_run},
      {"pause", parse_pause},
      {"host_read", [](auto& f, auto& n, auto& k) { return parse_host_access(false, f, n, k); }},
      {"host_write", [](auto& f, auto& n, auto& k) { return parse_host_access(true, f, n, k); }},
      {"map_page", parse_map_page},
      {"dma", parse_dma},
      {"rmi", parse_rmi},
      {"check", parse_check},
  };
  return r;
}

}  // namespace rmesim
