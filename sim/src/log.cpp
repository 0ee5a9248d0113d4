#include "sim/log.h"
#include "sim/time_format.h"

#include <cstdio>

#include <systemc>

namespace platform {
namespace {
LogLevel g_level = LogLevel::Warn;
const char kLetters[] = {'E', 'W', 'I', 'D'};
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
LogLevel log_level() { return g_level; }

void log_line(LogLevel level, const std::string& who, const std::string& what) {
  const double us = sc_core::sc_time_stamp().to_seconds() * 1e6;
  std::fprintf(stderr, "[%c %.3fus] %s: %s\n", kLetters[static_cast<int>(level)], us, who.c_str(),
               what.c_str());
}

}  // namespace platform

namespace platform {

std::string format_time(const sc_core::sc_time& t) {
  const double ns = t.to_seconds() * 1e9;
  char buf[48];
  if (ns < 1e3) std::snprintf(buf, sizeof buf, "%.3f ns", ns);
  else if (ns < 1e6) std::snprintf(buf, sizeof buf, "%.3f us", ns / 1e3);
  else if (ns < 1e9) std::snprintf(buf, sizeof buf, "%.3f ms", ns / 1e6);
  else std::snprintf(buf, sizeof buf, "%.3f s", ns / 1e9);
  return buf;
}

}  // namespace platform
