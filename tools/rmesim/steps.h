// The step kinds a scenario may use: each parses its arguments at load time (so a bad step
// fails before anything runs) and executes on the runner's context.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "scenario.h"

namespace rmesim {

// (file, args node, key for messages) -> a validated step.
using StepParser = std::function<std::unique_ptr<Step>(const std::string&, const YAML::Node&, const std::string&)>;

const StepParser* find_step_parser(const std::string& kind);
std::string known_step_kinds();

}  // namespace rmesim
