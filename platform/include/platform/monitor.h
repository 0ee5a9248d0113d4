// The EL3 monitor (Root world): boots the platform (builds the GPT, programs every GPC unit,
// enables the GPC), routes SMCs by function ID, and performs granule transitions for the RMM.
// It runs on the thread of whichever core made the call and charges that core's time.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "gpt/config.h"
#include "gpt/table.h"
#include <systemc>
#include "platform/abi/smccc.h"
#include "platform/dram_layout.h"
#include "sim/stats.h"
#include "platform/timed_lock.h"
#include "platform/world.h"

namespace platform {

class GpcUnit;
class Requester;
class Trace;
class TimingProfile;
struct SocConfig;

// Something that answers SMCs for a range of function IDs: the RMM implements it for RMI
// (called from Non-secure) and, through the CPU, for RSI. `caller` is the core's requester
// the call runs on.
class SmcHandler {
 public:
  virtual void handle_smc(Requester& caller, abi::SmcRegs& regs) = 0;
 protected:
  ~SmcHandler() = default;
};

class Monitor {
 public:
  Monitor(const SocConfig& cfg, const TimingProfile& profile, StatGroup& parent_stats);
  ~Monitor();

  // Adds a GPC unit to program at boot and to reach with TLBI broadcasts.
  void attach_gpc(GpcUnit& gpc);
  // Adds an SMMU with RME: at boot the monitor programs its Root page at `root_page` (PA) as
  // TF-A's smmuv3_security_init does; its GPC unit hears the TLBI PA broadcasts (BGPTM).
  void attach_smmu(uint64_t root_page, GpcUnit& gpc);
  // The RMM: receives RMI calls from the Non-secure world.
  void attach_rmm(SmcHandler& rmm) { rmm_ = &rmm; }
  // Where the monitor's own work shows in trace.json: a "root" track per PE.
  void attach_trace(Trace& trace) { trace_ = &trace; }

  // Cold boot on `boot_core`: build the GPT in Root memory, program every GPC, enable.
  void boot(Requester& boot_core);
  bool booted() const { return booted_; }

  // TLBI PAALLOS; DSB OSH from EL3: every GPC unit, the SMMUs' included, forgets all it cached
  // of the GPT (what TF-A issues after changing the GPT by other means than a transition).
  void tlbi_broadcast_paall(Requester& caller);

  // An SMC from `from` on `caller`'s thread. Charges the world switch both ways.
  void smc(Requester& caller, World from, abi::SmcRegs& regs);

  // Granule transition service (the RMM-EL3 GTSI, called from Realm). Returns an
  // RMM-EL3 status (abi::kRmmEl3Ok on success) and never changes state on failure. Atomic
  // with respect to other PEs: the GPT update and its TLBI run under the lock of the
  // granule's 512 MiB block (TF-A's GPT bitlock), which a PE may wait for.
  uint64_t gtsi_delegate(Requester& caller, uint64_t pa);
  uint64_t gtsi_undelegate(Requester& caller, uint64_t pa);
  // An L1 table for the L0GPTSZ block at `pa` (platform.gpt.l1_tables: on_demand), from the
  // pool carved at boot, then TLBI PAALL. abi::kRmmEl3BadAddr when `pa` is not an aligned
  // block of DRAM, abi::kRmmEl3BadPas when the block has a table already.
  uint64_t gpt_l1_create(Requester& caller, uint64_t pa);

  // Whether `pa` is a granule of DRAM the host may delegate (outside firmware carve-outs).
  bool is_delegable(uint64_t pa) const;

  const gpt::GpcConfig& gpc_config() const { return gpc_cfg_; }
  const std::vector<MemoryRegion>& regions() const { return regions_; }
  // The GPT as the table in memory says, for observers (tests, reports, consistency checks):
  // read from DRAM with no time and no GPC check, so it never yields. The walk gives the GPI
  // of `pa` and the aligned range its deciding descriptor covers. `via` only reaches DRAM.
  gpt::GptWalk gpt_lookup(Requester& via, uint64_t pa);
  gpt::Gpi granule_gpi(Requester& via, uint64_t pa);

  uint64_t granule_size() const { return gpc_cfg_.granule_size(); }
  uint64_t gpt_bytes() const { return gpt_bytes_; }

 private:
  class RootMemory;
  class RootMemoryPeek;
  // TF-A's GPT bitlocks: one lock per 512 MiB block (RME_GPT_BITLOCK_BLOCK = 1). A
  // contiguous L1 descriptor never spans two blocks, so shattering stays under one lock.
  static constexpr unsigned kGptLockBlockShift = 29;
  TimedLock& gpt_lock(uint64_t pa);
  // The data cache line of every core modelled (CTR_EL0.DminLine = 4: 64 bytes on Neoverse
  // N2/V2 and Cortex-A720, per their TRMs): DC CIPAPA cleans one line.
  static constexpr uint64_t kCacheLineBytes = 64;
  void charge_tlbi(Requester& caller);
  void tlbi_broadcast_rpa(Requester& caller, uint64_t base, uint64_t size);
  void program_smmu(Requester& boot_core, uint64_t root_page);
  uint64_t transition(Requester& caller, uint64_t pa, gpt::Gpi from, gpt::Gpi to);
  uint64_t update_gpt(Requester& caller, uint64_t pa, gpt::Gpi from, gpt::Gpi to);

  const SocConfig& cfg_;
  gpt::GpcConfig gpc_cfg_;
  std::vector<GpcUnit*> gpcs_;
  struct Smmu { uint64_t root_page; GpcUnit* gpc; };
  std::vector<Smmu> smmus_;
  std::vector<MemoryRegion> regions_;
  std::deque<TimedLock> gpt_locks_;  // one per 512 MiB of delegable DRAM, from dram_base
  SmcHandler* rmm_ = nullptr;
  Trace* trace_ = nullptr;
  bool booted_ = false;
  uint64_t delegable_base_ = 0, delegable_end_ = 0;
  uint64_t l1_base_ = 0, gpt_bytes_ = 0;
  uint64_t l1_next_ = 0;  // the next free L1 table of the pool (tables made after boot)

  // A TLBI PA broadcast: its issue and DSB (t_tlbi_), then one acknowledgement per GPC unit
  // (t_tlbi_ack_, see gtsi.cpp). Cache maintenance of one granule: one DC CIPAPA per line.
  TimedCost t_world_switch_, t_tlbi_, t_tlbi_ack_, t_cmo_granule_;
  RateCost scrub_;

  StatGroup stats_;
  Counter& smcs_;
  Counter& smcs_unknown_;
  Counter& delegates_;
  Counter& undelegates_;
  Counter& transitions_refused_;
  Counter& tlbi_broadcasts_;
  TimeStat& t_transitions_;
  TimeStat& t_gpt_lock_wait_;
};

}  // namespace platform
