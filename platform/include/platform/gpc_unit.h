// The Granule Protection Check at one requester (a core, the SMMU, a DMA master): checks each
// transaction's PAS against the GPT, walks the GPT in Root memory with timed reads, caches
// what it walked and forgets it only on TLBI PAALL / RPA. As in the architecture, a stale
// cached answer stays visible until the TLBI.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "gpt/check.h"
#include "gpt/config.h"
#include "sim/stats.h"

namespace platform {

class Requester;
class TimingProfile;
class Trace;

class GpcUnit : public sc_core::sc_module, private gpt::DescriptorReader {
 public:
  tlm_utils::simple_target_socket<GpcUnit> in;      // from the requester
  tlm_utils::simple_initiator_socket<GpcUnit> out;  // to the interconnect

  GpcUnit(sc_core::sc_module_name name, uint32_t requester_id, const TimingProfile& profile,
          StatGroup& parent_stats);

  // GPCCR_EL3 / GPTBR_EL3 as the monitor programs them (a new config forgets the cache).
  void program(const gpt::GpcConfig& cfg);
  const gpt::GpcConfig& config() const { return cfg_; }

  // The check for one access of `len` bytes (every granule it touches). Adds the time the
  // check took (cache hit or timed walk), by cost, to `delay`.
  gpt::GpcResult check(uint64_t pa, uint64_t len, gpt::Pas pas, Delay& delay);

  // TLBI PAALL(OS): forget everything. TLBI RPA(OS): forget what overlaps [base, base+size).
  // Listeners hear both, for what they cached from this unit's answers.
  void tlbi_paall();
  void tlbi_rpa(uint64_t base, uint64_t size);

  // Something that keeps GPC results derived from this unit beyond one access (the CPU's
  // installed pages, like a TLB holding GPT information) and so must hear every TLBI.
  class Listener {
   public:
    virtual void gpc_invalidate(uint64_t base, uint64_t size) = 0;  // size 0: everything
   protected:
    ~Listener() = default;
  };
  void add_listener(Listener& l) { listeners_.push_back(&l); }
  void remove_listener(Listener& l) {
    for (auto it = listeners_.begin(); it != listeners_.end(); ++it)
      if (*it == &l) { listeners_.erase(it); return; }
  }

  uint32_t requester_id() const { return requester_id_; }

  // Where this unit draws the GPFs it reports (trace.json): an instant on `process`'s track of
  // the world whose PAS the access named, at `clock`'s local time plus the check's own delay.
  void attach_trace(Trace& trace, const Requester& clock, std::string process);

  struct Stats {
    Counter& checks;
    Counter& cache_hits;
    Counter& walks;
    Counter& descriptor_reads;
    Counter& faults_walk;
    Counter& faults_fail;
    Counter& faults_address_size;
    Counter& faults_external_abort;
    Counter& tlbi_paall;
    Counter& tlbi_rpa;
  };
  const Stats& stats() const { return stats_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  bool read_descriptor(uint64_t pa, uint64_t& value) override;
  gpt::GpcResult check_granule(uint64_t pa, gpt::Pas pas, Delay& delay);
  void count_fault(gpt::GpfKind kind);
  void trace_fault(gpt::GpcResult r, const sc_core::sc_time& delay);  // by value: r stays in registers

  // Cached walk results. Granule-sized results sit in a direct-mapped array indexed by
  // granule number; results covering more (contiguous or L0 block) in a small list, so an
  // RPA invalidation only looks where an overlapping entry can be.
  struct Entry {
    uint64_t base = 1, size = 0;  // empty: size 0
    gpt::Gpi gpi = gpt::Gpi::NoAccess;
    int8_t level = 0;             // level of the descriptor that gave the GPI
  };
  static constexpr unsigned kGranuleEntries = 4096;
  static constexpr unsigned kBlockEntries = 16;
  std::array<Entry, kGranuleEntries> granules_{};
  std::array<Entry, kBlockEntries> blocks_{};
  uint32_t blocks_valid_ = 0;  // bit i: blocks_[i] holds a result (lookups and RPA skip the rest)
  static_assert(kBlockEntries <= 32, "blocks_valid_ has a bit per block entry");
  unsigned next_block_ = 0;

  std::vector<Listener*> listeners_;
  Trace* trace_ = nullptr;
  const Requester* clock_ = nullptr;
  std::string trace_process_;
  uint32_t requester_id_;
  gpt::GpcConfig cfg_;
  gpt::GpcGeometry geometry_;  // cfg_ prepared for the walk
  unsigned p_ = 12;
  TimedCost t_hit_, t_walk_level_;
  unsigned walk_reads_ = 0;  // descriptors read during one walk
  // DMI to the GPT's memory for descriptor fetches (the GPT is not itself GPC-checked).
  tlm::tlm_dmi gpt_dmi_;
  bool gpt_dmi_valid_ = false;
  StatGroup stat_group_;
  Stats stats_;
};

}  // namespace platform
