// Runs a loaded scenario: builds the SoC, boots the monitor, executes the steps on PE 0,
// and collects what happened for the summary and stats.json.
#pragma once
#include <cstdint>
#include <map>
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
  // Granules named by raw RMI steps: name -> PA (allocated from the host on first use).
  std::map<std::string, uint64_t> granules;
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
};

// Everything between a loaded scenario and its outputs. Throws ConfigError for problems only
// visible once the platform is built (e.g. a profile override); RunFailure is reported in the
// result, not thrown.
RunResult run_scenario(const Scenario& s, const RunOptions& opt, std::ostream& out);

}  // namespace rmesim
