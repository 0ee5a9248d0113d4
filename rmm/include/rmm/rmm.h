// The RMM model (Realm world, R-EL2): the only public entry to rmm/.
//
// The RMM implements the RMM specification DEN0137 1.0, or 2.0-bet1 when constructed with
// that declaration (platform/abi/specs.h; one model, two command tables): every RMI command the host calls
// through the EL3 monitor, and every RSI and PSCI call its realms make while a REC runs inside
// RMI_REC_ENTER. Hosts never call the RMM directly: they issue SMCs
// (platform::Monitor::smc(pe.requester(), World::NonSecure, regs)) with the function IDs and
// register layouts of platform/abi/rmi.h, and the monitor routes them here.
//
//   platform::Soc soc(...);  rmm::Rmm rmm(soc);     // attaches itself to soc.monitor()
//   rmm.attach_guest_cpu(cpu);                      // before the first RMI_REC_ENTER
//
// Everything the RMM does runs on the calling PE's SystemC thread and charges its time: memory
// goes through that PE's requester (GPC-checked, timed), granule transitions through the
// monitor's GTSI SMCs, fixed costs come from the timing profile (rmm.* entries).
// The observers below are for tests, reports and scenario checks: untimed, no side effects.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "platform/abi/smccc.h"
#include "platform/monitor.h"

namespace platform::abi {
struct Spec;
}  // namespace platform::abi

namespace platform {
class GuestCpu;
class GuestTrace;
class Requester;
class Soc;
class StatGroup;
}  // namespace platform

namespace rmm {

class Context;

// RMM spec 1.0 granule states; 2.0 adds PARTIAL (an object a stateful operation is building
// or tearing down: TF-RMM main's GRANULE_STATE_PARTIAL).
enum class GranuleState : uint8_t {
  Undelegated = 0, Delegated = 1, Rd = 2, Rec = 3, RecAux = 4, Data = 5, Rtt = 6, Partial = 7,
};
const char* to_string(GranuleState s);

// What one realm holds, as its RD, RECs and RTTs record it (Rmm::audit): enough for a host
// to tear it down, and for a fuzzer to check ownership.
struct RealmObjects {
  uint64_t rd = 0;
  std::vector<uint64_t> recs;            // REC granules, in creation order
  struct Rtt { uint64_t pa, ipa; int level; };
  std::vector<Rtt> rtts;                 // every RTT below the starting level, parents first
  struct Leaf { uint64_t ipa; int level; };
  std::vector<Leaf> data;                // protected ASSIGNED entries (DATA granules)
  std::vector<Leaf> unprotected;         // ASSIGNED_NS entries
  // 2.0: its open stateful operations (a REC being built or torn down), by handle.
  struct Op { uint64_t handle, rec; bool rec_create, cancelling, reclaim; };
  std::vector<Op> ops;
};

// The RMM's own records checked against each other (Rmm::audit).
struct AuditResult {
  std::vector<RealmObjects> realms;      // by RD PA, ascending
  std::vector<std::string> problems;     // each broken invariant, in words; empty: consistent
};

// Realm states (NEW -> ACTIVE -> SYSTEM_OFF; 2.0: any of them -> ZOMBIE by REALM_TERMINATE).
enum class RealmState : uint8_t { New = 0, Active = 1, SystemOff = 2, Zombie = 3 };
const char* to_string(RealmState s);

class Rmm final : public platform::SmcHandler {
 public:
  explicit Rmm(platform::Soc& soc);  // RMM 1.0
  // The RMM of `abi`'s version (platform::abi::v1_0::kSpec or v2_0::kSpec).
  Rmm(platform::Soc& soc, const platform::abi::Spec& abi);
  ~Rmm();
  Rmm(const Rmm&) = delete;
  Rmm& operator=(const Rmm&) = delete;

  // An RMI call from the Non-secure world (the monitor calls this): X0 = FID, X1..X6 args;
  // on return X0 = status | index << 8 and X1..X4 the command's results.
  void handle_smc(platform::Requester& caller, platform::abi::SmcRegs& regs) override;

  // The CPU model RECs run on (RMI_REC_ENTER fails with RMI_ERROR_REC until one is attached).
  // The RMM observes it to draw its realms' runs in trace.json; the CPU must outlive the RMM
  // or run no guest after it is gone.
  void attach_guest_cpu(platform::GuestCpu& cpu);

  // Instructions a REC runs per GuestCpu::run slice before the RMM looks again (default 1e6).
  void set_run_slice(uint64_t instructions);

  // --- Observers (untimed) ---
  GranuleState granule_state(uint64_t pa) const;     // Undelegated outside DRAM
  unsigned granule_refcount(uint64_t pa) const;
  // Granules per state, indexed by GranuleState.
  std::vector<uint64_t> granule_census() const;
  // The granules of delegable DRAM whose GPI in the GPT is not what their RMM state says
  // (UNDELEGATED: Non-secure; every other state: Realm), lowest first, at most `limit`.
  // Empty when the GPT and the RMM agree: the isolation invariant between transitions.
  // Reads the GPT from DRAM through `via` (Monitor::gpt_lookup: untimed, never yields).
  std::vector<uint64_t> gpt_disagreements(platform::Requester& via, size_t limit = 16) const;
  std::optional<RealmState> realm_state(uint64_t rd) const;
  // Measurement slot (0 = RIM, 1..4 = REM) of the realm whose RD is at `rd`: 64 bytes, the
  // hash in the first 32 (SHA-256) or 64 (SHA-512).
  std::optional<std::array<uint8_t, 64>> measurement(uint64_t rd, unsigned slot) const;
  // Walks every realm's RTTs (untimed, from DRAM) and checks the granule table against them:
  // each RTT entry of a realm points only at an RTT (TABLE) or DATA granule (ASSIGNED) that no
  // other entry or realm holds; each RTT's refcount is its entries that hold a reference, each
  // RD's its RECs; each REC and REC_AUX belongs to one realm's REC; and no granule in state RD,
  // REC, REC_AUX, RTT or DATA is outside every realm (leaked). Under 2.0 an open stateful
  // operation holds its PARTIAL REC granule, the REC_AUX granules donated to it or waiting for
  // the host to reclaim them, and a reference on its realm's RD. Call between RMI commands.
  AuditResult audit() const;
  // RmiFeatureRegister0 as RMI_FEATURES(0) reports it.
  uint64_t features0() const;
  // The specification version this RMM implements ("1.0", "2.0-bet1").
  const char* version() const;
  platform::StatGroup& stats();

 private:
  std::unique_ptr<Context> ctx_;
  std::unique_ptr<platform::GuestTrace> realm_trace_;  // its realms' runs in trace.json
};

}  // namespace rmm
