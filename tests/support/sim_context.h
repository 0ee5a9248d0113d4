#pragma once
#include "platform/sim_context.h"

namespace rmesim::testing {
inline void fresh_simcontext() { platform::fresh_simulation_context(); }
}  // namespace rmesim::testing
