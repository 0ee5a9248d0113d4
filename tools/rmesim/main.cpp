// rmesim command line: `rmesim run SCENARIO.yaml [--set key=value]... [--out DIR] [--seed N]`.
#include <boost/program_options.hpp>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <systemc>

#include "abi_doc.h"
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

namespace po = boost::program_options;

namespace {

constexpr int kExitOk = 0, kExitRunFailed = 1, kExitConfig = 2, kExitInternal = 3;

const char* kUsage = R"(rmesim: a timed, reproducible simulator of an Arm SoC with the Realm Management Extension.

Usage:
  rmesim run SCENARIO.yaml [--set KEY=VALUE]... [--out DIR] [--seed N] [--log-level LEVEL]
             [--trace-insn FILE] [--dump-dtb FILE] [--trace-limit N] [--summary full|brief]
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
      ("summary", po::value<std::string>()->default_value("full"),
       "full, or brief: the student view (steps, phase times, RMI/RSI call counts, faults, console; "
       "no cost breakdowns, no host seconds, no zero counts)")
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
    if (cmd == "abi") {
      if (!args.empty()) {
        std::cerr << "rmesim: abi takes only options (--spec, --header, --markdown)\n";
        return kExitConfig;
      }
      return cmd_abi(vm);
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
      std::cerr << "rmesim: unknown command '" << cmd << "' (run, explain, verify-token, profile, abi; see --help)\n";
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
