// Stateful RMI operations (RMM spec 2.0-bet1; core/sro.h): REC_CREATE and REC_DESTROY's second
// halves, and RMI_OP_MEM_DONATE, RMI_OP_CONTINUE, RMI_OP_MEM_RECLAIM, RMI_OP_CANCEL.
//
// Bounded work: one call takes at most kGranulesPerCall donated granules or hands back at most
// that many, so asking for (or returning) more takes several calls, each answered RMI_INCOMPLETE
// with what the operation needs next. A handle that names no open operation (stale: finished
// or cancelled; or never issued) fails with RMI_ERROR_INPUT, as does a call the operation is
// not waiting for (a donation to an operation that reclaims).
#include <algorithm>
#include <array>

#include "core/context.h"
#include "platform/requester.h"

namespace rmm {
namespace {

constexpr unsigned kGranulesPerCall = 8;

uint64_t incomplete(RmiCall& call, const Sro& op, uint64_t handle) {
  call.out(1, handle);
  switch (op.wait) {
    case Sro::Wait::Donate:
      call.out(2, rmi::donate_req::make(op.needed, false, false));
      return rmi::pack_incomplete(rmi::MemReq::Donate, !op.cancelling);
    case Sro::Wait::Continue: return rmi::pack_incomplete(rmi::MemReq::None, !op.cancelling);
    case Sro::Wait::Reclaim: return rmi::pack_incomplete(rmi::MemReq::Reclaim, false);
  }
  return rmi::pack_incomplete(rmi::MemReq::None, false);
}

// The operation is over: the REC granule leaves PARTIAL, the RD's reference is dropped (or kept
// by the new REC), the handle dies.
uint64_t finish(Context& ctx, RmiCall& call, uint64_t handle, Sro& op) {
  Realm* r = ctx.realm_at(op.rd);
  if (op.kind == Sro::Kind::RecCreate && !op.cancelling) {
    rec_make(ctx, call.req, *r, op.rec, op.params.data(), op.donated);  // the REC keeps the reference
  } else {
    ctx.zero_granule(call.req, op.rec);
    ctx.granules.set_state(op.rec, GranuleState::Delegated);
    ctx.granules.refcount_add(op.rd, -1);
  }
  if (op.kind == Sro::Kind::RecCreate) r->open_sro = 0;
  ctx.sros.close(handle);
  return ok();
}

// Undo a REC_CREATE: the granules donated so far go back to the host.
uint64_t cancel(Context& ctx, RmiCall& call, uint64_t handle, Sro& op) {
  // op_cancel: only a REC_CREATE that is still being built can be undone.
  if (op.kind != Sro::Kind::RecCreate || op.cancelling) return err(rmi::Status::ErrorInput);
  op.cancelling = true;
  op.to_reclaim = std::move(op.donated);
  op.donated.clear();
  if (op.to_reclaim.empty()) return finish(ctx, call, handle, op);
  op.wait = Sro::Wait::Reclaim;
  return incomplete(call, op, handle);
}

// The prologue of the OP_* commands: the handle names an open operation; its RD is locked.
Sro* lock_op(Context& ctx, RmiCall& call, GranuleLocks& locks, uint64_t handle) {
  Sro* op = ctx.sros.find(handle);
  // handle_valid
  if (!op) return nullptr;
  locks.lock_sorted({op->rd});
  ctx.charge_lock(call.req);
  return op;
}

}  // namespace

uint64_t rec_create_sro(Context& ctx, RmiCall& call, Realm& r, uint64_t rec_pa, const uint8_t* params) {
  Sro op;
  op.kind = Sro::Kind::RecCreate;
  op.wait = Sro::Wait::Donate;
  op.rd = r.rd;
  op.rec = rec_pa;
  op.needed = kRecAuxCount;
  std::copy(params, params + op.params.size(), op.params.begin());
  ctx.granules.set_state(rec_pa, GranuleState::Partial);
  ctx.granules.refcount_add(r.rd, 1);  // the realm cannot go while the operation is open
  const uint64_t h = ctx.sros.open(std::move(op));
  r.open_sro = h;
  return incomplete(call, *ctx.sros.find(h), h);
}

uint64_t rec_destroy_sro(Context& ctx, RmiCall& call, Rec& rec) {
  Sro op;
  op.kind = Sro::Kind::RecDestroy;
  op.wait = Sro::Wait::Reclaim;
  op.rd = rec.rd;
  op.rec = rec.pa;
  op.to_reclaim = rec.aux;
  ctx.granules.set_state(rec.pa, GranuleState::Partial);
  ctx.recs.erase(rec.pa);  // the vCPU is gone; its granules wait for the host
  const uint64_t h = ctx.sros.open(std::move(op));
  Sro& o = *ctx.sros.find(h);
  if (o.to_reclaim.empty()) return finish(ctx, call, h, o);
  return incomplete(call, o, h);
}

uint64_t rmi_op_mem_donate(Context& ctx, RmiCall& call) {
  const uint64_t handle = call.arg(1), list = call.arg(2), count = call.arg(3);
  GranuleLocks locks(ctx.granules);
  // handle_valid
  Sro* op = lock_op(ctx, call, locks, handle);
  if (!op) return err(rmi::Status::ErrorInput);
  // op_state: the operation asked for memory.
  if (op->wait != Sro::Wait::Donate) return err(rmi::Status::ErrorInput);
  // count_valid
  if (count == 0) return err(rmi::Status::ErrorInput);
  const unsigned n = static_cast<unsigned>(std::min<uint64_t>({count, op->needed, kGranulesPerCall}));
  // list_align, list_pas: the PAs are read from a Non-secure granule.
  std::array<uint64_t, kGranulesPerCall> pas{};
  if (!granule_aligned(ctx, list) || !ctx.read_ns(call.req, list, pas.data(), 8 * n)) return err(rmi::Status::ErrorInput);
  unsigned taken = 0;
  for (; taken < n; ++taken) {
    const uint64_t pa = pas[taken];
    // gran_state: each a DELEGATED granule (aligned, delegable, not listed twice).
    const bool dup = std::find(pas.begin(), pas.begin() + taken, pa) != pas.begin() + taken;
    if (!granule_plausible(ctx, pa) || dup || ctx.granules.state(pa) != GranuleState::Delegated) break;
    ctx.granules.lock(pa);
    ctx.charge_lock(call.req);
    ctx.granules.set_state(pa, GranuleState::RecAux);
    ctx.granules.unlock(pa);
    op->donated.push_back(pa);
  }
  if (taken == 0) return err(rmi::Status::ErrorGranule);
  op->needed -= taken;
  if (op->needed == 0) op->wait = Sro::Wait::Continue;
  const uint64_t x0 = incomplete(call, *op, handle);
  call.out(1, taken);  // X1: granules consumed (the host knows the handle)
  return x0;
}

uint64_t rmi_op_continue(Context& ctx, RmiCall& call) {
  const uint64_t handle = call.arg(1), flags = call.arg(2);
  GranuleLocks locks(ctx.granules);
  // handle_valid
  Sro* op = lock_op(ctx, call, locks, handle);
  if (!op) return err(rmi::Status::ErrorInput);
  // flags_valid
  if (flags & ~rmi::kOpContinueStop) return err(rmi::Status::ErrorInput);
  // STOP: the host wants the operation to end where it can - for a REC_CREATE, undone.
  if (flags & rmi::kOpContinueStop) return cancel(ctx, call, handle, *op);
  // Going on needs what the operation asked for; until then it says so again.
  if (op->wait != Sro::Wait::Continue) return incomplete(call, *op, handle);
  return finish(ctx, call, handle, *op);
}

uint64_t rmi_op_mem_reclaim(Context& ctx, RmiCall& call) {
  const uint64_t handle = call.arg(1), list = call.arg(2), capacity = call.arg(3);
  GranuleLocks locks(ctx.granules);
  // handle_valid
  Sro* op = lock_op(ctx, call, locks, handle);
  if (!op) return err(rmi::Status::ErrorInput);
  // op_state: the operation has memory to hand back.
  if (op->wait != Sro::Wait::Reclaim) return err(rmi::Status::ErrorInput);
  // capacity_valid
  if (capacity == 0) return err(rmi::Status::ErrorInput);
  const unsigned n = static_cast<unsigned>(std::min<uint64_t>({capacity, op->to_reclaim.size(), kGranulesPerCall}));
  // list_align, list_pas: the PAs are written to a Non-secure granule.
  if (!granule_aligned(ctx, list) || !ctx.write_ns(call.req, list, op->to_reclaim.data(), 8 * n))
    return err(rmi::Status::ErrorInput);
  for (unsigned i = 0; i < n; ++i) {
    const uint64_t pa = op->to_reclaim[i];
    ctx.zero_granule(call.req, pa);  // nothing of the REC leaks to the next owner
    ctx.granules.set_state(pa, GranuleState::Delegated);
  }
  op->to_reclaim.erase(op->to_reclaim.begin(), op->to_reclaim.begin() + n);
  call.out(1, n);
  if (!op->to_reclaim.empty()) {
    const uint64_t x0 = incomplete(call, *op, handle);
    call.out(1, n);
    return x0;
  }
  return finish(ctx, call, handle, *op);
}

uint64_t rmi_op_cancel(Context& ctx, RmiCall& call) {
  const uint64_t handle = call.arg(1);
  GranuleLocks locks(ctx.granules);
  // handle_valid
  Sro* op = lock_op(ctx, call, locks, handle);
  if (!op) return err(rmi::Status::ErrorInput);
  return cancel(ctx, call, handle, *op);
}

}  // namespace rmm
