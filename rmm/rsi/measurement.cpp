// RSI_MEASUREMENT_READ and RSI_MEASUREMENT_EXTEND (RMM spec 1.0).
#include <array>
#include <cstring>

#include "platform/requester.h"
#include "rsi/rsi.h"

namespace rmm {

RsiOutcome rsi_measurement_read(RsiCall& call) {
  const uint64_t index = call.arg(1);
  // index_bound
  if (index >= kNumMeasurementSlots) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  const MeasurementValue& v = call.realm.measurement.slot(static_cast<unsigned>(index));
  for (unsigned i = 0; i < 8; ++i) {
    uint64_t d;
    std::memcpy(&d, &v[8 * i], 8);
    call.ret(1 + i, d);
  }
  call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  return RsiOutcome::Resume;
}

RsiOutcome rsi_measurement_extend(RsiCall& call) {
  const uint64_t index = call.arg(1), size = call.arg(2);
  // index_bound (REM 1..4 only), size_bound
  if (index == 0 || index >= kNumMeasurementSlots || size > kMaxRemExtendSize) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  std::array<uint8_t, 64> value{};
  for (unsigned i = 0; i < 8; ++i) std::memcpy(&value[8 * i], &call.rec.state.x[3 + i], 8);
  GranuleLocks lock(call.ctx.granules);
  lock.lock_sorted({call.realm.rd});
  call.ctx.charge_lock(call.req);
  call.realm.measurement.extend_rem(static_cast<unsigned>(index), value.data(), size);
  call.ctx.charge_hash(call.req, call.realm.algorithm, call.realm.measurement.size() + size);
  call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  return RsiOutcome::Resume;
}

}  // namespace rmm
