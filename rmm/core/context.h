// The RMM model's state and the services every command handler shares: the granule table,
// realms and RECs, the platform it runs on (monitor, profile costs, stats), Non-secure
// structure access, granule transitions through the monitor. RTT walks are core/s2tt_walk.h.
// Private to rmm/.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>

#include "core/content_digests.h"
#include "core/granule.h"
#include "core/measurement.h"
#include "core/rd.h"
#include "core/rec.h"
#include "core/s2tt.h"
#include "core/sro.h"
#include "core/vmid.h"
#include "platform/abi/abi.h"
#include "platform/abi/rmi.h"
#include "platform/abi/smccc.h"
#include "sim/stats.h"

namespace platform {
class GuestCpu;
class Monitor;
class Pe;
class Requester;
class Soc;
}  // namespace platform

namespace rmm {

class PlatformAttestation;
struct DispatchTable;  // rmi/dispatch.cpp
namespace rmi = platform::abi::rmi;

// Costs the RMM charges itself (memory traffic is timed by the requester). Looked up once.
struct Costs {
  platform::TimedCost rmi_dispatch;   // rmm.rmi_dispatch: RMI entry, dispatch and return
  platform::TimedCost rsi_dispatch;   // rmm.rsi_dispatch: RSI/PSCI call handled in the RMM
  platform::TimedCost granule_lock;   // rmm.granule_lock: one lock acquire + release
  platform::TimedCost rec_enter;      // rmm.rec_enter: restore a REC's context and ERET
  platform::TimedCost rec_exit;       // rmm.rec_exit: save a REC's context on an exit
  platform::TimedCost tlbi_ipa;       // rmm.tlbi_ipa: TLBI IPAS2E1IS + DSB after an RTT change
  platform::TimedCost attest_sign;    // rmm.attest_sign: one ES384 realm token signature
  platform::RateCost sha256;          // rmm.sha256
  platform::RateCost sha512;          // rmm.sha512
};

// Statistics of one command (soc.rmm.rmi.DATA_CREATE): calls, results by status, latency, and
// where its simulated time went by cost.
struct CommandStats {
  // `name` as the spec spells it without its prefix ("DATA_CREATE"), also the group's name.
  // `statuses`: the status codes of the RMM's version (one counter each).
  CommandStats(const std::string& name, platform::StatGroup& parent, platform::abi::Table<platform::abi::StatusCode> statuses);
  platform::StatGroup group;
  platform::Counter& calls;
  std::array<platform::Counter*, rmi::kMaxStatus> by_status{};  // the version's statuses; others null
  platform::Counter& other_status;   // RSI/PSCI results that are not RMI statuses
  platform::Histogram& latency;      // ns per call
  platform::Breakdown& time;
  // One call that returned `x0`, measured from `meter` to the requester's time now.
  void count(uint64_t x0, const platform::CostMeter& meter, const platform::Requester& req);
};

// The registers of one RMI call, on the PE that made it.
struct RmiCall {
  platform::Requester& req;
  const platform::abi::SmcRegs& args;  // X0..X17 as the host passed them
  platform::abi::SmcRegs& results;     // X1..X4 results (start at zero)
  uint64_t arg(unsigned i) const { return args.x[i]; }
  void out(unsigned i, uint64_t v) { results.x[i] = v; }
};

class Context {
 public:
  Context(platform::Soc& soc, const platform::abi::Spec& abi);
  ~Context();

  platform::Soc& soc;
  const platform::abi::Spec& abi;  // the version this RMM implements: its commands and statuses
  const bool v2;                   // 2.0-bet1: where the handlers differ from 1.0
  // RMM 2.0's global state: RMM_CONFIG_SET, then RMM_ACTIVATE before any realm command.
  enum class RmmState : uint8_t { Init, Active } rmm_state = RmmState::Init;
  bool configured = false;
  platform::Monitor& monitor;
  GranuleTable granules;
  Costs costs;
  platform::StatGroup stats;
  platform::StatGroup rmi_stats{"rmi", &stats};  // one group per RMI command
  platform::StatGroup rsi_stats_group{"rsi", &stats};  // one per RSI command, and PSCI
  std::deque<CommandStats> command_stats;   // stable addresses
  std::unordered_map<uint32_t, CommandStats*> rsi_stats;  // by RSI/PSCI function ID
  VmidSet vmids;
  SroTable sros;  // 2.0: open stateful operations
  ContentDigests content_digests;  // DATA_CREATE's, hashed ahead on a host thread
  std::unordered_map<uint64_t, std::unique_ptr<Realm>> realms;  // by RD PA
  std::unordered_map<uint64_t, std::unique_ptr<Rec>> recs;      // by REC PA
  platform::GuestCpu* guest_cpu = nullptr;
  uint64_t run_slice = 1'000'000;
  uint64_t features0 = 0;
  uint64_t features1 = 0;   // 2.0's RmiFeatureRegister1 (L0GPTSZ and PPS added from the GPC when read)
  unsigned num_lrs = 4;      // GICv3 list registers exposed to the host
  unsigned max_bps = 6, max_wps = 4;
  std::unique_ptr<DispatchTable, void (*)(DispatchTable*)> dispatch{nullptr, nullptr};

  // `name` as the spec writes it without its prefix: "DATA_CREATE" in `family`.
  CommandStats& add_command_stats(const std::string& name, platform::StatGroup& family);

  // PaIsDelegable: DRAM the monitor lets the host delegate (outside firmware carve-outs).
  bool pa_delegable(uint64_t pa) const;
  // The RMI granule: 4 KiB under 1.0; under 2.0 the size RMM_CONFIG_SET chose. Every granule
  // the RMM tracks, delegates and holds (RD, REC, RTT, DATA) is this size, and realms' RTTs
  // use the translation granule of the same size (geometry()).
  uint64_t granule_size() const { return granules.granule_size(); }
  s2tt::Geometry geometry() const { return s2tt::Geometry{granules.granule_shift()}; }
  // 2.0: the RMI granule sizes this RMM supports, as RMI_FEATURES register 1's GRAN_SZ bits:
  // those it implements (4, 16, 64 KiB) that are not smaller than the GPT's PGS (A2.3.1).
  uint64_t rmi_granule_sizes() const;
  // 2.0: the RMI granule size before RMM_CONFIG_SET: the GPT's PGS (A2.3.1).
  uint64_t boot_rmi_granule_size() const;
  Realm* realm_at(uint64_t rd);
  Rec* rec_at(uint64_t pa);
  platform::Pe& pe_of(platform::Requester& req);

  // Granule transitions through the monitor (RMM-EL3 GTSI SMCs). True on success.
  bool gtsi_delegate(platform::Requester& req, uint64_t pa);
  bool gtsi_undelegate(platform::Requester& req, uint64_t pa);

  // Memory in the Realm PAS (RTTs, DATA, RMM-owned granules).
  void zero_granule(platform::Requester& req, uint64_t pa);
  // Host structures in the Non-secure PAS: false when the access faults (GPF or bus error).
  bool read_ns(platform::Requester& req, uint64_t pa, void* dst, uint64_t len);
  bool write_ns(platform::Requester& req, uint64_t pa, const void* src, uint64_t len);
  // A buffer for a whole RTT read as entries (skip_non_live, at every DATA_DESTROY), one per
  // requester and kept (an allocation and free per call showed in the host's profile). Per
  // requester: a call can wait at a timed access, and another PE's call then runs on this
  // Context.
  std::vector<uint64_t>& table_buffer(const platform::Requester& req);

  // Charges hashing `bytes` with `algo` (the crypto itself runs on the host).
  void charge_hash(platform::Requester& req, HashAlgorithm algo, uint64_t bytes);
  void charge_lock(platform::Requester& req, unsigned n = 1);

  // Tells the CPU that [ipa, ipa+size) of this realm changed (and charges the TLBI).
  void invalidate_ipa(platform::Requester& req, Realm& realm, uint64_t ipa, uint64_t size);

  // The simulated platform's attestation keys and token (built on first use).
  const PlatformAttestation& attestation();

 private:
  std::unique_ptr<PlatformAttestation> attestation_;
  std::unordered_map<const platform::Requester*, std::vector<uint64_t>> table_buffers_;
};

// Handlers: RMI commands take the call and return the packed X0 (results in call.out()).
#define RMM_RMI_HANDLER(name) uint64_t name(Context& ctx, RmiCall& call)
RMM_RMI_HANDLER(rmi_version);
RMM_RMI_HANDLER(rmi_features);
RMM_RMI_HANDLER(rmi_granule_delegate);
RMM_RMI_HANDLER(rmi_granule_undelegate);
RMM_RMI_HANDLER(rmi_realm_create);
RMM_RMI_HANDLER(rmi_realm_activate);
RMM_RMI_HANDLER(rmi_realm_destroy);
RMM_RMI_HANDLER(rmi_rec_create);
RMM_RMI_HANDLER(rmi_rec_destroy);
RMM_RMI_HANDLER(rmi_rec_aux_count);
RMM_RMI_HANDLER(rmi_psci_complete);
RMM_RMI_HANDLER(rmi_rec_enter);
RMM_RMI_HANDLER(rmi_rtt_create);
RMM_RMI_HANDLER(rmi_rtt_destroy);
RMM_RMI_HANDLER(rmi_rtt_fold);
RMM_RMI_HANDLER(rmi_rtt_read_entry);
RMM_RMI_HANDLER(rmi_rtt_init_ripas);
RMM_RMI_HANDLER(rmi_rtt_set_ripas);
RMM_RMI_HANDLER(rmi_rtt_map_unprotected);
RMM_RMI_HANDLER(rmi_rtt_unmap_unprotected);
RMM_RMI_HANDLER(rmi_data_create);
RMM_RMI_HANDLER(rmi_data_create_unknown);
RMM_RMI_HANDLER(rmi_data_destroy);
// 2.0-bet1 only.
RMM_RMI_HANDLER(rmi_rmm_config_set);
RMM_RMI_HANDLER(rmi_rmm_activate);
RMM_RMI_HANDLER(rmi_granule_tracking_get);
RMM_RMI_HANDLER(rmi_gpt_l1_create);
RMM_RMI_HANDLER(rmi_granule_range_delegate);
RMM_RMI_HANDLER(rmi_granule_range_undelegate);
RMM_RMI_HANDLER(rmi_rtt_data_map_init);
RMM_RMI_HANDLER(rmi_rtt_data_map);
RMM_RMI_HANDLER(rmi_rtt_data_unmap);
RMM_RMI_HANDLER(rmi_rtt_unprot_map);
RMM_RMI_HANDLER(rmi_rtt_unprot_unmap);
RMM_RMI_HANDLER(rmi_realm_terminate);
RMM_RMI_HANDLER(rmi_op_continue);
RMM_RMI_HANDLER(rmi_op_mem_donate);
RMM_RMI_HANDLER(rmi_op_mem_reclaim);
RMM_RMI_HANDLER(rmi_op_cancel);
#undef RMM_RMI_HANDLER

// The architectural reset state of a REC (rmi/rec.cpp): EL1h, DAIF masked, MMU off.
void rec_reset_state(Rec& rec, uint64_t pc, const uint64_t* gprs, unsigned n);
// A REC of realm `r` at `rec_pa` from RmiRecParams `p` with auxiliary granules `aux`: the REC
// granule becomes REC, the aux REC_AUX, the RIM is extended (rmi/rec.cpp). The caller checked
// everything and keeps the RD's reference count.
void rec_make(Context& ctx, platform::Requester& req, Realm& r, uint64_t rec_pa, const uint8_t* p,
              const std::vector<uint64_t>& aux);
// 2.0: REC_CREATE and REC_DESTROY after their checks, as stateful operations (rmi/sro.cpp).
uint64_t rec_create_sro(Context& ctx, RmiCall& call, Realm& r, uint64_t rec_pa, const uint8_t* params);
uint64_t rec_destroy_sro(Context& ctx, RmiCall& call, Rec& rec);
constexpr unsigned kRecAuxCount = 16;  // MAX_REC_AUX_GRANULES, as TF-RMM reports for every realm

// The dispatcher (rmi/dispatch.cpp).
void rmi_dispatch_init(Context& ctx);
void rmi_dispatch(Context& ctx, platform::Requester& req, platform::abi::SmcRegs& regs);

// Helpers shared by handlers.
// Aligned to the RMI granule (PAs and IPAs alike: the *_align conditions).
inline bool granule_aligned(const Context& ctx, uint64_t addr) { return (addr & (ctx.granule_size() - 1)) == 0; }

// A PA that could name a granule the RMM tracks (the *_align and *_bound conditions, which
// share RMI_ERROR_INPUT): aligned, and delegable DRAM.
inline bool granule_plausible(const Context& ctx, uint64_t pa) {
  return granule_aligned(ctx, pa) && ctx.pa_delegable(pa);
}

// The prologue of a command whose only named granule is its RD: lock the RD (when it could be
// one), charge the lock, and check rd_align, rd_bound and rd_state (all RMI_ERROR_INPUT).
// Returns the realm, or nullptr when the command must fail with RMI_ERROR_INPUT.
inline Realm* lock_rd(Context& ctx, RmiCall& call, GranuleLocks& locks, uint64_t rd) {
  if (granule_plausible(ctx, rd)) locks.lock_sorted({rd});
  ctx.charge_lock(call.req);
  if (!granule_plausible(ctx, rd) || ctx.granules.state(rd) != GranuleState::Rd) return nullptr;
  return ctx.realm_at(rd);
}
inline uint64_t ok() { return rmi::pack(rmi::Status::Success); }
inline uint64_t err(rmi::Status s, unsigned index = 0) { return rmi::pack(s, index); }
inline uint64_t err_rtt(int level) { return rmi::pack(rmi::Status::ErrorRtt, static_cast<uint8_t>(level)); }

}  // namespace rmm
