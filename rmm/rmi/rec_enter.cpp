// RMI_REC_ENTER (RMM spec 1.0): enter a REC, run it on the attached GuestCpu, handle what the
// RMM handles itself (RSI, PSCI, aborts it must inject), and return to the host with the exit
// written to RmiRecExit in Non-secure memory.
#include <algorithm>
#include <array>
#include <cstring>

#include "core/context.h"
#include "core/s2tt_walk.h"
#include "platform/abi/rmm_abi_1_0.h"
#include "platform/guest_cpu.h"
#include "sim/log.h"
#include "platform/memory_map.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "rsi/rsi.h"

namespace rmm {
namespace {

namespace en = rmi::rec_enter;  // flag bits

// RmiRecEnter and RmiRecExit (each half of RmiRecRun): fields with their declared offset and size.
namespace in_f = platform::abi::v1_0::rec_enter;
namespace out_f = platform::abi::v1_0::rec_exit;
using platform::abi::get;
using platform::abi::put;

// ESR_EL2 fields (Arm ARM D17.2.40).
constexpr unsigned kEcShift = 26;
constexpr uint64_t kEcMask = uint64_t{0x3F} << kEcShift;
constexpr uint64_t kEcWfx = 0x01, kEcIabtLow = 0x20, kEcDabtLow = 0x24;
constexpr uint64_t kIl = uint64_t{1} << 25;
constexpr uint64_t kIsv = uint64_t{1} << 24;
constexpr unsigned kSasShift = 22;
constexpr uint64_t kSasMask = uint64_t{3} << kSasShift;
constexpr uint64_t kSse = uint64_t{1} << 21;
constexpr unsigned kSrtShift = 16;
constexpr uint64_t kSrtMask = uint64_t{0x1F} << kSrtShift;
constexpr uint64_t kSf = uint64_t{1} << 15;
constexpr uint64_t kWnr = uint64_t{1} << 6;
constexpr uint64_t kFscMask = 0x3F;
constexpr uint64_t kWfxTi = 1;  // ESR.ISS.TI: 0 WFI, 1 WFE

uint64_t ec_of(uint64_t esr) { return (esr & kEcMask) >> kEcShift; }
// What the host may see of an abort it is asked to resolve by mapping memory.
constexpr uint64_t kNonEmulatedMask = kEcMask | kIl | kFscMask;
// ... and of an access it emulates (plus the access size, direction, register width).
constexpr uint64_t kEmulatedMask = kNonEmulatedMask | kIsv | kSasMask | kSf | kWnr;

// The RIPAS of a protected IPA (for abort handling), under the RD lock.
s2tt::Ripas ripas_at(Context& ctx, platform::Requester& req, Realm& r, uint64_t ipa) {
  GranuleLocks lock(ctx.granules);
  lock.lock_sorted({r.rd});
  const RttWalk w = rtt_walk(req, r, ipa, s2tt::kPageLevel);
  return s2tt::ripas_of(w.entry.type);
}

// A stage-2 abort the CPU could not resolve. Resume (after injecting an SEA) or exit to host.
RsiOutcome handle_abort(Context& ctx, platform::Requester& req, Realm& r, Rec& rec,
                        const platform::GuestExit& e, RecExit& out) {
  const uint64_t ec = ec_of(e.esr);
  const bool data = ec == kEcDabtLow || ec == 0x25;
  const uint64_t ipa = ((e.hpfar >> 4) << 12) | (e.far & 0xFFF);
  rec.last = Rec::LastExit{};
  // Outside the IPA space: the realm's own mistake, an SEA.
  if (!r.in_ipa_space(ipa)) {
    inject_sea(rec, data, e.far);
    return RsiOutcome::Resume;
  }
  if (r.in_par(ipa)) {
    // Protected IPA with RIPAS EMPTY: SEA. RAM or DESTROYED but unmapped: the host's business.
    if (ripas_at(ctx, req, r, ipa) == s2tt::Ripas::Empty) {
      inject_sea(rec, data, e.far);
      return RsiOutcome::Resume;
    }
    out.reason = rmi::ExitReason::Sync;
    out.esr = e.esr & kNonEmulatedMask;
    out.far = 0;
    out.hpfar = e.hpfar;
    return RsiOutcome::ExitToHost;
  }
  // Unprotected IPA: instruction fetches take an SEA; data accesses go to the host, which
  // emulates them when the syndrome describes the access (ISV = 1).
  if (!data) {
    inject_sea(rec, false, e.far);
    return RsiOutcome::Resume;
  }
  out.reason = rmi::ExitReason::Sync;
  out.hpfar = e.hpfar;
  rec.last.data_abort = true;
  rec.last.far = e.far;
  if (e.esr & kIsv) {
    out.esr = e.esr & kEmulatedMask;
    out.far = e.far & 0xFFF;
    rec.last.emulatable_abort = true;
    rec.last.is_write = e.esr & kWnr;
    rec.last.rt = static_cast<unsigned>((e.esr & kSrtMask) >> kSrtShift);
    rec.last.size_log2 = static_cast<unsigned>((e.esr & kSasMask) >> kSasShift);
    rec.last.sign_extend = e.esr & kSse;
    rec.last.sf = e.esr & kSf;
    if (rec.last.is_write) {
      uint64_t v = rec.last.rt == 31 ? 0 : rec.state.x[rec.last.rt];
      if (rec.last.size_log2 < 3) v &= (uint64_t{1} << (8u << rec.last.size_log2)) - 1;
      out.gprs[0] = v;
    }
  } else {
    out.esr = e.esr & kNonEmulatedMask;
    out.far = 0;
  }
  return RsiOutcome::ExitToHost;
}

// rec_gic: the host's ICH_HCR and list registers are ones the RMM can load for the REC
// (RMM 1.0 RmiRecEnter gicv3_hcr/gicv3_lrs; the same checks, in this order, as TF-RMM's
// gic_validate_state). Only the permitted ICH_HCR bits; an LR with State Invalid is ignored;
// a valid one has HW = 0 (no physical interrupt is linked to a realm's), no priority bits
// below the implemented ones, no pINTID bit but EOI (maintenance on EOI), no RES0 bit, a
// vINTID the virtual interface implements, and no other valid LR with the same vINTID
// (the architecture leaves duplicates UNPREDICTABLE).
bool gic_state_valid(uint64_t hcr, const uint64_t* lrs, unsigned num_lrs) {
  namespace gic = platform::gicv3;
  if (hcr & ~rmi::kGicv3HcrAllowed) return false;
  for (unsigned i = 0; i < num_lrs; ++i) {
    const uint64_t v = lrs[i];
    if (!(v & gic::lr::kStateMask)) continue;
    const uint32_t id = gic::lr::vintid(v);
    if (v & gic::lr::kHw) return false;
    if (gic::lr::priority(v) & ~gic::kPriorityMask) return false;
    if (v & gic::lr::kPintidMask & ~gic::lr::kEoi) return false;
    if (v & gic::lr::kRes0Mask) return false;
    if (!(id <= gic::lr::kMaxSpiIntid || (id >= gic::lr::kMinLpiIntid && id <= gic::lr::kMaxVintid)))
      return false;
    for (unsigned j = i + 1; j < num_lrs; ++j)
      if ((lrs[j] & gic::lr::kStateMask) && gic::lr::vintid(lrs[j]) == id) return false;
  }
  return true;
}

// The host's list registers and ICH_HCR bits become the REC's virtual CPU interface (the RMM
// sets ICH_HCR.En itself); its VMCR and active priorities are the REC's own. While the host
// holds a timer's interrupt in a list register, that timer's output stays masked at EL2.
void load_vgic(const Context& ctx, Rec& rec) {
  namespace gic = platform::gicv3;
  gic::VgicState& v = rec.state.vgic;
  v.hcr = (rec.gic.hcr & rmi::kGicv3HcrAllowed) | gic::hcr::kEn;
  rec.state.cntv_hyp_masked = rec.state.cntp_hyp_masked = false;
  for (unsigned i = 0; i < gic::kListRegs; ++i) {
    v.lrs[i] = i < ctx.num_lrs ? rec.gic.lrs[i] : 0;
    if (!(v.lrs[i] & gic::lr::kStateMask)) continue;
    if (gic::lr::vintid(v.lrs[i]) == platform::memory_map::kPpiVirtTimer) rec.state.cntv_hyp_masked = true;
    if (gic::lr::vintid(v.lrs[i]) == platform::memory_map::kPpiPhysTimer) rec.state.cntp_hyp_masked = true;
  }
}

// What the host sees of the virtual CPU interface at exit (RmiRecExit gicv3_*).
void save_vgic(const Context& ctx, Rec& rec) {
  namespace gic = platform::gicv3;
  const gic::VgicState& v = rec.state.vgic;
  for (unsigned i = 0; i < gic::kListRegs && i < ctx.num_lrs; ++i) rec.gic.lrs[i] = v.lrs[i];
  rec.gic.hcr = v.hcr & ~gic::hcr::kEn;
  rec.gic.misr = gic::ich_misr(v);
  rec.gic.vmcr = v.vmcr;
}

// Completes an emulated MMIO read with the value the host put in enter.gprs[0].
void complete_mmio_read(Rec& rec, uint64_t value) {
  const auto& l = rec.last;
  if (l.rt != 31) {
    const unsigned bits = 8u << l.size_log2;
    uint64_t v = bits == 64 ? value : value & ((uint64_t{1} << bits) - 1);
    if (l.sign_extend && bits < 64 && (v >> (bits - 1)) & 1) v |= ~uint64_t{0} << bits;
    if (!l.sf) v &= 0xFFFFFFFFu;
    rec.state.x[l.rt] = v;
  }
}

}  // namespace

void inject_sea(Rec& rec, bool data, uint64_t far) {
  auto& s = rec.state;
  const bool from_el0 = (s.pstate & 0xF) == 0;
  const uint64_t ec = (data ? 0x24 : 0x20) + (from_el0 ? 0 : 1);  // lower EL (EL0) or same EL
  s.esr_el1 = (ec << kEcShift) | kIl | 0x10;  // FSC: synchronous external abort
  s.far_el1 = far;
  s.elr_el1 = s.pc;
  s.spsr_el1 = s.pstate;
  const bool spx = s.pstate & 1;
  s.pc = s.vbar_el1 + (from_el0 ? 0x400 : (spx ? 0x200 : 0x000));
  s.pstate = 0x3C5;  // EL1h, DAIF masked
}

void inject_undef(Rec& rec) {
  auto& s = rec.state;
  const bool from_el0 = (s.pstate & 0xF) == 0;
  s.esr_el1 = kIl;  // EC 0: unknown reason
  s.elr_el1 = s.pc - kSmcInsnSize;  // the HVC itself is UNDEFINED
  s.spsr_el1 = s.pstate;
  const bool spx = s.pstate & 1;
  s.pc = s.vbar_el1 + (from_el0 ? 0x400 : (spx ? 0x200 : 0x000));
  s.pstate = 0x3C5;
}

uint64_t rmi_rec_enter(Context& ctx, RmiCall& call) {
  const uint64_t rec_pa = call.arg(1), run_ptr = call.arg(2);
  GranuleLocks locks(ctx.granules);
  if (granule_plausible(ctx, rec_pa)) locks.lock_sorted({rec_pa});
  ctx.charge_lock(call.req);
  // rec_align, rec_bound, rec_state
  if (!granule_plausible(ctx, rec_pa) || ctx.granules.state(rec_pa) != GranuleState::Rec)
    return err(rmi::Status::ErrorInput);
  // rec_busy: already running on another PE.
  if (ctx.granules.refcount(rec_pa) != 0) return err(rmi::Status::ErrorRec);
  // run_align, run_bound, run_pas: RmiRecEnter is read from Non-secure memory.
  std::array<uint8_t, platform::abi::v1_0::kRecEnter.size> enter{};
  if (!granule_aligned(ctx, run_ptr) || !ctx.read_ns(call.req, run_ptr, enter.data(), enter.size()))
    return err(rmi::Status::ErrorInput);
  Rec& rec = *ctx.rec_at(rec_pa);
  Realm& r = *rec.realm;
  // realm_new, system_off
  if (r.state == RealmState::New) return err(rmi::Status::ErrorRealm, 0);
  if (r.state == RealmState::SystemOff) return err(rmi::Status::ErrorRealm, 1);
  // 2.0: a terminated (ZOMBIE) realm never runs again; reported as a realm that cannot run.
  if (r.state == RealmState::Zombie) return err(rmi::Status::ErrorRealm, 1);
  // rec_runnable
  if (!rec.runnable) return err(rmi::Status::ErrorRec);
  // rec_psci: a PSCI request waits for RMI_PSCI_COMPLETE.
  if (rec.psci.pending) return err(rmi::Status::ErrorRec);
  const uint64_t flags = get(enter.data(), in_f::kFlags);
  // rec_gic: checked after the REC's own state, before anything with a side effect.
  const uint64_t hcr = get(enter.data(), in_f::kGicv3Hcr);
  std::array<uint64_t, rmi::rec_run::kNumLrs> lrs{};
  for (unsigned i = 0; i < rmi::rec_run::kNumLrs; ++i) lrs[i] = get(enter.data(), in_f::kGicv3Lrs, i);
  if (!gic_state_valid(hcr, lrs.data(), std::min<unsigned>(ctx.num_lrs, rmi::rec_run::kNumLrs)))
    return err(rmi::Status::ErrorRec);
  // rec_sea: SEA injection only after a data abort at an unprotected IPA.
  if ((flags & en::kFlagInjectSea) && !rec.last.data_abort) return err(rmi::Status::ErrorRec);
  // rec_mmio: emulated MMIO completion only after an emulatable abort. A valid INJECT_SEA
  // takes precedence: the access is aborted, not emulated, so EMUL_MMIO is then ignored
  // (TF-RMM rmm-spec-v1.0-rel0 run.c checks SEA insertion before MMIO completion).
  if ((flags & en::kFlagEmulatedMmio) && !(flags & en::kFlagInjectSea) && !rec.last.emulatable_abort)
    return err(rmi::Status::ErrorRec);
  if (!ctx.guest_cpu)
    throw std::logic_error("rmm: RMI_REC_ENTER with no GuestCpu attached (Rmm::attach_guest_cpu)");

  // --- The REC runs: its refcount marks it busy; its lock is not held while it runs. ---
  ctx.granules.refcount_add(rec_pa, 1);
  rec.running = true;
  locks.release();
  platform::Pe& pe = ctx.pe_of(call.req);
  std::array<uint64_t, 31> egprs;
  for (unsigned i = 0; i < 31; ++i) egprs[i] = get(enter.data(), in_f::kGprs, i);

  // Complete what the last exit left open.
  if (flags & en::kFlagInjectSea) {
    inject_sea(rec, true, rec.last.far);  // rec_sea: wins over EMUL_MMIO
  } else if (rec.last.emulatable_abort && (flags & en::kFlagEmulatedMmio)) {
    if (!rec.last.is_write) complete_mmio_read(rec, egprs[0]);
    rec.state.pc += 4;  // step over the emulated access
  }
  rec.last = Rec::LastExit{};
  RecExit out;
  bool exit_now = false;
  if (rec.host_call.active) {
    // RSI_HOST_CALL: the host's X0..X30 go back into the realm's RsiHostCall structure.
    RsiCall rc{ctx, call.req, pe, r, rec, out};
    uint64_t pa;
    int level;
    if (realm_ram_page(rc, rec.host_call.ipa, pa, level)) {
      call.req.write(pa + (rec.host_call.ipa & 0xFFF) + rsi::host_call::kGprs, egprs.data(),
                     8 * rsi::host_call::kNumGprs, gpt::Pas::Realm);
      rec.state.x[0] = static_cast<uint64_t>(rsi::Status::Success);
      rec.host_call.active = false;
    } else {
      emulated_data_abort(rc, rec.host_call.ipa, level);
      rec.state.pc += kSmcInsnSize;  // the call is complete; only its result is pending
      exit_now = true;
    }
  }
  if (rec.ripas.active) {
    // RSI_IPA_STATE_SET: report how far the host got and whether it refused the rest.
    const bool reject = (flags & en::kFlagRipasResponse) && rec.ripas.value == s2tt::Ripas::Ram &&
                        rec.ripas.addr != rec.ripas.top;
    rec.state.x[0] = static_cast<uint64_t>(rsi::Status::Success);
    rec.state.x[1] = rec.ripas.addr;
    rec.state.x[2] = static_cast<uint64_t>(reject ? rsi::Response::Reject : rsi::Response::Accept);
    rec.ripas.active = false;
  }
  rec.gic.hcr = hcr;
  rec.gic.lrs = lrs;
  load_vgic(ctx, rec);
  rec.trap_wfi = flags & en::kFlagTrapWfi;
  rec.trap_wfe = flags & en::kFlagTrapWfe;

  call.req.charge(ctx.costs.rec_enter);
  while (!exit_now) {
    const platform::GuestExit e = ctx.guest_cpu->run(pe, rec.state, r, ctx.run_slice);
    RsiOutcome o = RsiOutcome::Resume;
    switch (e.kind) {
      case platform::GuestExitKind::Smc: {
        RsiCall rc{ctx, call.req, pe, r, rec, out};
        o = rsi_handle(rc);
        break;
      }
      case platform::GuestExitKind::Hvc:
        inject_undef(rec);
        break;
      case platform::GuestExitKind::Stage2Abort:
      case platform::GuestExitKind::Mmio:
        o = handle_abort(ctx, call.req, r, rec, e, out);
        break;
      case platform::GuestExitKind::Gpf:
        inject_sea(rec, true, e.far);
        break;
      case platform::GuestExitKind::Wfi:
      case platform::GuestExitKind::Wfe: {
        // WFI/WFE exit to the host (trapped or not: a REC waiting for an interrupt gives the
        // host its PE back). The CPU reports WFx with the PC already past the instruction.
        const bool wfe = e.kind == platform::GuestExitKind::Wfe;
        out.reason = rmi::ExitReason::Sync;
        out.esr = (kEcWfx << kEcShift) | kIl | (wfe ? kWfxTi : 0);
        o = RsiOutcome::ExitToHost;
        break;
      }
      case platform::GuestExitKind::SysregTrap:
        // ICC_SGI*R_EL1 (the only MSR the CPU sends to EL2): the host emulates the SGI. The
        // value goes in gprs[0] and the ESR shown names Rt 0; the access is complete.
        out.reason = rmi::ExitReason::Sync;
        out.esr = e.esr & ~(uint64_t{31} << 5);
        out.gprs[0] = platform::esr_sysreg_rt(e.esr) == 31 ? 0 : rec.state.x[platform::esr_sysreg_rt(e.esr)];
        rec.state.pc += 4;
        o = RsiOutcome::ExitToHost;
        break;
      case platform::GuestExitKind::Irq:
        out.reason = rmi::ExitReason::Irq;
        o = RsiOutcome::ExitToHost;
        break;
      case platform::GuestExitKind::Fiq:
        out.reason = rmi::ExitReason::Fiq;
        o = RsiOutcome::ExitToHost;
        break;
      case platform::GuestExitKind::SError:
        out.reason = rmi::ExitReason::Serror;
        out.esr = e.esr;  // the SError syndrome (ISS of an SError exception)
        o = RsiOutcome::ExitToHost;
        break;
      case platform::GuestExitKind::Budget:
        break;
      case platform::GuestExitKind::Halted:
        RMESIM_LOG(platform::LogLevel::Error, "soc.rmm",
                   "REC 0x" << std::hex << rec.pa << " halted: " << e.reason);
        out.reason = rmi::ExitReason::Serror;
        o = RsiOutcome::ExitToHost;
        break;
    }
    if (o == RsiOutcome::ExitToHost) break;
  }
  call.req.charge(ctx.costs.rec_exit);
  save_vgic(ctx, rec);

  // RmiRecExit, written only on success, at its spec offsets.
  std::array<uint8_t, platform::abi::v1_0::kRecExit.size> x{};
  uint8_t* const e = x.data();
  put(e, out_f::kExitReason, static_cast<uint64_t>(out.reason));
  put(e, out_f::kEsr, out.esr);
  put(e, out_f::kFar, out.far);
  put(e, out_f::kHpfar, out.hpfar);
  for (unsigned i = 0; i < 31; ++i) put(e, out_f::kGprs, out.gprs[i], i);
  put(e, out_f::kGicv3Hcr, rec.gic.hcr);
  for (unsigned i = 0; i < rmi::rec_run::kNumLrs; ++i) put(e, out_f::kGicv3Lrs, rec.gic.lrs[i], i);
  put(e, out_f::kGicv3Misr, rec.gic.misr);
  put(e, out_f::kGicv3Vmcr, rec.gic.vmcr);
  put(e, out_f::kCntpCtl, rec.state.cntp_ctl);
  put(e, out_f::kCntpCval, rec.state.cntp_cval);
  put(e, out_f::kCntvCtl, rec.state.cntv_ctl);
  put(e, out_f::kCntvCval, rec.state.cntv_cval);
  put(e, out_f::kRipasBase, out.ripas_base);
  put(e, out_f::kRipasTop, out.ripas_top);
  put(e, out_f::kRipasValue, out.ripas_value);
  put(e, out_f::kImm, out.imm);
  ctx.write_ns(call.req, run_ptr + out_f::kAt, x.data(), x.size());

  locks.lock_sorted({rec_pa});
  ctx.granules.refcount_add(rec_pa, -1);
  rec.running = false;
  return ok();
}

}  // namespace rmm
