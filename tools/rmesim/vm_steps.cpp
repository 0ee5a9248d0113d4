#include "vm_steps.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "host/host_tick.h"
#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "host/rmi_client.h"
#include "host/smmu_driver.h"
#include "host/vmm.h"
#include "platform/abi/specs.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "platform/dma_engine.h"
#include "platform/memory_map.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "rmm/rmm.h"
#include "rmesim/runner.h"
#include "rmesim/steps.h"
#include "sim/time_format.h"

namespace rmesim {
namespace {

namespace rmi = platform::abi::rmi;
using yaml::fail;

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// A strict unsigned number: starts with a digit, all of it consumed, in range.
bool to_u64(const std::string& s, uint64_t& v) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtoull(s.c_str(), &end, 0);
  return !errno && *end == 0;
}

const host::VmSpec& vm_named(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc,
                             const std::string& name) {
  for (const auto& v : sc.vms)
    if (v.name == name) return v;
  std::string known;
  for (const auto& v : sc.vms) known += (known.empty() ? "" : ", ") + v.name;
  fail(f, n, key, "no realm or VM named '" + name + "' (" + (known.empty() ? "the scenario has none" : "the scenario has: " + known) + ")");
}

const host::VmSpec& vm_named(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  return vm_named(f, n, key, sc, yaml::str(f, n, key));
}

// One VM, a list of them, or all.
std::vector<std::string> name_list(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  if (n.IsScalar() && n.Scalar() == "all") return {"all"};
  std::vector<std::string> out;
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) out.push_back(vm_named(f, n[i], key, sc).name);
  } else {
    out.push_back(vm_named(f, n, key, sc).name);
  }
  if (out.empty()) fail(f, n, key, "names at least one VM");
  return out;
}

// An IPA of `vm`: below its IPA size (below the unprotected alias bit when `protected_only`).
uint64_t vm_ipa(const std::string& f, const YAML::Node& n, const std::string& key, const host::VmSpec& vm,
                bool protected_only = false) {
  const uint64_t ipa = yaml::u64(f, n, key);
  const unsigned bits = host::ipa_bits_for(vm) - (protected_only && vm.realm ? 1 : 0);
  if (ipa >> bits)
    fail(f, n, key, hex(ipa) + " is beyond " + vm.name + "'s IPA space: its IPAs are below 2^" + std::to_string(bits) +
                        (protected_only && vm.realm ? " (the protected half; shared: true sets the top bit)" : ""));
  return ipa;
}

constexpr uint64_t kMaxStepNs = 3600'000'000'000;  // an hour of simulated time

std::vector<std::string> expand(RunContext& c, const std::vector<std::string>& names) {
  if (names.size() == 1 && names[0] == "all") {
    std::vector<std::string> all;
    for (const auto& v : c.scenario.vms) all.push_back(v.name);
    return all;
  }
  return names;
}

// A page of the host allocator kept under `key`, zeroed when first handed out. User names and
// the runner's own scratch pages ("#...", a character no name has) share the map, never a key.
uint64_t scratch_page(RunContext& c, const std::string& key, const std::string& where) {
  if (auto it = c.granules.find(key); it != c.granules.end()) return it->second;
  if (!c.kvm) throw RunFailure(where + ": '" + key + "': named granules need the host");
  auto pa = c.kvm->pages().alloc();
  if (!pa) throw RunFailure(where + ": out of host memory for granule " + key);
  std::vector<uint8_t> zero(4096, 0);
  c.pe.requester().write(*pa, zero.data(), zero.size(), gpt::Pas::NonSecure);
  c.granules[key] = *pa;
  return *pa;
}

// A granule or value a step names (see vm_steps.h), parsed and checked at load.
struct GranuleRef {
  enum class Kind : uint8_t { Number, Dram, VmObject, Fresh, Result } kind = Kind::Number;
  uint64_t value = 0;    // Number; Dram's offset; N of recN; the IPA or GPA of data@ and ram@
  std::string vm, what;  // VmObject: rd, rtt, pgd, rec, data, ram; Result: the result register's name
  std::string text;      // as written

  uint64_t resolve(RunContext& c, const std::string& where) const {
    if (kind == Kind::Number) return value;
    if (kind == Kind::Dram) return c.soc.config().dram_base + value;
    if (kind == Kind::Fresh) return scratch_page(c, text, where);
    if (kind == Kind::Result) {
      const auto it = c.rmi_results.find(what);
      return it == c.rmi_results.end() ? 0 : it->second;
    }
    if (auto* st = c.vmm ? c.vmm->state(vm) : nullptr) {
      host::Vm& v = *st->vm;
      host::Vcpu* cpu = what == "rec" ? v.vcpu(static_cast<unsigned>(value)) : nullptr;
      uint64_t pa = 0;
      if (what == "rd" && v.rd()) return v.rd();
      if (what == "rtt" && v.root_rtt()) return v.root_rtt();
      if (what == "pgd" && v.nvm_pgd()) return v.nvm_pgd();
      if (cpu && cpu->rec()) return cpu->rec();
      if (what == "data" && v.pa_of(value, pa)) return pa;
      if (what == "ram" && v.user_pa_of(value, pa)) return pa;
    }
    throw RunFailure(where + ": '" + text + "' names nothing (yet): is " + vm + " created, and that page mapped?");
  }
  std::string shown(uint64_t pa) const { return kind == Kind::Number ? text : text + "(" + hex(pa) + ")"; }
};

// The result register names of every declared RMI command (for $NAME).
bool is_result_name(const std::string& name) {
  for (const platform::abi::Spec* spec : platform::abi::kSpecs)
    for (const platform::abi::Command& c : spec->rmi)
      if (c.results.reg_of(name)) return true;
  return false;
}

GranuleRef parse_granule(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  GranuleRef g;
  g.text = yaml::str(f, n, key);
  const std::string& t = g.text;
  const auto bad = [&](const std::string& why) { fail(f, n, key, "'" + t + "' " + why); };
  if (!t.empty() && (std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '-')) {
    // Negative values go as two's complement, as a host passing a signed level would.
    char* end = nullptr;
    errno = 0;
    if (t[0] == '-') g.value = static_cast<uint64_t>(std::strtoll(t.c_str(), &end, 0));
    const bool ok = t[0] == '-' ? t.size() > 1 && std::isdigit(static_cast<unsigned char>(t[1])) && !errno && !*end
                                : to_u64(t, g.value);
    if (!ok) bad("is not a number: a value that starts with a digit or - is a number (0x80000000, 4096, -1) of 64 bits");
    return g;
  }
  if (!t.empty() && t[0] == '$') {
    g.kind = GranuleRef::Kind::Result;
    g.what = t.substr(1);
    if (!is_result_name(g.what)) bad("names no RMI result register ($handle, $top, $rtt, ...: rmesim help steps)");
    return g;
  }
  if (t.rfind("dram", 0) == 0 && (t.size() == 4 || t[4] == '+')) {
    g.kind = GranuleRef::Kind::Dram;
    if (t.size() > 4 && !to_u64(t.substr(5), g.value)) bad("is not dram+OFFSET with a number as the offset");
    return g;
  }
  const auto dot = t.find('.');
  const std::string head = t.substr(0, dot);
  const bool is_vm = std::any_of(sc.vms.begin(), sc.vms.end(), [&](const host::VmSpec& v) { return v.name == head; });
  if (dot == std::string::npos && !is_vm) {
    g.kind = GranuleRef::Kind::Fresh;
    yaml::name(f, n, key);
    return g;
  }
  const host::VmSpec& vm = vm_named(f, n, key, sc, head);
  g.kind = GranuleRef::Kind::VmObject;
  g.vm = vm.name;
  const std::string what = dot == std::string::npos ? "rd" : t.substr(dot + 1);
  const auto at = what.find('@');
  const bool addressed = at != std::string::npos;
  g.what = addressed ? what.substr(0, at) : what.rfind("rec", 0) == 0 ? "rec" : what;
  const std::string arg = addressed ? what.substr(at + 1) : what.substr(g.what.size());
  const bool known = ((g.what == "rd" || g.what == "rtt" || g.what == "pgd") && !addressed && arg.empty()) ||
                     (g.what == "rec" && !addressed && to_u64(arg, g.value)) ||
                     ((g.what == "data" || g.what == "ram") && addressed && to_u64(arg, g.value));
  if (!known) bad("is not VM.rd, VM.rtt, VM.recN, VM.pgd, VM.data@IPA or VM.ram@GPA (VM one of the scenario's)");
  if ((g.what == "rd" || g.what == "rtt" || g.what == "rec") && !vm.realm) bad("names a realm's object, and " + vm.name + " is a normal VM");
  if (g.what == "pgd" && vm.realm) bad("names a normal VM's stage-2 table, and " + vm.name + " is a realm");
  if (g.what == "rec" && g.value >= vm.vcpus) bad("is beyond " + vm.name + "'s " + std::to_string(vm.vcpus) + " vCPUs");
  const unsigned bits = host::ipa_bits_for(vm);
  if ((g.what == "data" || g.what == "ram") && g.value >> bits)
    bad("is beyond " + vm.name + "'s " + std::to_string(bits) + "-bit IPA space");
  return g;
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
        const host::Vm& vm = *c.vmm->state(n)->vm;
        std::string why;
        for (const auto& w : vm.warnings()) why += (why.empty() ? ": " : "; ") + w;
        c.note("tore down " + n + (vm.leaked_pages() || !why.empty() ? ", leaked " + std::to_string(vm.leaked_pages()) + " granules" + why : ""));
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
  std::vector<uint8_t> typed;  // a typed value's bytes (empty: fill with `value`)
  std::string expect = "ok";  // ok | sigbus | not_mapped
  void execute(RunContext& c) override {
    require_host(c, where);
    std::vector<uint8_t> data = typed.empty() ? std::vector<uint8_t>(size, value) : typed;
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
  std::string vm;
  std::optional<GranuleRef> to;
  uint64_t ipa = 0;
  bool shared = false;
  std::string expect = "ok";
  void execute(RunContext& c) override {
    require_host(c, where);
    auto* st = c.vmm->state(vm);
    if (!st || st->torn_down) throw RunFailure(where + ": map_page: no live VM named " + vm);
    uint64_t target = 0;
    if (to) target = to->resolve(c, where);
    const uint64_t a = shared ? (ipa | st->vm->unprotected_bit()) : ipa;
    const int rc = st->vm->map_page(a, to ? &target : nullptr);
    const std::string got = rc == 0 ? "ok" : "error";
    c.note("map " + vm + " IPA " + hex(a) + (to ? " -> " + to->text + " (" + hex(target) + ")" : "") + ": " +
           (rc ? "error " + std::to_string(rc) : "ok"));
    if (got != expect) throw RunFailure(where + ": map_page: expected " + expect + ", got " + got);
  }
};

// --- dma ----------------------------------------------------------------------------------
// The DMA engine, a client of the SMMU (StreamID memory_map::kDmaStreamId), writes or reads one
// guest page. A normal VM's device is attached to the VM's stage 2 and addresses IPAs; a
// realm cannot own a device (no RME-DA), so DMA "to a realm" is the host's own device in
// bypass, addressing the PA the host knows for the IPA. Either way the SMMU's GPC unit checks
// the output. The step's time is the driver's STE update plus the transfer, which costs what
// it does (setup, STE/table fetches and GPC walks the SMMU's caches miss, the data).
constexpr uint8_t kDmaPattern = 0xDA;  // what a device writing to a guest writes

// The host's SMMU driver, probed on first use.
host::SmmuDriver& smmu_driver(RunContext& c, const std::string& where) {
  if (!c.smmu) c.smmu = std::make_shared<host::SmmuDriver>(c.kvm->pages(), platform::memory_map::kSmmuBase);
  if (auto err = c.smmu->probe(c.pe.requester()); !err.empty()) throw RunFailure(where + ": SMMU: " + err);
  return *c.smmu;
}

struct DmaStep : Step {
  std::string vm;
  std::optional<GranuleRef> pa;  // set: the device addresses it through the stream's STE as it is
  uint64_t ipa = 0, size = 4096;
  bool write = true;  // device writes into guest memory
  std::string expect = "ok";  // ok | fault | any
  void execute(RunContext& c) override {
    require_host(c, where);
    auto& req = c.pe.requester();
    auto& dma = c.soc.dma();
    uint64_t addr = 0;
    std::string path, err;
    host::Vmm::VmState* st = nullptr;
    if (pa) {
      smmu_driver(c, where);
      addr = pa->resolve(c, where);
      path = "the stream's STE as it is, address " + pa->shown(addr);
    } else {
      st = c.vmm->state(vm);
      if (!st || st->torn_down) throw RunFailure(where + ": dma: no live VM named " + vm);
      smmu_driver(c, where);
    }
    if (pa) {
    } else if (st->spec.realm) {
      if (!st->vm->pa_of(ipa, addr) && !st->vm->user_pa_of(ipa & ~st->vm->unprotected_bit(), addr))
        throw RunFailure(where + ": dma: nothing behind " + vm + " IPA " + hex(ipa));
      path = "host device, bypass, PA " + hex(addr);
      err = c.smmu->attach_bypass(req, dma.stream_id());
    } else {
      if (!st->vm->dma_map(c.pe, ipa)) throw RunFailure(where + ": dma: nothing behind " + vm + " IPA " + hex(ipa));
      addr = ipa;
      path = vm + "'s device, stage 2";
      err = c.smmu->attach_stage2(req, dma.stream_id(), st->vm->nvm_pgd());
    }
    if (!err.empty()) throw RunFailure(where + ": dma: SMMU: " + err);
    // The transfer starts at this PE's time, so its duration is its own.
    req.sync();
    using D = platform::DmaEngine;
    dma.write_reg(D::kSrc, write ? kDmaPattern : addr);
    dma.write_reg(D::kDst, write ? addr : 0);
    dma.write_reg(D::kLen, size);
    dma.write_reg(D::kCtrl, D::kCtrlStart | (write ? D::kCtrlFill : D::kCtrlRead));
    while (dma.busy()) sc_core::wait(dma.done_event());
    const bool fault = dma.read_reg(D::kStatus) & D::kStatusFault;
    std::string events;
    for (const auto& e : c.smmu->drain_events(req))
      events += std::string(events.empty() ? "" : ", ") + platform::smmuv3::to_string(static_cast<platform::smmuv3::EventType>(e.type)) +
                (e.gpcf ? " (GPCF)" : "");
    const std::string got = fault ? "fault" : "ok";
    c.note(std::string("DMA ") + (write ? "write to " : "read from ") + (pa ? std::string("PA ") + hex(addr) : vm + " IPA " + hex(ipa)) + " (" + path +
           ", SID " + std::to_string(dma.stream_id()) + "): " +
           (fault ? "aborted at " + hex(dma.read_reg(D::kFaultAddr)) : "ok") + ", " +
           std::to_string(dma.read_reg(D::kCopied)) + " B in " + platform::format_time(dma.last_duration()) +
           (write ? "" : ", checksum " + hex(dma.read_reg(D::kChecksum))) +
           (events.empty() ? "" : "; SMMU events: " + events));
    if (expect != "any" && got != expect) throw RunFailure(where + ": dma: expected " + expect + ", got " + got);
  }
};

// --- smmu: the host programs an STE -------------------------------------------------------
// As a careless or hostile host may: abort, bypass, a normal VM's stage 2, a stage 2 rooted
// anywhere (a realm's RTT, a delegated granule), an invalid or reserved STE; then invalidates
// it, everything, or nothing (the SMMU may keep using what it cached).
struct SmmuStep : Step {
  std::optional<uint32_t> sid;  // default: the DMA engine's
  std::string ste = "bypass";   // abort | bypass | stage2 | invalid | reserved
  std::string vm;               // stage2: the normal VM whose stage 2 it uses
  std::optional<GranuleRef> ttb;  // stage2: its root instead
  host::SmmuDriver::Invalidate invalidate = host::SmmuDriver::Invalidate::Ste;
  void execute(RunContext& c) override {
    require_host(c, where);
    auto& drv = smmu_driver(c, where);
    namespace s = platform::smmuv3;
    s::Ste e;
    e.valid = ste != "invalid";
    std::string shown = ste;
    if (ste == "abort") e.config = static_cast<uint8_t>(s::SteConfig::Abort);
    else if (ste == "bypass" || ste == "invalid") e.config = static_cast<uint8_t>(s::SteConfig::Bypass);
    else if (ste == "reserved") e.config = 1;
    else {
      uint64_t root = 0;
      if (ttb) {
        root = ttb->resolve(c, where);
        shown += " rooted at " + ttb->shown(root);
      } else {
        auto* st = c.vmm->state(vm);
        if (!st || st->torn_down || !st->vm->nvm_pgd()) throw RunFailure(where + ": smmu: no live normal VM named " + vm);
        root = st->vm->nvm_pgd();
        shown += " of " + vm;
      }
      e = drv.stage2_ste(root);
    }
    const uint32_t id = sid ? *sid : c.soc.dma().stream_id();
    const std::string err = drv.set_ste(c.pe.requester(), id, e, invalidate);
    c.note("STE " + std::to_string(id) + ": " + shown + (err.empty() ? "" : ": " + err));
  }
};

// --- rmi: a raw RMI call on named granules ------------------------------------------------
// REALM_CREATE's and REC_CREATE's params may be a map of RmiRealmParams / RmiRecParams fields
// (the declaration's names, offsets and sizes, of the scenario's rmm.version); the step
// writes them into a fresh page.
const platform::abi::Struct* params_struct(uint32_t fid, const platform::abi::Spec& abi = platform::abi::kImplemented) {
  if (fid == rmi::kRealmCreate) return abi.structure("RmiRealmParams");
  if (fid == rmi::kRecCreate) return abi.structure("RmiRecParams");
  return nullptr;
}

// One element of a params field: a granule or number, checked against the field's size.
struct ParamValue {
  const platform::abi::Field* field;
  unsigned index;
  GranuleRef value;
};

// The old spelling of an aux element, "aux3": still accepted.
bool old_aux_name(const std::string& name, unsigned& index) {
  uint64_t i = 0;
  if (name.rfind("aux", 0) != 0 || name.size() < 4 || !to_u64(name.substr(3), i) || i >= rmi::rec_params::kMaxAux)
    return false;
  index = static_cast<unsigned>(i);
  return true;
}

std::vector<ParamValue> parse_params(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc,
                                     const platform::abi::Struct& decl) {
  if (!n.IsMap()) fail(f, n, key, std::string("a map of ") + decl.name + " fields (or a granule)");
  std::vector<ParamValue> out;
  auto one = [&](const platform::abi::Field& field, unsigned i, const YAML::Node& v, const std::string& k) {
    GranuleRef g = parse_granule(f, v, k, sc);
    if (g.kind == GranuleRef::Kind::Number && !platform::abi::fits(field, g.value))
      fail(f, v, k, g.text + " does not fit " + field.name + " (" + std::to_string(field.size) + " B)");
    out.push_back({&field, i, g});
  };
  for (const auto& kv : n) {
    const std::string name = kv.first.Scalar();
    const std::string k = key + "." + name;
    unsigned aux = 0;
    if (old_aux_name(name, aux)) {
      one(decl.field("aux"), aux, kv.second, k);
      continue;
    }
    const platform::abi::Field* field = decl.find(name);
    if (!field) {
      std::string known;
      for (const auto& x : decl.fields) known += (known.empty() ? "" : ", ") + std::string(x.name);
      fail(f, kv.first, k, "unknown key (" + std::string(decl.name) + " fields: " + known + ")");
    }
    if (field->count == 1) {
      one(*field, 0, kv.second, k);
    } else if (!kv.second.IsSequence() || kv.second.size() > field->count) {
      fail(f, kv.second, k, std::string(field->name) + " is an array of " + std::to_string(field->count) + ": a list of at most that many");
    } else {
      for (size_t i = 0; i < kv.second.size(); ++i)
        one(*field, static_cast<unsigned>(i), kv.second[i], k + "[" + std::to_string(i) + "]");
    }
  }
  return out;
}

struct RmiStep : Step {
  uint32_t fid = 0;
  std::string command;
  std::vector<std::pair<std::string, GranuleRef>> args;  // in X1.. order
  std::map<size_t, std::vector<GranuleRef>> lists;       // argument index -> the u64s of its list page
  std::vector<ParamValue> params;                        // REALM_CREATE or REC_CREATE params fields
  const platform::abi::Struct* params_decl = nullptr;    // their structure, of the scenario's rmm.version
  bool has_params = false;
  bool expect_any = false;
  rmi::Status expect_status = rmi::Status::Success;
  int expect_index = -1;
  std::vector<std::pair<unsigned, GranuleRef>> expect_results;  // X<n> == a number or a granule's PA
  const platform::abi::Command* decl = nullptr;
  // REC_ENTER only: how long the REC may run before the host's tick takes the PE back.
  sc_core::sc_time timeout = host::Vmm::Until{}.timeout;  // the run step's default

  uint64_t params_page(RunContext& c) const {
    const uint64_t pa = scratch_page(c, "#params " + where, where);
    const platform::abi::Struct& d = *params_decl;
    std::vector<uint8_t> buf(d.size, 0);
    if (fid == rmi::kRealmCreate) {  // what a host without an opinion asks for
      platform::abi::put(buf.data(), d, "num_bps", 2);
      platform::abi::put(buf.data(), d, "num_wps", 2);
    }
    for (const ParamValue& p : params) platform::abi::put(buf.data(), *p.field, p.value.resolve(c, where), p.index);
    c.pe.requester().write(pa, buf.data(), buf.size(), gpt::Pas::NonSecure);
    return pa;
  }

  // A list argument (OP_MEM_DONATE's list): a page of the step's own holding the values, one
  // u64 each, zero after them.
  uint64_t list_page(RunContext& c, const std::string& name, const std::vector<GranuleRef>& values) const {
    const uint64_t pa = scratch_page(c, "#" + name + " " + where, where);
    std::vector<uint8_t> buf(4096, 0);
    for (size_t k = 0; k < values.size(); ++k) {
      const uint64_t v = values[k].resolve(c, where);
      std::memcpy(buf.data() + 8 * k, &v, 8);
    }
    c.pe.requester().write(pa, buf.data(), buf.size(), gpt::Pas::NonSecure);
    return pa;
  }

  // A REC runs inside REC_ENTER until it exits; one that never does (a guest spinning, a page
  // destroyed behind it) is stopped by the host's scheduler tick (host/host_tick.h): at
  // `timeout` the PE's CNTHP raises PPI 26, the CPU ends the run at its slice boundary and the
  // RMM returns with RMI_EXIT_IRQ.
  static std::string exit_reason(RunContext& c, uint64_t run) {
    uint64_t reason = 0;
    constexpr uint64_t kAt = platform::abi::v1_0::kRecRun.nested("exit", "exit_reason").offset;
    if (!c.pe.requester().read64(run + kAt, reason, gpt::Pas::NonSecure).ok()) return "";
    return std::string(" (exit ") + rmi::to_string(static_cast<rmi::ExitReason>(reason & 0xFF)) + ")";
  }

  void execute(RunContext& c) override {
    require_host(c, where);
    platform::abi::SmcRegs regs;
    regs.x[0] = fid;
    std::string shown;
    unsigned i = 1;
    for (size_t a = 0; a < args.size(); ++a) {
      const auto& [name, v] = args[a];
      const auto list = lists.find(a);
      const uint64_t x = (name == "params" && has_params) ? params_page(c)
                         : list != lists.end()            ? list_page(c, name, list->second)
                                                          : v.resolve(c, where);
      regs.x[i++] = x;
      shown += (shown.empty() ? "" : ", ") + name + "=" +
               (name == "params" && has_params ? "params(" + hex(x) + ")"
                : list != lists.end()          ? "list(" + hex(x) + ")"
                                               : v.shown(x));
    }
    std::optional<host::HostTick> tick;
    if (fid == rmi::kRecEnter) tick.emplace(c.kvm->soc(), c.pe, timeout);
    const host::RmiResult r = c.kvm->rmi().call_regs(regs);
    if (tick) tick->stop();
    std::string got = std::string(rmi::to_string(r.status())) + (r.index() ? " index " + std::to_string(r.index()) : "");
    std::string results;  // every result register by its declared name
    const bool answered = r.status() == rmi::Status::Success || r.status() == rmi::Status::Incomplete;
    for (unsigned k = 0; k < decl->results.size(); ++k) {
      results += " " + std::string(decl->results[k]) + "=" + hex(regs.x[k + 1]);
      if (answered) c.rmi_results[std::string(decl->results[k])] = regs.x[k + 1];  // what $NAME names from now on
    }
    c.note(command + "(" + shown + ") -> " + got + results +
           (tick && r.status() == rmi::Status::Success ? exit_reason(c, regs.x[2]) : ""));
    if (expect_any) return;
    if (r.status() != expect_status || (expect_index >= 0 && static_cast<int>(r.index()) != expect_index))
      throw RunFailure(where + ": " + command + ": expected " + rmi::to_string(expect_status) +
                       (expect_index >= 0 ? " index " + std::to_string(expect_index) : "") + ", got " + got);
    std::string bad;
    for (const auto& [reg, ref] : expect_results)
      if (const uint64_t want = ref.resolve(c, where); regs.x[reg] != want)
        bad += (bad.empty() ? "" : ", ") + std::string(decl->results[reg - 1]) + " (X" + std::to_string(reg) + ") " +
               hex(regs.x[reg]) + ", expected " + hex(want);
    if (!bad.empty()) throw RunFailure(where + ": " + command + ": " + bad);
  }
};

// --- check: assertions on what happened ---------------------------------------------------
struct CheckStep : Step {
  std::string vm;
  std::vector<std::string> console;
  std::string stopped;
  bool has_result = false;
  uint64_t result = 0;
  struct ExitBound { uint64_t count = 0; bool exact = false; };
  std::map<std::string, ExitBound> exits;  // host::exit_counter_names() -> at least / exactly
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
      auto value = [](uint64_t v) { return hex(v) + " (" + std::to_string(v) + ")"; };
      if (has_result && !st->result)
        bad.push_back(vm + " reported no result, expected X1 = " + value(result));
      else if (has_result && (*st->result)[0] != result)
        bad.push_back(vm + " result X1 = " + value((*st->result)[0]) + ", expected " + value(result));
      for (const auto& [name, b] : exits) {
        const uint64_t have = st->vm->exit_count(name);
        if (b.exact ? have != b.count : have < b.count)
          bad.push_back(vm + " had " + std::to_string(have) + " " + name + " exits, expected " +
                        (b.exact ? "exactly " : "at least ") + std::to_string(b.count));
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
// Each kind's fields are declared beside its parser; the loader checks a step's keys against
// them (and the required ones) before the parser runs.
std::unique_ptr<Step> parse_create(bool teardown, const std::string& f, const YAML::Node& n, const std::string& key,
                                   const Scenario& sc) {
  auto s = std::make_unique<CreateStep>();
  s->teardown = teardown;
  s->names = name_list(f, n, key, sc);
  return s;
}

uint64_t step_duration(const std::string& f, const YAML::Node& n, const std::string& key) {
  return yaml::duration_ns(f, n, key, 1, kMaxStepNs);
}

const Fields kRunFields = {
    {"vm", "VM | [VM...] | all", false, "the VMs whose vCPUs run (default all)"},
    {"vms", "VM | [VM...] | all", false, "the same as vm"},
    {"until", "stopped | {console: TEXT}", false, "stop when every VM stopped (default) or TEXT appears on a console"},
    {"timeout", "duration", false, "simulated time limit, 1ns to 3600s (default 1s); reaching it fails the step"},
    {"for", "duration", false, "run for exactly this long instead of until (1ns to 3600s)"},
    {"allow_timeout", "bool", false, "reaching the timeout is not a failure"},
};

std::unique_ptr<Step> parse_run(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  auto s = std::make_unique<RunStep>();
  if (!n.IsMap()) {
    s->names = name_list(f, n, key, sc);
    return s;
  }
  if (n["vm"]) s->names = name_list(f, n["vm"], key + ".vm", sc);
  if (n["vms"]) s->names = name_list(f, n["vms"], key + ".vms", sc);
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
    s->until.timeout = sc_core::sc_time(static_cast<double>(step_duration(f, n["for"], key + ".for")), sc_core::SC_NS);
  }
  if (n["timeout"]) {
    if (n["for"]) fail(f, n["timeout"], key + ".timeout", "use either for or timeout");
    s->until.timeout = sc_core::sc_time(static_cast<double>(step_duration(f, n["timeout"], key + ".timeout")), sc_core::SC_NS);
  }
  if (n["allow_timeout"]) s->allow_timeout = yaml::boolean(f, n["allow_timeout"], key + ".allow_timeout");
  return s;
}

std::unique_ptr<Step> parse_pause(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario&) {
  auto s = std::make_unique<PauseStep>();
  s->ns = step_duration(f, n, key);
  return s;
}

const Fields kHostReadFields = {
    {"vm", "VM", true, "the VM whose memory the VMM touches"},
    {"ipa", "integer", true, "guest-physical address, below the VM's IPA size (a realm's unprotected alias for shared memory)"},
    {"size", "size", false, "bytes, 1 to 4096 (default 8)"},
    {"expect", "ok|sigbus|not_mapped", false, "the outcome (default ok)"},
};
const Fields kHostWriteFields = [] {
  Fields f = kHostReadFields;
  f.insert(f.begin() + 3, {"value", "integer | typed value", false,
                           "the fill byte, 0 to 255 (default 0), or a typed value (below) whose size is the write's"});
  return f;
}();

std::unique_ptr<Step> parse_host_access(bool write, const std::string& f, const YAML::Node& n, const std::string& key,
                                        const Scenario& sc) {
  auto s = std::make_unique<HostAccessStep>();
  s->write = write;
  const host::VmSpec& vm = vm_named(f, n["vm"], key + ".vm", sc);
  s->vm = vm.name;
  s->ipa = vm_ipa(f, n["ipa"], key + ".ipa", vm);
  if (n["size"]) s->size = yaml::size(f, n["size"], key + ".size");
  if (s->size == 0 || s->size > 4096) fail(f, n["size"], key + ".size", "must be 1 to 4096 bytes");
  if (n["value"]) {
    s->typed = write_value(f, n, key, s->size, s->value);
    if (s->size > 4096) fail(f, n["value"], key + ".value", "must be 1 to 4096 bytes");
  }
  if (n["expect"]) s->expect = yaml::choice(f, n["expect"], key + ".expect", kHostReadFields, "expect");
  return s;
}

const Fields kMapPageFields = {
    {"vm", "VM", true, "the VM whose stage 2 the host changes"},
    {"ipa", "integer", true, "the IPA to map, below the VM's IPA size (a realm's protected half)"},
    {"to", "granule", false, "map this page instead of the VM's own (a normal VM; see rmi for granule names)"},
    {"shared", "bool", false, "a realm's unprotected alias of ipa (RMI_RTT_MAP_UNPROTECTED)"},
    {"expect", "ok|error", false, "the host's answer (default ok)"},
};

std::unique_ptr<Step> parse_map_page(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  auto s = std::make_unique<MapPageStep>();
  const host::VmSpec& vm = vm_named(f, n["vm"], key + ".vm", sc);
  s->vm = vm.name;
  if (n["shared"]) s->shared = yaml::boolean(f, n["shared"], key + ".shared");
  s->ipa = vm_ipa(f, n["ipa"], key + ".ipa", vm, s->shared);
  if (n["to"]) s->to = parse_granule(f, n["to"], key + ".to", sc);
  if (n["expect"]) s->expect = yaml::choice(f, n["expect"], key + ".expect", kMapPageFields, "expect");
  return s;
}

const Fields kDmaFields = {
    {"vm", "VM", false, "a normal VM: its device, through its stage 2; a realm: the host's device, in bypass"},
    {"ipa", "integer", false, "the guest page, below the VM's IPA size (a realm's shared alias for its shared memory)"},
    {"pa", "granule", false, "instead of vm and ipa: the address the device uses, through its stream's STE as it is (smmu)"},
    {"size", "size", false, "bytes, 1 to 4096 (default 4096)"},
    {"direction", "to_guest|from_guest", false, "to_guest: the device writes 0xDA bytes; from_guest: it reads (default to_guest)"},
    {"expect", "ok|fault|any", false, "the engine's status: fault when the SMMU aborted an access (default ok)"},
};

std::unique_ptr<Step> parse_dma(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  auto s = std::make_unique<DmaStep>();
  if (n["pa"]) {
    if (n["vm"] || n["ipa"]) fail(f, n["pa"], key + ".pa", "use either pa or vm and ipa");
    s->pa = parse_granule(f, n["pa"], key + ".pa", sc);
  } else {
    if (!n["vm"] || !n["ipa"]) fail(f, n, key, "needs vm and ipa (or pa)");
    const host::VmSpec& vm = vm_named(f, n["vm"], key + ".vm", sc);
    s->vm = vm.name;
    s->ipa = vm_ipa(f, n["ipa"], key + ".ipa", vm);
  }
  if (n["size"]) s->size = yaml::size(f, n["size"], key + ".size");
  if (s->size == 0 || s->size > 4096) fail(f, n["size"], key + ".size", "must be 1 to 4096 bytes");
  if (n["direction"]) {
    s->write = yaml::choice(f, n["direction"], key + ".direction", kDmaFields, "direction") == "to_guest";
  }
  if (n["expect"]) s->expect = yaml::choice(f, n["expect"], key + ".expect", kDmaFields, "expect");
  return s;
}

const Fields kSmmuFields = {
    {"ste", "abort|bypass|stage2|invalid|reserved", true, "what the STE says (invalid: V is 0; reserved: a reserved Config)"},
    {"sid", "integer", false, "the StreamID, 0 to 255 (default the DMA engine's)"},
    {"vm", "VM", false, "stage2: the normal VM whose stage 2 the device uses"},
    {"ttb", "granule", false, "stage2: the root table instead (any page: a realm's RTT, a delegated granule)"},
    {"invalidate", "ste|all|none", false, "then CMD_CFGI_STE + TLBI + SYNC (ste, default), CMD_CFGI_ALL + SYNC (all), or nothing"},
};

std::unique_ptr<Step> parse_smmu(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  auto s = std::make_unique<SmmuStep>();
  s->ste = yaml::choice(f, n["ste"], key + ".ste", kSmmuFields, "ste");
  if (n["sid"]) {
    const uint64_t id = yaml::u64(f, n["sid"], key + ".sid");
    if (id > 255) fail(f, n["sid"], key + ".sid", "must be 0 to 255 (the driver's Stream table has 256 STEs)");
    s->sid = static_cast<uint32_t>(id);
  }
  if (n["vm"]) {
    const host::VmSpec& vm = vm_named(f, n["vm"], key + ".vm", sc);
    if (vm.realm) fail(f, n["vm"], key + ".vm", vm.name + " is a realm: a device cannot use a realm's stage 2 (ttb: names any page)");
    s->vm = vm.name;
  }
  if (n["ttb"]) s->ttb = parse_granule(f, n["ttb"], key + ".ttb", sc);
  if (s->ste == "stage2" && s->vm.empty() == !s->ttb) fail(f, n, key, "stage2 needs vm or ttb (one of them)");
  if (s->ste != "stage2" && (n["vm"] || n["ttb"])) fail(f, n, key, "vm and ttb go with ste: stage2");
  if (n["invalidate"]) {
    const std::string i = yaml::choice(f, n["invalidate"], key + ".invalidate", kSmmuFields, "invalidate");
    s->invalidate = i == "all" ? host::SmmuDriver::Invalidate::All
                    : i == "none" ? host::SmmuDriver::Invalidate::None : host::SmmuDriver::Invalidate::Ste;
  }
  return s;
}

const Fields kRmiFields = {
    {"rmi", "COMMAND", true, "an RMM 1.0 command (DATA_CREATE or RMI_DATA_CREATE); its arguments sit beside it"},
    {"expect", "STATUS | {status: STATUS, index: 0..255, RESULT: value, ...} | any", false,
     "the RMM's answer (default RMI_SUCCESS); RESULT: a result register by its name (the list below), a number or a VM's granule"},
};

// A command's keys: rmi, expect and its arguments (granule names or numbers; params a map).
Fields rmi_fields(const platform::abi::Command& c) {
  Fields f = kRmiFields;
  static std::map<std::string, std::string> names;  // Field holds const char*: keep the names alive
  for (unsigned i = 0; i < c.args.size(); ++i) {
    const std::string& a = names.emplace(std::string(c.args[i]), std::string(c.args[i])).first->second;
    f.push_back({a.c_str(), "granule", true, "an argument of the command, X1 onwards in order (rmesim help steps)"});
  }
  if (c.fid == rmi::kRecEnter)
    f.push_back({"timeout", "duration", false,
                 "the host's tick: the REC runs at most this long, then returns with RMI_EXIT_IRQ (default 1s)"});
  return f;
}

// The expect map: status and index (X0), then any result register by its declared name.
void parse_rmi_expect(const std::string& f, const YAML::Node& e, const std::string& key, const Scenario& sc, RmiStep& s) {
  std::string st;
  if (e.IsScalar()) {
    st = e.Scalar();
  } else {
    if (!e.IsMap()) fail(f, e, key + ".expect", "a status, any, or a map {status: STATUS, index: N, RESULT: value}");
    for (const auto& kv : e) {
      const std::string name = kv.first.Scalar();
      const std::string k = key + ".expect." + name;
      if (name == "status" || name == "index") continue;
      const unsigned reg = s.decl->results.reg_of(name);
      if (!reg) {
        std::string known;
        for (unsigned i = 0; i < s.decl->results.size(); ++i) known += ", " + std::string(s.decl->results[i]);
        fail(f, kv.first, k, "unknown key (" + std::string(s.decl->name) + " returns: status, index" + known + ")");
      }
      const GranuleRef v = parse_granule(f, kv.second, k, sc);
      if (v.kind == GranuleRef::Kind::Fresh)
        fail(f, kv.second, k, "expected a number (-1, 0x80200000) or a VM's granule (r0.rd, r0.data@IPA)");
      s.expect_results.push_back({reg, v});
    }
    st = e["status"] ? yaml::str(f, e["status"], key + ".expect.status") : "RMI_SUCCESS";
    if (e["index"]) {
      if (!e["status"]) fail(f, e["index"], key + ".expect.index", "an index needs its status (RMI_ERROR_RTT, ...)");
      const uint64_t i = yaml::u64(f, e["index"], key + ".expect.index");
      if (i > 255) fail(f, e["index"], key + ".expect.index", "must be 0 to 255 (X0 bits [15:8])");
      s.expect_index = static_cast<int>(i);
    }
  }
  if (st == "any" && (!s.expect_results.empty() || s.expect_index >= 0))
    fail(f, e, key + ".expect", "any expects nothing: leave out index and results");
  if (st == "any") s.expect_any = true;
  else if (!host::rmi_status_from_name(st, s.expect_status, *sc.rmm)) {
    std::string known;
    for (const platform::abi::StatusCode& c : sc.rmm->statuses) known += std::string(c.name) + ", ";
    fail(f, e, key + ".expect", "unknown status '" + st + "' (RMM " + sc.rmm->version + ": " + known + "any)");
  }
}

std::unique_ptr<Step> parse_rmi(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  auto s = std::make_unique<RmiStep>();
  s->command = yaml::str(f, n["rmi"], key);
  s->decl = host::rmi_command(s->command, *sc.rmm);
  if (!s->decl)
    fail(f, n["rmi"], key, "unknown RMI command '" + s->command + "' (RMM " + sc.rmm->version + ": " +
                               (sc.rmm->rmi_version == rmi::kVersion ? "DATA_CREATE, GRANULE_DELEGATE" : "RTT_DATA_MAP, GRANULE_RANGE_DELEGATE") +
                               ", ...; rmesim help steps)");
  s->fid = s->decl->fid;
  s->command = s->decl->name;
  yaml::only_keys(f, n, key, rmi_fields(*s->decl));
  if (n["timeout"])
    s->timeout = sc_core::sc_time(static_cast<double>(step_duration(f, n["timeout"], key + ".timeout")), sc_core::SC_NS);
  for (unsigned i = 0; i < s->decl->args.size(); ++i) {
    const std::string a(s->decl->args[i]);
    const YAML::Node v = n[a];
    const platform::abi::Struct* ps = a == "params" ? params_struct(s->fid, *sc.rmm) : nullptr;
    if (v.IsMap() && ps) {
      s->has_params = true;
      s->params_decl = ps;
      s->params = parse_params(f, v, key + ".params", sc, *ps);
      s->args.push_back({a, GranuleRef{}});
    } else if (v.IsSequence()) {
      if (v.size() > 512) fail(f, v, key + "." + a, "a list page holds at most 512 values");
      std::vector<GranuleRef>& l = s->lists[i];
      for (size_t k = 0; k < v.size(); ++k) l.push_back(parse_granule(f, v[k], key + "." + a + "[" + std::to_string(k) + "]", sc));
      s->args.push_back({a, GranuleRef{}});
    } else {
      s->args.push_back({a, parse_granule(f, v, key + "." + a, sc)});
    }
  }
  if (const auto e = n["expect"]) parse_rmi_expect(f, e, key, sc, *s);
  return s;
}

// A check.exits key: one of the host's exit counters.
std::string exit_name(const std::string& f, const YAML::Node& n, const std::string& key) {
  const std::string name = yaml::str(f, n, key);
  const auto& known = host::exit_counter_names();
  if (std::find(known.begin(), known.end(), name) != known.end()) return name;
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  fail(f, n, key + "." + name, "unknown exit '" + name + "' (known: " + list + ")");
}

// A check.exits count: N or ">=N" (at least N), "==N" (exactly N).
CheckStep::ExitBound exit_bound(const std::string& f, const YAML::Node& n, const std::string& key) {
  std::string s = yaml::str(f, n, key);
  CheckStep::ExitBound b;
  if (s.rfind("==", 0) == 0 || s.rfind(">=", 0) == 0) {
    b.exact = s[0] == '=';
    s.erase(0, 2);
  }
  char* end = nullptr;
  errno = 0;
  b.count = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0])) || errno || *end)
    fail(f, n, key, "expected a count: N or \">=N\" (at least N), \"==N\" (exactly N)");
  return b;
}

const Fields kCheckFields = {
    {"vm", "VM", false, "the VM the console, stopped, result and exits checks are about"},
    {"console", "TEXT | [TEXT...]", false, "each text appears on the VM's console"},
    {"stopped", "running|system_off|system_reset|oops|shutdown|error", false, "why the VM stopped"},
    {"result", "integer", false, "the result the VM reported (a normal VM: X1 at SYSTEM_OFF; a realm: its result host call)"},
    {"exits", "{EXIT: N | \">=N\" | \"==N\"}", false, "exit counts: at least N, or exactly N (RMI_EXIT_*, RMI_EXIT_SYNC.<cause>, KVM_EXIT_*)"},
    {"faults", "{oops|sigbus|guest_abort: count}", false, "exactly this many host faults of each kind"},
    {"granules_delegated", "integer", false, "granules still delegated, exactly"},
};

std::unique_ptr<Step> parse_check(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& sc) {
  auto s = std::make_unique<CheckStep>();
  if (n["vm"]) s->vm = vm_named(f, n["vm"], key + ".vm", sc).name;
  if (const auto c = n["console"]) {
    if (c.IsSequence()) for (size_t i = 0; i < c.size(); ++i) s->console.push_back(yaml::str(f, c[i], key + ".console"));
    else s->console.push_back(yaml::str(f, c, key + ".console"));
  }
  if (n["stopped"]) s->stopped = yaml::choice(f, n["stopped"], key + ".stopped", kCheckFields, "stopped");
  if (n["result"]) { s->has_result = true; s->result = yaml::u64(f, n["result"], key + ".result"); }
  if (const auto e = n["exits"]) {
    if (!e.IsMap()) fail(f, e, key + ".exits", "a map of exit name: count (at least), \">=N\" or \"==N\"");
    for (const auto& kv : e) s->exits[exit_name(f, kv.first, key + ".exits")] = exit_bound(f, kv.second, key + ".exits." + kv.first.Scalar());
  }
  if (const auto e = n["faults"]) {
    yaml::only_keys(f, e, key + ".faults", {"oops", "sigbus", "guest_abort"});
    for (const auto& kv : e) s->faults[kv.first.Scalar()] = yaml::u64(f, kv.second, key + ".faults." + kv.first.Scalar());
  }
  if (n["granules_delegated"]) {
    s->check_granules = true;
    s->granules_delegated = yaml::u64(f, n["granules_delegated"], key + ".granules_delegated");
  }
  if ((!s->console.empty() || !s->stopped.empty() || s->has_result || !s->exits.empty()) && s->vm.empty())
    fail(f, n, key, "console, stopped, result and exits need vm");
  return s;
}

}  // namespace

const std::vector<StepKind>& vm_step_kinds() {
  static const std::vector<StepKind> r = {
      {"create", "VM | [VM...] | all", "KVM_CREATE_VM, memory, image, populate (a realm), vCPUs", {},
       [](auto& f, auto& n, auto& k, auto& s) { return parse_create(false, f, n, k, s); }},
      {"teardown", "VM | [VM...] | all", "destroy the VMs; a realm's granules are undelegated", {},
       [](auto& f, auto& n, auto& k, auto& s) { return parse_create(true, f, n, k, s); }},
      {"run", "VM | [VM...] | all", "run the VMs' vCPUs until a condition or a time limit", kRunFields, parse_run},
      {"pause", "DURATION", "the VMM idles for this long (500us, 20ms, 2s; 1ns to 3600s)", {}, parse_pause},
      {"host_read", nullptr, "the VMM reads guest memory (a GPF on realm memory is SIGBUS)", kHostReadFields,
       [](auto& f, auto& n, auto& k, auto& s) { return parse_host_access(false, f, n, k, s); }},
      {"host_write", nullptr, "the VMM writes guest memory", kHostWriteFields,
       [](auto& f, auto& n, auto& k, auto& s) { return parse_host_access(true, f, n, k, s); }},
      {"map_page", nullptr, "the host maps a page into the VM's stage 2 (a malicious host may map another's)",
       kMapPageFields, parse_map_page},
      {"dma", nullptr, "the DMA engine writes or reads a guest page through the SMMU (translation and GPC)", kDmaFields, parse_dma},
      {"smmu", nullptr, "the host writes the STE of a stream (the DMA engine's by default) and invalidates it, or not", kSmmuFields, parse_smmu},
      {"rmi", nullptr, "a raw RMI call: {rmi: COMMAND, ARG: value, ..., expect: ...}", kRmiFields, parse_rmi},
      {"check", nullptr, "assertions on what happened; a failed one fails the run (exit 1)", kCheckFields, parse_check},
  };
  return r;
}

std::string vm_steps_help() {
  std::ostringstream o;
  o << "\nrmi commands and their arguments (each a granule: a number, dram+OFFSET, VM, VM.rd, VM.rtt,\n"
       "VM.recN, VM.pgd, VM.data@IPA, VM.ram@GPA, $RESULT (what result register RESULT held after the\n"
       "last call that returned RMI_SUCCESS or RMI_INCOMPLETE, 0 before: $handle), a list [v, ...] (a\n"
       "page holding the values, one u64 each: OP_MEM_DONATE's list), or any other name for a fresh\n"
       "Non-secure page):\n";
  for (const platform::abi::Spec* spec : platform::abi::kSpecs) {
    if (spec != &platform::abi::kImplemented) o << " RMM " << spec->version << " (rmm.version: " << spec->version << "):\n";
    for (const platform::abi::Command& c : spec->rmi) {
      // Past the default version, only what it adds or changes.
      const platform::abi::Command* same = platform::abi::kImplemented.rmi_command(c.fid);
      if (spec != &platform::abi::kImplemented && same && std::string(same->name) == c.name &&
          same->args.size() == c.args.size() && same->results.size() == c.results.size())
        continue;
      o << "  " << c.name << ":";
      for (unsigned i = 0; i < c.args.size(); ++i) o << " " << c.args[i];
      if (c.results.size()) o << " ->";
      for (unsigned i = 0; i < c.results.size(); ++i) o << " " << c.results[i];
      o << "\n";
    }
  }
  o << "  (after ->: the result registers X1.., which the step reports and `expect` may assert by name:\n"
       "   {rmi: RTT_INIT_RIPAS, rd: r0, base: 0x80000000, top: 0x80400000, expect: {status: RMI_SUCCESS, top: 0x80200000}})\n";
  for (const uint32_t fid : {rmi::kRealmCreate, rmi::kRecCreate}) {
    const platform::abi::Struct& d = *params_struct(fid);
    o << "  params of " << host::rmi_command_name(fid) << " (a map of " << d.name << " fields; unset fields are 0"
      << (fid == rmi::kRealmCreate ? " but num_bps and num_wps 2" : "") << "; an array field a list):";
    for (const auto& p : d.fields) o << " " << p.name;
    o << "\n";
  }
  return o.str();
}

}  // namespace rmesim
