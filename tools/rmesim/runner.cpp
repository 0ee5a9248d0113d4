#include "rmesim/runner.h"

#include <chrono>
#include <sstream>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>

#include <pthread.h>
#include <unistd.h>

#include "cpu/core.h"
#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "host/vmm.h"
#include "sim/config_error.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "platform/gpc_unit.h"
#include "platform/sim_context.h"
#include "sim/progress.h"
#include "sim/stats_text.h"
#include "sim/time_format.h"
#include "rmm/rmm.h"
#include "paths.h"
#include "rmesim/steps.h"

// AddressSanitizer's fiber interface, present only in a sanitizer build.
extern "C" void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, size_t size)
    __attribute__((weak));
extern "C" void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old, size_t* size_old)
    __attribute__((weak));

namespace rmesim {
namespace {

// Host CPU time of the whole process (every thread: the read-ahead's too), for StepRecord.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Debian's SystemC 2.3.4 tells AddressSanitizer of its coroutine switches (weak fiber calls,
// live when the runtime is there), yet after a simulation ASan may hold a coroutine's stack as
// the main one's (seen in the fuzz self-test: "ASan is ignoring requested
// __asan_handle_no_return: ... top: 0x7f4b16b80000; bottom 0x7ffd1b3a1000"). An exception
// then unwound on the main stack (rethrow_job_errors) leaves its frames poisoned, and a later
// call at those addresses reports a stack-buffer-overflow that is not one. Back on the main
// stack after sc_start, this tells ASan its true bounds again.
void reannounce_main_stack() {
  if (!__sanitizer_start_switch_fiber || !__sanitizer_finish_switch_fiber) return;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* bottom = nullptr;
  size_t size = 0;
  if (pthread_attr_getstack(&attr, &bottom, &size) == 0) {
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
  }
  pthread_attr_destroy(&attr);
}

}  // namespace

namespace fs = std::filesystem;

void RunContext::begin_phase(const std::string& name) {
  end_phase();
  phases.push_back({name, pe.requester().now(), pe.requester().now(), {}});
  phase_meter.emplace(pe.requester().ledger(), pe.requester().now());
}

void RunContext::end_phase() {
  if (!phase_meter) return;
  phases.back().end = pe.requester().now();
  phase_meter->stop(phases.back().time, pe.requester().ledger(), phases.back().end);
  phase_meter.reset();
}

namespace {

using Json = nlohmann::ordered_json;

double ns(const sc_core::sc_time& t) { return static_cast<double>(t.value()) / 1000.0; }

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

// A counter summed over every PE (soc.peN.<path>).
uint64_t pe_total(platform::Soc& soc, const std::string& path) {
  uint64_t n = 0;
  for (unsigned i = 0; i < soc.num_pes(); ++i)
    if (const auto* c = soc.stats().find_counter(soc.pe(i).basename() + ("." + path))) n += c->value;
  return n;
}

// What the VMM and KVM know of each VM: its configuration, how it ended, its console, events.
Json vms_json(const RunContext& ctx, host::Vmm& vmm, bool realms, const RunOptions& opt) {
  Json out = Json::object();
  for (const auto& st : vmm.states()) {
    if (st->spec.realm != realms) continue;
    host::Vm& vm = *st->vm;
    Json j{{"image", st->spec.image}, {"memory", st->spec.memory}, {"vcpus", st->spec.vcpus},
           {"ipa_bits", vm.ipa_bits()}, {"first_pe", st->first_pe},
           {"stopped", host::to_string(st->stop)}, {"stop_detail", st->stop_detail}};
    j["result"] = st->result ? Json(*st->result) : Json(nullptr);
    if (st->image.arm64_image) {
      // The Linux kernel: its Image header, where the VMM put it, and the Debian packages it came from.
      Json packages = Json::array();
      std::ifstream versions(host::Vmm::linux_dir() + "/versions.txt");
      for (std::string line; std::getline(versions, line);) packages.push_back(line);
      j["linux"] = Json{{"text_offset", st->image.text_offset}, {"image_size", st->image.image_size},
                        {"flags", st->image.flags}, {"load", st->image.load}, {"dtb", st->dtb_ipa},
                        {"initrd", st->initrd_ipa}, {"initrd_bytes", st->initrd_bytes},
                        {"packages", std::move(packages)}};
    }
    if (realms) {
      j["state"] = host::to_string(vm.realm_state());
      auto it = ctx.rims.find(st->spec.name);
      j["rim"] = it == ctx.rims.end() ? std::string() : it->second;
      j["measured"] = st->spec.measured;
    }
    j["stats"] = vm.stats().path();  // its counters: stats.<that path>
    // Boot milestones: simulated time (null: not reached), wall seconds only on request.
    Json milestones = Json::object();
    for (const auto& m : st->milestones->milestones()) {
      Json mj{{"time_ns", m.at ? Json(ns(*m.at)) : Json(nullptr)}};
      if (!m.marker.empty()) mj["console"] = m.marker;
      if (opt.stats.host_seconds && m.at) mj["host_seconds"] = m.host_seconds;
      milestones[m.name] = std::move(mj);
    }
    j["milestones"] = std::move(milestones);
    j["console"] = st->console;
    j["events"] = st->events;
    out[st->spec.name] = std::move(j);
  }
  return out;
}

// A counter of every GPC unit: the PEs' and the SMMU's (soc.<unit>.gpc.<name>).
uint64_t gpc_total(platform::Soc& soc, const std::string& name) {
  uint64_t n = pe_total(soc, "gpc." + name);
  if (const auto* c = soc.stats().find_counter(std::string(soc.smmu().basename()) + ".gpc." + name)) n += c->value;
  return n;
}

const char* far_reason(platform::smmuv3::FarReason r) {
  switch (r) {
    case platform::smmuv3::FarReason::Translation: return "translation";
    case platform::smmuv3::FarReason::Gerror: return "gerror";
    case platform::smmuv3::FarReason::Transaction: return "transaction";
  }
  return "";
}

// Every fault the host took, in order (soc.host counts them by action), and every GPF of a
// device access the SMMU's GPC unit refused (the device saw an external abort).
Json faults_json(host::Kvm& kvm, platform::Soc& soc) {
  Json list = Json::array();
  for (const auto& f : kvm.faults())
    list.push_back(Json{{"action", host::to_string(f.action)}, {"vm", f.vm}, {"context", f.context},
                        {"pa", hex_addr(f.gpf.pa)}, {"kind", gpt::to_string(f.gpf.kind)},
                        {"level", static_cast<int>(f.gpf.level)}, {"pe", f.pe}, {"time_ns", ns(f.at)}});
  Json gpf = Json::array();
  for (const auto& g : soc.smmu().gpf_log()) {
    Json e{{"requester", soc.smmu().name()}, {"sid", g.sid}, {"reason", far_reason(g.reason)},
           {"pa", hex_addr(g.gpf.pa)}, {"pas", gpt::to_string(g.gpf.pas)}, {"kind", gpt::to_string(g.gpf.kind)},
           {"level", static_cast<int>(g.gpf.level)}, {"far", g.gpt_cfg ? "SMMU_ROOT_GPT_CFG_FAR" : "SMMU_ROOT_GPF_FAR"},
           {"latched", g.latched}, {"time_ns", ns(g.at)}};
    if (g.faultcode) e["fetch"] = platform::smmuv3::to_string(static_cast<platform::smmuv3::EventType>(g.faultcode));
    gpf.push_back(std::move(e));
  }
  return Json{{"host", std::move(list)}, {"gpf", std::move(gpf)}};
}

// stats.json: the scenario and profile that produced the run, its outcome, phases and steps,
// what the host and VMM saw of each VM, and the stats tree.
Json stats_json(const Scenario& s, const platform::TimingProfile& prof, platform::Soc& soc, const RunResult& r,
                const RunContext& ctx, rmm::Rmm& rmm, host::Kvm& kvm, host::Vmm& vmm, const RunOptions& opt) {
  Json j;
  j["scenario"] = Json{{"name", s.name}, {"file", s.file}, {"description", s.description}};
  j["seed"] = s.platform.seed;
  j["engine"] = Json{{"unicorn", cpu::UnicornCpu::engine_version()}};
  Json overrides = Json::array();
  for (const auto& o : s.overrides) overrides.push_back(o.key + "=" + o.value);
  j["overrides"] = std::move(overrides);
  Json cost_overrides = Json::object();
  for (const auto& [name, c] : prof.costs())
    if (!c.override_origin.empty())
      cost_overrides[name] = Json{{"value", c.value}, {"declared", c.declared}, {"unit", c.unit}, {"origin", c.override_origin}};
  j["profile"] = Json{{"name", prof.name()}, {"file", recorded_path(prof.path())}, {"overrides", std::move(cost_overrides)}};
  const auto& cfg = soc.config();
  const auto& gc = soc.monitor().gpc_config();
  j["platform"] = Json{{"cores", cfg.cores}, {"dram_base", cfg.dram_base}, {"dram_size", cfg.dram_size},
                       {"gpt", Json{{"pa_bits", gc.t()}, {"granule_bytes", gc.granule_size()}, {"l0gptsz_bits", gc.s()},
                                    {"l0_base", gc.l0_base}, {"l0_entries", gc.l0_entries()},
                                    {"l1_table_bytes", gc.l1_table_bytes()}, {"total_bytes", soc.monitor().gpt_bytes()}}}};
  j["result"] = Json{{"ok", r.ok}, {"failure", r.failure}};
  j["sim_time_ns"] = ns(r.sim_time);
  Json phases = Json::array();
  for (const auto& p : r.phases) {
    Json pj{{"name", p.name}, {"start_ns", ns(p.start)}, {"end_ns", ns(p.end)}, {"duration_ns", ns(p.end - p.start)}};
    pj["time"] = platform::breakdown_json(p.time, opt.stats.host_seconds);
    phases.push_back(std::move(pj));
  }
  j["phases"] = std::move(phases);
  Json steps = Json::array();
  for (const auto& st : r.steps)
    steps.push_back(Json{{"where", st.where}, {"kind", st.kind}, {"outcome", st.outcome},
                         {"start_ns", ns(st.start)}, {"duration_ns", ns(st.end - st.start)}});
  j["steps"] = std::move(steps);
  j["faults"] = faults_json(kvm, soc);
  j["realms"] = vms_json(ctx, vmm, true, opt);
  j["vms"] = vms_json(ctx, vmm, false, opt);
  j["host"] = Json{{"abi", host::to_string(kvm.options().abi)}, {"psci_in_kernel", kvm.options().psci_in_kernel},
                   {"populate_chunk_pages", kvm.options().populate_chunk_pages},
                   {"populate_block_bytes", kvm.options().populate_block},
                   {"fault_block_bytes", kvm.options().fault_block},
                   {"page_size_bytes", kvm.options().page_size}};
  j["rmm"] = Json{{"version", rmm.version()}, {"rmi_version", kvm.rmi_version_name()}};
  const auto census = rmm.granule_census();
  Json by_state = Json::object();
  for (size_t i = 0; i < census.size(); ++i) by_state[rmm::to_string(static_cast<rmm::GranuleState>(i))] = census[i];
  j["granules"] = Json{{"census_at_end", std::move(by_state)}, {"delegated_at_end", delegated_granules(rmm)}};
  j["stats"] = platform::stats_json(soc.stats(), opt.stats);
  return j;
}

// A breakdown as summary lines: each cost category it charged, with its share.
void print_breakdown(std::ostream& out, const platform::Breakdown& b, const std::string& pad) {
  auto row = [&](const char* name, uint64_t ps) {
    if (!ps) return;
    out << pad << std::left << std::setw(26) << name << std::right << std::setw(14)
        << platform::format_time(sc_core::sc_time::from_value(ps)) << std::setw(7) << std::fixed << std::setprecision(1)
        << (b.time_ps ? 100.0 * static_cast<double>(ps) / static_cast<double>(b.time_ps) : 0.0) << " %\n";
  };
  for (platform::CostId c = 0; c < platform::kNumCostCategories; ++c) row(platform::cost_category_name(c), b.by_cost_ps[c]);
  row("wait", b.wait_ps);
}

// Every command of an RMM stats family (soc.rmm.rmi, soc.rmm.rsi) that was called; brief: only
// the call counts.
void print_commands(std::ostream& out, const platform::StatGroup* family, const std::string& prefix, bool brief) {
  if (!family) return;
  for (const platform::StatGroup* g : family->children()) {
    const auto* calls = g->find_counter("calls");
    const auto* time = g->find_breakdown("time");
    if (!calls || !calls->value || !time) continue;
    out << "  " << std::left << std::setw(30) << prefix + g->name() << std::right << std::setw(9) << calls->value;
    if (brief) {
      out << "\n";
      continue;
    }
    out << std::setw(14) << platform::format_time(sc_core::sc_time::from_value(time->time_ps)) << "  host "
        << std::fixed << std::setprecision(3) << time->host_seconds << " s\n";
    print_breakdown(out, *time, "      ");
  }
}

// " NAME=N" for each pair whose count is not zero (the brief summary leaves zeros out).
std::string nonzero_list(std::initializer_list<std::pair<const char*, uint64_t>> counts) {
  std::string text;
  for (const auto& [name, n] : counts)
    if (n) text += " " + std::string(name) + "=" + std::to_string(n);
  return text;
}

// The summary on stdout. Brief (--summary brief, the student view) keeps the steps, the phases'
// times, each VM's exits, RIM, milestones and console, the RMI and RSI call counts and the
// faults, and leaves out the memory map, every cost breakdown, host seconds and every zero count.
void print_summary(std::ostream& out, const Scenario& s, const platform::TimingProfile& profile, platform::Soc& soc,
                   const RunResult& result, const RunContext& ctx, rmm::Rmm& rmm, host::Kvm& kvm, host::Vmm& vmm,
                   const RunOptions& opt) {
  const bool brief = opt.brief_summary;
  out << "rmesim: scenario " << s.name << " (" << s.file << "), seed " << s.platform.seed << ", profile "
      << profile.name() << ", Unicorn " << cpu::UnicornCpu::engine_version() << "\n\n";
  if (!brief) soc.print_memory_map(out);
  out << (brief ? "Steps\n" : "\nSteps\n");
  for (const auto& st : result.steps)
    out << "  " << std::left << std::setw(28) << st.where << std::right << " " << std::setw(12)
        << platform::format_time(st.end - st.start) << "  " << st.outcome << "\n";
  out << "\nPhases (simulated time on " << soc.pe(0).basename() << (brief ? ")\n" : ", by cost; host seconds)\n");
  for (const auto& p : result.phases) {
    out << "  " << std::left << std::setw(16) << p.name << std::right << std::setw(14) << platform::format_time(p.end - p.start);
    if (brief) {
      out << "\n";
      continue;
    }
    out << "  host " << std::fixed << std::setprecision(3) << p.time.host_seconds << " s\n";
    print_breakdown(out, p.time, "      ");
  }
  if (!vmm.states().empty()) {
    out << "\nRealms and VMs\n";
    for (const auto& st : vmm.states()) {
      out << "  " << st->spec.name << (st->spec.realm ? " (realm" : " (vm") << ", " << st->spec.image << ", "
          << (st->spec.memory >> 20) << " MiB, " << st->spec.vcpus << " vCPUs): " << host::to_string(st->stop);
      if (!st->stop_detail.empty()) out << " - " << st->stop_detail;
      if (st->result) out << ", result X1=" << (*st->result)[0];
      out << "\n";
      if (st->vm) out << "    guest instructions " << st->vm->stats().find_counter("instructions")->value << "\n";
      if (st->spec.realm) {
        auto it = ctx.rims.find(st->spec.name);
        out << "    RIM " << (it == ctx.rims.end() ? std::string("-") : it->second) << "\n";
        const platform::StatGroup& vs = st->vm->stats();
        const uint64_t populated = vs.find_counter("populated_pages")->value,
                       populate_calls = vs.find_counter("vmm.populate_calls")->value,
                       faulted = vs.find_counter("runtime_faults")->value;
        if (brief)
          out << "    pages:" << nonzero_list({{"populated", populated}, {"KVM_ARM_RMI_POPULATE", populate_calls},
                                               {"faulted_in_at_run_time", faulted}}) << "\n";
        else
          out << "    populated " << populated << " pages in " << populate_calls << " KVM_ARM_RMI_POPULATE calls, "
              << faulted << " pages faulted in at run time\n";
        out << "    REC exits:" << platform::nonzero_counters(*vs.find_group("rec_exits")) << "\n";
        if (const std::string sync = platform::nonzero_counters(*vs.find_group("sync_exits")); !sync.empty())
          out << "    RMI_EXIT_SYNC by cause:" << sync << "\n";
        auto& ph = st->vm->phases();
        for (const auto& [name, b] : {std::pair<const char*, const platform::Breakdown*>{"create", &ph.create},
                                      {"populate", &ph.populate}, {"rec_create", &ph.rec_create},
                                      {"activate", &ph.activate}, {"fault_in", &ph.fault_in},
                                      {"teardown", &ph.teardown}}) {
          if (!b->count) continue;
          out << "    lifecycle " << std::left << std::setw(12) << name << std::right << std::setw(14)
              << platform::format_time(sc_core::sc_time::from_value(b->time_ps));
          if (brief) {
            out << "\n";
            continue;
          }
          out << "  host " << std::fixed << std::setprecision(3) << b->host_seconds << " s\n";
          print_breakdown(out, *b, "        ");
        }
      }
      out << (brief ? "    boot milestones (simulated):" : "    boot milestones (simulated; wall seconds since the VM was created):");
      for (const auto& m : st->milestones->milestones())
        if (m.at) {
          out << " " << m.name << " " << platform::format_time(*m.at);
          if (!brief) out << " (" << std::fixed << std::setprecision(2) << m.host_seconds << " s)";
        } else if (!brief) {
          out << " " << m.name << " -";
        }
      out << "\n";
      std::istringstream lines(st->console);
      for (std::string l; std::getline(lines, l);) out << "    | " << l << "\n";
      for (const auto& e : st->events) out << "    * " << e << "\n";
    }
  }
  out << (brief ? "\nRMI calls\n" : "\nRMI calls (simulated time by cost; host seconds)\n");
  print_commands(out, rmm.stats().find_group("rmi"), "RMI_", brief);
  out << "RSI and PSCI calls from realms\n";
  print_commands(out, rmm.stats().find_group("rsi"), "RSI_", brief);
  if (!brief || !kvm.faults().empty()) out << "Host faults: " << kvm.faults().size() << "\n";
  for (const auto& f : kvm.faults())
    out << "  " << host::to_string(f.action) << " on PE " << f.pe << " at " << platform::format_time(f.at) << ": "
        << f.context << ", PA " << hex_addr(f.gpf.pa) << " (" << gpt::to_string(f.gpf.kind) << ", level "
        << static_cast<int>(f.gpf.level) << ")\n";
  const auto& device_gpfs = soc.smmu().gpf_log();
  if (!brief || !device_gpfs.empty()) out << "Device GPFs (SMMU): " << device_gpfs.size() << "\n";
  for (const auto& g : device_gpfs)
    out << "  StreamID " << g.sid << " at " << platform::format_time(g.at) << ": " << far_reason(g.reason)
        << (g.faultcode ? std::string(" (") + platform::smmuv3::to_string(static_cast<platform::smmuv3::EventType>(g.faultcode)) + ")" : "")
        << ", PA " << hex_addr(g.gpf.pa) << " (" << gpt::to_string(g.gpf.kind) << ", level " << static_cast<int>(g.gpf.level)
        << "), " << (g.gpt_cfg ? "SMMU_ROOT_GPT_CFG_FAR" : "SMMU_ROOT_GPF_FAR") << (g.latched ? "" : " already set") << "\n";
  if (const uint64_t left = delegated_granules(rmm); !brief || left)
    out << "Granules not undelegated at the end: " << left << "\n";
  // Every GPC unit: the PEs' and the SMMU's.
  const uint64_t fail = gpc_total(soc, "faults_fail"), walk = gpc_total(soc, "faults_walk"),
                 asz = gpc_total(soc, "faults_address_size"), eabt = gpc_total(soc, "faults_external_abort");
  if (brief)
    out << "\nGPC:" << nonzero_list({{"checks", gpc_total(soc, "checks")}, {"cache_hits", gpc_total(soc, "cache_hits")},
                                     {"walks", gpc_total(soc, "walks")}, {"faults_fail", fail}, {"faults_walk", walk},
                                     {"faults_address_size", asz}, {"faults_external_abort", eabt}}) << "\n";
  else
    out << "\nGPC: " << gpc_total(soc, "checks") << " checks, " << gpc_total(soc, "cache_hits") << " cache hits, "
        << gpc_total(soc, "walks") << " walks, " << fail + walk + asz + eabt << " faults (fail " << fail << ", walk "
        << walk << ", address size " << asz << ", external abort " << eabt << ")\n";
  if (opt.stats_text) {
    out << "\nStatistics (non-zero)\n";
    platform::write_stats_text(out, soc.stats());
  }
  out << "Simulated time " << platform::format_time(result.sim_time);
  if (!brief) out << ", wall " << std::fixed << std::setprecision(3) << result.wall_seconds << " s";
  out << "\n" << (result.ok ? "Result: ok\n" : "Result: FAILED: " + result.failure + "\n");
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

  // Where the outputs go, checked before anything runs: an --out or --trace-insn that cannot
  // be written is bad input (exit 2), not an error after the run.
  const fs::path dir = opt.out_dir.empty() ? fs::path("out") / s.name : fs::path(opt.out_dir);
  if (!opt.write_outputs) {
    // Nothing is written: no folder to check or make.
  } else if (auto e = folder_problem(dir.string()); !e.empty())
    throw platform::ConfigError("--out", 0, 0, dir.string(), e + " (stats.json and trace.json go in this folder)");
  const fs::path insn_path(opt.trace_insn);
  if (!opt.trace_insn.empty()) {
    std::error_code ec;
    std::string e = fs::is_directory(insn_path, ec) ? "a folder, not a file" : folder_problem(insn_path.parent_path().string());
    if (!e.empty()) throw platform::ConfigError("--trace-insn", 0, 0, opt.trace_insn, e);
  }
  if (!opt.dump_dtb.empty()) {
    std::error_code dec;
    const fs::path p(opt.dump_dtb);
    std::string e = fs::is_directory(p, dec) ? "a folder, not a file" : folder_problem(p.parent_path().string());
    if (!e.empty()) throw platform::ConfigError("--dump-dtb", 0, 0, opt.dump_dtb, e);
  }
  // Some folders refuse what access() allows (/proc): making them is checked too, before the
  // platform is built (its DRAM may be more than the host gives); a folder made here is taken
  // back when building fails, so bad input writes nothing.
  std::error_code ec;
  fs::path made;  // the outermost folder this run makes
  for (fs::path p = dir; opt.write_outputs && !p.empty() && !fs::exists(p, ec); p = p.parent_path()) made = p;
  if (opt.write_outputs) fs::create_directories(dir, ec);
  if (ec) throw platform::ConfigError("--out", 0, 0, dir.string(), "cannot make this folder: " + ec.message());
  // Declared before the SoC and the software stack: the context outlives everything built in it.
  const platform::ScopedSimulationContext context;
  std::unique_ptr<platform::Soc> soc;
  try {
    soc = std::make_unique<platform::Soc>("soc", s.platform, profile);
  } catch (const std::invalid_argument& e) {
    if (!made.empty()) fs::remove_all(made, ec);
    throw platform::ConfigError(s.file, 0, 0, "platform", e.what());
  }
  soc->trace().set_limit(opt.trace_limit);
  // The software stack: the RMM, the CPU model (observed by the RMM and KVM), KVM, the VMM.
  rmm::Rmm rmm(*soc, *s.rmm);
  cpu::UnicornCpu cpu(profile, soc->stats(), soc->config().seed);
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
    const auto wall_start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_seconds();
    ctx.current_outcome.clear();
    std::string failure;
    try {
      step.execute(ctx);
    } catch (const RunFailure& e) {
      failure = e.what();
      if (!opt.after_step) {
        result.ok = false;
        result.failure = failure;
      }
    }
    snapshot_rims();
    rec.end = pe.requester().now();
    rec.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    rec.cpu_seconds = process_cpu_seconds() - cpu_start;
    rec.outcome = failure.empty() ? ctx.current_outcome : failure;
    ctx.steps.push_back(rec);
    // The VMM's view: one slice per step, on the lane of the PE that drives the scenario.
    auto& trace = soc->trace();
    trace.slice(trace.track(pe.name(), "scenario steps"), rec.kind, "step", rec.start, rec.end - rec.start,
                {{"where", rec.where}, {"outcome", rec.outcome}});
    return !opt.after_step || opt.after_step(ctx, step, failure);
  };
  soc->pe(0).post([&](platform::Pe& pe) {
    ctx.begin_phase("boot");
    soc->monitor().boot(pe.requester());
    kvm.init();
    ctx.end_phase();
    if (opt.before_steps) opt.before_steps(ctx);
    for (const auto& step : (s.explicit_steps || s.vms.empty()) ? s.steps : default_steps) {
      if (!run_step(pe, *step) || !result.ok) break;
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
    if (opt.at_end) opt.at_end(ctx);
    // The isolation invariant, whatever the steps did: the GPT says what the RMM's granules say.
    if (const auto bad = rmm.gpt_disagreements(pe.requester()); !bad.empty())
      throw std::logic_error("the GPT and the RMM's granule states disagree at " + hex_addr(bad.front()) +
                             (bad.size() > 1 ? " and " + std::to_string(bad.size() - 1) + " more granules" : ""));
  });
  {
    // What the run is doing, for a person waiting on it (never in the outputs).
    struct ProgressGuard {
      ~ProgressGuard() { platform::Progress::stop(); }
    } progress_guard;
    const auto started = std::chrono::steady_clock::now();
    if (opt.progress)
      platform::Progress::start(std::cerr, opt.progress_tty, std::chrono::milliseconds(opt.progress_ms),
                                [&](const sc_core::sc_time& now) {
                                  uint64_t pages = 0;
                                  for (const auto& st : vmm.states())
                                    if (st->vm) pages += st->vm->stats().find_counter("populated_pages")->value;
                                  std::ostringstream o;
                                  o << "rmesim: " << s.name << ": phase "
                                    << (ctx.phases.empty() ? std::string("-") : ctx.phases.back().name)
                                    << ", simulated " << platform::format_time(now) << ", " << pages
                                    << " pages populated, wall " << std::fixed << std::setprecision(1)
                                    << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
                                    << " s";
                                  return o.str();
                                });
    sc_core::sc_start();
  }
  reannounce_main_stack();
  soc->rethrow_job_errors();
  result.sim_time = sc_core::sc_time_stamp();
  result.phases = ctx.phases;
  result.steps = ctx.steps;
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (!opt.quiet) print_summary(out, s, profile, *soc, result, ctx, rmm, kvm, vmm, opt);

  auto& trace = soc->trace();
  const int phase_track = trace.track("soc", "phases");
  for (const auto& p : result.phases) trace.slice(phase_track, p.name, "phase", p.start, p.end - p.start);

  if (!opt.write_outputs) return result;
  std::ostringstream trace_json;
  trace.write_json(trace_json);
  write_file_atomically(dir / "stats.json", stats_json(s, profile, *soc, result, ctx, rmm, kvm, vmm, opt).dump(2) + "\n");
  write_file_atomically(dir / "trace.json", trace_json.str());
  for (const auto& st : vmm.states()) write_file_atomically(dir / ("console-" + st->spec.name + ".txt"), st->console);
  for (size_t i = 0; !opt.dump_dtb.empty() && i < vmm.states().size(); ++i) {
    const auto& st = vmm.states()[i];
    write_file_atomically(fs::absolute(i == 0 ? opt.dump_dtb : opt.dump_dtb + "-" + st->spec.name),
                          std::string(st->dtb.begin(), st->dtb.end()));
  }
  if (!opt.quiet)
    out << "Wrote " << (dir / "stats.json").string() << ", trace.json" << (vmm.states().empty() ? "" : " and console-<vm>.txt")
        << "\n";
  return result;
}

}  // namespace rmesim
