#include "platform/generic_timer.h"

#include <cmath>

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include "platform/memory_map.h"

namespace platform {

GenericTimer::GenericTimer(sc_core::sc_module_name name, double counter_mhz,
                           std::function<void(unsigned, bool)> line)
    : sc_module(name), counter_mhz_(counter_mhz), line_(std::move(line)) {
  for (unsigned i = 0; i < timers_.size(); ++i) {
    const Channel c = static_cast<Channel>(i);
    sc_core::sc_spawn_options opts;
    opts.spawn_method();
    opts.dont_initialize();
    opts.set_sensitivity(&timers_[i].deadline);
    sc_core::sc_spawn([this, c] { update(c, sc_core::sc_time_stamp()); }, nullptr, &opts);
  }
}

unsigned GenericTimer::ppi(Channel c) {
  switch (c) {
    case Channel::Phys: return memory_map::kPpiPhysTimer;
    case Channel::Virt: return memory_map::kPpiVirtTimer;
    case Channel::Hyp: return memory_map::kPpiHypTimer;
  }
  return 0;
}

// Time in ps (the SoC's resolution) <-> counts, with a margin so that count(time_of(n)) >= n
// holds whatever the rounding: a deadline event must find its condition met.
uint64_t GenericTimer::count(const sc_core::sc_time& t) const {
  const long double ps = static_cast<long double>(t.value());
  return static_cast<uint64_t>(ps * counter_mhz_ / 1e6L + 1e-9L);
}

sc_core::sc_time GenericTimer::time_of(uint64_t n) const {
  const long double ps = std::ceil(static_cast<long double>(n) * 1e6L / counter_mhz_ - 1e-9L);
  return sc_core::sc_time::from_value(static_cast<uint64_t>(ps));
}

bool GenericTimer::asserted(Channel c, const sc_core::sc_time& now) const {
  const Timer& t = timers_[idx(c)];
  return (t.ctl & kCtlEnable) && !(t.ctl & kCtlImask) && count(now) >= t.cval;
}

uint64_t GenericTimer::ctl(Channel c, const sc_core::sc_time& now) const {
  const Timer& t = timers_[idx(c)];
  const bool met = (t.ctl & kCtlEnable) && count(now) >= t.cval;
  return (t.ctl & (kCtlEnable | kCtlImask)) | (met ? kCtlIstatus : 0);
}

uint64_t GenericTimer::tval(Channel c, const sc_core::sc_time& now) const {
  return static_cast<uint32_t>(timers_[idx(c)].cval - count(now));
}

void GenericTimer::set_ctl(Channel c, uint64_t v, const sc_core::sc_time& now) {
  timers_[idx(c)].ctl = v & (kCtlEnable | kCtlImask);  // ISTATUS is RO
  update(c, now);
}

void GenericTimer::set_cval(Channel c, uint64_t v, const sc_core::sc_time& now) {
  timers_[idx(c)].cval = v;
  update(c, now);
}

void GenericTimer::set_tval(Channel c, uint64_t v, const sc_core::sc_time& now) {
  // CVAL = counter + SignExtend(TVAL[31:0]).
  timers_[idx(c)].cval = count(now) + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
  update(c, now);
}

void GenericTimer::update(Channel c, const sc_core::sc_time& now) {
  Timer& t = timers_[idx(c)];
  const bool level = asserted(c, now);
  if (level != t.level) {
    t.level = level;
    if (line_) line_(ppi(c), level);
  }
  t.deadline.cancel();
  if (!level && (t.ctl & kCtlEnable) && !(t.ctl & kCtlImask)) {
    const sc_core::sc_time at = time_of(t.cval), base = sc_core::sc_time_stamp();
    t.deadline.notify(at > base ? at - base : sc_core::SC_ZERO_TIME);
  }
}

}  // namespace platform
