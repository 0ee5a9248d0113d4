// A programmable DMA engine: a bus master with its own GPC unit, so that device accesses to
// realm memory fault as the architecture requires. One channel, programmed through MMIO:
//
//   0x00 SRC        source PA
//   0x08 DST        destination PA
//   0x10 LEN        bytes to copy
//   0x18 CTRL       write 1: start (ignored while busy)
//   0x20 STATUS     bit0 BUSY, bit1 DONE, bit2 FAULT (a GPF or bus error stopped the copy)
//   0x28 FAULT_PA   the PA that faulted
//   0x30 FAULT_INFO [2:0] GPF kind (gpt::GpfKind; 7 = bus error), [11:8] level, [17:16] PAS
//   0x38 COPIED     bytes copied before completion or fault
//
// The engine issues its accesses in the PAS of its security attribute (Non-secure for a
// device owned by the normal world), one granule at a time, and charges its own time.
#pragma once
#include <array>
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "gpt/pas.h"
#include "platform/requester.h"
#include "sim/stats.h"

namespace platform {

class TimingProfile;
class Trace;

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DmaEngine> regs;  // MMIO registers (offsets from the window)

  static constexpr uint64_t kSrc = 0x00, kDst = 0x08, kLen = 0x10, kCtrl = 0x18, kStatus = 0x20,
                            kFaultPa = 0x28, kFaultInfo = 0x30, kCopied = 0x38, kWindow = 0x1000;
  static constexpr uint64_t kStatusBusy = 1, kStatusDone = 2, kStatusFault = 4;
  static constexpr uint64_t kBusErrorKind = 7;

  DmaEngine(sc_core::sc_module_name name, Requester& master, gpt::Pas pas,
            const TimingProfile& profile, StatGroup& parent_stats);

  // Register access, as a driver would do it (also reached through `regs`).
  uint64_t read_reg(uint64_t offset) const;
  void write_reg(uint64_t offset, uint64_t value);

  // Each transfer as a slice in trace.json, with how it ended (a fault: its PA and kind), on
  // the master's track of the engine's world; its GPC unit draws the GPF itself.
  void attach_trace(Trace& trace) { trace_ = &trace; }

  bool busy() const { return status_ & kStatusBusy; }
  const sc_core::sc_event& done_event() const { return done_; }
  void reset();

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void run();
  void trace_transfer(const sc_core::sc_time& start);

  Requester& master_;
  gpt::Pas pas_;
  uint64_t src_ = 0, dst_ = 0, len_ = 0, status_ = 0, fault_pa_ = 0, fault_info_ = 0, copied_ = 0;
  sc_core::sc_event start_, done_;
  // A start not yet taken by run(): an event alone is lost when run() is not waiting yet (it
  // is still syncing the previous transfer's time when the next CTRL write comes).
  bool start_pending_ = false;
  // One burst's data. A member, not a local of run(): that thread never ends, so what its
  // stack owns is never freed.
  static constexpr uint64_t kBurstBytes = 4096;
  std::array<uint8_t, kBurstBytes> buf_{};
  TimedCost t_setup_;
  Trace* trace_ = nullptr;
  StatGroup stats_;
  Counter& transfers_;
  Counter& bytes_;
  Counter& faults_;
};

}  // namespace platform
