#include "sim/cost_ledger.h"

#include <stdexcept>

namespace platform {

void Delay::too_many_categories() { throw std::logic_error("a Delay holds at most 8 cost categories"); }

}  // namespace platform
