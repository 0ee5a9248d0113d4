// `rmesim fuzz`: a seeded campaign of generated sequences (generator.h) checked by the
// invariants (invariants.h). Sequences run in worker processes (--jobs; worker.h: each a fresh
// process of this binary), so a crash or a hang of the simulator is a finding, not the end of
// the campaign: each worker bounds the wall time of every step with alarm(). A violation stops
// its sequence; the sequence is then shrunk by dropping steps while the same invariant still
// breaks (each candidate in a worker of its own), and written to --out as a scenario
// (`rmesim fuzz --replay FILE` checks it again; `rmesim run FILE` runs it).
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

#include "fuzz/invariants.h"

namespace rmesim::fuzz {

struct CampaignOptions {
  uint64_t seed = 1;
  uint64_t sequences = 100;
  unsigned max_steps = 40;
  unsigned jobs = 1;
  std::string out_dir = "out/fuzz";        // reproducers (made only when there is one)
  unsigned step_wall_seconds = 20;          // a step that runs longer is a hang
  uint64_t step_sim_ns = 100'000'000;       // a step that takes more simulated time is a hang
  bool self_test = false;                   // generate.h: the walk also breaks the GPT behind the RMM
};

struct SequenceResult {
  std::string violation;  // empty: every invariant held
  uint64_t steps = 0;     // steps run
  uint64_t fingerprint = 0;  // of every step's outcome and time: same seed, same fingerprint
  Coverage coverage;
};

// One scenario text, in this process, with the invariants checked after every step.
SequenceResult run_sequence(const std::string& text, const std::string& origin, const CampaignOptions& o);

// Sequence `index` of the campaign, in this process; every 16th runs twice (same seed, same
// outcome).
SequenceResult run_campaign_sequence(const CampaignOptions& o, uint64_t index);

// The campaign: prints "N sequences, M steps, V violations", the reproducers' paths and the
// RMI status coverage on `out` (deterministic for a seed), speed on `err`. Returns the exit
// status: 0 no violation, 1 violations.
int run_campaign(const CampaignOptions& o, std::ostream& out, std::ostream& err);

// Replays a reproducer (or any scenario) with the invariants: 0 when they hold, 1 when not.
int replay(const std::string& file, const CampaignOptions& o, std::ostream& out);

}  // namespace rmesim::fuzz
