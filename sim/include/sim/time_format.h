// Simulated times for people: 936.876 us rather than 936875654 ps.
#pragma once
#include <string>

#include <systemc>

namespace platform {

std::string format_time(const sc_core::sc_time& t);

}  // namespace platform
