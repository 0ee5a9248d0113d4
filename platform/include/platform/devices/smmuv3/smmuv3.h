// SMMUv3 (Arm IHI 0070) with the Realm Management Extension's Root page (§3.25, §6.3.110 on):
// the first open model of an SMMU that applies the granule protection check to device DMA.
//
// What it models, for the Non-secure programming interface and NS-EL1 streams:
// - the register file of pages 0 and 1 (registers.h), with reset values, RO/RW/WO rules and
//   RES0 bits; CR0 updates are acknowledged at once in CR0ACK;
// - a linear Stream table (STRTAB_BASE_CFG.FMT 0), STEs for abort, bypass, stage 1, stage 2
//   and stage 1+2, a single CD per stream (S1Fmt 0, S1CDMax 0), AArch64 tables with a 4 KiB
//   granule; a configuration cache (STEs and CDs) and a TLB that keep what they read until a
//   command invalidates it, as the architecture allows;
// - the Command queue (CMD_CFGI_STE, CMD_CFGI_CD, CMD_CFGI_ALL, CMD_TLBI_NH_ALL,
//   CMD_TLBI_S12_VMALL, CMD_SYNC), consumed when CMDQ_PROD is written; an unknown opcode stops
//   it with CERROR_ILL and GERROR.CMDQ_ERR until software acknowledges in GERRORN;
// - the Event queue: C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE, F_CD_FETCH, C_BAD_CD,
//   F_WALK_EABT, F_TRANSLATION, F_ACCESS, F_PERMISSION, with overflow (OVFLG);
// - the Root page: SMMU_ROOT_IDR0 (ROOT_IMPL, BGPTM, RGPTM), CR0.ACCESSEN/GPCEN, GPT_BASE and
//   GPT_BASE_CFG (a copy of GPTBR_EL3/GPCCR_EL3 the monitor writes at boot), GPF_FAR and
//   GPT_CFG_FAR (first fault wins, cleared by writing FAULT 0, each with an edge-triggered
//   interrupt) and TLBI/TLBI_CTRL;
// - its own GPC unit, which checks every access the SMMU makes: a client transaction's output
//   (a GPF aborts it and goes to GPF_FAR, not to the Event queue) and the SMMU's own fetches
//   (a GPF there is F_STE_FETCH/F_CD_FETCH/F_WALK_EABT with GPCF 1, and GPF_FAR REASON
//   TRANSLATION). The unit hears the monitor's TLBI PA broadcasts (BGPTM).
//
// Timing: the SMMU charges nothing of its own. A client transaction costs what its memory
// traffic costs: each STE, CD and table descriptor fetched (DRAM latency), each GPC check
// (a cache hit or a timed GPT walk) and the data itself; a TLB or configuration-cache hit
// costs nothing. All of it is annotated on the transaction, by cost, so an identical transfer
// with identical cache contents takes identical time.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "gpt/check.h"
#include "platform/devices/smmuv3/registers.h"
#include "platform/devices/smmuv3/structures.h"
#include "platform/gpc_unit.h"
#include "sim/cost_ledger.h"
#include "sim/stats.h"

namespace platform {

class TimingProfile;
class Trace;

// The StreamID a client device's transaction carries to the SMMU (with its PasExtension).
struct StreamIdExtension : tlm::tlm_extension<StreamIdExtension> {
  uint32_t sid = 0;
  tlm::tlm_extension_base* clone() const override { return new StreamIdExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& o) override { *this = static_cast<const StreamIdExtension&>(o); }
};

namespace smmuv3 {

// The SMMU's interrupt outputs (wired to GIC SPIs by the SoC, platform/memory_map.h).
enum class Irq : uint8_t { Eventq, Gerror, GpfFar, GptCfgFar };

// One granule protection fault the SMMU's GPC unit raised, whether or not it latched in a
// FAR register (first fault wins): for stats.json's faults.gpf and trace.json.
struct GpfRecord {
  sc_core::sc_time at;
  uint32_t sid = 0;
  FarReason reason = FarReason::Transaction;
  uint8_t faultcode = 0;  // the event type of a fetch (F_STE_FETCH ...), 0 for a transaction
  gpt::GpcResult gpf;
  bool gpt_cfg = false;   // a GPT lookup error (GPT_CFG_FAR), else a GPF (GPF_FAR)
  bool latched = false;   // this fault is the one its FAR register holds
};

// A client transaction that reached the SMMU's output (translated or bypassed): where it went
// and whether the GPC let it through (Smmuv3::log_client_accesses).
struct ClientAccess {
  uint32_t sid = 0;
  uint64_t pa = 0;
  unsigned len = 0;
  bool write = false;
  bool done = false;  // it reached memory
  bool gpf = false;   // the GPC refused it
};

class Smmuv3 : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Smmuv3> regs;       // pages 0 and 1 (offsets from the SMMU base)
  tlm_utils::simple_target_socket<Smmuv3> root_regs;  // the Root page (offsets from its base)
  tlm_utils::simple_target_socket<Smmuv3> client;     // client devices' transactions (StreamIdExtension)
  tlm_utils::simple_initiator_socket<Smmuv3> out;     // every access the SMMU makes, to its GPC unit
  std::function<void(Irq)> irq;                       // an edge on one of the interrupt outputs

  // The SMMU's own GPC unit: `out` is bound to its `in`; its `out` goes to the interconnect.
  GpcUnit& gpc() { return gpc_; }

  // `l0gptsz` is the implementation's L0GPTSZ (read-only in SMMU_ROOT_GPT_BASE_CFG, equal to
  // the PEs' GPCCR_EL3.L0GPTSZ).
  Smmuv3(sc_core::sc_module_name name, uint32_t requester_id, uint8_t l0gptsz, const TimingProfile& profile,
         StatGroup& parent_stats);

  // Register access as software sees it (also reached through `regs` and `root_regs`). `size`
  // is 4 or 8; `root` is whether the access is in Root PAS (Root page accesses that are not
  // are RAZ/WI). Offsets nothing implements are RAZ/WI.
  uint64_t read_reg(uint64_t offset, unsigned size);
  void write_reg(uint64_t offset, uint64_t value, unsigned size, Delay& delay);
  uint64_t read_root(uint64_t offset, unsigned size, bool root);
  void write_root(uint64_t offset, uint64_t value, unsigned size, bool root);

  void reset();
  void attach_trace(Trace& trace) { trace_ = &trace; }

  const std::vector<GpfRecord>& gpf_log() const { return gpf_log_; }
  // While set, every client transaction the SMMU sends to its GPC unit is appended to `log`
  // (a fuzzer's DMA invariants; off by default: null).
  void log_client_accesses(std::vector<ClientAccess>* log) { client_log_ = log; }

  struct Stats {
    Counter& transactions;
    Counter& bypassed;
    Counter& translated;
    Counter& aborted;
    Counter& tlb_hits;
    Counter& tlb_misses;
    Counter& ste_fetches;
    Counter& cd_fetches;
    Counter& walk_reads;
    Counter& commands;
    Counter& syncs;
    Counter& events;
    Counter& events_lost;
    Counter& gpf_client;
    Counter& gpf_fetch;
    Counter& gpt_cfg_errors;
  };
  const Stats& stats() const { return stats_; }

 private:
  // --- the register file (smmuv3.cpp) ---
  void b_transport_regs(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void b_transport_root(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void pulse(Irq line);

  // --- memory the SMMU itself reads and writes (smmuv3.cpp) ---
  struct Access {
    gpt::GpcResult gpf;
    bool bus_error = false;
    bool ok() const { return gpf.ok() && !bus_error; }
  };
  Access access(uint64_t pa, void* data, unsigned len, bool write, Delay& delay);

  // --- the client path (translation.cpp) ---
  void b_transport_client(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  struct Fault {
    bool abort = false;   // the transaction is terminated (with or without an event)
    Event event;          // type 0: nothing to record
  };
  // The PA for `iova` on stream `sid`, or a fault. `now` is when the transaction arrived.
  bool translate(uint32_t sid, uint64_t iova, bool write, uint64_t& pa, Fault& f, Delay& delay,
                 const sc_core::sc_time& now);
  // A fetch the SMMU made that failed: the event's GPCF, and GPF_FAR when the GPC refused it.
  void fetch_failed(const Access& a, uint32_t sid, EventType type, uint64_t fetch_addr, Fault& f,
                    const sc_core::sc_time& now);

  // --- the Stream table and CDs (stream_table.cpp) ---
  bool ste_for(uint32_t sid, Ste& ste, Fault& f, Delay& delay, const sc_core::sc_time& now);
  bool cd_for(uint32_t sid, const Ste& ste, Cd& cd, Fault& f, Delay& delay, const sc_core::sc_time& now);
  static bool ste_is_valid(const Ste& ste);
  // Reads the 64-byte STE or CD at `addr`; a failed read is `type` (F_STE_FETCH, F_CD_FETCH).
  bool fetch_structure(uint64_t addr, std::array<uint64_t, 8>& d, EventType type, uint32_t sid, Fault& f,
                       Delay& delay, const sc_core::sc_time& now);
  // A configuration error: the transaction is terminated and `type` recorded. Returns false.
  static bool config_error(Fault& f, EventType type, uint32_t sid);
  static bool cd_is_valid(const Cd& cd);

  // --- table walks (page_table_walk.cpp) ---
  struct WalkResult {
    enum class Kind : uint8_t { Ok, Translation, AccessFlag, Permission, FetchAbort } kind = Kind::Ok;
    uint64_t oa = 0;            // output address of the page
    bool readable = false, writable = false;
    uint64_t fetch_addr = 0;    // the descriptor whose fetch failed
    Access fetch;               // how it failed
    bool stage2 = false;        // the fault came from stage 2 (possibly of a stage-1 table fetch)
    uint64_t ipa = 0;           // the IPA stage 2 was translating
    uint8_t clss = kClassIn;
  };
  WalkResult walk_stage1(const Ste& ste, const Cd& cd, uint64_t va, Delay& delay);
  WalkResult walk_stage2(const Ste& ste, uint64_t ipa, uint8_t clss, Delay& delay);
  // One VMSAv8-64 walk, 4 KiB granule, from `root` at `level` for an input of `ia_bits`.
  // `table_ipa`, when set, turns each descriptor's address (an IPA) into a PA first, or
  // fails with stage 2's fault (nested stage 1).
  using TableIpa = std::function<bool(uint64_t ipa, uint64_t& pa, WalkResult& fault)>;
  WalkResult walk(uint64_t root, int level, unsigned ia_bits, uint64_t in, bool stage2, bool affd,
                  const TableIpa& table_ipa, Delay& delay);

  // --- queues (command_queue.cpp, event_queue.cpp) ---
  void consume_commands(Delay& delay);
  bool execute(const Command& c);
  void record_event(const Event& e, const sc_core::sc_time& now);
  bool gerror_active(uint32_t bit) const { return ((gerror_ ^ gerrorn_) & bit) != 0; }
  void raise_gerror(uint32_t bit);

  // --- the Root page (root_page.cpp) ---
  void program_gpc();
  // The SMMU's GPC unit refused an access: GPF_FAR or GPT_CFG_FAR, first fault wins.
  void record_gpf(const gpt::GpcResult& r, uint32_t sid, FarReason reason, uint8_t faultcode,
                  const sc_core::sc_time& now);

  void trace_instant(const std::string& what, const sc_core::sc_time& at, const gpt::GpcResult* gpf,
                     std::vector<std::pair<std::string, std::string>> args);

  uint32_t requester_id_;
  uint8_t l0gptsz_;
  Trace* trace_ = nullptr;

  // Page 0 and 1 state.
  uint32_t cr0_ = 0, cr1_ = 0, cr2_ = 0, gbpa_ = 0, irq_ctrl_ = 0, gerror_ = 0, gerrorn_ = 0;
  uint64_t strtab_base_ = 0, cmdq_base_ = 0, eventq_base_ = 0;
  uint32_t strtab_base_cfg_ = 0, cmdq_prod_ = 0, cmdq_cons_ = 0, eventq_prod_ = 0, eventq_cons_ = 0;
  // Root page state.
  uint32_t root_cr0_ = 0, root_tlbi_ctrl_ = 0;
  uint64_t root_gpt_base_ = 0, root_gpt_base_cfg_ = 0, root_gpf_far_ = 0, root_gpt_cfg_far_ = 0, root_tlbi_ = 0;

  // Caches: STEs by StreamID, CDs by (StreamID, SubstreamID), and the TLB by (VMID, ASID or
  // -1 for a stage-2-only entry, input page).
  std::map<uint32_t, Ste> ste_cache_;
  std::map<std::pair<uint32_t, uint32_t>, Cd> cd_cache_;
  struct TlbEntry { uint64_t pa_page, ipa_page; bool s1_write, s2_read, s2_write; };
  std::map<std::tuple<uint16_t, int32_t, uint64_t>, TlbEntry> tlb_;

  std::vector<GpfRecord> gpf_log_;
  std::vector<ClientAccess>* client_log_ = nullptr;
  StatGroup stat_group_;
  Stats stats_;
  GpcUnit gpc_;  // after stat_group_: its statistics are a child group
};

}  // namespace smmuv3
}  // namespace platform
