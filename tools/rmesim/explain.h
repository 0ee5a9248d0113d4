// `rmesim explain STATS.json KEY`: what one statistic of a run means. The stats tree describes
// each statistic (its unit and a sentence); stats.json carries them when written with
// `--stats-format described`, and this reads them back, so a student need not know the code.
#pragma once
#include <ostream>
#include <string>

namespace rmesim {

// Prints KEY's value, unit and description (a group: each statistic under it, one a line).
// KEY is a dotted path in the stats tree, e.g. pe0.gpc.faults_fail (a leading "stats." or
// "soc." is allowed). Throws platform::ConfigError when the file cannot be read, holds no
// descriptions, or has no such key (naming the keys there are at the level that failed).
void explain_stat(const std::string& stats_file, const std::string& key, std::ostream& out);

}  // namespace rmesim
