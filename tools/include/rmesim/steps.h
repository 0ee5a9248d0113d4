// The step kinds a scenario may use: each parses its arguments at load time (so a bad step
// fails before anything runs) and executes on the runner's context. Each kind is declared
// once, as data: its fields (name, type, required, help) are what the loader accepts and what
// `rmesim help steps` prints.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "rmesim/scenario.h"

namespace rmesim {

// (file, args node, key for messages, the scenario so far: platform and VMs) -> a validated
// step. The loader has checked a map's keys against the kind's fields before the call.
using StepParser = std::function<std::unique_ptr<Step>(const std::string&, const YAML::Node&, const std::string&,
                                                       const Scenario&)>;

struct StepKind {
  const char* name;
  const char* scalar;  // the short form's value (NAME, DURATION, ...); nullptr: a map only
  const char* help;    // one line
  Fields fields;       // the map form's keys; empty: the short form only
  StepParser parse;
};

const StepKind* find_step_kind(const std::string& kind);
std::string known_step_kinds();
// Every kind with its forms and fields, for `rmesim help steps`.
std::string steps_help();

// A write step's `value` (n["value"]): a fill byte (returns no bytes, sets `fill`) or a typed
// value (typed_value.h), whose size becomes `size`; a size given beside it must agree.
std::vector<uint8_t> write_value(const std::string& file, const YAML::Node& n, const std::string& key, uint64_t& size,
                                 uint8_t& fill);

// Words of the scenario language a VM may not be named: step kinds, `all`, `dram`, `params`.
bool is_reserved_name(const std::string& name);
std::string reserved_names();

}  // namespace rmesim
