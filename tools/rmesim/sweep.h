// `rmesim sweep`: a grid of --set overrides over one scenario, each point run as its own
// `rmesim run` process, merged into one CSV. Private to tools/rmesim.
//
// The output folder holds one record per point, points/pNNNN/: the run's outputs (stats.json,
// trace.json, ...), its stderr (stderr.txt) and point.json (the grid values, the exit status, the
// last line of stderr when it failed, the wall seconds). sweep.csv is made from those records
// alone, so a sweep run here (`rmesim sweep`) and one run by Snakemake (--emit-snakemake: one
// rule per point calling `rmesim sweep --point I`, then `--merge`) give the same CSV.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace rmesim::sweep {

// One --grid KEY=V1,V2,...: a scenario or profile key and the values it takes.
struct Axis {
  std::string key;
  std::vector<std::string> values;
};

// "KEY=V1,V2,..." -> Axis; throws ConfigError (key --grid) when malformed.
Axis parse_axis(const std::string& text);

// The grid's points, the first axis varying slowest; each point is its (key, value) list.
using Point = std::vector<std::pair<std::string, std::string>>;
std::vector<Point> points_of(const std::vector<Axis>& grid);

// Everything a sweep needs to run or merge its points.
struct Sweep {
  std::string rmesim;            // the binary that runs each point (absolute)
  std::string scenario;          // absolute
  std::vector<Axis> grid;
  std::vector<std::string> sets;  // --set KEY=VALUE given to every point (seed=7 too)
  std::filesystem::path out;
  std::vector<Point> points;     // points_of(grid)

  std::filesystem::path point_dir(size_t i) const;
  // The `rmesim run` command line of point i (argv, argv[0] the binary).
  std::vector<std::string> run_argv(size_t i) const;
};

// The record of a finished point, as point.json holds it.
struct PointRecord {
  Point values;
  int exit_status = 0;     // rmesim's exit status; 128 + N when signal N killed it
  std::string message;     // the last line of stderr when exit_status != 0
  double wall_seconds = 0;
};

// Runs point i now, in a child process, and writes its point.json.
PointRecord run_point(const Sweep& s, size_t i);

// The exit status point i's record gives, when it has one of exactly these grid values
// (--resume skips it); nullopt when it must run.
std::optional<int> recorded_exit(const Sweep& s, size_t i);

// Runs every point (skipping done ones when `resume`), `jobs` at a time, and reports progress
// on `progress`: a bar with an ETA when `tty`, one line per finished point otherwise. Returns
// how many points failed, the recorded ones included.
size_t run_all(const Sweep& s, unsigned jobs, bool resume, bool tty, std::ostream& progress);

// sweep.csv from the points' records: one row per point, columns point, the grid keys,
// exit_status, message, wall_seconds, then every scalar of stats.json (flattened: see csv.cpp).
void write_csv(const Sweep& s, const std::filesystem::path& csv);

// DIR/Snakefile: one rule per point and the merge, for `snakemake --cores N` or a cluster executor.
void write_snakefile(const Sweep& s, const std::filesystem::path& dir);

}  // namespace rmesim::sweep
