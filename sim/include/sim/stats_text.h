// The terminal summary's visitor: one line per statistic that is not zero, gem5's stats.txt
// style: full path, value, unit, # description.
#pragma once
#include <ostream>
#include <string>

#include "sim/stats.h"

namespace platform {

void write_stats_text(std::ostream& os, const StatGroup& root);

// The counters of `g` itself (not of its child groups) that are not zero, in declaration order,
// as " name=value" each: one summary line's worth ("" when all are zero).
std::string nonzero_counters(const StatGroup& g);

}  // namespace platform
