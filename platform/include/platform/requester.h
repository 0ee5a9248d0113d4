// A requester's path to physical memory: every access is a TLM transaction tagged with a PAS
// and the requester id, checked by the requester's own GPC unit, and timed. Models (monitor,
// RMM, host) running on a core's thread reach memory only through this.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "gpt/check.h"
#include "gpt/pas.h"
#include "platform/host_prefault.h"
#include "platform/world.h"
#include "sim/cost_ledger.h"
#include "sim/progress.h"
#include "sim/stats.h"

namespace platform {

class GpcUnit;
class TimingProfile;

// The outcome of one access. A GPC refusal carries the Granule Protection Fault; a bus error
// is an access no target decodes.
struct AccessStatus {
  gpt::GpcResult gpf;
  bool bus_error = false;
  bool ok() const { return gpf.ok() && !bus_error; }
};

// The outcome of a copy: its read, and its write (not made, and ok, when the read failed).
struct CopyStatus {
  AccessStatus read;
  AccessStatus write;
  bool ok() const { return read.ok() && write.ok(); }
};

class Requester : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Requester> socket;  // bound to this requester's GpcUnit

  Requester(sc_core::sc_module_name name, uint32_t id, GpcUnit& gpc, const TimingProfile& profile,
            StatGroup& parent_stats);

  AccessStatus read(uint64_t pa, void* dst, uint64_t len, gpt::Pas pas);
  AccessStatus write(uint64_t pa, const void* src, uint64_t len, gpt::Pas pas);
  AccessStatus fill(uint64_t pa, uint8_t byte, uint64_t len, gpt::Pas pas);
  // `len` bytes from `src` (read in `src_pas`) to `dst` (written in `dst_pas`): checked, timed
  // and counted as read() then write(), with one host copy and no bounce buffer when the
  // source is DRAM (a granule copied into a DATA granule, as TF-RMM copies NS content into the
  // mapped granule). Nothing is written when the read fails.
  CopyStatus copy(uint64_t dst, gpt::Pas dst_pas, uint64_t src, gpt::Pas src_pas, uint64_t len);
  // Convenience for 64-bit loads and stores.
  AccessStatus read64(uint64_t pa, uint64_t& v, gpt::Pas pas) { return read(pa, &v, 8, pas); }
  AccessStatus write64(uint64_t pa, uint64_t v, gpt::Pas pas) { return write(pa, &v, 8, pas); }

  // Host pointer to DRAM at `pa` for `len` bytes, bypassing the GPC and timing: only for
  // components that account for both themselves (the CPU's translation fill installs pages it
  // has checked; tests inspect memory). nullptr if not DRAM.
  uint8_t* dram_pointer(uint64_t pa, uint64_t len);
  // The whole DRAM window holding `pa` (its base and size, and the host view of its base), or
  // nullptr: for the CPU, which maps DRAM into its engine once and checks each page it uses.
  uint8_t* dram_window(uint64_t pa, uint64_t& base, uint64_t& size);

  // Time spent by model code on this requester's thread (firmware and software work), tagged
  // with its cost (TimingProfile::charge/rate) in this requester's ledger.
  // A charge is also where a due progress line is printed (sim/progress.h).
  void charge(const TimedCost& c) {
    ledger_.add(c.id, c.time.value());
    qk_.inc(c.time);
    if (Progress::due()) Progress::print(now());
  }
  void charge(const TimedCost& c, double times) { charge(c * times); }
  void charge(const RateCost& r, uint64_t bytes) { charge(r.of(bytes)); }
  void charge(const Delay& d) {
    ledger_.add(d);
    qk_.inc(d.total());
    if (Progress::due()) Progress::print(now());
  }
  const CostLedger& ledger() const { return ledger_; }
  // The local time of this requester: SystemC time plus what the quantum keeper holds.
  sc_core::sc_time now() const { return qk_.get_current_time(); }
  // Yields to other SystemC processes when the quantum is used up (or unconditionally).
  void sync_if_needed() { if (critical_ == 0 && qk_.need_sync()) qk_.sync(); }
  void sync() { qk_.sync(); }
  tlm_utils::tlm_quantumkeeper& quantum_keeper() { return qk_; }
  // A firmware critical section (a TimedLock held) runs to its end without yielding, as EL3
  // code with interrupts masked does: accesses inside one leave the time in the quantum
  // keeper, and the first access after it syncs. Sections nest.
  void enter_critical() { ++critical_; }
  void leave_critical() { --critical_; }

  GpcUnit& gpc() { return gpc_; }
  uint32_t id() const { return id_; }
  // The trace tracks of the PE this requester is, one per world (Soc makes them when it builds
  // the PEs), so that a slice per call (RMI, RSI, SMC, ioctl, exit) needs no lookup by name;
  // -1 for a requester that is no PE's.
  int trace_track(World w) const { return trace_tracks_[static_cast<unsigned>(w)]; }
  void set_trace_track(World w, int track) { trace_tracks_[static_cast<unsigned>(w)] = track; }

 private:
  // CopyRead: a read whose data a copy's write takes straight from DRAM (nothing is moved).
  enum class Op { Read, CopyRead, Write, Fill };
  AccessStatus access(Op op, uint64_t pa, uint8_t* buf, uint64_t len, gpt::Pas pas, uint8_t byte);
  bool refresh_dmi(uint64_t pa);
  // bandwidth_.of(len), remembered for the last two lengths (a fault's accesses are mostly
  // 8-byte descriptors and whole granules; the division showed in its profile).
  const TimedCost& transfer_time(uint64_t len);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  uint32_t id_;
  GpcUnit& gpc_;
  tlm_utils::tlm_quantumkeeper qk_;
  tlm::tlm_dmi dmi_;
  bool dmi_valid_ = false;
  HostPrefault prefault_;
  std::vector<uint8_t> bounce_;  // a copy's data when its source is not DRAM
  unsigned critical_ = 0;
  std::array<int, 4> trace_tracks_{-1, -1, -1, -1};
  TimedCost latency_;
  RateCost bandwidth_;
  struct Transfer {
    uint64_t len = 0;
    TimedCost time;
  };
  std::array<Transfer, 2> transfers_{};
  unsigned next_transfer_ = 0;
  CostLedger ledger_;
  StatGroup stat_group_;
  Counter& reads_;
  Counter& writes_;
  Counter& bytes_;
  Counter& gpfs_;
  Counter& bus_errors_;
};

}  // namespace platform
