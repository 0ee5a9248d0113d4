// The CPU model: Unicorn AArch64 engines that run guest code (realm RECs, normal-VM vCPUs) on
// the platform's PEs. The simulator is each PE's MMU: a TLB miss composes the guest's stage 1,
// the stage 2 and the GPC check (a timed TLB fill); exceptions that belong to the guest go to
// its EL1 vectors, and everything that belongs to EL2 or above returns as a GuestExit.
//
// One engine per PE, created on the PE's first run(), with DRAM mapped at its PA. Its TLB holds
// the translations of one IPA space (one Stage2) at a time; running another Stage2 on the same
// PE flushes it (no VMID tagging). Time: executed instructions x core.cpi / core.clock, charged
// to the PE's requester at each slice end, where the quantum is synchronised.
#pragma once
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "platform/guest_cpu.h"
#include "sim/stats.h"

namespace platform {
class TimingProfile;
}

namespace cpu {

class UnicornCpu final : public platform::GuestCpu {
 public:
  // `seed`: the scenario's; the guests' random numbers (RNDR/RNDRRS) are drawn from it.
  UnicornCpu(const platform::TimingProfile& profile, platform::StatGroup& parent_stats, uint64_t seed);
  ~UnicornCpu();

  platform::GuestExit run(platform::Pe& pe, platform::GuestState& state, platform::Stage2& s2,
                          uint64_t max_instructions) override;
  void invalidate_ipa(platform::Stage2& s2, uint64_t ipa, uint64_t size) override;
  void invalidate_all() override;

  // The Unicorn library in use ("2.1.1"), as the loaded library reports it.
  static std::string engine_version();

  // --trace-insn: every executed guest instruction to `os` (nullptr: off). Slow by design.
  void set_insn_trace(std::ostream* os);

  // Virtual pages `pe_index`'s TLB holds (0 when it has no engine yet), and whether it holds
  // the one with `va`.
  uint64_t tlb_entries(unsigned pe_index) const;
  bool tlb_holds(unsigned pe_index, uint64_t va) const;

  struct Stats {
    platform::Counter& instructions;
    platform::Counter& slices;
    platform::Counter& fills;
    platform::Counter& fill_gpfs;
    platform::Counter& stage1_faults;
    platform::Counter& stage2_faults;
    platform::Counter& mmio_exits;
    platform::Counter& hvc_exits;
    platform::Counter& smc_exits;
    platform::Counter& wfx_exits;
    platform::Counter& guest_exceptions;
    platform::Counter& irqs_delivered;
    platform::Counter& invalidations;
    platform::Counter& tlb_flushes;
    platform::Counter& guest_tlbis;
    platform::Counter& sysreg_accesses;
    platform::Counter& sysreg_exits;
    platform::Counter& virq_acks;
    platform::TimeStat& fill_time;
  };
  const Stats& stats() const { return stats_; }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  platform::StatGroup stat_group_;
  Stats stats_;
};

}  // namespace cpu
