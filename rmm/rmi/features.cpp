// RMI_FEATURES (RMM spec 1.0, 2.0): no failure conditions. 1.0: index 0 is RmiFeatureRegister0,
// every other index reads as zero. 2.0: register 0 keeps bits [31:0]; register 1 has the granule
// sizes (those not smaller than the GPT's PGS), hash algorithms, MAX_RECS_ORDER and the GPT's
// L0GPTSZ and PPS, which a 2.0 host needs for GPT_L1_CREATE.
#include "core/context.h"
#include "platform/monitor.h"

namespace rmm {

uint64_t rmi_features(Context& ctx, RmiCall& call) {
  namespace f1 = rmi::feat1;
  const uint64_t index = call.arg(1);
  uint64_t value = 0;
  if (index == 0) {
    value = ctx.v2 ? ctx.features0 & rmi::feat0::kMask2_0 : ctx.features0;
  } else if (index == 1 && ctx.v2) {
    const gpt::GpcConfig& gpc = ctx.monitor.gpc_config();
    constexpr uint64_t kGranSzMask = uint64_t{7} << f1::kGranSz4kShift;
    value = (ctx.features1 & ~kGranSzMask) | ctx.rmi_granule_sizes() |
            (uint64_t{gpc.s() - 30} << f1::kL0gptszShift) | (uint64_t{gpc.pps} << f1::kPpsShift);
  }
  call.out(1, value);
  return ok();
}

// RMI_REC_AUX_COUNT lives with the REC commands (rec.cpp).

}  // namespace rmm
