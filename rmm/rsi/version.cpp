// RSI_VERSION and RSI_FEATURES (RMM spec 1.0).
#include "rsi/rsi.h"

namespace rmm {

RsiOutcome rsi_version(RsiCall& call) {
  const uint64_t req = call.arg(1);
  call.ret(1, rsi::kVersion);  // lower
  call.ret(2, rsi::kVersion);  // higher
  call.ret(0, static_cast<uint64_t>(req == rsi::kVersion ? rsi::Status::Success : rsi::Status::ErrorInput));
  return RsiOutcome::Resume;
}

RsiOutcome rsi_features(RsiCall& call) {
  call.ret(1, 0);  // RsiFeatureRegister0 and every other index: no optional features in 1.0
  call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  return RsiOutcome::Resume;
}

}  // namespace rmm
