// RSI_IPA_STATE_SET and RSI_IPA_STATE_GET (RMM spec 1.0): the realm asks the host to change
// the RIPAS of a range (through RMI_EXIT_RIPAS_CHANGE and RMI_RTT_SET_RIPAS), or reads it.
#include "core/s2tt_walk.h"
#include "platform/requester.h"
#include "rsi/rsi.h"

namespace rmm {

RsiOutcome rsi_ipa_state_set(RsiCall& call) {
  const uint64_t base = call.arg(1), top = call.arg(2), ripas = call.arg(3), flags = call.arg(4);
  // base_align, top_align, size_valid, top_bound (protected space), ripas_valid, flags_valid
  if (!granule_aligned(call.ctx, base) || !granule_aligned(call.ctx, top) || top <= base || top > call.realm.par_size() ||
      (ripas != static_cast<uint64_t>(rsi::Ripas::Empty) && ripas != static_cast<uint64_t>(rsi::Ripas::Ram)) ||
      (flags & ~rsi::kChangeDestroyed)) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  auto& req = call.rec.ripas;
  req.active = true;
  req.base = base;
  req.top = top;
  req.addr = base;
  req.value = static_cast<s2tt::Ripas>(ripas);
  req.change_destroyed = flags & rsi::kChangeDestroyed;
  call.exit.reason = rmi::ExitReason::RipasChange;
  call.exit.ripas_base = base;
  call.exit.ripas_top = top;
  call.exit.ripas_value = static_cast<uint8_t>(ripas);
  return RsiOutcome::ExitToHost;  // the result reaches the realm on the next REC_ENTER
}

RsiOutcome rsi_ipa_state_get(RsiCall& call) {
  const uint64_t base = call.arg(1), top = call.arg(2);
  // base_align, top_align, size_valid, top_bound
  if (!granule_aligned(call.ctx, base) || !granule_aligned(call.ctx, top) || top <= base || top > call.realm.par_size()) {
    call.ret(0, static_cast<uint64_t>(rsi::Status::ErrorInput));
    return RsiOutcome::Resume;
  }
  GranuleLocks lock(call.ctx.granules);
  lock.lock_sorted({call.realm.rd});
  call.ctx.charge_lock(call.req);
  // The RIPAS at base, and how far the same RIPAS runs (up to top).
  RttWalk w = rtt_walk(call.req, call.realm, base, s2tt::kPageLevel);
  const s2tt::Ripas ripas = s2tt::ripas_of(w.entry.type);
  uint64_t addr = (base & ~(call.realm.geometry.entry_size(w.level) - 1)) + call.realm.geometry.entry_size(w.level);
  while (addr < top) {
    w = rtt_walk(call.req, call.realm, addr, s2tt::kPageLevel);
    if (s2tt::ripas_of(w.entry.type) != ripas) break;
    addr += call.realm.geometry.entry_size(w.level);
  }
  call.ret(1, std::min(addr, top));
  call.ret(2, static_cast<uint64_t>(ripas));
  call.ret(0, static_cast<uint64_t>(rsi::Status::Success));
  return RsiOutcome::Resume;
}

}  // namespace rmm
