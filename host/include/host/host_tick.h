// The host's scheduler tick on one PE, as Linux's arch timer driver runs it at EL2: the PE's
// CNTHP timer (PPI 26) armed for one period, signalled through the GICv3 CPU interface. While
// a guest runs on the PE, the tick is a physical IRQ taken to EL2 (HCR_EL2.IMO): the CPU ends
// the run and a REC returns with RMI_EXIT_IRQ. stop() is the tick's handler: it acknowledges
// the PPI (ICC_IAR1_EL1), disarms the timer and ends the interrupt (ICC_EOIR1_EL1).
#pragma once
#include <systemc>

namespace platform {
class Pe;
class Soc;
}  // namespace platform

namespace host {

class HostTick {
 public:
  // Opens the PE's redistributor and CPU interface for PPI 26 (as Linux's GICv3 driver does
  // when the PE comes up: GICR_WAKER, group 1, priority, enable, PMR, IGRPEN1); not armed.
  HostTick(platform::Soc& soc, platform::Pe& pe);
  // ... then arms CNTHP to fire `period` from the PE's current time.
  HostTick(platform::Soc& soc, platform::Pe& pe, const sc_core::sc_time& period);
  ~HostTick() { stop(); }
  HostTick(const HostTick&) = delete;
  HostTick& operator=(const HostTick&) = delete;
  // Arms CNTHP for the next multiple of `period` in simulated time: Linux's periodic tick,
  // whose phase does not depend on when the guest was entered.
  void arm_periodic(const sc_core::sc_time& period);
  // Disarms the tick; true when it had fired (and was acknowledged and ended).
  bool stop();
  const platform::Pe& pe() const { return pe_; }

 private:
  void arm_at(const sc_core::sc_time& at);

  platform::Soc& soc_;
  platform::Pe& pe_;
  bool armed_ = false;
};

}  // namespace host
