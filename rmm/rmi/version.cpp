// RMI_VERSION (RMM spec 1.0 and 2.0): the host names the revision it wants; X0 = SUCCESS when
// this RMM implements it, else RMI_ERROR_INPUT; X1 = lower, X2 = higher implemented revision,
// in every case, so a host can see what it could speak instead. This model implements one
// revision per run (the declaration's: 1.0, or 2.0 for 2.0-bet1), so lower == higher.
#include "core/context.h"

namespace rmm {

uint64_t rmi_version(Context& ctx, RmiCall& call) {
  const uint64_t req = call.arg(1);
  call.out(1, ctx.abi.rmi_version);
  call.out(2, ctx.abi.rmi_version);
  // version_ok: the host asks for a revision this RMM implements.
  if (req != ctx.abi.rmi_version) return err(rmi::Status::ErrorInput);
  return ok();
}

}  // namespace rmm
