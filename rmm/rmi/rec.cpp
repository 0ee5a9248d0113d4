// RMI_REC_CREATE, RMI_REC_DESTROY, RMI_REC_AUX_COUNT, RMI_PSCI_COMPLETE (RMM spec 1.0).
// Under 2.0 REC_CREATE and REC_DESTROY are stateful operations (core/sro.h, rmi/sro.cpp): the
// REC's auxiliary granules are donated by the host after the first call, not named in
// RmiRecParams, and handed back by OP_MEM_RECLAIM after REC_DESTROY.
#include <array>
#include <cstring>

#include "core/context.h"
#include "platform/abi/psci.h"
#include "platform/requester.h"

namespace rmm {
namespace {

namespace rp = rmi::rec_params;
namespace psci = platform::abi::psci;



uint64_t le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

// The architectural reset state of a REC's vCPU: EL1h, DAIF masked, MMU and caches off.
void rec_reset_state(Rec& rec, uint64_t pc, const uint64_t* gprs, unsigned n) {
  rec.state = platform::GuestState{};
  for (unsigned i = 0; i < n; ++i) rec.state.x[i] = gprs[i];
  rec.state.pc = pc;
  rec.state.mpidr = rec.mpidr | (uint64_t{1} << 31);  // MPIDR_EL1 as the realm reads it (RES1)
}

void rec_make(Context& ctx, platform::Requester& req, Realm& r, uint64_t rec_pa, const uint8_t* p,
              const std::vector<uint64_t>& aux) {
  auto rec = std::make_unique<Rec>();
  rec->pa = rec_pa;
  rec->realm = &r;
  rec->rd = r.rd;
  rec->index = r.rec_count;
  rec->mpidr = le64(&p[rp::kMpidr]);
  rec->runnable = le64(&p[rp::kFlags]) & rp::kFlagRunnable;
  rec->aux = aux;
  std::array<uint64_t, rp::kNumGprs> gprs;
  for (unsigned i = 0; i < rp::kNumGprs; ++i) gprs[i] = le64(&p[rp::kGprs + 8 * i]);
  rec_reset_state(*rec, le64(&p[rp::kPc]), gprs.data(), rp::kNumGprs);
  for (uint64_t a : aux) ctx.granules.set_state(a, GranuleState::RecAux);
  ctx.zero_granule(req, rec_pa);  // the REC's saved context starts clean
  ctx.granules.set_state(rec_pa, GranuleState::Rec);
  ++r.rec_count;
  // RIM: only RECs that start runnable are measured (their flags, PC and X0..X7).
  if (rec->runnable) {
    r.measurement.extend_rec(RecParamsMeasured::from_granule(p));
    ctx.charge_hash(req, r.algorithm, kStructSize + 0x100);
  }
  ctx.recs[rec_pa] = std::move(rec);
}

uint64_t rmi_rec_create(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), rec_pa = call.arg(2), params_ptr = call.arg(3);
  std::array<uint8_t, rp::kSize> p{};
  const bool params_read = granule_aligned(ctx, params_ptr) && ctx.read_ns(call.req, params_ptr, p.data(), p.size());
  // 2.0's RmiRecParams names no auxiliary granules.
  const uint64_t num_aux = ctx.v2 ? 0 : le64(&p[rp::kNumAux]);
  std::vector<uint64_t> named;
  if (granule_plausible(ctx, rd)) named.push_back(rd);
  if (granule_plausible(ctx, rec_pa)) named.push_back(rec_pa);
  if (params_read && num_aux <= rp::kMaxAux)
    for (unsigned i = 0; i < num_aux; ++i) {
      const uint64_t a = le64(&p[rp::kAux + 8 * i]);
      if (granule_plausible(ctx, a)) named.push_back(a);
    }
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted(named);
  ctx.charge_lock(call.req, static_cast<unsigned>(named.size()));

  // rd_align, rd_bound, rd_state
  if (!granule_plausible(ctx, rd) || ctx.granules.state(rd) != GranuleState::Rd) return err(rmi::Status::ErrorInput);
  // rec_align, rec_bound, rec_state
  if (!granule_plausible(ctx, rec_pa) || ctx.granules.state(rec_pa) != GranuleState::Delegated)
    return err(rmi::Status::ErrorInput);
  // params_align, params_bound, params_pas
  if (!params_read) return err(rmi::Status::ErrorInput);
  // params_supp: reserved flag bits are zero.
  const uint64_t flags = le64(&p[rp::kFlags]);
  if (flags & ~rp::kFlagRunnable) return err(rmi::Status::ErrorInput);
  Realm& r = *ctx.realm_at(rd);
  // realm_state
  if (r.state != RealmState::New) return err(rmi::Status::ErrorRealm);
  // 2.0 rec_sro: one REC_CREATE operation per realm at a time (the next index is its).
  if (ctx.v2 && r.open_sro) return err(rmi::Status::Busy);
  // num_recs: the RD's refcount (RECs alive) has room for one more.
  if (ctx.granules.refcount(rd) >= GranuleTable::kRefcountMax) return err(rmi::Status::ErrorRealm);
  // mpidr_valid, mpidr_index: only affinity fields set; RECs are created in index order.
  const uint64_t mpidr = le64(&p[rp::kMpidr]);
  if ((mpidr & ~rp::kMpidrMask) || rp::mpidr_to_index(mpidr) != r.rec_count)
    return err(rmi::Status::ErrorInput);
  if (ctx.v2) return rec_create_sro(ctx, call, r, rec_pa, p.data());
  // num_aux
  if (num_aux != kRecAuxCount) return err(rmi::Status::ErrorInput);
  std::vector<uint64_t> aux(num_aux);
  for (unsigned i = 0; i < num_aux; ++i) aux[i] = le64(&p[rp::kAux + 8 * i]);
  for (unsigned i = 0; i < num_aux; ++i) {
    // aux_align, aux_bound
    if (!granule_plausible(ctx, aux[i])) return err(rmi::Status::ErrorInput);
    // aux_alias: no duplicates, not the REC or RD
    for (unsigned j = 0; j < i; ++j)
      if (aux[j] == aux[i]) return err(rmi::Status::ErrorInput);
    if (aux[i] == rec_pa || aux[i] == rd) return err(rmi::Status::ErrorInput);
    // aux_state
    if (ctx.granules.state(aux[i]) != GranuleState::Delegated) return err(rmi::Status::ErrorInput);
  }

  rec_make(ctx, call.req, r, rec_pa, p.data(), aux);
  ctx.granules.refcount_add(rd, 1);
  return ok();
}

uint64_t rmi_rec_destroy(Context& ctx, RmiCall& call) {
  const uint64_t rec_pa = call.arg(1);
  GranuleLocks locks(ctx.granules);
  if (granule_plausible(ctx, rec_pa)) locks.lock_sorted({rec_pa});
  ctx.charge_lock(call.req);
  // rec_align, rec_bound, rec_state
  if (!granule_plausible(ctx, rec_pa) || ctx.granules.state(rec_pa) != GranuleState::Rec)
    return err(rmi::Status::ErrorInput);
  // rec_busy: the REC is running on another PE.
  if (ctx.granules.refcount(rec_pa) != 0) return err(rmi::Status::ErrorRec);
  Rec& rec = *ctx.rec_at(rec_pa);
  if (ctx.v2) return rec_destroy_sro(ctx, call, rec);
  // The REC_AUX granules belong to the locked REC (lock order rule 3).
  for (uint64_t a : rec.aux) {
    ctx.zero_granule(call.req, a);
    ctx.granules.set_state(a, GranuleState::Delegated);
  }
  ctx.zero_granule(call.req, rec_pa);
  ctx.granules.set_state(rec_pa, GranuleState::Delegated);
  ctx.granules.refcount_add(rec.rd, -1);
  ctx.recs.erase(rec_pa);
  return ok();
}

uint64_t rmi_rec_aux_count(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  if (!lock_rd(ctx, call, locks, rd)) return err(rmi::Status::ErrorInput);
  call.out(1, kRecAuxCount);
  return ok();
}

uint64_t rmi_psci_complete(Context& ctx, RmiCall& call) {
  const uint64_t calling = call.arg(1), target = call.arg(2), status = call.arg(3);
  // alias
  if (calling == target) return err(rmi::Status::ErrorInput);
  std::vector<uint64_t> named;
  if (granule_plausible(ctx, calling)) named.push_back(calling);
  if (granule_plausible(ctx, target)) named.push_back(target);
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted(named);
  ctx.charge_lock(call.req, static_cast<unsigned>(named.size()));
  // calling_align, calling_bound, calling_state
  if (!granule_plausible(ctx, calling) || ctx.granules.state(calling) != GranuleState::Rec)
    return err(rmi::Status::ErrorInput);
  // target_align, target_bound, target_state
  if (!granule_plausible(ctx, target) || ctx.granules.state(target) != GranuleState::Rec)
    return err(rmi::Status::ErrorInput);
  Rec& c = *ctx.rec_at(calling);
  Rec& t = *ctx.rec_at(target);
  // pending: the calling REC made a PSCI call that names another REC.
  if (!c.psci.pending) return err(rmi::Status::ErrorInput);
  // target_realm: both RECs belong to one realm.
  if (c.rd != t.rd) return err(rmi::Status::ErrorInput);
  // target_rec: the target is the REC the call named.
  if ((c.psci.target_mpidr & rp::kMpidrMask) != t.mpidr) return err(rmi::Status::ErrorInput);
  const bool cpu_on = c.psci.fid == psci::kCpuOn32 || c.psci.fid == psci::kCpuOn64;
  const int64_t st = static_cast<int64_t>(status);
  // status: CPU_ON accepts SUCCESS or DENIED, AFFINITY_INFO only SUCCESS.
  if (!(st == psci::kSuccess || (cpu_on && st == psci::kDenied))) return err(rmi::Status::ErrorInput);

  if (cpu_on) {
    if (st == psci::kDenied) {
      c.state.x[0] = psci::ret(psci::kDenied);
    } else if (t.runnable) {
      c.state.x[0] = psci::ret(psci::kAlreadyOn);
    } else {
      const uint64_t zero[1] = {c.psci.context};
      rec_reset_state(t, c.psci.entry, zero, 1);
      t.runnable = true;
      c.state.x[0] = psci::ret(psci::kSuccess);
    }
  } else {  // AFFINITY_INFO
    c.state.x[0] = psci::ret(t.runnable ? psci::kAffinityOn : psci::kAffinityOff);
  }
  c.state.x[1] = c.state.x[2] = c.state.x[3] = 0;
  c.psci.pending = false;
  return ok();
}

}  // namespace rmm
