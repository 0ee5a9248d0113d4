#include "runner.h"

#include <chrono>
#include <sstream>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>

#include <unistd.h>

#include "cpu/core.h"
#include "host/kvm.h"
#include "host/vmm.h"
#include "platform/config_error.h"
#include "platform/gpc_unit.h"
#include "platform/json.h"
#include "platform/sim_context.h"
#include "platform/time_format.h"
#include "rmm/rmm.h"
#include "paths.h"
#include "steps.h"

namespace rmesim {

namespace fs = std::filesystem;

void RunContext::begin_phase(const std::string& name) {
  end_phase();
  phases.push_back({name, pe.requester().now(), pe.requester().now()});
}

void RunContext::end_phase() {
  if (!phases.empty() && phases.back().end == phases.back().start) phases.back().end = pe.requester().now();
}

namespace {

double ns(const sc_core::sc_time& t) { return t.to_seconds() * 1e9; }

struct GpcTotals {
  uint64_t checks = 0, hits = 0, walks = 0, reads = 0, walk = 0, fail = 0, asz = 0, eabt = 0, paall = 0, rpa = 0;
  void add(const platform::GpcUnit::Stats& s) {
    checks += s.checks.value; hits += s.cache_hits.value; walks += s.walks.value;
    reads += s.descriptor_reads.value; walk += s.faults_walk.value; fail += s.faults_fail.value;
    asz += s.faults_address_size.value; eabt += s.faults_external_abort.value;
    paall += s.tlbi_paall.value; rpa += s.tlbi_rpa.value;
  }
  uint64_t faults() const { return walk + fail + asz + eabt; }
};

std::string to_hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) { out += d[p[i] >> 4]; out += d[p[i] & 15]; }
  return out;
}

std::string hex_addr(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

// Granules per RMM state, and how many are not UNDELEGATED.
uint64_t delegated_granules(rmm::Rmm& rmm) {
  const auto c = rmm.granule_census();
  uint64_t n = 0;
  for (size_t i = 1; i < c.size(); ++i) n += c[i];
  return n;
}

bool is_rmi(const rmm::Rmm::CommandCount& c) { return c.name.rfind("RMI_", 0) == 0; }

uint64_t rmi_calls(const std::vector<rmm::Rmm::CommandCount>& counts) {
  uint64_t n = 0;
  for (const auto& c : counts) n += is_rmi(c) ? c.calls : 0;
  return n;
}

void write_stack_json(platform::JsonWriter& w, const RunContext& ctx, rmm::Rmm& rmm, host::Kvm& kvm,
                      host::Vmm& vmm, const cpu::UnicornCpu& cpu) {
  // The RMM's own counts: RMI commands, then RSI and PSCI calls from realms.
  const auto counts = rmm.command_counts();
  w.key("rmi").begin_object();
  w.field("total_calls", rmi_calls(counts));
  w.key("commands").begin_object();
  for (const auto& c : counts) {
    if (!is_rmi(c)) continue;
    w.key(c.name).begin_object();
    w.field("calls", c.calls).field("time_ns", ns(c.time));
    w.key("status").begin_object();
    for (const auto& [k, v] : c.results) w.field(k, v);
    w.end_object();
    w.end_object();
  }
  w.end_object();
  w.end_object();
  w.key("rsi").begin_object();
  for (const auto& c : counts) {
    if (is_rmi(c)) continue;
    w.key(c.name).begin_object();
    w.field("calls", c.calls).field("time_ns", ns(c.time));
    w.end_object();
  }
  w.end_object();
  w.key("guest").begin_object();
  w.field("instructions", cpu.stats().instructions.value);
  w.key("console").begin_object();
  for (const auto& st : vmm.states()) w.field(st->spec.name, st->console);
  w.end_object();
  w.end_object();
  for (const bool realms : {true, false}) {
    w.key(realms ? "realms" : "vms").begin_object();
    for (const auto& st : vmm.states()) {
      if (st->spec.realm != realms) continue;
      const host::Vm& vm = *st->vm;
      w.key(st->spec.name).begin_object();
      w.field("image", st->spec.image).field("memory", st->spec.memory).field("vcpus", st->spec.vcpus);
      w.field("ipa_bits", vm.ipa_bits()).field("first_pe", st->first_pe);
      w.field("stopped", host::to_string(st->stop)).field("stop_detail", st->stop_detail);
      if (st->result) {
        w.key("result").begin_array();
        for (uint64_t r : *st->result) w.value(r);
        w.end_array();
      } else {
        w.key("result").null();
      }
      if (realms) {
        w.field("state", host::to_string(vm.realm_state()));
        auto it = ctx.rims.find(st->spec.name);
        w.field("rim", it == ctx.rims.end() ? std::string() : it->second);
        w.field("measured", st->spec.measured).field("populate_calls", st->populate_calls);
        w.field("populated_pages", vm.populated_pages()).field("runtime_faults", vm.runtime_faults());
        w.field("leaked_pages", vm.leaked_pages());
        w.key("warnings").begin_array();
        for (const auto& e : vm.warnings()) w.value(e);
        w.end_array();
        w.key("phases_ns").begin_object();
        for (const auto& [k, v] : vm.phase_ns()) w.field(k, v);
        w.end_object();
        w.key("rec_exits").begin_object();
        for (const auto& [k, v] : const_cast<host::Vm&>(vm).rec_exits()) w.field(k, v);
        w.end_object();
        w.key("sync_exits").begin_object();  // RMI_EXIT_SYNC by cause (host::SyncCause)
        for (const auto& [k, v] : vm.sync_exits()) w.field(k, v);
        w.end_object();
      } else {
        w.field("stage2_faults", vm.runtime_faults());
      }
      w.key("kvm_exits").begin_object();
      for (const auto& [k, v] : const_cast<host::Vm&>(vm).kvm_exits()) w.field(k, v);
      w.end_object();
      w.field("mmio_exits", st->mmio_exits).field("host_calls", st->host_calls).field("psci_exits", st->psci_exits);
      w.field("ripas_changes", st->ripas_changes);
      w.key("events").begin_array();
      for (const auto& e : st->events) w.value(e);
      w.end_array();
      w.end_object();
    }
    w.end_object();
  }
  w.key("host").begin_object();
  w.field("abi", host::to_string(kvm.options().abi)).field("psci_in_kernel", kvm.options().psci_in_kernel);
  w.field("populate_chunk_pages", kvm.options().populate_chunk_pages);
  uint64_t leaked = 0;
  for (const auto& st : vmm.states()) leaked += st->vm->leaked_pages();
  w.field("leaked_granules", leaked);
  w.key("pages").begin_object();
  w.field("total", kvm.pages().total_pages()).field("peak_used", kvm.pages().peak_used_pages());
  w.field("used_at_end", kvm.pages().used_pages()).field("leaked", kvm.pages().leaked_pages());
  w.end_object();
  w.end_object();
  w.key("granules").begin_object();
  const auto census = rmm.granule_census();
  w.key("census_at_end").begin_object();
  for (size_t i = 0; i < census.size(); ++i) w.field(rmm::to_string(static_cast<rmm::GranuleState>(i)), census[i]);
  w.end_object();
  w.field("delegated_at_end", delegated_granules(rmm));
  w.end_object();
}

void write_stats_json(std::ostream& os, const Scenario& s, const platform::TimingProfile& prof,
                      platform::Soc& soc, const RunResult& r, const GpcTotals& g, const RunContext& ctx,
                      rmm::Rmm& rmm, host::Kvm& kvm, host::Vmm& vmm, const cpu::UnicornCpu& cpu) {
  platform::JsonWriter w(os);
  w.begin_object();
  w.key("scenario").begin_object();
  w.field("name", s.name).field("file", s.file).field("description", s.description);
  w.end_object();
  w.field("seed", s.platform.seed);
  w.key("engine").begin_object().field("unicorn", cpu::UnicornCpu::engine_version()).end_object();
  w.key("overrides").begin_array();
  for (const auto& o : s.overrides) w.value(o.key + "=" + o.value);
  w.end_array();
  w.key("profile").begin_object();
  w.field("name", prof.name()).field("file", recorded_path(prof.path()));
  w.key("overrides").begin_object();
  for (const auto& [name, c] : prof.costs()) {
    if (c.override_origin.empty()) continue;
    w.key(name).begin_object();
    w.field("value", c.value).field("declared", c.declared).field("unit", c.unit).field("origin", c.override_origin);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  const auto& cfg = soc.config();
  const auto& gc = soc.monitor().gpc_config();
  w.key("platform").begin_object();
  w.field("cores", cfg.cores).field("dram_base", cfg.dram_base).field("dram_size", cfg.dram_size);
  w.key("gpt").begin_object();
  w.field("pa_bits", gc.t()).field("granule_bytes", gc.granule_size()).field("l0gptsz_bits", gc.s());
  w.field("l0_base", gc.l0_base).field("l0_entries", gc.l0_entries()).field("l1_table_bytes", gc.l1_table_bytes());
  w.field("total_bytes", soc.monitor().gpt_bytes());
  w.end_object();
  w.end_object();
  w.key("result").begin_object();
  w.field("ok", r.ok).field("failure", r.failure);
  w.end_object();
  w.field("sim_time_ns", ns(r.sim_time));
  w.key("phases").begin_array();
  for (const auto& p : r.phases) {
    w.begin_object();
    w.field("name", p.name).field("start_ns", ns(p.start)).field("end_ns", ns(p.end)).field("duration_ns", ns(p.end - p.start));
    w.end_object();
  }
  w.end_array();
  w.key("steps").begin_array();
  for (const auto& st : r.steps) {
    w.begin_object();
    w.field("where", st.where).field("kind", st.kind).field("outcome", st.outcome);
    w.field("start_ns", ns(st.start)).field("duration_ns", ns(st.end - st.start));
    w.end_object();
  }
  w.end_array();
  w.key("gpc").begin_object();
  w.field("checks", g.checks).field("cache_hits", g.hits).field("walks", g.walks).field("descriptor_reads", g.reads);
  w.field("tlbi_paall", g.paall).field("tlbi_rpa", g.rpa);
  w.end_object();
  w.key("faults").begin_object();
  w.key("gpf").begin_object();
  w.field("total", g.faults()).field("walk", g.walk).field("fail", g.fail).field("address_size", g.asz).field("external_abort", g.eabt);
  w.end_object();
  uint64_t oops = 0, sigbus = 0, guest_abort = 0;
  for (const auto& f : kvm.faults()) {
    oops += f.action == host::HostFault::Action::Oops;
    sigbus += f.action == host::HostFault::Action::Sigbus;
    guest_abort += f.action == host::HostFault::Action::GuestAbort;
  }
  w.field("host_oops", oops).field("sigbus", sigbus).field("guest_abort", guest_abort);
  w.field("guest_gpf_exits", cpu.stats().fill_gpfs.value);
  w.key("host").begin_array();
  for (const auto& f : kvm.faults()) {
    w.begin_object();
    w.field("action", host::to_string(f.action)).field("vm", f.vm).field("context", f.context);
    w.field("pa", hex_addr(f.gpf.pa)).field("kind", gpt::to_string(f.gpf.kind)).field("level", static_cast<int>(f.gpf.level));
    w.field("pe", f.pe).field("time_ns", ns(f.at));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  write_stack_json(w, ctx, rmm, kvm, vmm, cpu);
  w.key("stats");
  soc.stats().write_json(w);
  w.end_object();
}

// Empty when the folder `dir` exists or can be made, and can be written in; else why not.
// Nothing is made: outputs are checked together before any of them is written.
std::string folder_problem(const fs::path& dir) {
  std::error_code ec;
  fs::path p = dir.empty() ? fs::path(".") : dir;
  // The nearest part of the path that exists decides: a folder we may write in, or not.
  while (!fs::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) p = p.parent_path();
  if (!fs::exists(p, ec)) p = ".";
  if (!fs::is_directory(p, ec)) return (p == dir ? "not a folder" : p.string() + " is not a folder");
  if (::access(p.c_str(), W_OK | X_OK) != 0) return "cannot write in " + p.string();
  return "";
}

void write_file_atomically(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

}  // namespace

RunResult run_scenario(const Scenario& s, const RunOptions& opt, std::ostream& out) {
  const auto wall_start = std::chrono::steady_clock::now();
  auto profile = platform::TimingProfile::load(s.profile);
  for (const auto& o : s.profile_overrides) profile.set(o.key, o.value, "--set profile." + o.key);

  platform::fresh_simulation_context();
  std::unique_ptr<platform::Soc> soc;
  try {
    soc = std::make_unique<platform::Soc>("soc", s.platform, profile);
  } catch (const std::invalid_argument& e) {
    throw platform::ConfigError(s.file, 0, 0, "platform", e.what());
  }
  soc->trace().set_limit(opt.trace_limit);
  // The software stack: the RMM, the CPU model (observed by the RMM and KVM), KVM, the VMM.
  rmm::Rmm rmm(*soc);
  cpu::UnicornCpu cpu(profile, soc->stats());
  // Where the outputs go, checked before anything runs: an --out or --trace-insn that cannot
  // be written is bad input (exit 2), not an error after the run.
  const fs::path dir = opt.out_dir.empty() ? fs::path("out") / s.name : fs::path(opt.out_dir);
  if (auto e = folder_problem(dir); !e.empty())
    throw platform::ConfigError("--out", 0, 0, dir.string(), e + " (stats.json and trace.json go in this folder)");
  const fs::path insn_path(opt.trace_insn);
  if (!opt.trace_insn.empty()) {
    std::error_code ec;
    std::string e = fs::is_directory(insn_path, ec) ? "a folder, not a file" : folder_problem(insn_path.parent_path());
    if (!e.empty()) throw platform::ConfigError("--trace-insn", 0, 0, opt.trace_insn, e);
  }
  // Some folders refuse what access() allows (/proc): making them is checked too.
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw platform::ConfigError("--out", 0, 0, dir.string(), "cannot make this folder: " + ec.message());
  std::ofstream insn_trace;
  if (!opt.trace_insn.empty()) {
    if (insn_path.has_parent_path()) fs::create_directories(insn_path.parent_path(), ec);
    if (ec) throw platform::ConfigError("--trace-insn", 0, 0, opt.trace_insn, "cannot make its folder: " + ec.message());
    insn_trace.open(insn_path, std::ios::trunc);
    if (!insn_trace) throw platform::ConfigError("--trace-insn", 0, 0, opt.trace_insn, "cannot write this file");
    cpu.set_insn_trace(&insn_trace);
  }
  rmm.attach_guest_cpu(cpu);
  host::Kvm kvm(*soc, cpu, s.host);
  host::Vmm vmm(kvm);
  RunResult result;
  RunContext ctx(s, *soc, soc->pe(0));
  ctx.rmm = &rmm;
  ctx.kvm = &kvm;
  ctx.vmm = &vmm;
  // Default flow when a scenario declares VMs but no steps: create, run, tear down.
  std::vector<std::unique_ptr<Step>> default_steps;
  if (!s.explicit_steps && !s.vms.empty()) {
    auto add = [&](const std::string& kind, const std::string& text) {
      YAML::Node n = YAML::Load(text);
      auto st = find_step_kind(kind)->parse(s.file, n, "default." + kind, s);
      st->kind = kind;
      st->where = s.file + ":(default " + kind + ")";
      default_steps.push_back(std::move(st));
    };
    add("phase", "create");
    add("create", "all");
    add("phase", "run");
    add("run", "{vms: all, until: stopped, timeout: 10s}");
    add("phase", "teardown");
    add("teardown", "all");
  }
  auto snapshot_rims = [&] {
    for (const auto& st : vmm.states()) {
      if (!st->spec.realm || !st->vm->rd()) continue;
      const auto m = rmm.measurement(st->vm->rd(), 0);
      if (m) ctx.rims[st->spec.name] = to_hex(m->data(), st->vm->realm_config().hash == platform::abi::rmi::HashAlgorithm::Sha512 ? 64 : 32);
    }
  };
  auto run_step = [&](platform::Pe& pe, Step& step) {
    StepRecord rec{step.where, step.kind, "", pe.requester().now(), {}};
    ctx.current_outcome.clear();
    try {
      step.execute(ctx);
    } catch (const RunFailure& e) {
      result.ok = false;
      result.failure = e.what();
    }
    snapshot_rims();
    rec.end = pe.requester().now();
    rec.outcome = result.ok ? ctx.current_outcome : result.failure;
    ctx.steps.push_back(rec);
    // The VMM's view: one slice per step, on the lane of the PE that drives the scenario.
    auto& trace = soc->trace();
    trace.slice(trace.track(pe.name(), "scenario steps"), rec.kind, "step", rec.start, rec.end - rec.start,
                {{"where", rec.where}, {"outcome", rec.outcome}});
  };
  soc->pe(0).post([&](platform::Pe& pe) {
    ctx.begin_phase("boot");
    soc->monitor().boot(pe.requester());
    kvm.init();
    ctx.end_phase();
    for (const auto& step : (s.explicit_steps || s.vms.empty()) ? s.steps : default_steps) {
      run_step(pe, *step);
      if (!result.ok) break;
    }
    // VMs still alive at the end are torn down, so that every granule goes back.
    bool live = false;
    for (const auto& st : vmm.states()) live = live || !st->torn_down;
    if (live) {
      // Stop whatever still runs first.
      for (const auto& st : vmm.states())
        if (!st->torn_down && st->threads) st->vm->request_stop();
      ctx.begin_phase("teardown");
      for (const auto& st : vmm.states())
        if (!st->torn_down) {
          const std::string e = vmm.teardown(st->spec.name);
          if (!e.empty() && result.ok) { result.ok = false; result.failure = "teardown: " + e; }
        }
    }
    ctx.end_phase();
    // The isolation invariant, whatever the steps did: the GPT says what the RMM's granules say.
    if (const auto bad = rmm.gpt_disagreements(pe.requester()); !bad.empty())
      throw std::logic_error("the GPT and the RMM's granule states disagree at " + hex_addr(bad.front()) +
                             (bad.size() > 1 ? " and " + std::to_string(bad.size() - 1) + " more granules" : ""));
  });
  sc_core::sc_start();
  soc->rethrow_job_errors();
  result.sim_time = sc_core::sc_time_stamp();
  result.phases = ctx.phases;
  result.steps = ctx.steps;
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  GpcTotals g;
  for (unsigned i = 0; i < soc->num_pes(); ++i) g.add(soc->pe(i).gpc().stats());

  if (!opt.quiet) {
    out << "rmesim: scenario " << s.name << " (" << s.file << "), seed " << s.platform.seed << ", profile "
        << profile.name() << ", Unicorn " << cpu::UnicornCpu::engine_version() << "\n\n";
    soc->print_memory_map(out);
    out << "\nSteps\n";
    for (const auto& st : result.steps)
      out << "  " << std::left << std::setw(28) << st.where << std::right << " " << std::setw(12)
          << platform::format_time(st.end - st.start) << "  " << st.outcome << "\n";
    out << "\nPhases (simulated time)\n";
    for (const auto& p : result.phases)
      out << "  " << std::left << std::setw(16) << p.name << std::right << std::setw(14) << platform::format_time(p.end - p.start) << "\n";
    if (!vmm.states().empty()) {
      out << "\nRealms and VMs\n";
      for (const auto& st : vmm.states()) {
        out << "  " << st->spec.name << (st->spec.realm ? " (realm" : " (vm") << ", " << st->spec.image << ", "
            << (st->spec.memory >> 20) << " MiB, " << st->spec.vcpus << " vCPUs): " << host::to_string(st->stop);
        if (!st->stop_detail.empty()) out << " - " << st->stop_detail;
        if (st->result) out << ", result X1=" << (*st->result)[0];
        out << "\n";
        if (st->spec.realm) {
          auto it = ctx.rims.find(st->spec.name);
          out << "    RIM " << (it == ctx.rims.end() ? std::string("-") : it->second) << "\n";
          out << "    populated " << st->vm->populated_pages() << " pages in " << st->populate_calls
              << " KVM_ARM_RMI_POPULATE calls, " << st->vm->runtime_faults() << " pages faulted in at run time\n";
          out << "    REC exits:";
          for (const auto& [k, v] : st->vm->rec_exits()) out << " " << k << "=" << v;
          out << "\n";
          if (!st->vm->sync_exits().empty()) {
            out << "    RMI_EXIT_SYNC by cause:";
            for (const auto& [k, v] : st->vm->sync_exits()) out << " " << k << "=" << v;
            out << "\n";
          }
        }
        std::istringstream lines(st->console);
        for (std::string l; std::getline(lines, l);) out << "    | " << l << "\n";
        for (const auto& e : st->events) out << "    * " << e << "\n";
      }
    }
    const auto counts = rmm.command_counts();
    out << "\nRMI calls (" << rmi_calls(counts) << ")\n";
    for (const bool rmi : {true, false}) {
      bool titled = rmi;
      for (const auto& c : counts) {
        if (is_rmi(c) != rmi) continue;
        if (!titled) out << "RSI and PSCI calls from realms\n";
        titled = true;
        out << "  " << std::left << std::setw(28) << c.name << std::right << std::setw(9) << c.calls << std::setw(14)
            << platform::format_time(c.time) << " ";
        for (const auto& [k, v] : c.results) out << " " << k << "=" << v;
        out << "\n";
      }
    }
    out << "Host faults: " << kvm.faults().size() << "\n";
    for (const auto& f : kvm.faults())
      out << "  " << host::to_string(f.action) << " on PE " << f.pe << " at " << platform::format_time(f.at) << ": "
          << f.context << ", PA " << hex_addr(f.gpf.pa) << " (" << gpt::to_string(f.gpf.kind) << ", level "
          << static_cast<int>(f.gpf.level) << ")\n";
    out << "Granules not undelegated at the end: " << delegated_granules(rmm) << "\n";
    out << "\nGPC: " << g.checks << " checks, " << g.hits << " cache hits, " << g.walks << " walks, "
        << g.faults() << " faults (fail " << g.fail << ", walk " << g.walk << ", address size " << g.asz
        << ", external abort " << g.eabt << ")\n";
    out << "Simulated time " << platform::format_time(result.sim_time) << ", wall " << std::fixed << std::setprecision(3)
        << result.wall_seconds << " s\n";
    out << (result.ok ? "Result: ok\n" : "Result: FAILED: " + result.failure + "\n");
  }

  auto& trace = soc->trace();
  const int phase_track = trace.track("soc", "phases");
  for (const auto& p : result.phases) trace.slice(phase_track, p.name, "phase", p.start, p.end - p.start);

  std::ostringstream json, trace_json;
  write_stats_json(json, s, profile, *soc, result, g, ctx, rmm, kvm, vmm, cpu);
  trace.write_json(trace_json);
  write_file_atomically(dir / "stats.json", json.str());
  write_file_atomically(dir / "trace.json", trace_json.str());
  if (!opt.quiet) out << "Wrote " << (dir / "stats.json").string() << " and trace.json\n";
  return result;
}

}  // namespace rmesim
