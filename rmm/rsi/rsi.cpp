// RSI/PSCI dispatch for SMCs a running REC makes, and helpers shared by the RSI families.
#include "rsi/rsi.h"
#include "core/s2tt_walk.h"

#include <cctype>
#include <string>

#include <cctype>

#include "platform/abi/psci.h"
#include "platform/abi/specs.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "sim/trace.h"

namespace rmm {
namespace {

namespace psci = platform::abi::psci;

// The RMM's side of an RSI command: the handler (name and registers are the declaration's).
struct RsiRow {
  uint32_t fid;
  RsiOutcome (*handler)(RsiCall&);
};

constexpr RsiRow kRsiRows[] = {
    {rsi::kVersionFid, rsi_version},
    {rsi::kFeatures, rsi_features},
    {rsi::kMeasurementRead, rsi_measurement_read},
    {rsi::kMeasurementExtend, rsi_measurement_extend},
    {rsi::kAttestationTokenInit, rsi_attestation_token_init},
    {rsi::kAttestationTokenContinue, rsi_attestation_token_continue},
    {rsi::kRealmConfig, rsi_realm_config},
    {rsi::kIpaStateSet, rsi_ipa_state_set},
    {rsi::kIpaStateGet, rsi_ipa_state_get},
    {rsi::kHostCall, rsi_host_call},
};

constexpr bool rows_cover_declaration() {
  const auto& decl = platform::abi::kImplemented.rsi;
  if (sizeof kRsiRows / sizeof kRsiRows[0] != decl.count) return false;
  for (const auto& c : decl) {
    unsigned n = 0;
    for (const RsiRow& r : kRsiRows) n += r.fid == c.fid;
    if (n != 1) return false;
  }
  return true;
}
static_assert(rows_cover_declaration(), "one RSI handler for each declared command");

const RsiRow* find_row(uint32_t fid) {
  for (const auto& r : kRsiRows)
    if (r.fid == fid) return &r;
  return nullptr;
}

}  // namespace

void rsi_stats_init(Context& ctx) {
  for (const auto& r : kRsiRows)  // "VERSION", ... from the declaration's RSI_VERSION
    ctx.rsi_stats[r.fid] = &ctx.add_command_stats(platform::abi::kImplemented.rsi_command(r.fid)->name + 4, ctx.rsi_stats_group);
  ctx.rsi_stats[0] = &ctx.add_command_stats("PSCI", ctx.rsi_stats_group);
}

RsiOutcome rsi_handle(RsiCall& call) {
  const uint32_t fid = static_cast<uint32_t>(call.arg(0));
  const platform::CostMeter meter(call.req.ledger(), call.req.now());
  call.req.charge(call.ctx.costs.rsi_dispatch);
  RsiOutcome o;
  CommandStats* st = nullptr;
  if (const RsiRow* row = find_row(fid)) {
    o = row->handler(call);
    st = call.ctx.rsi_stats[fid];
  } else if (psci::is_psci_fid(fid) || fid == psci::kSmcccVersion) {  // SMCCC_VERSION: as TF-RMM, 1.2
    o = psci_handle(call);
    st = call.ctx.rsi_stats[0];
  } else {
    // SMCCC: not supported. SMCCC_ARCH_FEATURES too, for every function, as TF-RMM answers
    // realms (no SMCCC_ARCH_WORKAROUND_* or SOC_ID service in the RMM).
    call.ret(0, platform::abi::kSmcUnknown);
    o = RsiOutcome::Resume;
  }
  if (st) st->count(o == RsiOutcome::ExitToHost ? 0 : call.rec.state.x[0], meter, call.req);
  // The call as the RMM handled it, inside the RMI_REC_ENTER that ran the REC.
  platform::Trace& trace = call.ctx.soc.trace();
  if (trace.enabled()) {
    const RsiRow* row = find_row(fid);
    const char* psci = psci_function_name(fid);
    trace.slice(call.req.trace_track(platform::World::Realm),
                row ? platform::abi::kImplemented.rsi_command(fid)->name : psci ? psci : "SMC_UNKNOWN",
                row ? "rsi" : "psci", meter.start(), call.req.now() - meter.start(),
                {{"outcome", o == RsiOutcome::ExitToHost ? "exit to host" : "resume"}});
  }
  return o;
}

bool realm_ram_page(RsiCall& call, uint64_t ipa, uint64_t& pa, int& level) {
  GranuleLocks lock(call.ctx.granules);
  lock.lock_sorted({call.realm.rd});
  call.ctx.charge_lock(call.req);
  const RttWalk w = rtt_walk(call.req, call.realm, ipa, s2tt::kPageLevel);
  level = w.level;
  if (w.entry.type != s2tt::Type::AssignedRam) return false;
  pa = w.entry.oa + ((ipa & ~uint64_t{0xFFF}) & (call.realm.geometry.entry_size(w.level) - 1));
  return true;
}

RsiOutcome emulated_data_abort(RsiCall& call, uint64_t ipa, int level) {
  // ESR: data abort from a lower EL, translation fault at `level` (FSC 0b0001nn).
  const uint64_t fsc = level >= 0 ? (0x04 | static_cast<uint64_t>(level)) : 0x2B;
  call.exit.reason = rmi::ExitReason::Sync;
  call.exit.esr = (uint64_t{0x24} << 26) | (uint64_t{1} << 25) | fsc;
  call.exit.far = 0;
  call.exit.hpfar = (ipa >> 12) << 4;
  call.rec.state.pc -= kSmcInsnSize;  // run the SMC again once the host has mapped the IPA
  return RsiOutcome::ExitToHost;
}

}  // namespace rmm
