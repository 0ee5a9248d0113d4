// RMI_VERSION (RMM spec 1.0 B4.3.x): no failure conditions beyond the version check itself.
// X0 = SUCCESS when the requested version is implemented (1.0), else RMI_ERROR_INPUT;
// X1 = lower, X2 = higher implemented revision, in every case.
#include "core/context.h"

namespace rmm {

uint64_t rmi_version(Context&, RmiCall& call) {
  const uint64_t req = call.arg(1);
  call.out(1, rmi::kVersion);
  call.out(2, rmi::kVersion);
  // version_ok: the host asks for a revision this RMM implements.
  if (req != rmi::kVersion) return err(rmi::Status::ErrorInput);
  return ok();
}

}  // namespace rmm
