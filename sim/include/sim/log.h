// Levelled log lines carrying the simulated time and the hierarchical name:
//   [I 1.200us] soc.monitor: delegated 0x80001000
#pragma once
#include <sstream>
#include <string>

namespace platform {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void set_log_level(LogLevel level);
LogLevel log_level();
void log_line(LogLevel level, const std::string& who, const std::string& what);

#define RMESIM_LOG(level, who, expr)                                          \
  do {                                                                        \
    if (static_cast<int>(level) <= static_cast<int>(::platform::log_level())) { \
      std::ostringstream rmesim_log_os_;                                      \
      rmesim_log_os_ << expr;                                                 \
      ::platform::log_line(level, who, rmesim_log_os_.str());                 \
    }                                                                         \
  } while (0)

}  // namespace platform
