// RMI_GRANULE_DELEGATE and RMI_GRANULE_UNDELEGATE (RMM spec 1.0): granule transitions between
// the Non-secure and Realm PAS, performed by the EL3 monitor (GTSI), never by the RMM itself.
#include "core/context.h"
#include "platform/requester.h"

namespace rmm {

uint64_t rmi_granule_delegate(Context& ctx, RmiCall& call) {
  const uint64_t addr = call.arg(1);
  // gran_align
  if (!granule_aligned(addr)) return err(rmi::Status::ErrorInput);
  // gran_bound: PaIsDelegable
  if (!ctx.pa_delegable(addr)) return err(rmi::Status::ErrorInput);
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

uint64_t rmi_granule_undelegate(Context& ctx, RmiCall& call) {
  const uint64_t addr = call.arg(1);
  // gran_align
  if (!granule_aligned(addr)) return err(rmi::Status::ErrorInput);
  // gran_bound
  if (!ctx.pa_delegable(addr)) return err(rmi::Status::ErrorInput);
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

}  // namespace rmm
