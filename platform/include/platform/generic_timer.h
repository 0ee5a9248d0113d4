// The Arm generic timer of one PE (Arm ARM D11): the system counter in simulated time and the
// PE's timers CNTP (EL1 physical, PPI 30), CNTV (EL1 virtual, PPI 27) and CNTHP (EL2 physical,
// PPI 26: the host's scheduler tick). Each timer's output is a level into the PE's
// redistributor: ENABLE && !IMASK && counter >= CVAL (CNTVOFF_EL2 = 0). A timer whose
// condition lies ahead schedules a SystemC event at that time, so nothing polls.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include <systemc>

namespace platform {

class GenericTimer : public sc_core::sc_module {
 public:
  enum class Channel : uint8_t { Phys, Virt, Hyp };
  static constexpr uint64_t kCtlEnable = 1, kCtlImask = 2, kCtlIstatus = 4;

  // `line(ppi, level)`: the PPI the timer drives; `counter_mhz`: CNTFRQ_EL0 in MHz.
  GenericTimer(sc_core::sc_module_name name, double counter_mhz, std::function<void(unsigned, bool)> line);

  // The system counter (CNTPCT = CNTVCT) at simulated time `t`.
  uint64_t count(const sc_core::sc_time& t) const;
  // CNT*_CTL (ISTATUS computed at `now`), CNT*_CVAL, CNT*_TVAL (CVAL - counter, signed 32-bit).
  uint64_t ctl(Channel c, const sc_core::sc_time& now) const;
  uint64_t cval(Channel c) const { return timers_[idx(c)].cval; }
  uint64_t tval(Channel c, const sc_core::sc_time& now) const;
  // Writes; `now` is the writer's local time (its quantum keeper's view).
  void set_ctl(Channel c, uint64_t v, const sc_core::sc_time& now);
  void set_cval(Channel c, uint64_t v, const sc_core::sc_time& now);
  void set_tval(Channel c, uint64_t v, const sc_core::sc_time& now);
  // Whether the timer's output is asserted at `now`.
  bool asserted(Channel c, const sc_core::sc_time& now) const;
  static unsigned ppi(Channel c);
  // The first simulated time at which the counter reads `count`.
  sc_core::sc_time time_of(uint64_t count) const;

 private:
  struct Timer {
    uint64_t ctl = 0, cval = 0;
    bool level = false;
    sc_core::sc_event deadline;
  };
  static unsigned idx(Channel c) { return static_cast<unsigned>(c); }
  // Drives the output for `now` and, when the condition lies ahead, schedules its time.
  void update(Channel c, const sc_core::sc_time& now);

  double counter_mhz_;
  std::function<void(unsigned, bool)> line_;
  std::array<Timer, 3> timers_;
};

}  // namespace platform
