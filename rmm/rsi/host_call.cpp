// RSI_HOST_CALL (RMM spec 1.0): the realm passes an immediate and X0..X30 to the host through
// an RsiHostCall structure in its own memory; the host's answer is copied back on REC_ENTER.
#include <array>
#include <cstring>

#include "platform/requester.h"
#include "rsi/rsi.h"

namespace rmm {

RsiOutcome rsi_host_call(RsiCall& call) {
  const uint64_t ipa = call.arg(1);
  // addr_align (RsiHostCall is 256-byte aligned, inside one granule), addr_bound
  if ((ipa & (rsi::host_call::kSize - 1)) || !call.realm.in_par(ipa)) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  uint64_t pa;
  int level;
  if (!realm_ram_page(call, ipa, pa, level)) return emulated_data_abort(call, ipa, level);
  std::array<uint8_t, rsi::host_call::kSize> hc{};
  call.req.read(pa + (ipa & 0xFFF), hc.data(), hc.size(), gpt::Pas::Realm);
  uint16_t imm;
  std::memcpy(&imm, &hc[rsi::host_call::kImm], 2);
  call.exit.reason = rmi::ExitReason::HostCall;
  call.exit.imm = imm;
  for (unsigned i = 0; i < rsi::host_call::kNumGprs; ++i)
    std::memcpy(&call.exit.gprs[i], &hc[rsi::host_call::kGprs + 8 * i], 8);
  call.rec.host_call.active = true;
  call.rec.host_call.ipa = ipa;
  return RsiOutcome::ExitToHost;
}

}  // namespace rmm
