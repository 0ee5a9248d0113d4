// RSI_ATTESTATION_TOKEN_INIT and RSI_ATTESTATION_TOKEN_CONTINUE (RMM spec 1.0): the CCA token
// (platform token + realm token signed with the RAK) built by core/attestation_token, handed
// to the realm in granule-sized pieces.
#include <algorithm>
#include <cstring>

#include "core/attestation_token.h"
#include "platform/requester.h"
#include "rsi/rsi.h"

namespace rmm {

RsiOutcome rsi_attestation_token_init(RsiCall& call) {
  auto& a = call.rec.attest;
  a = Rec::Attest{};
  for (unsigned i = 0; i < 8; ++i) std::memcpy(&a.challenge[8 * i], &call.rec.state.x[1 + i], 8);
  // The claims are taken now (RIM/REMs as they are at INIT); the token is signed here, its
  // signing time charged on the first CONTINUE, which is where the RMM does that work.
  const RealmClaims claims = RealmClaims::from_measurement(call.realm.measurement, a.challenge, call.realm.rpv);
  a.token = AttestationToken::build(claims, call.ctx.attestation());
  a.in_progress = true;
  call.ret(1, a.token.size());  // upper bound of the token size
  call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  return RsiOutcome::Resume;
}

RsiOutcome rsi_attestation_token_continue(RsiCall& call) {
  auto& a = call.rec.attest;
  const uint64_t ipa = call.arg(1), offset = call.arg(2), size = call.arg(3);
  // attest_state: a token is being produced.
  if (!a.in_progress) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorState));
    return RsiOutcome::Resume;
  }
  // addr_align, addr_bound, offset/size inside the granule.
  if (!rsi_aligned(ipa) || !call.realm.in_par(ipa) || offset >= kRsiGranule || size > kRsiGranule - offset) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  if (!a.built) {
    call.req.charge(call.ctx.costs.attest_sign);
    call.ctx.charge_hash(call.req, HashAlgorithm::Sha512, a.token.size());
    a.built = true;
  }
  uint64_t pa;
  int level;
  if (!realm_ram_page(call, ipa, pa, level)) return emulated_data_abort(call, ipa, level);
  const uint64_t n = std::min<uint64_t>(size, a.token.size() - a.copied);
  if (n) call.req.write(pa + offset, a.token.data() + a.copied, n, gpt::Pas::Realm);
  a.copied += n;
  call.ret(1, n);
  if (a.copied == a.token.size()) {
    a.in_progress = false;
    call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  } else {
    call.ret(0, static_cast<uint64_t>(rsi::Status::Incomplete));
  }
  return RsiOutcome::Resume;
}

}  // namespace rmm
