// RSI_REALM_CONFIG (RMM spec 1.0): the RMM writes RsiRealmConfig into a realm page.
#include <array>
#include <cstring>

#include "platform/requester.h"
#include "rsi/rsi.h"

namespace rmm {

RsiOutcome rsi_realm_config(RsiCall& call) {
  const uint64_t ipa = call.arg(1);
  // addr_align, addr_bound: a granule of the protected space.
  if (!rsi_aligned(ipa) || !call.realm.in_par(ipa)) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  uint64_t pa;
  int level;
  if (!realm_ram_page(call, ipa, pa, level)) return emulated_data_abort(call, ipa, level);
  std::array<uint8_t, rsi::realm_config::kSize> cfg{};
  const uint64_t width = call.realm.s2sz;
  std::memcpy(&cfg[rsi::realm_config::kIpaWidth], &width, 8);
  cfg[rsi::realm_config::kHashAlgo] = static_cast<uint8_t>(call.realm.algorithm);
  std::memcpy(&cfg[rsi::realm_config::kRpv], call.realm.rpv.data(), call.realm.rpv.size());
  call.req.write(pa, cfg.data(), cfg.size(), gpt::Pas::Realm);
  call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  return RsiOutcome::Resume;
}

}  // namespace rmm
