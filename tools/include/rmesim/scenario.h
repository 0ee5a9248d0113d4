// A scenario: the platform to build and the steps to run, read from YAML with overrides.
// Loading is strict: an unknown key, a wrong type or a bad value is a ConfigError naming the
// file, line, column and key (or the --set that caused it), before anything runs.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "host/kvm.h"
#include "host/vmm.h"
#include "platform/abi/specs.h"
#include "sim/config_error.h"
#include "platform/soc_config.h"

namespace rmesim {

class RunContext;

// One step, parsed and validated at load time, executed by the runner.
class Step {
 public:
  virtual ~Step() = default;
  virtual void execute(RunContext& ctx) = 0;
  std::string kind;   // the step's key in the scenario
  std::string where;  // file:line, for messages
};

struct Override {
  std::string key;    // dotted path: platform.dram, seed, profile.dram.latency
  std::string value;
};

struct Scenario {
  std::string file;                           // as outputs name it (paths.h: recorded_path)
  std::string name;
  std::string description;
  platform::SocConfig platform;               // with the seed (scenario seed:, --set seed, --seed)
  std::string profile = "default";            // once loaded, its file (from a name, or a path relative to the scenario)
  std::vector<Override> profile_overrides;    // the --set profile.* ones, applied after loading
  std::vector<Override> overrides;            // every --set, as given
  host::HostOptions host;                     // host: {abi, psci, populate_chunk, populate_block, tick, page_size}
  const platform::abi::Spec* rmm = &platform::abi::kImplemented;  // rmm: {version}: the RMM's spec
  std::vector<host::VmSpec> vms;              // realms: then vms:, in file order
  std::vector<std::unique_ptr<Step>> steps;
  bool explicit_steps = false;                // false: create all, run all, tear all down
};

// The largest scenario file read (the shipped ones are a few KiB).
constexpr uint64_t kMaxScenarioBytes = 1 << 20;

// Loads and validates. `seed` (from --seed) wins over the file and --set when given.
Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides,
                       const uint64_t* seed = nullptr);
Scenario parse_scenario(const std::string& yaml_text, const std::string& origin,
                        const std::vector<Override>& overrides, const uint64_t* seed = nullptr);

// "key=value" -> Override; throws ConfigError for a malformed one.
Override parse_override(const std::string& text);

// One key a scenario map accepts: the declaration that both the loader's key check and
// `rmesim help steps` read, so a field cannot be accepted without being documented.
struct Field {
  const char* name;
  const char* type;  // what the value is: integer, size, duration, VM, ok|error, ...
  bool required;
  const char* help;  // one line
};
using Fields = std::vector<Field>;

// Value parsers shared by steps; each throws ConfigError at `n`'s position.
namespace yaml {
[[noreturn]] void fail(const std::string& file, const YAML::Node& n, const std::string& key,
                       const std::string& what);
uint64_t u64(const std::string& file, const YAML::Node& n, const std::string& key);
uint64_t size(const std::string& file, const YAML::Node& n, const std::string& key);  // 2GiB, 4096
// A string: valid UTF-8 without control characters other than tab and newline (strings reach
// stats.json, trace.json and the terminal).
std::string str(const std::string& file, const YAML::Node& n, const std::string& key);
// A name scenarios refer to (a VM, a granule): a letter, then letters, digits, - or _; at
// most 32 characters, so it is safe in file names, JSON and messages.
std::string name(const std::string& file, const YAML::Node& n, const std::string& key);
bool boolean(const std::string& file, const YAML::Node& n, const std::string& key);
// The one duration syntax: an integer or decimal number and a unit (ns, us, ms, s), a whole
// number of nanoseconds from `min_ns` to `max_ns`: 500ns, 10us, 1.5ms, 2s.
uint64_t duration_ns(const std::string& file, const YAML::Node& n, const std::string& key,
                     uint64_t min_ns, uint64_t max_ns);
// The value of an enumerated field: one of the alternatives its declared type lists
// ("ok|sigbus|not_mapped"), so the help and the check are one declaration.
std::string choice(const std::string& file, const YAML::Node& n, const std::string& key, const Fields& fields,
                   const char* field);
// Checks that map `n` has only keys from `allowed`.
void only_keys(const std::string& file, const YAML::Node& n, const std::string& key,
               std::initializer_list<const char*> allowed);
// Checks that map `n` has only the declared fields, and every required one.
void only_keys(const std::string& file, const YAML::Node& n, const std::string& key, const Fields& fields);
// Refuses a map with the same key twice anywhere in the document (yaml-cpp would keep the
// first silently). Reads the text's events, so aliases are not expanded.
void no_duplicate_keys(const std::string& file, const std::string& text);
}  // namespace yaml

}  // namespace rmesim
