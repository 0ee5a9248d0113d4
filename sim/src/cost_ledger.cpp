#include "sim/cost_ledger.h"

#include <stdexcept>

namespace platform {

void Delay::add(const TimedCost& c) {
  total_ += c.time;
  for (unsigned i = 0; i < n_; ++i)
    if (parts_[i].id == c.id) {
      parts_[i].ps += c.time.value();
      return;
    }
  if (n_ == parts_.size()) throw std::logic_error("a Delay holds at most 8 cost categories");
  parts_[n_++] = {c.id, c.time.value()};
}

}  // namespace platform
