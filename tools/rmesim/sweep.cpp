// The sweep's grid, its points' child processes and their records (sweep.h).
#include "sweep.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "sim/config_error.h"

namespace rmesim::sweep {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

// Values split at the commas outside brackets, so a YAML list or map is one value:
// realms.r0.args=[4,4096],[2048,2097152] has two.
Axis parse_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw platform::ConfigError("--grid", 0, 0, text, "expected KEY=V1,V2,...");
  Axis a{text.substr(0, eq), {}};
  std::set<std::string> seen;
  auto add = [&](const std::string& v) {
    if (v.empty()) throw platform::ConfigError("--grid", 0, 0, text, "an empty value");
    if (!seen.insert(v).second) throw platform::ConfigError("--grid", 0, 0, text, "the value " + v + " twice");
    a.values.push_back(v);
  };
  int depth = 0;
  std::string v;
  for (char c : text.substr(eq + 1)) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (depth < 0) throw platform::ConfigError("--grid", 0, 0, text, "a closing bracket without its opening one");
    if (c == ',' && depth == 0) {
      add(v);
      v.clear();
    } else {
      v += c;
    }
  }
  if (depth) throw platform::ConfigError("--grid", 0, 0, text, "a bracket left open");
  add(v);
  return a;
}

std::vector<Point> points_of(const std::vector<Axis>& grid) {
  std::vector<Point> out{{}};
  for (const Axis& a : grid) {
    std::vector<Point> next;
    for (const Point& p : out)
      for (const std::string& v : a.values) {
        next.push_back(p);
        next.back().emplace_back(a.key, v);
      }
    out = std::move(next);
  }
  return out;
}

fs::path Sweep::point_dir(size_t i) const {
  char name[16];
  std::snprintf(name, sizeof name, "p%04zu", i);
  return out / "points" / name;
}

std::vector<std::string> Sweep::run_argv(size_t i) const {
  std::vector<std::string> argv{rmesim, "run", scenario, "--out", point_dir(i).string(), "-q"};
  for (const std::string& s : sets) argv.insert(argv.end(), {"--set", s});
  for (const auto& [k, v] : points[i]) argv.insert(argv.end(), {"--set", k + "=" + v});
  return argv;
}

namespace {

fs::path record_path(const Sweep& s, size_t i) { return s.point_dir(i) / "point.json"; }

Json values_json(const Point& p) {
  Json j = Json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j;
}

void write_record(const Sweep& s, size_t i, const PointRecord& r) {
  const Json j{{"point", i}, {"values", values_json(r.values)}, {"exit_status", r.exit_status},
               {"message", r.message}, {"wall_seconds", r.wall_seconds}};
  const fs::path tmp = record_path(s, i).string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, record_path(s, i));
}

// The last non-empty line of a file (a failed rmesim says why on its last stderr line).
std::string last_line(const fs::path& p) {
  std::ifstream in(p);
  std::string last;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) last = l;
  return last;
}

// A point's child: `rmesim run ...` with stdout discarded and stderr into stderr.txt.
pid_t spawn(const Sweep& s, size_t i) {
  std::error_code ec;
  fs::remove_all(s.point_dir(i), ec);
  fs::create_directories(s.point_dir(i));
  const std::vector<std::string> args = s.run_argv(i);
  const std::string err = (s.point_dir(i) / "stderr.txt").string();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null < 0 || e < 0) _exit(126);
    dup2(null, STDOUT_FILENO);
    dup2(e, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::fprintf(stderr, "rmesim sweep: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  return pid;
}

PointRecord finish(const Sweep& s, size_t i, int wait_status, double seconds) {
  PointRecord r{s.points[i], 0, "", seconds};
  if (WIFEXITED(wait_status)) r.exit_status = WEXITSTATUS(wait_status);
  else r.exit_status = 128 + (WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
  if (r.exit_status != 0) {
    r.message = last_line(s.point_dir(i) / "stderr.txt");
    if (WIFSIGNALED(wait_status))
      r.message = "killed by signal " + std::to_string(WTERMSIG(wait_status)) + (r.message.empty() ? "" : ": " + r.message);
  }
  write_record(s, i, r);
  return r;
}

std::string describe(const Point& p) {
  std::string out;
  for (const auto& [k, v] : p) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out.empty() ? "(no grid)" : out;
}

std::string seconds_text(double s) {
  std::ostringstream o;
  if (s < 60) o << std::fixed << std::setprecision(1) << s << " s";
  else o << static_cast<long>(s) / 60 << " min " << static_cast<long>(s) % 60 << " s";
  return o.str();
}

// The terminal's progress: [#####.....] done/total, failures, ETA from the mean wall time of a
// finished point and the points left over the jobs.
void draw_bar(std::ostream& out, size_t done, size_t total, size_t failed, double mean_s, unsigned jobs) {
  constexpr size_t kWidth = 30;
  const size_t fill = total ? done * kWidth / total : kWidth;
  out << "\r[" << std::string(fill, '#') << std::string(kWidth - fill, '.') << "] " << done << "/" << total << " points";
  if (failed) out << ", " << failed << " failed";
  if (done < total && mean_s > 0)
    out << ", ETA " << seconds_text(mean_s * std::ceil(static_cast<double>(total - done) / jobs));
  out << "   " << std::flush;
}

}  // namespace

PointRecord run_point(const Sweep& s, size_t i) {
  const auto start = Clock::now();
  const pid_t pid = spawn(s, i);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  return finish(s, i, status, std::chrono::duration<double>(Clock::now() - start).count());
}

std::optional<int> recorded_exit(const Sweep& s, size_t i) {
  std::ifstream in(record_path(s, i));
  if (!in) return std::nullopt;
  try {
    const Json j = Json::parse(in);
    // A point that ran (ok or a failed expectation) left its stats.json; exit 2 and 3 did not.
    const int rc = j.at("exit_status").get<int>();
    if (j.at("values") == values_json(s.points[i]) && (rc > 1 || fs::exists(s.point_dir(i) / "stats.json"))) return rc;
  } catch (const std::exception&) {
  }
  return std::nullopt;  // no record of these values, or one we cannot read: run it again
}

size_t run_all(const Sweep& s, unsigned jobs, bool resume, bool tty, std::ostream& progress) {
  std::vector<size_t> todo;
  size_t failed = 0;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const auto rc = resume ? recorded_exit(s, i) : std::nullopt;
    if (!rc) todo.push_back(i);
    else if (*rc) ++failed;
  }
  const size_t total = s.points.size();
  size_t done = total - todo.size(), ran = 0;
  double ran_seconds = 0;
  if (!tty && done) progress << "sweep: " << done << " of " << total << " points already done (--resume)\n";
  std::map<pid_t, std::pair<size_t, Clock::time_point>> running;
  size_t next = 0;
  if (tty) draw_bar(progress, done, total, failed, 0, jobs);
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && running.size() < jobs) {
      const size_t i = todo[next++];
      running[spawn(s, i)] = {i, Clock::now()};
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const auto [i, start] = it->second;
    running.erase(it);
    const PointRecord r = finish(s, i, status, std::chrono::duration<double>(Clock::now() - start).count());
    ++done;
    ++ran;
    ran_seconds += r.wall_seconds;
    if (r.exit_status) ++failed;
    if (tty) {
      if (r.exit_status) progress << "\rpoint " << i << " (" << describe(r.values) << ") failed, exit " << r.exit_status
                                  << ": " << r.message << "\n";
      draw_bar(progress, done, total, failed, ran_seconds / static_cast<double>(ran), jobs);
    } else {
      progress << "sweep: point " << done << "/" << total << " p" << std::setw(4) << std::setfill('0') << i
               << std::setfill(' ') << " (" << describe(r.values) << ") "
               << (r.exit_status ? "failed, exit " + std::to_string(r.exit_status) + ": " + r.message : std::string("ok"))
               << " in " << seconds_text(r.wall_seconds) << "\n";
    }
  }
  if (tty) progress << "\n";
  return failed;
}

}  // namespace rmesim::sweep
