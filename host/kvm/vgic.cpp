#include "vgic.h"

#include "platform/generic_timer.h"

namespace host::vgic {

namespace lr = platform::gicv3::lr;
using platform::GenericTimer;

bool holds(const Lrs& lrs, unsigned vintid) {
  for (uint64_t v : lrs)
    if ((v & lr::kStateMask) && lr::vintid(v) == vintid) return true;
  return false;
}

bool inject(Lrs& lrs, unsigned vintid, uint8_t priority) {
  if (holds(lrs, vintid)) return true;
  for (uint64_t& v : lrs) {
    if (v & lr::kStateMask) continue;
    v = lr::make(vintid, priority, true);
    return true;
  }
  return false;
}

void sync_level(Lrs& lrs, unsigned vintid, bool level) {
  if (level) {
    inject(lrs, vintid);
    return;
  }
  for (uint64_t& v : lrs)
    if ((v & lr::kStateMask) && lr::vintid(v) == vintid) v &= ~lr::kPending;
}

bool any_pending(const Lrs& lrs) {
  for (uint64_t v : lrs)
    if (v & lr::kPending) return true;
  return false;
}

bool timer_asserted(uint64_t ctl) {
  return (ctl & GenericTimer::kCtlEnable) && !(ctl & GenericTimer::kCtlImask) && (ctl & GenericTimer::kCtlIstatus);
}

std::optional<sc_core::sc_time> timer_deadline(uint64_t ctl, uint64_t cval, const GenericTimer& timer) {
  if (!(ctl & GenericTimer::kCtlEnable) || (ctl & GenericTimer::kCtlImask) || (ctl & GenericTimer::kCtlIstatus))
    return std::nullopt;
  return timer.time_of(cval);
}

}  // namespace host::vgic
