// RMI_GRANULE_DELEGATE and RMI_GRANULE_UNDELEGATE (RMM spec 1.0), and 2.0's
// RMI_GRANULE_RANGE_DELEGATE / _UNDELEGATE: granule transitions between the Non-secure and
// Realm PAS, performed by the EL3 monitor (GTSI), never by the RMM itself.
//
// The range commands make bounded progress (TF-RMM main runtime/rmi/granule.c): at most
// kRangeGranulesPerCall granules per call, and they stop at the first granule that cannot
// change; X1 = the PA they reached. A call that changes nothing fails with the first granule's
// status, so a host loops `while (base < top) base = X1` and stops on an error.
#include "core/context.h"
#include "platform/requester.h"

namespace rmm {
namespace {

// Bounded work per range call: a host asking for a GiB comes back every 2 MiB.
constexpr uint64_t kRangeGranulesPerCall = 512;

// One granule NS -> DELEGATED (the caller checked align and bound). RMI_ERROR_INPUT when its
// state or its GPI forbids it, with nothing changed.
uint64_t delegate_one(Context& ctx, RmiCall& call, uint64_t addr) {
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted({addr});
  ctx.charge_lock(call.req);
  // gran_state
  if (ctx.granules.state(addr) != GranuleState::Undelegated) return err(rmi::Status::ErrorInput);
  // gran_gpt: the monitor refuses a granule whose GPI is not Non-secure (changing nothing).
  if (!ctx.gtsi_delegate(call.req, addr)) return err(rmi::Status::ErrorInput);
  // An unlocked DELEGATED granule is all zero (the monitor does not scrub on delegate).
  ctx.zero_granule(call.req, addr);
  ctx.granules.set_state(addr, GranuleState::Delegated);
  return ok();
}

uint64_t undelegate_one(Context& ctx, RmiCall& call, uint64_t addr) {
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted({addr});
  ctx.charge_lock(call.req);
  // gran_state
  if (ctx.granules.state(addr) != GranuleState::Delegated) return err(rmi::Status::ErrorInput);
  // The monitor scrubs and opens the granule to Non-secure; failure here is impossible
  // (the GPT said Realm when it was delegated) and fatal.
  if (!ctx.gtsi_undelegate(call.req, addr))
    throw std::logic_error("rmm: the monitor refused to undelegate a DELEGATED granule");
  ctx.granules.set_state(addr, GranuleState::Undelegated);
  return ok();
}

using OneGranule = uint64_t (*)(Context&, RmiCall&, uint64_t);

uint64_t single(Context& ctx, RmiCall& call, OneGranule one) {
  const uint64_t addr = call.arg(1);
  // gran_align
  if (!granule_aligned(ctx, addr)) return err(rmi::Status::ErrorInput);
  // gran_bound: PaIsDelegable
  if (!ctx.pa_delegable(addr)) return err(rmi::Status::ErrorInput);
  return one(ctx, call, addr);
}

// 2.0: [base, top), bounded, X1 = how far it got.
uint64_t range(Context& ctx, RmiCall& call, OneGranule one) {
  const uint64_t base = call.arg(1), top = call.arg(2);
  // base_align, top_align
  if (!granule_aligned(ctx, base) || !granule_aligned(ctx, top)) return err(rmi::Status::ErrorInput);
  // size_valid: a non-empty range
  if (top <= base) return err(rmi::Status::ErrorInput);
  // base_bound, top_bound: the whole range is delegable memory (checked granule by granule
  // as it goes: the first granule outside stops the range).
  if (!ctx.pa_delegable(base)) return err(rmi::Status::ErrorInput);
  const uint64_t end = std::min(top, base + kRangeGranulesPerCall * ctx.granule_size());
  uint64_t pa = base;
  for (; pa < end; pa += ctx.granule_size()) {
    if (!ctx.pa_delegable(pa)) break;
    const uint64_t st = one(ctx, call, pa);
    if (st != ok()) {
      // gran_state: the first granule fails the call; a later one ends the progress there.
      if (pa == base) return st;
      break;
    }
  }
  call.out(1, pa);
  return ok();
}

}  // namespace

uint64_t rmi_granule_delegate(Context& ctx, RmiCall& call) { return single(ctx, call, delegate_one); }
uint64_t rmi_granule_undelegate(Context& ctx, RmiCall& call) { return single(ctx, call, undelegate_one); }
uint64_t rmi_granule_range_delegate(Context& ctx, RmiCall& call) { return range(ctx, call, delegate_one); }
uint64_t rmi_granule_range_undelegate(Context& ctx, RmiCall& call) { return range(ctx, call, undelegate_one); }

}  // namespace rmm
