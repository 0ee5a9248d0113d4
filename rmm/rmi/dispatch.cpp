// RMI dispatch: one table per RMM version, one row per declared command (handler, log switch,
// cost name; the name and registers come from that version's declaration). A FID the version
// does not have (unknown, or removed in 2.0) gets SMC_UNKNOWN, SMCCC's NOT_SUPPORTED, as TF-RMM's
// handle_ns_smc answers a FID without a handler. Under 2.0, commands other than VERSION, FEATURES,
// RMM_CONFIG_SET and RMM_ACTIVATE fail with RMI_ERROR_GLOBAL until RMM_ACTIVATE.
// Results: X0 = packed status; X1..X<out> = the handler's results (zero unless it set them);
// every other register keeps its value, as SMCCC v1.2 requires.
#include <array>

#include "core/context.h"
#include "platform/abi/specs.h"
#include "platform/pe.h"
#include "sim/log.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "sim/trace.h"

namespace rmm {

using Handler = uint64_t (*)(Context&, RmiCall&);
using platform::abi::Command;

// The RMM's side of a command: its name, FID and registers are the declaration's
// (platform/abi/rmm_abi_*.h); this row adds the versions that have it, the handler, the log
// switch and the cost. A command both versions have shares its row and handler (which asks
// ctx.v2 where the spec differs); 0x153 is DATA_CREATE in 1.0 and RTT_DATA_MAP_INIT in 2.0.
enum Versions : uint8_t { k1_0 = 1, k2_0 = 2, kBoth = k1_0 | k2_0 };
struct Row {
  uint32_t fid;
  uint8_t versions;  // Versions
  Handler handler;
  bool log;          // per-command log switch (Debug level)
  const char* cost;  // fixed cost charged on entry (profile name)
  bool before_activate = false;  // 2.0: allowed while the RMM is in state INIT
};

namespace {

constexpr const char* kDispatch = "rmm.rmi_dispatch";

constexpr Row kRows[] = {
    {rmi::kVersionFid, kBoth, rmi_version, true, kDispatch, true},
    {rmi::kGranuleDelegate, k1_0, rmi_granule_delegate, false, kDispatch},
    {rmi::kGranuleUndelegate, k1_0, rmi_granule_undelegate, false, kDispatch},
    {rmi::kDataCreate, k1_0, rmi_data_create, false, kDispatch},
    {rmi::kRttDataMapInit, k2_0, rmi_rtt_data_map_init, false, kDispatch},
    {rmi::kDataCreateUnknown, k1_0, rmi_data_create_unknown, false, kDispatch},
    {rmi::kDataDestroy, k1_0, rmi_data_destroy, false, kDispatch},
    {rmi::kRealmActivate, kBoth, rmi_realm_activate, true, kDispatch},
    {rmi::kRealmCreate, kBoth, rmi_realm_create, true, kDispatch},
    {rmi::kRealmDestroy, kBoth, rmi_realm_destroy, true, kDispatch},
    {rmi::kRecCreate, kBoth, rmi_rec_create, true, kDispatch},
    {rmi::kRecDestroy, kBoth, rmi_rec_destroy, true, kDispatch},
    {rmi::kRecEnter, kBoth, rmi_rec_enter, false, kDispatch},
    {rmi::kRttCreate, kBoth, rmi_rtt_create, false, kDispatch},
    {rmi::kRttDestroy, kBoth, rmi_rtt_destroy, false, kDispatch},
    {rmi::kRttMapUnprotected, k1_0, rmi_rtt_map_unprotected, false, kDispatch},
    {rmi::kRttReadEntry, kBoth, rmi_rtt_read_entry, false, kDispatch},
    {rmi::kRttUnmapUnprotected, k1_0, rmi_rtt_unmap_unprotected, false, kDispatch},
    {rmi::kPsciComplete, kBoth, rmi_psci_complete, true, kDispatch},
    {rmi::kFeatures, kBoth, rmi_features, true, kDispatch, true},
    {rmi::kRttFold, kBoth, rmi_rtt_fold, false, kDispatch},
    {rmi::kRecAuxCount, k1_0, rmi_rec_aux_count, true, kDispatch},
    {rmi::kRttInitRipas, kBoth, rmi_rtt_init_ripas, false, kDispatch},
    {rmi::kRttSetRipas, kBoth, rmi_rtt_set_ripas, false, kDispatch},
    {rmi::kRmmConfigSet, k2_0, rmi_rmm_config_set, true, kDispatch, true},
    {rmi::kGranuleTrackingGet, k2_0, rmi_granule_tracking_get, false, kDispatch},
    {rmi::kGranuleRangeDelegate, k2_0, rmi_granule_range_delegate, false, kDispatch},
    {rmi::kGranuleRangeUndelegate, k2_0, rmi_granule_range_undelegate, false, kDispatch},
    {rmi::kGptL1Create, k2_0, rmi_gpt_l1_create, true, kDispatch},
    {rmi::kRttDataMap, k2_0, rmi_rtt_data_map, false, kDispatch},
    {rmi::kRttDataUnmap, k2_0, rmi_rtt_data_unmap, false, kDispatch},
    {rmi::kRttUnprotMap, k2_0, rmi_rtt_unprot_map, false, kDispatch},
    {rmi::kRttUnprotUnmap, k2_0, rmi_rtt_unprot_unmap, false, kDispatch},
    {rmi::kRealmTerminate, k2_0, rmi_realm_terminate, true, kDispatch},
    {rmi::kRmmActivate, k2_0, rmi_rmm_activate, true, kDispatch, true},
    {rmi::kOpContinue, k2_0, rmi_op_continue, true, kDispatch},
    {rmi::kOpMemDonate, k2_0, rmi_op_mem_donate, true, kDispatch},
    {rmi::kOpMemReclaim, k2_0, rmi_op_mem_reclaim, true, kDispatch},
    {rmi::kOpCancel, k2_0, rmi_op_cancel, true, kDispatch},
};

// For the version `v` of `abi`: one row per declared command, each command once, and handlers
// take what fits in X1..X6 and return what fits in X1..X4 (RmiCall's registers).
constexpr bool rows_valid(uint8_t v, const platform::abi::Spec& abi) {
  unsigned rows = 0;
  for (const Row& r : kRows) rows += (r.versions & v) != 0;
  if (rows != abi.rmi.count) return false;
  for (const Command& c : abi.rmi) {
    unsigned n = 0;
    for (const Row& r : kRows) n += r.fid == c.fid && (r.versions & v);
    if (n != 1 || c.args.size() > 6 || c.results.size() > 4) return false;
  }
  return true;
}
static_assert(rows_valid(k1_0, platform::abi::v1_0::kSpec), "RMI 1.0 dispatch: one row for each declared command");
static_assert(rows_valid(k2_0, platform::abi::v2_0::kSpec), "RMI 2.0 dispatch: one row for each declared command");

}  // namespace

struct Slot {
  const Row* row = nullptr;
  const Command* command = nullptr;  // the declaration: name, registers
  uint8_t out = 0;                   // results in X1..X<out>
  CommandStats* stats = nullptr;
  platform::TimedCost cost;
};

// The per-RMM dispatch state: FID-indexed slots with the row, its stats and its cost.
struct DispatchTable {
  std::array<Slot, rmi::kNumFids> slots;  // by rmi::fid_index
};

void rmi_dispatch_init(Context& ctx) {
  auto* st = new DispatchTable;
  ctx.dispatch = {st, [](DispatchTable* t) { delete t; }};
  for (const Row& row : kRows) {
    if (!(row.versions & (ctx.v2 ? k2_0 : k1_0))) continue;
    Slot& s = st->slots[rmi::fid_index(row.fid)];
    s.row = &row;
    s.command = ctx.abi.rmi_command(row.fid);
    s.out = static_cast<uint8_t>(s.command->results.size());
    s.stats = &ctx.add_command_stats(s.command->name + 4, ctx.rmi_stats);  // "VERSION", ...
    s.cost = ctx.soc.profile().charge(row.cost);
  }
}

void rmi_dispatch(Context& ctx, platform::Requester& req, platform::abi::SmcRegs& regs) {
  const uint32_t fid = regs.fid();
  const Slot* slot = rmi::is_rmi_fid(fid) ? &ctx.dispatch->slots[rmi::fid_index(fid)] : nullptr;
  if (!slot || !slot->row) {
    regs.x[0] = platform::abi::kSmcUnknown;
    return;
  }
  const Row& row = *slot->row;
  const platform::CostMeter meter(req.ledger(), req.now());
  req.charge(slot->cost);
  // Handlers read X1..X<in> as passed and write results X1..X<out>, which start at zero.
  platform::abi::SmcRegs args = regs;
  const uint64_t a1 = regs.x[1], a2 = regs.x[2];

  platform::abi::SmcRegs results{};
  RmiCall call{req, args, results};
  // 2.0 rmm_state: realm commands only once the RMM is ACTIVE.
  const bool global_ok = !ctx.v2 || row.before_activate || ctx.rmm_state == Context::RmmState::Active;
  const uint64_t x0 = global_ok ? row.handler(ctx, call) : err(rmi::Status::ErrorGlobal);
  regs.x[0] = x0;
  for (unsigned i = 1; i <= slot->out; ++i) regs.x[i] = results.x[i];
  slot->stats->count(x0, meter, req);
  // The command as the RMM ran it, on the calling PE's Realm-world track.
  platform::Trace& trace = ctx.soc.trace();
  if (trace.enabled()) {
    const int track = req.trace_track(platform::World::Realm);
    const char* status = rmi::to_string(rmi::status_of(x0));
    if (const uint64_t index = rmi::index_of(x0))
      trace.slice(track, slot->command->name, "rmi", meter.start(), req.now() - meter.start(),
                  {{"status", status}, {"index", std::to_string(index)}});
    else
      trace.slice(track, slot->command->name, "rmi", meter.start(), req.now() - meter.start(), {{"status", status}});
  }
  if (row.log)
    RMESIM_LOG(platform::LogLevel::Debug, "soc.rmm",
               slot->command->name << "(0x" << std::hex << a1 << ", 0x" << a2 << ") -> "
                        << rmi::to_string(rmi::status_of(x0)) << std::dec << " index "
                        << rmi::index_of(x0));
}

}  // namespace rmm
