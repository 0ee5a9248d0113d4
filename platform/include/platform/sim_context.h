// SystemC allows one elaboration per simulation context. Whoever builds a new SoC in a
// process that already simulated one (tests, repeated runs) starts from a fresh context.
#pragma once
#include <systemc>

namespace platform {

inline void fresh_simulation_context() {
  // The old context, and the modules registered in it, is abandoned on purpose: destroying it
  // would destroy modules that their owners still hold.
  sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
}

}  // namespace platform
