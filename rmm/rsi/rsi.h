// RSI and PSCI calls a realm makes while one of its RECs runs inside RMI_REC_ENTER (RMM spec
// 1.0, "Realm Services Interface", "PSCI"). Each family is one file in rsi/; rec_enter.cpp
// calls rsi_handle() for every SMC exit and either re-enters the realm or returns to the host.
// Private to rmm/.
#pragma once
#include <array>
#include <cstdint>

#include "core/context.h"
#include "platform/abi/rsi.h"

namespace platform {
class Pe;
}

namespace rmm {

// What a REC exit tells the host (the RmiRecExit half of RmiRecRun).
struct RecExit {
  rmi::ExitReason reason = rmi::ExitReason::Sync;
  uint64_t esr = 0, far = 0, hpfar = 0;
  std::array<uint64_t, 31> gprs{};
  uint64_t ripas_base = 0, ripas_top = 0;
  uint8_t ripas_value = 0;
  uint16_t imm = 0;
};

// The outcome of one realm call: continue running the realm, or exit to the host with `exit`.
enum class RsiOutcome { Resume, ExitToHost };

struct RsiCall {
  Context& ctx;
  platform::Requester& req;
  platform::Pe& pe;
  Realm& realm;
  Rec& rec;
  RecExit& exit;
  uint64_t arg(unsigned i) const { return rec.state.x[i]; }
  void ret(unsigned i, uint64_t v) { rec.state.x[i] = v; }
};

namespace rsi = platform::abi::rsi;

// The realm's buffers (RsiRealmConfig, the token buffer, RsiHostCall) are 4 KiB granules of its
// IPA space whatever the host's RMI granule: the guest's own page size, not the host's. RIPAS
// ranges (RSI_IPA_STATE_SET/GET) follow the RTT granule instead (granule_aligned).
constexpr uint64_t kRsiGranule = 4096;
constexpr bool rsi_aligned(uint64_t ipa) { return (ipa & (kRsiGranule - 1)) == 0; }

RsiOutcome rsi_handle(RsiCall& call);  // dispatch on X0 (RSI, PSCI, SMCCC)

RsiOutcome rsi_version(RsiCall& call);
RsiOutcome rsi_features(RsiCall& call);
RsiOutcome rsi_realm_config(RsiCall& call);
RsiOutcome rsi_ipa_state_set(RsiCall& call);
RsiOutcome rsi_ipa_state_get(RsiCall& call);
RsiOutcome rsi_measurement_read(RsiCall& call);
RsiOutcome rsi_measurement_extend(RsiCall& call);
RsiOutcome rsi_attestation_token_init(RsiCall& call);
RsiOutcome rsi_attestation_token_continue(RsiCall& call);
RsiOutcome rsi_host_call(RsiCall& call);
RsiOutcome psci_handle(RsiCall& call);
// The name of a PSCI function this RMM implements ("PSCI_CPU_ON"), nullptr for any other.
const char* psci_function_name(uint32_t fid);

// The PA of the protected RAM page that maps `ipa` (ASSIGNED, RIPAS RAM), taking the RD lock;
// false with the walk level when there is none.
bool realm_ram_page(RsiCall& call, uint64_t ipa, uint64_t& pa, int& level);
// The RSI call touched an IPA the host has not mapped: exit with an emulated stage-2 data
// abort (translation fault at `level`) and run the SMC again once the host has mapped it.
RsiOutcome emulated_data_abort(RsiCall& call, uint64_t ipa, int level);

// Synchronous external abort (or UNDEFINED for an HVC) taken to the realm's EL1 vector.
void inject_sea(Rec& rec, bool data, uint64_t far);
void inject_undef(Rec& rec);

// How the CPU reports an SMC/HVC exit: the PC already points past the instruction (the
// preferred return address of an HVC/SMC exception). A call to be retried steps back.
constexpr uint64_t kSmcInsnSize = 4;

}  // namespace rmm
