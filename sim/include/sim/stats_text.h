// The terminal summary's visitor: one line per statistic that is not zero, gem5's stats.txt
// style: full path, value, unit, # description.
#pragma once
#include <ostream>

#include "sim/stats.h"

namespace platform {

void write_stats_text(std::ostream& os, const StatGroup& root);

}  // namespace platform
