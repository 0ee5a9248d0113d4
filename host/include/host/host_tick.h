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
  // when the PE comes up: GICR_WAKER, group 1, priority, enable, PMR, IGRPEN1), then arms
  // CNTHP to fire `period` from the PE's current time.
  HostTick(platform::Soc& soc, platform::Pe& pe, const sc_core::sc_time& period);
  ~HostTick() { stop(); }
  HostTick(const HostTick&) = delete;
  HostTick& operator=(const HostTick&) = delete;
  // Disarms the tick; true when it had fired (and was acknowledged and ended).
  bool stop();

 private:
  platform::Soc& soc_;
  platform::Pe& pe_;
  bool armed_ = true;
};

}  // namespace host
