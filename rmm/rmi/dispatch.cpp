// RMI dispatch: one table row per v1.0 command (spec name, FID, argument and result register
// counts, handler, log switch, cost name). An unknown FID in the RMI range gets SMC_UNKNOWN.
// Results: X0 = packed status; X1..X<out> = the handler's results (zero unless it set them);
// every other register keeps its value, as SMCCC v1.2 requires.
#include <array>

#include "core/context.h"
#include "platform/log.h"
#include "platform/pe.h"
#include "platform/profile.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "platform/trace.h"

namespace rmm {

using Handler = uint64_t (*)(Context&, RmiCall&);

struct Row {
  const char* name;
  uint32_t fid;
  uint8_t in;        // arguments in X1..X<in>
  uint8_t out;       // results in X1..X<out>
  Handler handler;
  bool log;          // per-command log switch (Debug level)
  const char* cost;  // fixed cost charged on entry (profile name)
};

namespace {

constexpr Row kRows[] = {
    {"RMI_VERSION", rmi::kVersionFid, 1, 2, rmi_version, true, "rmm.rmi_dispatch"},
    {"RMI_GRANULE_DELEGATE", rmi::kGranuleDelegate, 1, 0, rmi_granule_delegate, false, "rmm.rmi_dispatch"},
    {"RMI_GRANULE_UNDELEGATE", rmi::kGranuleUndelegate, 1, 0, rmi_granule_undelegate, false, "rmm.rmi_dispatch"},
    {"RMI_DATA_CREATE", rmi::kDataCreate, 5, 0, rmi_data_create, false, "rmm.rmi_dispatch"},
    {"RMI_DATA_CREATE_UNKNOWN", rmi::kDataCreateUnknown, 3, 0, rmi_data_create_unknown, false, "rmm.rmi_dispatch"},
    {"RMI_DATA_DESTROY", rmi::kDataDestroy, 2, 2, rmi_data_destroy, false, "rmm.rmi_dispatch"},
    {"RMI_REALM_ACTIVATE", rmi::kRealmActivate, 1, 0, rmi_realm_activate, true, "rmm.rmi_dispatch"},
    {"RMI_REALM_CREATE", rmi::kRealmCreate, 2, 0, rmi_realm_create, true, "rmm.rmi_dispatch"},
    {"RMI_REALM_DESTROY", rmi::kRealmDestroy, 1, 0, rmi_realm_destroy, true, "rmm.rmi_dispatch"},
    {"RMI_REC_CREATE", rmi::kRecCreate, 3, 0, rmi_rec_create, true, "rmm.rmi_dispatch"},
    {"RMI_REC_DESTROY", rmi::kRecDestroy, 1, 0, rmi_rec_destroy, true, "rmm.rmi_dispatch"},
    {"RMI_REC_ENTER", rmi::kRecEnter, 2, 0, rmi_rec_enter, false, "rmm.rmi_dispatch"},
    {"RMI_RTT_CREATE", rmi::kRttCreate, 4, 0, rmi_rtt_create, false, "rmm.rmi_dispatch"},
    {"RMI_RTT_DESTROY", rmi::kRttDestroy, 3, 2, rmi_rtt_destroy, false, "rmm.rmi_dispatch"},
    {"RMI_RTT_MAP_UNPROTECTED", rmi::kRttMapUnprotected, 4, 0, rmi_rtt_map_unprotected, false, "rmm.rmi_dispatch"},
    {"RMI_RTT_READ_ENTRY", rmi::kRttReadEntry, 3, 4, rmi_rtt_read_entry, false, "rmm.rmi_dispatch"},
    {"RMI_RTT_UNMAP_UNPROTECTED", rmi::kRttUnmapUnprotected, 3, 1, rmi_rtt_unmap_unprotected, false, "rmm.rmi_dispatch"},
    {"RMI_PSCI_COMPLETE", rmi::kPsciComplete, 3, 0, rmi_psci_complete, true, "rmm.rmi_dispatch"},
    {"RMI_FEATURES", rmi::kFeatures, 1, 1, rmi_features, true, "rmm.rmi_dispatch"},
    {"RMI_RTT_FOLD", rmi::kRttFold, 3, 1, rmi_rtt_fold, false, "rmm.rmi_dispatch"},
    {"RMI_REC_AUX_COUNT", rmi::kRecAuxCount, 1, 1, rmi_rec_aux_count, true, "rmm.rmi_dispatch"},
    {"RMI_RTT_INIT_RIPAS", rmi::kRttInitRipas, 3, 1, rmi_rtt_init_ripas, false, "rmm.rmi_dispatch"},
    {"RMI_RTT_SET_RIPAS", rmi::kRttSetRipas, 4, 1, rmi_rtt_set_ripas, false, "rmm.rmi_dispatch"},
};

constexpr unsigned kRange = rmi::kFidLast - rmi::kFidFirst + 1;

// The table covers every v1.0 command once, inside the RMI range, with sane register counts.
constexpr bool rows_valid() {
  constexpr unsigned n = sizeof(kRows) / sizeof(kRows[0]);
  if (n != rmi::kNumCommands) return false;
  for (unsigned i = 0; i < n; ++i) {
    if (!rmi::is_rmi_fid(kRows[i].fid) || kRows[i].in > 6 || kRows[i].out > 4) return false;
    for (unsigned j = i + 1; j < n; ++j)
      if (kRows[i].fid == kRows[j].fid) return false;
  }
  return true;
}
static_assert(rows_valid(), "RMI dispatch table must list each v1.0 command once, within 0xC4000150..0xC400018F");

}  // namespace

struct Slot {
  const Row* row = nullptr;
  CommandStats* stats = nullptr;
  sc_core::sc_time cost;
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
    s.stats = &ctx.add_command_stats(row.name);
    s.cost = ctx.soc.profile().duration(row.cost);
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
  const sc_core::sc_time start = req.now();
  req.charge(slot->cost);
  // Handlers read X1..X<in> as passed and write results X1..X<out>, which start at zero.
  platform::abi::SmcRegs args = regs;
  const uint64_t a1 = regs.x[1], a2 = regs.x[2];

  platform::abi::SmcRegs results{};
  RmiCall call{req, args, results};
  const uint64_t x0 = row.handler(ctx, call);
  regs.x[0] = x0;
  for (unsigned i = 1; i <= row.out; ++i) regs.x[i] = results.x[i];
  slot->stats->count(x0);
  slot->stats->time.add(req.now() - start);
  // The command as the RMM ran it, on the calling PE's Realm-world track.
  platform::Trace& trace = ctx.soc.trace();
  if (trace.enabled()) {
    platform::Trace::Args a = {{"status", rmi::to_string(rmi::status_of(x0))}};
    if (rmi::index_of(x0)) a.push_back({"index", std::to_string(rmi::index_of(x0))});
    trace.slice(trace.track(ctx.pe_of(req).name(), "realm"), row.name, "rmi", start, req.now() - start, std::move(a));
  }
  if (row.log)
    RMESIM_LOG(platform::LogLevel::Debug, "soc.rmm",
               row.name << "(0x" << std::hex << a1 << ", 0x" << a2 << ") -> "
                        << rmi::to_string(rmi::status_of(x0)) << std::dec << " index "
                        << rmi::index_of(x0));
}

}  // namespace rmm
