// rmesim command line: `rmesim run SCENARIO.yaml [--set key=value]... [--out DIR] [--seed N]`.
#include <boost/program_options.hpp>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <systemc>

#include "abi_doc.h"
#include "fuzz/campaign.h"
#include "fuzz/worker.h"
#include "explain.h"
#include "verify_token.h"
#include "platform/abi/specs.h"
#include "sim/config_error.h"
#include "sim/log.h"
#include "sim/profile.h"
#include "paths.h"
#include "rmesim/runner.h"
#include "rmesim/scenario.h"
#include "rmesim/steps.h"
#include "sweep.h"

namespace po = boost::program_options;

namespace {

constexpr int kExitOk = 0, kExitRunFailed = 1, kExitConfig = 2, kExitInternal = 3;

const char* kUsage = R"(rmesim: a timed, reproducible simulator of an Arm SoC with the Realm Management Extension.

Usage:
  rmesim run SCENARIO.yaml [--set KEY=VALUE]... [--out DIR] [--seed N] [--log-level LEVEL]
             [--trace-insn FILE] [--dump-dtb FILE] [--trace-limit N] [--progress]
  rmesim sweep SCENARIO.yaml --grid KEY=V1,V2,... [--grid ...] [--set KEY=VALUE]... [--jobs N]
             [--out DIR] [--resume] [--emit-snakemake DIR]
  rmesim fuzz [--seed N] [--sequences N] [--max-steps N] [--jobs N] [--out DIR] [--replay FILE]
                                  random host walks over every RMI command, VMs and DMA, with
                                  invariants checked after every step (docs/fuzzing.md)
  rmesim explain STATS.json KEY   a statistic's value, unit and description (or a group's)
  rmesim verify-token CONSOLE [--seed N]
                                  check a realm's attestation token outside the realm
  rmesim profile [NAME|FILE]      list every cost of a timing profile (default: default)
  rmesim help steps               list every step kind with its fields
  rmesim abi [--spec 1.0] [--header|--markdown]
                                  the RMI/RSI ABI declaration: a C header or a reference table
  rmesim --help | --version

Commands:
  run       Build the platform the scenario describes, boot it, execute its steps, print a
            summary and write DIR/stats.json (every counter) and DIR/trace.json (a timeline for
            Perfetto or chrome://tracing); DIR defaults to out/<scenario name>.
  sweep     Run the scenario once per point of the grid (every combination of the --grid values,
            each a --set), as separate processes, N at a time, and write DIR/sweep.csv: one row per
            point with its grid values, exit status, message (why it failed), wall seconds and every
            scalar of its stats.json. Each point's outputs stay in DIR/points/pNNNN/. A failing
            point is recorded and the others go on; --resume skips points already recorded.
            --emit-snakemake DIR writes the same sweep as a Snakemake workflow instead of running it.
            DIR defaults to out/<scenario name>-sweep. Exit 1 when a point failed.
  fuzz      A seeded campaign: prints "N sequences, M steps, V violations", a shrunk reproducer
            scenario in DIR (default out/fuzz) for each violation, and the RMI status coverage
            per command. --replay FILE checks one scenario with the invariants.
  explain   KEY is a dotted path in stats.json's stats tree (pe0.gpc.faults_fail, rmm.rmi.DATA_CREATE);
            the file must be written with --stats-format described.
  verify-token  CONSOLE is a console-VM.txt in which realm-hello (args [N, 1]) printed its
            token; it is checked with the CPAK of the platform of seed N (default 1): both
            signatures and their binding; exit 0 verified, 1 rejected.
  profile   Print each cost: name, value, unit, allowed range, source.
  help      `help steps`: each step kind, its forms and its fields (type, required, help).
  abi       Every RMI and RSI command (FID, argument and result registers) and structure (each
            field's offset, size, meaning) of one RMM spec version, from the declaration the
            simulator runs on: --header a C header with static_assert(offsetof) lines, --markdown
            (the default) a reference table.

Exit status: 0 ok, 1 a step's expectation failed (outputs are still written; why, on stderr),
             2 bad input (scenario, override, profile, guest image, --out, --trace-insn, --dump-dtb,
               --trace-limit or --summary; explain: the file or the key;
               nothing is run),
             3 internal error (a simulator bug).
)";

int cmd_profile(const std::vector<std::string>& args) {
  const std::string name = args.empty() ? "default" : args[0];
  const auto p = platform::TimingProfile::load(rmesim::resolve_profile_path(name));
  std::cout << "profile " << p.name() << " (" << p.path() << ")\n";
  for (const auto& [n, c] : p.costs())
    std::cout << "  " << n << " = " << c.value << " " << c.unit << " (allowed " << c.min << " to " << c.max << ")\n      "
              << c.help << "\n      source: " << c.source << "\n";
  return kExitOk;
}

// An integer from 0 to 2^64-1 as typed (decimal or 0x), refused when empty, negative or followed
// by anything. Parsed here rather than by Boost, which would wrap "-1" around to 2^64-1.
bool parse_u64(const std::string& text, uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text.c_str(), &end, 0);
  return !text.empty() && text[0] != '-' && !errno && !*end;
}

// The path of this binary, which runs each point of a sweep.
std::string self_path() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the rmesim binary: " + ec.message());
  return p.string();
}

int cmd_sweep(const po::variables_map& vm, const std::vector<std::string>& args) {
  if (args.size() != 1) throw platform::ConfigError("sweep", 0, 0, "", "takes exactly one scenario file");
  if (!vm.count("grid")) throw platform::ConfigError("--grid", 0, 0, "", "a sweep needs at least one --grid KEY=V1,V2,...");
  namespace sw = rmesim::sweep;
  sw::Sweep s;
  std::vector<rmesim::Override> sets;
  if (vm.count("set"))
    for (const auto& t : vm["set"].as<std::vector<std::string>>()) {
      sets.push_back(rmesim::parse_override(t));
      s.sets.push_back(t);
    }
  const auto base = rmesim::load_scenario(args[0], sets);  // the scenario itself must load: exit 2 if not
  s.rmesim = self_path();
  s.scenario = std::filesystem::absolute(args[0]).lexically_normal().string();
  for (const auto& g : vm["grid"].as<std::vector<std::string>>()) {
    s.grid.push_back(rmesim::sweep::parse_axis(g));
    for (size_t i = 0; i + 1 < s.grid.size(); ++i)
      if (s.grid[i].key == s.grid.back().key) throw platform::ConfigError("--grid", 0, 0, g, "the key is swept twice");
  }
  s.points = sw::points_of(s.grid);
  const std::string emit = vm.count("emit-snakemake") ? vm["emit-snakemake"].as<std::string>() : "";
  std::string out = vm.count("out") ? vm["out"].as<std::string>() : emit.empty() ? "out/" + base.name + "-sweep" : emit;
  s.out = std::filesystem::absolute(out).lexically_normal();
  if (!emit.empty()) {
    sw::write_snakefile(s, std::filesystem::absolute(emit).lexically_normal());
    std::cout << "Wrote " << emit << "/Snakefile (" << s.points.size() << " points; snakemake -s " << emit
              << "/Snakefile --cores N)\n";
    return kExitOk;
  }
  if (vm.count("merge")) {
    sw::write_csv(s, s.out / "sweep.csv");
    return kExitOk;
  }
  if (vm.count("point")) {
    const std::string text = vm["point"].as<std::string>();
    uint64_t i = 0;
    if (!parse_u64(text, i) || i >= s.points.size())
      throw platform::ConfigError("--point", 0, 0, text, "a point of the grid: 0 to " + std::to_string(s.points.size() - 1));
    sw::run_point(s, i);
    return kExitOk;  // the record says how the point ended; the workflow goes on
  }
  uint64_t jobs = 1;
  if (vm.count("jobs") && (!parse_u64(vm["jobs"].as<std::string>(), jobs) || jobs < 1 || jobs > 1024))
    throw platform::ConfigError("--jobs", 0, 0, vm["jobs"].as<std::string>(), "an integer from 1 to 1024");
  std::filesystem::create_directories(s.out);
  const size_t failed = sw::run_all(s, static_cast<unsigned>(jobs), vm.count("resume"), isatty(STDERR_FILENO), std::cerr);
  sw::write_csv(s, s.out / "sweep.csv");
  std::cout << "Wrote " << (s.out / "sweep.csv").string() << " (" << s.points.size() << " points, " << failed
            << " failed)\n";
  return failed ? kExitRunFailed : kExitOk;
}

int cmd_abi(const po::variables_map& vm) {
  const std::string version = vm["spec"].as<std::string>();
  const platform::abi::Spec* spec = platform::abi::find_spec(version);
  if (!spec) {
    std::string known;
    for (const auto* s : platform::abi::kSpecs) known += (known.empty() ? "" : ", ") + std::string(s->version);
    std::cerr << "rmesim: abi: no declaration of spec '" << version << "' (declared: " << known << ")\n";
    return kExitConfig;
  }
  if (vm.count("header") && vm.count("markdown")) {
    std::cerr << "rmesim: abi: --header or --markdown, not both\n";
    return kExitConfig;
  }
  if (vm.count("header")) rmesim::print_abi_header(*spec, std::cout);
  else rmesim::print_abi_markdown(*spec, std::cout);
  return kExitOk;
}

int run_cli(int argc, char* argv[]);

// A numeric option in [lo, hi], or exit 2 naming it.
bool numeric_option(const po::variables_map& vm, const char* name, uint64_t lo, uint64_t hi, uint64_t& out) {
  if (!vm.count(name)) return true;
  const std::string text = vm[name].as<std::string>();
  if (parse_u64(text, out) && out >= lo && out <= hi) return true;
  std::cerr << "rmesim: --" << name << " must be an integer from " << lo << " to " << hi << ", not '" << text << "'\n";
  return false;
}

int cmd_fuzz(const po::variables_map& vm) {
  rmesim::fuzz::CampaignOptions o;
  uint64_t steps = o.max_steps, jobs = o.jobs;
  if (!numeric_option(vm, "seed", 0, UINT64_MAX, o.seed) || !numeric_option(vm, "sequences", 1, UINT64_MAX >> 8, o.sequences) ||
      !numeric_option(vm, "max-steps", 1, 10000, steps) || !numeric_option(vm, "jobs", 1, 64, jobs))
    return kExitConfig;
  o.max_steps = static_cast<unsigned>(steps);
  o.jobs = static_cast<unsigned>(jobs);
  o.self_test = vm.count("self-test");
  // A worker of a campaign (fuzz/worker.h): the hidden options come only from the campaign.
  if (vm.count("worker-first") || vm.count("worker-scenario")) {
    uint64_t wall = o.step_wall_seconds;
    rmesim::fuzz::WorkerJob job;
    if (!numeric_option(vm, "step-wall-seconds", 0, 86400, wall) || !numeric_option(vm, "step-sim-ns", 1, UINT64_MAX, o.step_sim_ns) ||
        !numeric_option(vm, "worker-first", 0, o.sequences - 1, job.first))
      return kExitConfig;
    o.step_wall_seconds = static_cast<unsigned>(wall);
    if (vm.count("worker-scenario")) job.origin = vm["worker-scenario"].as<std::string>();
    if (vm.count("worker-first") == vm.count("worker-scenario") || (vm.count("worker-scenario") && job.origin.empty())) {
      std::cerr << "rmesim: a fuzz worker takes --worker-first N or --worker-scenario NAME\n";
      return kExitConfig;
    }
    return rmesim::fuzz::worker_main(o, job);
  }
  if (vm.count("out")) o.out_dir = vm["out"].as<std::string>();
  if (o.out_dir.empty()) throw platform::ConfigError("--out", 0, 0, "", "needs a folder");
  // Reproducers are written only when there is a violation; where they go is checked first.
  if (const std::string why = rmesim::folder_problem(o.out_dir); !why.empty())
    throw platform::ConfigError("--out", 0, 0, o.out_dir, why + " (reproducers go in this folder)");
  // The walk makes every RMI error on purpose: the model's warnings about them are noise.
  if (vm["log-level"].defaulted()) platform::set_log_level(platform::LogLevel::Error);
  if (vm.count("replay")) return rmesim::fuzz::replay(vm["replay"].as<std::string>(), o, std::cout);
  return rmesim::fuzz::run_campaign(o, std::cout, std::cerr);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  return run_cli(argc, argv);
}

int main(int argc, char* argv[]) {
  // The SystemC banner is noise in every summary and breaks byte-for-byte output comparisons.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

namespace {
int run_cli(int argc, char* argv[]) {
  po::options_description opts("Options");
  opts.add_options()
      ("help,h", "show this help")
      ("version", "print the version")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a scenario field (platform.dram=4GiB, platform.gpt.pgs=64KiB, seed=7) or a timing cost "
       "(profile.dram.latency=120); may be repeated")
      ("out", po::value<std::string>(), "output folder (default out/<scenario name>)")
      ("seed", po::value<std::string>(), "random seed, 0 to 2^64-1 (overrides the scenario's)")
      ("log-level", po::value<std::string>()->default_value("warn"), "error, warn, info or debug")
      ("quiet,q", "no summary on stdout (errors and failed checks still go to stderr)")
      ("trace-insn", po::value<std::string>(),
       "write every executed guest instruction (PE, world, EL, PC, encoding, disassembly) to this file; slow")
      ("spec", po::value<std::string>()->default_value(platform::abi::kImplemented.version),
       "abi: the RMM spec version whose declaration to print")
      ("header", "abi: print a C header (structures, static_assert(offsetof), FIDs)")
      ("markdown", "abi: print a markdown reference table (the default)")
      ("dump-dtb", po::value<std::string>(),
       "write the device tree the VMM gave each VM to this file (FILE for the first VM, FILE-<vm> for the others); "
       "`dtc -I dtb FILE` decodes it")
      ("stats-format", po::value<std::string>()->default_value("values"),
       "stats.json's tree: values, or described (each statistic as {value, unit, desc})")
      ("host-seconds", "stats.json gives the host seconds of each phase and command too (they differ from run to run)")
      ("stats-text", "the summary lists every non-zero statistic of the tree")
      ("sequences", po::value<std::string>(), "fuzz: sequences to run (default 100)")
      ("max-steps", po::value<std::string>(), "fuzz: steps per sequence at most, 1 to 10000 (default 40)")
      ("replay", po::value<std::string>(), "fuzz: check this scenario (a reproducer) with the invariants")
      ("self-test", "fuzz: the walk also delegates granules behind the RMM's back, which the invariants must report "
                    "(a test of the fuzzer)")
      ("summary", po::value<std::string>()->default_value("full"),
       "full, or brief: the student view (steps, phase times, RMI/RSI call counts, faults, console; "
       "no cost breakdowns, no host seconds, no zero counts)")
      ("trace-limit", po::value<std::string>(),
       "trace.json keeps, per track, the first N and the last N events and at most N between them "
       "(evenly thinned), and says what it left out; 1 to 100000000 (default 5000)")
      ("progress", "run: a progress line on stderr (phase, simulated time, pages populated), also when stderr "
                   "is not a terminal (on a terminal it is there anyway, unless -q)")
      ("progress-interval", po::value<std::string>(), "run: wall milliseconds between progress lines, 10 to 60000 (default 500)")
      ("grid", po::value<std::vector<std::string>>()->composing(),
       "sweep: KEY=V1,V2,... a key (as --set takes it) and its values; may be repeated (every combination runs)")
      ("jobs,j", po::value<std::string>(), "sweep: points run at a time (default 1); fuzz: worker processes, 1 to 64 (default 1)")
      ("resume", "sweep: skip the points whose records exist")
      ("emit-snakemake", po::value<std::string>(), "sweep: write DIR/Snakefile (one rule per point and the merge) instead of running")
      ("point", po::value<std::string>(), "sweep: run only point I and write its record (the Snakemake rules use it)")
      ("merge", "sweep: only merge the points' records into sweep.csv (the Snakemake merge rule uses it)");
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
  // A fuzz campaign's workers (fuzz/worker.h): the campaign starts them with these.
  hidden.add_options()("worker-first", po::value<std::string>())("worker-scenario", po::value<std::string>())
      ("step-wall-seconds", po::value<std::string>())("step-sim-ns", po::value<std::string>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("command", 1).add("args", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "rmesim: " << e.what() << "\n\n" << kUsage << opts;
    return kExitConfig;
  }
  if (vm.count("version")) {
    std::cout << "rmesim 0.1 (SystemC " << sc_core::sc_release() << ")\n";
    return kExitOk;
  }
  // `rmesim help steps` (or --help steps): the step kinds, from the declarations the loader uses.
  const std::string command = vm.count("command") ? vm["command"].as<std::string>() : "";
  const auto rest = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if ((command == "help" && rest == std::vector<std::string>{"steps"}) || (vm.count("help") && command == "steps")) {
    std::cout << rmesim::steps_help();
    return kExitOk;
  }
  if (command == "help" && !rest.empty()) {
    std::cerr << "rmesim: help takes nothing or `steps`\n";
    return kExitConfig;
  }
  if (vm.count("help") || !vm.count("command") || command == "help") {
    std::cout << kUsage << "\n" << opts << "\nStep kinds: " << rmesim::known_step_kinds() << " (rmesim help steps)\n";
    return vm.count("help") || command == "help" ? kExitOk : kExitConfig;
  }
  const std::string lvl = vm["log-level"].as<std::string>();
  if (lvl == "error") platform::set_log_level(platform::LogLevel::Error);
  else if (lvl == "warn") platform::set_log_level(platform::LogLevel::Warn);
  else if (lvl == "info") platform::set_log_level(platform::LogLevel::Info);
  else if (lvl == "debug") platform::set_log_level(platform::LogLevel::Debug);
  else {
    std::cerr << "rmesim: --log-level must be error, warn, info or debug\n";
    return kExitConfig;
  }

  const std::string cmd = vm["command"].as<std::string>();
  const auto args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  try {
    if (cmd == "profile") return cmd_profile(args);
    if (cmd == "abi") {
      if (!args.empty()) {
        std::cerr << "rmesim: abi takes only options (--spec, --header, --markdown)\n";
        return kExitConfig;
      }
      return cmd_abi(vm);
    }
    if (cmd == "sweep") return cmd_sweep(vm, args);
    if (cmd == "fuzz") {
      if (!args.empty()) {
        std::cerr << "rmesim: fuzz takes only options (--seed, --sequences, --max-steps, --jobs, --out, --replay)\n";
        return kExitConfig;
      }
      return cmd_fuzz(vm);
    }
    if (cmd == "explain") {
      if (args.size() != 2) {
        std::cerr << "rmesim: explain takes a stats.json and a key (rmesim explain out/NAME/stats.json pe0.gpc.checks)\n";
        return kExitConfig;
      }
      rmesim::explain_stat(args[0], args[1], std::cout);
      return kExitOk;
    }
    if (cmd == "verify-token") {
      if (args.size() != 1) {
        std::cerr << "rmesim: verify-token takes one console file (out/NAME/console-r0.txt)\n";
        return kExitConfig;
      }
      uint64_t seed = 1;
      if (vm.count("seed") && !parse_u64(vm["seed"].as<std::string>(), seed)) {
        std::cerr << "rmesim: --seed must be an integer from 0 to 2^64-1\n";
        return kExitConfig;
      }
      return rmesim::verify_token_file(args[0], seed, std::cout) ? kExitOk : kExitRunFailed;
    }
    if (cmd != "run") {
      std::cerr << "rmesim: unknown command '" << cmd << "' (run, sweep, fuzz, explain, verify-token, profile, abi; see --help)\n";
      return kExitConfig;
    }
    if (args.size() != 1) {
      std::cerr << "rmesim: run takes exactly one scenario file\n";
      return kExitConfig;
    }
    std::vector<rmesim::Override> overrides;
    if (vm.count("set"))
      for (const auto& s : vm["set"].as<std::vector<std::string>>()) overrides.push_back(rmesim::parse_override(s));
    uint64_t seed = 0;
    const bool have_seed = vm.count("seed");
    if (have_seed) {
      const std::string text = vm["seed"].as<std::string>();
      if (!parse_u64(text, seed)) {
        std::cerr << "rmesim: --seed must be an integer from 0 to 2^64-1, not '" << text << "'\n";
        return kExitConfig;
      }
    }
    const auto scenario = rmesim::load_scenario(args[0], overrides, have_seed ? &seed : nullptr);
    rmesim::RunOptions ro;
    const std::string format = vm["stats-format"].as<std::string>();
    if (format != "values" && format != "described")
      throw platform::ConfigError("--stats-format", 0, 0, format, "must be values or described");
    ro.stats.described = format == "described";
    ro.stats.host_seconds = vm.count("host-seconds");
    ro.stats_text = vm.count("stats-text");
    const std::string summary = vm["summary"].as<std::string>();
    if (summary != "full" && summary != "brief")
      throw platform::ConfigError("--summary", 0, 0, summary, "must be full or brief");
    ro.brief_summary = summary == "brief";
    if (vm.count("out")) ro.out_dir = vm["out"].as<std::string>();
    if (vm.count("out") && ro.out_dir.empty()) throw platform::ConfigError("--out", 0, 0, "", "needs a folder");
    ro.quiet = vm.count("quiet");
    if (vm.count("trace-insn")) ro.trace_insn = vm["trace-insn"].as<std::string>();
    if (vm.count("dump-dtb")) ro.dump_dtb = vm["dump-dtb"].as<std::string>();
    if (vm.count("trace-limit")) {
      const std::string text = vm["trace-limit"].as<std::string>();
      if (!parse_u64(text, ro.trace_limit) || ro.trace_limit < 1 || ro.trace_limit > 100'000'000) {
        std::cerr << "rmesim: --trace-limit must be an integer from 1 to 100000000, not '" << text << "'\n";
        return kExitConfig;
      }
    }
    ro.progress_tty = isatty(STDERR_FILENO);
    ro.progress = vm.count("progress") || (ro.progress_tty && !ro.quiet);
    if (vm.count("progress-interval")) {
      const std::string text = vm["progress-interval"].as<std::string>();
      uint64_t ms = 0;
      if (!parse_u64(text, ms) || ms < 10 || ms > 60000)
        throw platform::ConfigError("--progress-interval", 0, 0, text, "an integer from 10 to 60000 (milliseconds)");
      ro.progress_ms = static_cast<unsigned>(ms);
    }
    const auto r = rmesim::run_scenario(scenario, ro, std::cout);
    // On stderr whatever -q says: a failed run always says why.
    if (!r.ok) std::cerr << "rmesim: " << scenario.name << " failed: " << r.failure << "\n";
    return r.ok ? kExitOk : kExitRunFailed;
  } catch (const platform::ConfigError& e) {
    std::cerr << "rmesim: error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "rmesim: internal error (a simulator bug; please report it with the scenario): " << e.what() << "\n";
    return kExitInternal;
  }
}
}  // namespace
