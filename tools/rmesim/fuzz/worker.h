// A fuzz worker: a fresh process of this binary (posix_spawn of /proc/self/exe) in a hidden
// mode of `rmesim fuzz`, so that the sanitizer runtime starts it as it starts any program: it
// knows the thread's stack (ASan's unwinding of exceptions, LeakSanitizer's roots) and runs
// its leak check at exit. A fork()ed child of GCC 12's runtime knows neither.
//
// The job is on the command line (the campaign's options and the worker's first sequence) or,
// for one scenario, its text on the worker's stdin. Results come back on the worker's stdout,
// a few lines each (serialize); anything else the simulator prints goes to its stderr. The
// exit status is 0, or the sanitizer's (a leak found at exit) once every result is written.
#pragma once
#include <cstdint>
#include <string>

#include <sys/types.h>

#include "fuzz/campaign.h"

namespace rmesim::fuzz {

// What one worker runs: the campaign's sequences first, first + jobs, ... (origin empty), or
// the scenario `text`, named `origin` in its violations.
struct WorkerJob {
  uint64_t first = 0;
  std::string origin;
  std::string text;
};

struct WorkerProcess {
  pid_t pid = -1;
  int results = -1;  // the read end of the worker's stdout
};

// Starts a worker; throws std::runtime_error when the process cannot be made.
WorkerProcess spawn_worker(const CampaignOptions& o, const WorkerJob& job);

// The worker's side (`rmesim fuzz --worker-first N ...` or `--worker-scenario ORIGIN ...`):
// runs the job, writes the results, returns the exit status (0).
int worker_main(const CampaignOptions& o, const WorkerJob& job);

// The lines of one result: "B index" when a sequence begins (so a crash names it), then
// "R index steps fingerprint", "V violation", "C command status count"..., "E".
std::string serialize(uint64_t index, const SequenceResult& r);
// Parses one line into `r`; true at the end of a result ("E").
bool parse_line(const std::string& line, SequenceResult& r, uint64_t& index);

}  // namespace rmesim::fuzz
