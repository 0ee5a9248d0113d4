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

// A simulation context of its own for one scope (a scenario run), deleted when the scope ends,
// after everything built in it, and the context before it made current again. A process that
// runs many scenarios (a fuzz worker) keeps none of the old SoCs' processes and coroutine
// stacks, which fresh_simulation_context abandons.
class ScopedSimulationContext {
 public:
  ScopedSimulationContext() : previous_(sc_core::sc_curr_simcontext), own_(new sc_core::sc_simcontext()) {
    sc_core::sc_curr_simcontext = own_;
    sc_core::sc_default_global_context = own_;
  }
  ~ScopedSimulationContext() {
    if (sc_core::sc_curr_simcontext != own_) return;  // someone replaced it: theirs now
    sc_core::sc_curr_simcontext = previous_;
    sc_core::sc_default_global_context = previous_;
    delete own_;
  }
  ScopedSimulationContext(const ScopedSimulationContext&) = delete;
  ScopedSimulationContext& operator=(const ScopedSimulationContext&) = delete;

 private:
  sc_core::sc_simcontext* previous_;
  sc_core::sc_simcontext* own_;
};

}  // namespace platform
