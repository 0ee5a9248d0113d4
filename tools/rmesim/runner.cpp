#include "runner.h"

#include <chrono>
#include <sstream>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>

#include "platform/config_error.h"
#include "platform/gpc_unit.h"
#include "platform/json.h"
#include "platform/sim_context.h"
#include "platform/time_format.h"

namespace rmesim {

namespace fs = std::filesystem;

void RunContext::begin_phase(const std::string& name) {
  end_phase();
  phases.push_back({name, pe.requester().now(), pe.requester().now()});
}

void RunContext::end_phase() {
  if (!phases.empty() && phases.back().end == phases.back().start) phases.back().end = pe.requester().now();
}

std::string resolve_profile_path(const std::string& p) {
  if (p.find('/') != std::string::npos || (p.size() > 5 && p.substr(p.size() - 5) == ".yaml")) return p;
  return std::string(RMESIM_PROFILE_DIR) + "/" + p + ".yaml";
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

void write_stats_json(std::ostream& os, const Scenario& s, const platform::TimingProfile& prof,
                      platform::Soc& soc, const RunResult& r, const GpcTotals& g) {
  platform::JsonWriter w(os);
  w.begin_object();
  w.key("scenario").begin_object();
  w.field("name", s.name).field("file", s.file).field("description", s.description);
  w.end_object();
  w.field("seed", s.seed);
  w.key("overrides").begin_array();
  for (const auto& o : s.overrides) w.value(o.key + "=" + o.value);
  w.end_array();
  w.key("profile").begin_object();
  w.field("name", prof.name()).field("file", prof.path());
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
  w.end_object();
  w.key("stats");
  soc.stats().write_json(w);
  w.end_object();
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
  auto profile = platform::TimingProfile::load(resolve_profile_path(s.profile));
  for (const auto& o : s.profile_overrides) profile.set(o.key, o.value, "--set profile." + o.key);

  platform::fresh_simulation_context();
  std::unique_ptr<platform::Soc> soc;
  try {
    soc = std::make_unique<platform::Soc>("soc", s.platform, profile);
  } catch (const std::invalid_argument& e) {
    throw platform::ConfigError(s.file, 0, 0, "platform", e.what());
  }
  RunResult result;
  RunContext ctx(s, *soc, soc->pe(0));
  soc->pe(0).post([&](platform::Pe& pe) {
    ctx.begin_phase("boot");
    soc->monitor().boot(pe.requester());
    ctx.end_phase();
    for (const auto& step : s.steps) {
      StepRecord rec{step->where, step->kind, "", pe.requester().now(), {}};
      ctx.current_outcome.clear();
      try {
        step->execute(ctx);
      } catch (const RunFailure& e) {
        result.ok = false;
        result.failure = e.what();
      }
      rec.end = pe.requester().now();
      rec.outcome = result.ok ? ctx.current_outcome : result.failure;
      ctx.steps.push_back(rec);
      if (!result.ok) break;
    }
    ctx.end_phase();
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
    out << "rmesim: scenario " << s.name << " (" << s.file << "), seed " << s.seed << ", profile "
        << profile.name() << "\n\n";
    soc->print_memory_map(out);
    out << "\nSteps\n";
    for (const auto& st : result.steps)
      out << "  " << std::left << std::setw(28) << st.where << std::right << " " << std::setw(12)
          << platform::format_time(st.end - st.start) << "  " << st.outcome << "\n";
    out << "\nPhases (simulated time)\n";
    for (const auto& p : result.phases)
      out << "  " << std::left << std::setw(16) << p.name << std::right << std::setw(14) << platform::format_time(p.end - p.start) << "\n";
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
  const int step_track = trace.track(soc->pe(0).name(), "scenario steps");
  for (const auto& st : result.steps)
    trace.slice(step_track, st.kind, "step", st.start, st.end - st.start, {{"where", st.where}, {"outcome", st.outcome}});

  std::ostringstream json, trace_json;
  write_stats_json(json, s, profile, *soc, result, g);
  trace.write_json(trace_json);
  const fs::path dir = opt.out_dir.empty() ? fs::path("out") / s.name : fs::path(opt.out_dir);
  write_file_atomically(dir / "stats.json", json.str());
  write_file_atomically(dir / "trace.json", trace_json.str());
  if (!opt.quiet) out << "Wrote " << (dir / "stats.json").string() << " and trace.json\n";
  return result;
}

}  // namespace rmesim
