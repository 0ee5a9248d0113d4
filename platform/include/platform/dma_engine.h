// A programmable DMA engine: a client device of the SMMU. Its transactions carry its StreamID
// to the SMMU, which translates them (or lets them bypass, as the STE says) and checks their
// output with its own GPC unit, so device accesses to realm memory fault as RME requires. One
// channel, programmed through MMIO:
//
//   0x00 SRC        source address (as the device sees memory: an IOVA, IPA or PA per its STE)
//   0x08 DST        destination address
//   0x10 LEN        bytes to copy
//   0x18 CTRL       bit0 START (ignored while busy); the mode: bit1 FILL writes the byte SRC[7:0]
//                   to DST (no source read, as a device writing data it made), bit2 READ reads
//                   SRC into the engine only (as a device consuming data), neither: a copy
//   0x20 STATUS     bit0 BUSY, bit1 DONE, bit2 FAULT (an aborted access stopped the copy)
//   0x28 FAULT_ADDR the device address whose access was aborted
//   0x30 FAULT_INFO bit0 the aborted access was the write, bit1 nothing decodes the address
//                   (else the SMMU aborted it: a translation fault or a GPF, which the SMMU
//                   records; the device only sees an external abort)
//   0x38 COPIED     bytes copied (or filled, or read) before completion or fault
//   0x40 CHECKSUM   sum of the bytes read by the last transfer (what a READ saw)
//
// The engine copies one burst of up to 4 KiB at a time (never crossing a 4 KiB boundary), in
// the PAS of its security attribute (Non-secure). Its time is its setup cost plus what each
// burst's transactions cost on the way (the SMMU's fetches and walks, its GPC checks, DRAM),
// on its own thread; it depends only on what the transfer does.
#pragma once
#include <array>
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "gpt/pas.h"
#include "sim/cost_ledger.h"
#include "sim/stats.h"

namespace platform {

class TimingProfile;
class Trace;

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DmaEngine> regs;     // MMIO registers (offsets from the window)
  tlm_utils::simple_initiator_socket<DmaEngine> out;   // to the SMMU's client port

  static constexpr uint64_t kSrc = 0x00, kDst = 0x08, kLen = 0x10, kCtrl = 0x18, kStatus = 0x20,
                            kFaultAddr = 0x28, kFaultInfo = 0x30, kCopied = 0x38, kChecksum = 0x40,
                            kWindow = 0x1000;
  static constexpr uint64_t kCtrlStart = 1, kCtrlFill = 2, kCtrlRead = 4;
  static constexpr uint64_t kStatusBusy = 1, kStatusDone = 2, kStatusFault = 4;
  static constexpr uint64_t kFaultInfoWrite = 1, kFaultInfoDecode = 2;

  DmaEngine(sc_core::sc_module_name name, uint32_t stream_id, uint32_t requester_id, gpt::Pas pas,
            const TimingProfile& profile, StatGroup& parent_stats);

  // Register access, as a driver would do it (also reached through `regs`).
  uint64_t read_reg(uint64_t offset) const;
  void write_reg(uint64_t offset, uint64_t value);

  // Each transfer as a slice in trace.json, with how it ended, on this engine's track of its
  // world; the SMMU draws what it refused itself.
  void attach_trace(Trace& trace) { trace_ = &trace; }

  uint32_t stream_id() const { return stream_id_; }
  bool busy() const { return status_ & kStatusBusy; }
  const sc_core::sc_event& done_event() const { return done_; }
  // Simulated time of the last transfer, from its start to its last byte.
  const sc_core::sc_time& last_duration() const { return last_duration_; }
  const CostLedger& ledger() const { return ledger_; }
  void reset();

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void run();
  // One burst: returns false and fills the fault registers if it was aborted.
  bool transact(bool write, uint64_t addr, uint64_t n);
  void trace_transfer(const sc_core::sc_time& start);

  uint32_t stream_id_, requester_id_;
  gpt::Pas pas_;
  uint64_t src_ = 0, dst_ = 0, len_ = 0, status_ = 0, fault_addr_ = 0, fault_info_ = 0, copied_ = 0;
  uint64_t mode_ = 0, checksum_ = 0;
  sc_core::sc_event start_, done_;
  sc_core::sc_time last_duration_;
  // A start not yet taken by run(): an event alone is lost when run() is not waiting yet (it
  // is still syncing the previous transfer's time when the next CTRL write comes).
  bool start_pending_ = false;
  // One burst's data. A member, not a local of run(): that thread never ends, so what its
  // stack owns is never freed.
  static constexpr uint64_t kBurstBytes = 4096;
  std::array<uint8_t, kBurstBytes> buf_{};
  tlm_utils::tlm_quantumkeeper qk_;
  CostLedger ledger_;
  TimedCost t_setup_;
  Trace* trace_ = nullptr;
  StatGroup stats_;
  Counter& transfers_;
  Counter& bytes_;
  Counter& faults_;
};

}  // namespace platform
