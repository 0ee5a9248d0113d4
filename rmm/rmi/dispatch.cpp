// RMI dispatch: one table row per declared v1.0 command (handler, log switch, cost name; the
// name and registers come from the declaration). An unknown FID in the RMI range gets SMC_UNKNOWN.
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
// (platform/abi/rmm_abi_1_0.h); this row adds the handler, the log switch and the cost.
struct Row {
  uint32_t fid;
  Handler handler;
  bool log;          // per-command log switch (Debug level)
  const char* cost;  // fixed cost charged on entry (profile name)
};

namespace {

constexpr Row kRows[] = {
    {rmi::kVersionFid, rmi_version, true, "rmm.rmi_dispatch"},
    {rmi::kGranuleDelegate, rmi_granule_delegate, false, "rmm.rmi_dispatch"},
    {rmi::kGranuleUndelegate, rmi_granule_undelegate, false, "rmm.rmi_dispatch"},
    {rmi::kDataCreate, rmi_data_create, false, "rmm.rmi_dispatch"},
    {rmi::kDataCreateUnknown, rmi_data_create_unknown, false, "rmm.rmi_dispatch"},
    {rmi::kDataDestroy, rmi_data_destroy, false, "rmm.rmi_dispatch"},
    {rmi::kRealmActivate, rmi_realm_activate, true, "rmm.rmi_dispatch"},
    {rmi::kRealmCreate, rmi_realm_create, true, "rmm.rmi_dispatch"},
    {rmi::kRealmDestroy, rmi_realm_destroy, true, "rmm.rmi_dispatch"},
    {rmi::kRecCreate, rmi_rec_create, true, "rmm.rmi_dispatch"},
    {rmi::kRecDestroy, rmi_rec_destroy, true, "rmm.rmi_dispatch"},
    {rmi::kRecEnter, rmi_rec_enter, false, "rmm.rmi_dispatch"},
    {rmi::kRttCreate, rmi_rtt_create, false, "rmm.rmi_dispatch"},
    {rmi::kRttDestroy, rmi_rtt_destroy, false, "rmm.rmi_dispatch"},
    {rmi::kRttMapUnprotected, rmi_rtt_map_unprotected, false, "rmm.rmi_dispatch"},
    {rmi::kRttReadEntry, rmi_rtt_read_entry, false, "rmm.rmi_dispatch"},
    {rmi::kRttUnmapUnprotected, rmi_rtt_unmap_unprotected, false, "rmm.rmi_dispatch"},
    {rmi::kPsciComplete, rmi_psci_complete, true, "rmm.rmi_dispatch"},
    {rmi::kFeatures, rmi_features, true, "rmm.rmi_dispatch"},
    {rmi::kRttFold, rmi_rtt_fold, false, "rmm.rmi_dispatch"},
    {rmi::kRecAuxCount, rmi_rec_aux_count, true, "rmm.rmi_dispatch"},
    {rmi::kRttInitRipas, rmi_rtt_init_ripas, false, "rmm.rmi_dispatch"},
    {rmi::kRttSetRipas, rmi_rtt_set_ripas, false, "rmm.rmi_dispatch"},
};

constexpr unsigned kRange = rmi::kFidLast - rmi::kFidFirst + 1;
constexpr const platform::abi::Spec& kAbi = platform::abi::kImplemented;

// One row per declared command, each command once, and handlers take what fits in X1..X6
// and return what fits in X1..X4 (RmiCall's registers).
constexpr bool rows_valid() {
  if (sizeof(kRows) / sizeof(kRows[0]) != kAbi.rmi.count) return false;
  for (const Command& c : kAbi.rmi) {
    unsigned n = 0;
    for (const Row& r : kRows) n += r.fid == c.fid;
    if (n != 1 || c.args.size() > 6 || c.results.size() > 4) return false;
  }
  return true;
}
static_assert(rows_valid(), "RMI dispatch table must have one row for each declared command");

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
  std::array<Slot, kRange> slots;
};

void rmi_dispatch_init(Context& ctx) {
  auto* st = new DispatchTable;
  ctx.dispatch = {st, [](DispatchTable* t) { delete t; }};
  for (const Row& row : kRows) {
    Slot& s = st->slots[row.fid - rmi::kFidFirst];
    s.row = &row;
    s.command = kAbi.rmi_command(row.fid);
    s.out = static_cast<uint8_t>(s.command->results.size());
    s.stats = &ctx.add_command_stats(s.command->name + 4, ctx.rmi_stats);  // "VERSION", ...
    s.cost = ctx.soc.profile().charge(row.cost);
  }
}

void rmi_dispatch(Context& ctx, platform::Requester& req, platform::abi::SmcRegs& regs) {
  const uint32_t fid = regs.fid();
  const Slot* slot = rmi::is_rmi_fid(fid) ? &ctx.dispatch->slots[fid - rmi::kFidFirst] : nullptr;
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
  const uint64_t x0 = row.handler(ctx, call);
  regs.x[0] = x0;
  for (unsigned i = 1; i <= slot->out; ++i) regs.x[i] = results.x[i];
  slot->stats->count(x0, meter, req);
  // The command as the RMM ran it, on the calling PE's Realm-world track.
  platform::Trace& trace = ctx.soc.trace();
  if (trace.enabled()) {
    platform::Trace::Args a = {{"status", rmi::to_string(rmi::status_of(x0))}};
    if (rmi::index_of(x0)) a.push_back({"index", std::to_string(rmi::index_of(x0))});
    trace.slice(trace.track(ctx.pe_of(req).name(), "realm"), slot->command->name, "rmi", meter.start(), req.now() - meter.start(),
                std::move(a));
  }
  if (row.log)
    RMESIM_LOG(platform::LogLevel::Debug, "soc.rmm",
               slot->command->name << "(0x" << std::hex << a1 << ", 0x" << a2 << ") -> "
                        << rmi::to_string(rmi::status_of(x0)) << std::dec << " index "
                        << rmi::index_of(x0));
}

}  // namespace rmm
