#include "fuzz/campaign.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <regex>
#include <sstream>
#include <utility>
#include <vector>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemc>

#include "fuzz/generator.h"
#include "fuzz/rng.h"
#include "fuzz/worker.h"
#include "paths.h"
#include "platform/abi/rmi.h"
#include "platform/abi/specs.h"
#include "rmesim/runner.h"
#include "rmesim/scenario.h"
#include "sim/config_error.h"
#include "sim/input_file.h"

namespace rmesim::fuzz {
namespace {

namespace fs = std::filesystem;

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

uint64_t fnv(uint64_t h, const std::string& s) {
  for (unsigned char ch : s) h = (h ^ ch) * 0x100000001B3ull;
  return h;
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

std::string death(int status, const CampaignOptions& o) {
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return "hang: a step ran longer than " + std::to_string(o.step_wall_seconds) + " s of wall time";
  if (WIFSIGNALED(status)) return std::string("crash: ") + strsignal(WTERMSIG(status));
  return "crash: the simulator exited with status " + std::to_string(WEXITSTATUS(status)) + " in the middle of a sequence";
}

// Runs `text` in a worker of its own: a crash or a hang becomes the result's violation.
SequenceResult isolated(const std::string& text, const std::string& origin, const CampaignOptions& o) {
  const WorkerProcess w = spawn_worker(o, WorkerJob{0, origin, text});
  std::string data;
  char buf[4096];
  for (ssize_t n; (n = ::read(w.results, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(w.results);
  int status = 0;
  ::waitpid(w.pid, &status, 0);
  SequenceResult r;
  uint64_t index = 0;
  std::istringstream lines(data);
  bool complete = false;
  for (std::string l; std::getline(lines, l);) complete = parse_line(l, r, index) || complete;
  if (!complete) r.violation = death(status, o);
  else if (status != 0 && r.violation.empty())
    r.violation = origin + ": the worker exited with status " + std::to_string(exit_code(status)) +
                  " after its result (a sanitizer's report is on stderr)";
  return r;
}

// What a violation says with its numbers and place left out: shrinking keeps a candidate only
// when the same invariant breaks.
std::string kind_of(const std::string& v) {
  static const std::regex numbers("(0x[0-9a-f]+|[0-9]+)");
  const auto colon = v.find(": ");  // "FILE:LINE: what"
  return std::regex_replace(colon == std::string::npos ? v : v.substr(colon + 2), numbers, "N");
}

// Drops steps while the same violation stays: halves first, then single steps.
std::vector<bool> shrink(const Sequence& s, const std::string& violation, const CampaignOptions& o, unsigned& runs) {
  std::vector<bool> keep(s.steps.size(), true);
  const std::string kind = kind_of(violation);
  auto still = [&](const std::vector<bool>& k) {
    ++runs;
    const SequenceResult r = isolated(s.text(k), s.name(), o);
    return !r.violation.empty() && kind_of(r.violation) == kind;
  };
  for (size_t chunk = std::max<size_t>(1, s.steps.size() / 2); chunk >= 1 && runs < 400; chunk /= 2) {
    for (size_t start = 0; start < keep.size() && runs < 400; start += chunk) {
      std::vector<bool> k = keep;
      bool dropped = false;
      for (size_t i = start; i < std::min(keep.size(), start + chunk); ++i) dropped |= k[i], k[i] = false;
      if (dropped && still(k)) keep = k;
    }
    if (chunk == 1) break;
  }
  return keep;
}

// --- workers --------------------------------------------------------------------------------
struct Worker {
  pid_t pid = -1;
  int fd = -1;
  uint64_t next = 0;         // the next index it will run
  int64_t running = -1;      // the index begun and not finished
  uint64_t finished = 0;     // sequences finished by this process
  std::string buf;
  SequenceResult partial;
  uint64_t partial_index = 0;
};

void start(Worker& w, const CampaignOptions& o) {
  const WorkerProcess p = spawn_worker(o, WorkerJob{w.next, {}, {}});
  w.pid = p.pid;
  w.fd = p.results;
  w.running = -1;
  w.finished = 0;
  w.buf.clear();
}

// One table per RMM version, a row per command of its declaration, a column per status any
// version declares (1.0's first, in value order).
void print_coverage(std::ostream& out, const Coverage& cov) {
  std::vector<std::string> statuses;
  for (const platform::abi::Spec* spec : platform::abi::kSpecs)
    for (const platform::abi::StatusCode& st : spec->statuses)
      if (std::find(statuses.begin(), statuses.end(), st.name) == statuses.end()) statuses.push_back(st.name);
  out << "RMI status coverage (calls per status; - never returned):\n";
  for (const platform::abi::Spec* spec : platform::abi::kSpecs) {
    out << " RMM " << spec->version << ":\n  " << std::left << std::setw(28) << "command";
    for (const auto& st : statuses) out << std::right << std::setw(st.size() + 2) << st;
    out << "\n";
    for (const auto& c : spec->rmi) {
      const std::string name = std::string(c.name).substr(4);
      auto it = cov.find(coverage_key(*spec, name));
      out << "  " << std::left << std::setw(28) << name;
      for (const auto& st : statuses) {
        uint64_t n = 0;
        if (it != cov.end())
          if (auto j = it->second.find(st); j != it->second.end()) n = j->second;
        out << std::right << std::setw(st.size() + 2) << (n ? std::to_string(n) : "-");
      }
      out << "\n";
    }
  }
}

}  // namespace

SequenceResult run_sequence(const std::string& text, const std::string& origin, const CampaignOptions& o) {
  // An internal error stops the simulation (Pe::thread): SystemC's note of it is noise here.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  SequenceResult r;
  Invariants inv(o.step_sim_ns);
  bool ended = false;
  RunOptions ro;
  ro.quiet = true;
  ro.write_outputs = false;
  ro.after_step = [&](RunContext& c, const Step& step, const std::string&) {
    ++r.steps;
    if (o.step_wall_seconds) ::alarm(o.step_wall_seconds);
    const std::string v = inv.after_step(c);
    if (v.empty()) return true;
    r.violation = step.where + ": " + v;
    return false;
  };
  ro.before_steps = [&](RunContext& c) { inv.before_steps(c); };
  ro.at_end = [&](RunContext& c) {
    ended = true;
    if (!r.violation.empty()) return;
    if (const std::string v = inv.at_end(c); !v.empty()) r.violation = origin + ": at the end: " + v;
  };
  if (o.step_wall_seconds) ::alarm(o.step_wall_seconds);
  std::ostringstream quiet;
  try {
    const Scenario s = parse_scenario(text, origin, {});
    const RunResult res = run_scenario(s, ro, quiet);
    uint64_t h = 0xCBF29CE484222325ull;
    for (const auto& st : res.steps) h = fnv(h, st.outcome + "|" + std::to_string((st.end - st.start).value()));
    r.fingerprint = fnv(h, std::to_string(res.sim_time.value()));
    if (r.violation.empty() && !ended) r.violation = origin + ": the steps never finished (the simulation ran out of events)";
  } catch (const platform::ConfigError& e) {
    r.violation = origin + ": the generated scenario does not load (a fuzzer bug): " + e.what();
  } catch (const std::exception& e) {
    // The first violation stands (the runner's own end check may throw after it).
    if (r.violation.empty()) r.violation = origin + ": internal error: " + e.what();
  }
  ::alarm(0);
  r.coverage = inv.coverage();
  return r;
}

SequenceResult run_campaign_sequence(const CampaignOptions& o, uint64_t index) {
  const Sequence s = generate(sequence_seed(o.seed, index), o.max_steps, o.self_test);
  SequenceResult r = run_sequence(s.text(), s.name(), o);
  // Same seed, same outcome: every 16th sequence runs twice in the same process.
  if (r.violation.empty() && index % 16 == 0) {
    const SequenceResult again = run_sequence(s.text(), s.name(), o);
    if (again.fingerprint != r.fingerprint || again.steps != r.steps)
      r.violation = s.name() + ": same seed, different outcome (fingerprint " + hex(r.fingerprint) + ", then " +
                    hex(again.fingerprint) + ")";
  }
  return r;
}

int run_campaign(const CampaignOptions& o, std::ostream& out, std::ostream& err) {
  const auto t0 = std::chrono::steady_clock::now();
  out << "rmesim fuzz: seed " << o.seed << ", " << o.sequences << " sequences of 1 to " << o.max_steps << " steps\n"
      << std::flush;
  std::vector<SequenceResult> results(o.sequences);
  std::vector<Worker> workers(std::min<uint64_t>(o.jobs, std::max<uint64_t>(o.sequences, 1)));
  for (size_t j = 0; j < workers.size(); ++j) {
    workers[j].next = j;
    start(workers[j], o);
  }
  std::vector<std::string> worker_errors;
  for (size_t live = workers.size(); live;) {
    std::vector<pollfd> fds;
    for (auto& w : workers)
      if (w.fd >= 0) fds.push_back({w.fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), -1);
    for (auto& w : workers) {
      if (w.fd < 0) continue;
      const auto it = std::find_if(fds.begin(), fds.end(), [&](const pollfd& p) { return p.fd == w.fd; });
      if (!(it->revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      const ssize_t n = ::read(w.fd, buf, sizeof buf);
      if (n > 0) {
        w.buf.append(buf, static_cast<size_t>(n));
        for (size_t nl; (nl = w.buf.find('\n')) != std::string::npos;) {
          const std::string line = w.buf.substr(0, nl);
          w.buf.erase(0, nl + 1);
          if (line.rfind("B ", 0) == 0) {
            w.running = std::stoll(line.substr(2));
          } else if (parse_line(line, w.partial, w.partial_index)) {
            results[w.partial_index] = w.partial;
            w.running = -1;
            w.next = w.partial_index + o.jobs;
            ++w.finished;
          }
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // The worker ended: done, or it died inside sequence `running` (a crash or a hang).
      ::close(w.fd);
      w.fd = -1;
      int status = 0;
      ::waitpid(w.pid, &status, 0);
      if (w.running >= 0) {
        // It died inside sequence `running`: a crash or a hang of that sequence.
        const Sequence s = generate(sequence_seed(o.seed, static_cast<uint64_t>(w.running)), o.max_steps, o.self_test);
        results[static_cast<size_t>(w.running)].violation = s.name() + ": " + death(status, o);
        w.next = static_cast<uint64_t>(w.running) + o.jobs;
      } else if (w.next < o.sequences) {
        // It ended between two sequences: no sequence to blame. The rest still runs, unless
        // it ended before any sequence (a worker that cannot start would start forever).
        worker_errors.push_back("a worker ended with status " + std::to_string(exit_code(status)) + " before sequence " +
                                std::to_string(w.next) + (w.finished ? "" : "; its remaining sequences did not run"));
        if (!w.finished) w.next = o.sequences;
      } else if (status != 0) {
        // Every sequence done, and still not a clean exit: a sanitizer's report at the end.
        worker_errors.push_back("a worker exited with status " + std::to_string(exit_code(status)) +
                                " after its sequences (a sanitizer's report is on stderr)");
      }
      if (w.next < o.sequences) {
        start(w, o);
        continue;
      }
      --live;
    }
  }
  uint64_t steps = 0, violations = 0;
  Coverage cov;
  for (const auto& r : results) {
    steps += r.steps;
    violations += !r.violation.empty();
    for (const auto& [c, by] : r.coverage)
      for (const auto& [s, n] : by) cov[c][s] += n;
  }
  violations += worker_errors.size();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out << o.sequences << " sequences, " << steps << " steps, " << violations << " violations\n";
  err << "rmesim fuzz: " << std::fixed << std::setprecision(2) << secs << " s wall, " << std::setprecision(1)
      << static_cast<double>(o.sequences) / secs << " sequences/s, " << static_cast<double>(steps) / secs << " steps/s ("
      << workers.size() << " jobs)\n";
  // Each violation: shrunk (the first few), written as a scenario.
  unsigned shrunk = 0;
  for (uint64_t i = 0; i < o.sequences; ++i) {
    if (results[i].violation.empty()) continue;
    const Sequence s = generate(sequence_seed(o.seed, i), o.max_steps, o.self_test);
    out << "violation in sequence " << i << ": " << results[i].violation << "\n";
    std::vector<bool> keep;
    unsigned runs = 0;
    if (shrunk++ < 8) keep = shrink(s, results[i].violation, o, runs);
    std::error_code ec;
    if (const std::string why = folder_problem(o.out_dir); !why.empty() || (fs::create_directories(o.out_dir, ec), ec)) {
      out << "  (no reproducer: --out " << o.out_dir << ": " << (why.empty() ? ec.message() : why) << ")\n";
      continue;
    }
    const fs::path file = fs::path(o.out_dir) / ("repro-" + hex(s.seed) + ".yaml");
    size_t kept = 0;
    for (bool k : keep) kept += k;
    std::ofstream f(file);
    f << "# violation: " << results[i].violation << "\n# sequence " << i << " of campaign seed " << o.seed
      << "; " << (keep.empty() ? s.steps.size() : kept) << " of " << s.steps.size() << " steps kept after " << runs
      << " shrinking runs\n"
      << s.text(keep);
    out << "  reproducer: " << file.string() << " (" << (keep.empty() ? s.steps.size() : kept) << " of " << s.steps.size()
        << " steps)\n";
  }
  for (const auto& e : worker_errors) out << "violation: " << e << "\n";
  print_coverage(out, cov);
  return violations ? 1 : 0;
}

int replay(const std::string& file, const CampaignOptions& o, std::ostream& out) {
  // Loaded here first: a bad file is bad input (ConfigError, exit 2), not a violation.
  const std::string text = platform::read_input_file(file, kMaxScenarioBytes, "scenario");
  (void)parse_scenario(text, file, {});
  const SequenceResult r = isolated(text, file, o);
  out << file << ": " << r.steps << " steps, " << (r.violation.empty() ? "every invariant held" : "violation: " + r.violation)
      << "\n";
  return r.violation.empty() ? 0 : 1;
}

}  // namespace rmesim::fuzz
