// RMI_GRANULE_TRACKING_GET and RMI_GPT_L1_CREATE (RMM spec 2.0-bet1): what the RMM knows about
// a region of physical memory, and the level-1 GPT tables a host must make sure exist before
// it delegates memory of an L0GPTSZ block.
//
// By default this platform's monitor builds level-1 tables for all of DRAM at boot (as TF-A
// does with a static GPT), so GPT_L1_CREATE finds the table there and answers RMI_ERROR_GPT,
// which the v14 host takes for "already exists" - as TF-RMM main answers every call. With
// platform.gpt.l1_tables: on_demand most blocks start without one, and the RMM asks EL3 to
// make it (the table comes from EL3's pool: no memory is donated).
#include <algorithm>

#include "core/context.h"
#include "platform/monitor.h"
#include "platform/requester.h"

namespace rmm {
namespace {

constexpr uint64_t kTrackingRegion = uint64_t{1} << 30;  // tracking_region_size 0 with 4 KiB granules

}  // namespace

uint64_t rmi_granule_tracking_get(Context& ctx, RmiCall& call) {
  const uint64_t base = call.arg(1), top = call.arg(2);
  // base_align, top_align
  if (!granule_aligned(ctx, base) || !granule_aligned(ctx, top)) return err(rmi::Status::ErrorInput);
  // size_valid
  if (top <= base) return err(rmi::Status::ErrorInput);
  // base_bound: memory the RMM tracks (DRAM).
  if (!ctx.granules.tracked(base)) return err(rmi::Status::ErrorInput);
  // The answer holds up to the end of base's tracking region, of DRAM, of the range, or
  // where delegability changes (a firmware carve-out is RESERVED).
  const bool delegable = ctx.monitor.is_delegable(base);
  const uint64_t dram_end = ctx.granules.base() + ctx.granules.size();
  const uint64_t limit = std::min({top, dram_end, (base & ~(kTrackingRegion - 1)) + kTrackingRegion});
  uint64_t pa = base + ctx.granule_size();
  while (pa < limit && ctx.monitor.is_delegable(pa) == delegable) pa += ctx.granule_size();
  call.out(1, static_cast<uint64_t>(rmi::MemCategory::Conventional));
  call.out(2, static_cast<uint64_t>(delegable ? rmi::TrackingState::Fine : rmi::TrackingState::Reserved));
  call.out(3, pa);
  return ok();
}

uint64_t rmi_gpt_l1_create(Context& ctx, RmiCall& call) {
  const uint64_t pa = call.arg(1);
  const uint64_t l0_block = uint64_t{1} << ctx.monitor.gpc_config().s();
  // pa_align: an L0GPTSZ block.
  if (pa & (l0_block - 1)) return err(rmi::Status::ErrorInput);
  // pa_bound: memory the RMM tracks.
  if (!ctx.granules.tracked(pa)) return err(rmi::Status::ErrorInput);
  // l1_exists: the block is already described at granule level.
  const gpt::GptWalk w = ctx.monitor.gpt_lookup(call.req, pa);
  if (w.ok() && w.level == 1) return err(rmi::Status::ErrorGpt);
  platform::abi::SmcRegs r;
  r.x[0] = platform::abi::kRmmGptL1Create;
  r.x[1] = pa;
  ctx.monitor.smc(call.req, platform::World::Realm, r);
  return r.x[0] == platform::abi::kRmmEl3Ok ? ok() : err(rmi::Status::ErrorGpt);
}

}  // namespace rmm
