// The stats.json visitor: the stats tree as JSON, one object per group, in declaration order.
#pragma once
#include <nlohmann/json.hpp>

#include "sim/stats.h"

namespace platform {

struct StatsJsonOptions {
  // Each statistic as {"value", "unit", "desc"} instead of its bare value (--stats-format).
  bool described = false;
  // Breakdowns include the host seconds they took (differ from run to run, so off unless asked).
  bool host_seconds = false;
};

// A breakdown's value: {"count", "time_ps", "by_cost_ps": {category: ps, ..., "wait": ps}}, only
// the categories it charged.
nlohmann::ordered_json breakdown_json(const Breakdown& b, bool host_seconds);

nlohmann::ordered_json stats_json(const StatGroup& root, const StatsJsonOptions& opt = {});

}  // namespace platform
