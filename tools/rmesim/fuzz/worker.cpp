#include "fuzz/worker.h"

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <unistd.h>

#include "sim/log.h"

extern char** environ;

namespace rmesim::fuzz {
namespace {

// A worker whose parent is gone has no one to report to.
void write_all(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(4);
    done += static_cast<size_t>(n);
  }
}

const char* level_name(platform::LogLevel l) {
  switch (l) {
    case platform::LogLevel::Error: return "error";
    case platform::LogLevel::Warn: return "warn";
    case platform::LogLevel::Info: return "info";
    case platform::LogLevel::Debug: return "debug";
  }
  return "warn";
}

// The worker's command line: every option of the campaign that changes what a sequence does.
std::vector<std::string> worker_args(const CampaignOptions& o, const WorkerJob& job) {
  std::vector<std::string> a = {"rmesim", "fuzz",
                                "--seed", std::to_string(o.seed),
                                "--sequences", std::to_string(o.sequences),
                                "--max-steps", std::to_string(o.max_steps),
                                "--jobs", std::to_string(o.jobs),
                                "--step-wall-seconds", std::to_string(o.step_wall_seconds),
                                "--step-sim-ns", std::to_string(o.step_sim_ns),
                                "--log-level", level_name(platform::log_level())};
  if (o.self_test) a.push_back("--self-test");
  if (job.origin.empty()) a.insert(a.end(), {"--worker-first", std::to_string(job.first)});
  else a.insert(a.end(), {"--worker-scenario", job.origin});
  return a;
}

// Writes the scenario to the worker's stdin. A worker that dies before reading it must not
// kill the campaign with SIGPIPE: the signal is held back and dropped, and the worker's exit
// status says what happened.
void feed(int fd, const std::string& text) {
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const timespec now{};
  while (sigtimedwait(&pipe_signal, nullptr, &now) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

std::string one_line(std::string s) {
  for (char& ch : s)
    if (ch == '\n') ch = ' ';
  return s;
}

}  // namespace

WorkerProcess spawn_worker(const CampaignOptions& o, const WorkerJob& job) {
  const bool scenario = !job.origin.empty();
  int out[2], in[2] = {-1, -1};
  // Close-on-exec: no worker holds another's pipe open (a dead worker's EOF must arrive).
  if (::pipe2(out, O_CLOEXEC) != 0 || (scenario && ::pipe2(in, O_CLOEXEC) != 0))
    throw std::runtime_error("fuzz: pipe failed");
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  if (scenario) posix_spawn_file_actions_adddup2(&files, in[0], STDIN_FILENO);
  else posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&files, out[1], STDOUT_FILENO);
  // SIGALRM must kill the worker (a hang), whatever the campaign's caller blocked or ignored.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGALRM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const std::vector<std::string> args = worker_args(o, job);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  WorkerProcess w;
  const int err = posix_spawn(&w.pid, "/proc/self/exe", &files, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (scenario) ::close(in[0]);
  if (err != 0) {
    ::close(out[0]);
    if (scenario) ::close(in[1]);
    throw std::runtime_error(std::string("fuzz: cannot start a worker (/proc/self/exe): ") + strerror(err));
  }
  if (scenario) {
    feed(in[1], job.text);
    ::close(in[1]);
  }
  w.results = out[0];
  return w;
}

int worker_main(const CampaignOptions& o, const WorkerJob& job) {
  // The results take stdout's pipe; stdout itself becomes stderr, so nothing else the
  // simulator prints can be read as a result.
  const int results = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (results < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) return 4;
  if (!job.origin.empty()) {
    std::string text;
    char buf[65536];
    for (ssize_t n; (n = ::read(STDIN_FILENO, buf, sizeof buf)) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return 4;
      text.append(buf, static_cast<size_t>(n));
    }
    write_all(results, serialize(0, run_sequence(text, job.origin, o)));
  } else {
    // A result and the next sequence's "B" go in one write: the worker is never between two
    // sequences as the campaign sees it, so a death is always a sequence's.
    write_all(results, "B " + std::to_string(job.first) + "\n");
    for (uint64_t i = job.first; i < o.sequences; i += o.jobs) {
      std::string lines = serialize(i, run_campaign_sequence(o, i));
      if (i + o.jobs < o.sequences) lines += "B " + std::to_string(i + o.jobs) + "\n";
      write_all(results, lines);
    }
  }
  ::close(results);
  // Returning (not _exit) ends the process through exit(): LeakSanitizer's check runs there,
  // and a leak becomes the exit status.
  return 0;
}

std::string serialize(uint64_t index, const SequenceResult& r) {
  std::ostringstream o;
  o << "R " << index << " " << r.steps << " " << r.fingerprint << "\n";
  if (!r.violation.empty()) o << "V " << one_line(r.violation) << "\n";
  for (const auto& [cmd, by] : r.coverage)
    for (const auto& [st, n] : by) o << "C " << cmd << " " << st << " " << n << "\n";
  o << "E\n";
  return o.str();
}

bool parse_line(const std::string& line, SequenceResult& r, uint64_t& index) {
  std::istringstream in(line);
  std::string tag;
  in >> tag;
  if (tag == "R") {
    r = SequenceResult{};
    in >> index >> r.steps >> r.fingerprint;
  } else if (tag == "V") {
    r.violation = line.substr(2);
  } else if (tag == "C") {
    std::string cmd, st;
    uint64_t n = 0;
    in >> cmd >> st >> n;
    r.coverage[cmd][st] += n;
  }
  return tag == "E";
}

}  // namespace rmesim::fuzz
