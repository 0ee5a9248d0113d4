#include "platform/timed_lock.h"

#include <iterator>
#include <stdexcept>

#include "platform/requester.h"

namespace platform {

namespace {
// The first time at or after `t` from which `length` is free of every busy period.
sc_core::sc_time first_fit(const std::map<sc_core::sc_time, sc_core::sc_time>& busy, sc_core::sc_time t,
                           const sc_core::sc_time& length) {
  auto it = busy.upper_bound(t);
  if (it != busy.begin() && std::prev(it)->second > t) t = std::prev(it)->second;
  for (; it != busy.end() && it->first < t + length; ++it)
    if (it->second > t) t = it->second;
  return t;
}
}  // namespace

void TimedLock::acquire(Requester& req) {
  const sc_core::sc_time arrived = req.now();
  if (held_ || waiting_ > 0) {
    // Held by a PE that yielded inside its critical section, or wanted by PEs asleep here:
    // wait in host order, which protects the data (a delta cycle at least, so that those
    // asleep take their turn first). It takes no simulated time of its own; the time this
    // PE waits comes from the busy periods below.
    if (!sc_core::sc_is_running())
      throw std::logic_error("a timed lock is held outside a simulation thread");
    ++waiting_;
    if (!held_) sc_core::wait(sc_core::SC_ZERO_TIME);
    while (held_) sc_core::wait(released_);
    --waiting_;
    // Back at the local time of arrival, unless SystemC time went past it meanwhile.
    const sc_core::sc_time global = sc_core::sc_time_stamp();
    req.quantum_keeper().set(arrived > global ? arrived - global : sc_core::SC_ZERO_TIME);
  }
  // Forget what nobody can arrive in any more, then wait out a period this PE arrives in.
  const sc_core::sc_time floor = sc_core::sc_is_running() ? sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
  while (!busy_.empty() && busy_.begin()->second <= floor) busy_.erase(busy_.begin());
  const sc_core::sc_time start = first_fit(busy_, req.now(), sc_core::SC_ZERO_TIME);
  if (start > req.now()) req.charge({kCostLockWait, start - req.now()});
  held_ = true;
  arrived_at_ = arrived;
  acquired_at_ = req.now();
  req.enter_critical();
}

void TimedLock::release(Requester& req) {
  req.leave_critical();
  // Place the section where it fits; a PE that ran ahead may hold a period it overlaps.
  const sc_core::sc_time length = req.now() - acquired_at_;
  const sc_core::sc_time start = first_fit(busy_, acquired_at_, length);
  if (start > acquired_at_) req.charge({kCostLockWait, start - acquired_at_});
  // Add [start, start + length), merged with the periods it touches.
  sc_core::sc_time lo = start, hi = start + length;
  auto it = busy_.upper_bound(lo);
  if (it != busy_.begin() && std::prev(it)->second >= lo) --it;
  while (it != busy_.end() && it->first <= hi) {
    if (it->first < lo) lo = it->first;
    if (it->second > hi) hi = it->second;
    it = busy_.erase(it);
  }
  busy_.emplace(lo, hi);
  held_ = false;
  if (const sc_core::sc_time waited = req.now() - arrived_at_ - length; waits_ && waited > sc_core::SC_ZERO_TIME)
    waits_->add(waited);
  if (sc_core::sc_is_running()) released_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace platform
