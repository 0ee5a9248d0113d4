// rmesim command line: `rmesim run SCENARIO.yaml [--set key=value]... [--out DIR] [--seed N]`.
#include <boost/program_options.hpp>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <systemc>

#include "platform/config_error.h"
#include "platform/log.h"
#include "platform/profile.h"
#include "paths.h"
#include "runner.h"
#include "scenario.h"
#include "steps.h"

namespace po = boost::program_options;

namespace {

constexpr int kExitOk = 0, kExitRunFailed = 1, kExitConfig = 2, kExitInternal = 3;

const char* kUsage = R"(rmesim: a timed, reproducible simulator of an Arm SoC with the Realm Management Extension.

Usage:
  rmesim run SCENARIO.yaml [--set KEY=VALUE]... [--out DIR] [--seed N] [--log-level LEVEL]
             [--trace-insn FILE] [--trace-limit N]
  rmesim profile [NAME|FILE]      list every cost of a timing profile (default: default)
  rmesim help steps               list every step kind with its fields
  rmesim --help | --version

Commands:
  run       Build the platform the scenario describes, boot it, execute its steps, print a
            summary and write DIR/stats.json (every counter) and DIR/trace.json (a timeline for
            Perfetto or chrome://tracing); DIR defaults to out/<scenario name>.
  profile   Print each cost: name, value, unit, allowed range, source.
  help      `help steps`: each step kind, its forms and its fields (type, required, help).

Exit status: 0 ok, 1 a step's expectation failed (outputs are still written; why, on stderr),
             2 bad input (scenario, override, profile, guest image, --out, --trace-insn or
               --trace-limit;
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

int run_cli(int argc, char* argv[]);

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
      ("trace-limit", po::value<std::string>(),
       "trace.json keeps, per track, the first N and the last N events and at most N between them "
       "(evenly thinned), and says what it left out; 1 to 100000000 (default 5000)");
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
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
    if (cmd != "run") {
      std::cerr << "rmesim: unknown command '" << cmd << "' (run, profile; see --help)\n";
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
    if (vm.count("out")) ro.out_dir = vm["out"].as<std::string>();
    ro.quiet = vm.count("quiet");
    if (vm.count("trace-insn")) ro.trace_insn = vm["trace-insn"].as<std::string>();
    if (vm.count("trace-limit")) {
      const std::string text = vm["trace-limit"].as<std::string>();
      if (!parse_u64(text, ro.trace_limit) || ro.trace_limit < 1 || ro.trace_limit > 100'000'000) {
        std::cerr << "rmesim: --trace-limit must be an integer from 1 to 100000000, not '" << text << "'\n";
        return kExitConfig;
      }
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
