// RMI_FEATURES (RMM spec 1.0): no failure conditions. Index 0 is RmiFeatureRegister0; every
// other index reads as zero.
#include "core/context.h"

namespace rmm {

uint64_t rmi_features(Context& ctx, RmiCall& call) {
  call.out(1, call.arg(1) == 0 ? ctx.features0 : 0);
  return ok();
}

// RMI_REC_AUX_COUNT lives with the REC commands (rec.cpp).

}  // namespace rmm
