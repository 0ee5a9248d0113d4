// Runs a loaded scenario: builds the SoC, boots the monitor, executes the steps on PE 0,
// and collects what happened for the summary and stats.json.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>

#include "sim/profile.h"
#include "sim/stats_json.h"
#include "platform/soc.h"
#include "rmesim/scenario.h"

namespace host {
class Kvm;
class SmmuDriver;
class Vmm;
}  // namespace host
namespace rmm {
class Rmm;
}

namespace rmesim {

// A step whose expectation did not hold: the run fails (exit 1) but outputs are written.
class RunFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Phase {
  std::string name;
  sc_core::sc_time start, end;
  platform::Breakdown time;  // on the stepping PE, by cost
};

struct StepRecord {
  std::string where, kind, outcome;
  sc_core::sc_time start, end;
  double wall_seconds = 0;  // host time the step took (benchmarks; never in stats.json)
  double cpu_seconds = 0;   // host CPU time the process spent in it, every thread (the same)
};

class RunContext {
 public:
  RunContext(const Scenario& s, platform::Soc& soc, platform::Pe& pe) : scenario(s), soc(soc), pe(pe) {}
  const Scenario& scenario;
  platform::Soc& soc;
  platform::Pe& pe;  // the PE the steps run on

  void begin_phase(const std::string& name);
  void end_phase();
  // Records what a step did (one line in the summary).
  void note(const std::string& outcome) { current_outcome += (current_outcome.empty() ? "" : "; ") + outcome; }

  std::vector<Phase> phases;
  std::vector<StepRecord> steps;
  std::string current_outcome;
  std::optional<platform::CostMeter> phase_meter;  // of the open phase

  // The software stack above the platform (null when a scenario runs without one).
  rmm::Rmm* rmm = nullptr;
  host::Kvm* kvm = nullptr;
  host::Vmm* vmm = nullptr;
  // The host's SMMU driver, probed by the first dma step.
  std::shared_ptr<host::SmmuDriver> smmu;
  // Granules named by raw RMI steps: name -> PA (allocated from the host on first use).
  std::map<std::string, uint64_t> granules;
  // The result registers of raw RMI steps by name ("handle", "top"), as the last call that
  // returned RMI_SUCCESS or RMI_INCOMPLETE left them: what `$handle` names in a later step.
  std::map<std::string, uint64_t> rmi_results;
  // The last RIM read of each realm (kept after teardown), hex.
  std::map<std::string, std::string> rims;
};

struct RunResult {
  bool ok = true;
  std::string failure;             // the first failed expectation
  std::vector<Phase> phases;
  std::vector<StepRecord> steps;
  sc_core::sc_time sim_time;
  double wall_seconds = 0;
};

struct RunOptions {
  std::string out_dir;   // where stats.json goes
  bool quiet = false;    // no summary on stdout
  std::string trace_insn;  // --trace-insn: file for the guest instruction trace (empty: off)
  std::string dump_dtb;    // --dump-dtb: file for the first VM's device tree, FILE-<vm> for others
  platform::StatsJsonOptions stats;  // --stats-format, --host-seconds
  bool stats_text = false;  // --stats-text: every non-zero statistic in the summary
  bool brief_summary = false;  // --summary brief: the student view (no breakdowns, no zero counts)
  uint64_t trace_limit = platform::Trace::kDefaultLimit;  // --trace-limit: trace.json events per track end
  // The progress line on stderr (phase, simulated time, pages populated): on a terminal or with
  // --progress; every progress_ms of wall time; rewritten in place when progress_tty.
  bool progress = false, progress_tty = false;
  unsigned progress_ms = 500;
  // The fuzzer's (rmesim fuzz) view of a run, on the stepping PE's thread. Set, a failed
  // expectation does not end the steps: after_step sees it (empty when the step held) and
  // returns false to stop; at_end runs after the live VMs are torn down.
  std::function<bool(RunContext&, const Step&, const std::string& failure)> after_step;
  std::function<void(RunContext&)> at_end;
  std::function<void(RunContext&)> before_steps;  // after boot, before the first step
  bool write_outputs = true;  // false: no output folder, stats.json, trace.json or consoles
};

// Everything between a loaded scenario and its outputs. Throws ConfigError for problems only
// visible once the platform is built (e.g. a profile override); RunFailure is reported in the
// result, not thrown.
RunResult run_scenario(const Scenario& s, const RunOptions& opt, std::ostream& out);

}  // namespace rmesim
