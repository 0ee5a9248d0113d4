// UnicornCpu: the run loop, state transfer, exceptions (see cpu/core.h).
#include "cpu/core.h"

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <tlm>
#include <unicorn/unicorn.h>

#include "core_impl.h"
#include "tlbi.h"
#include "sim/profile.h"
#include "platform/requester.h"

namespace cpu {

using platform::GuestExit;
using platform::GuestExitKind;
using platform::GuestState;

namespace {

// System registers by (op0, op1, CRn, CRm, op2).
struct Sysreg { unsigned op0, op1, crn, crm, op2; };
constexpr Sysreg kSpsrEl1{3, 0, 4, 0, 0}, kSctlrEl1{3, 0, 1, 0, 0}, kTcrEl1{3, 0, 2, 0, 2},
    kContextidrEl1{3, 0, 13, 0, 1}, kCntkctlEl1{3, 0, 14, 1, 0}, kVmpidrEl2{3, 4, 0, 0, 5},
    kCntfrqEl0{3, 3, 14, 0, 0};

uint64_t get(UnicornEngine& e, const Sysreg& r) { return e.sysreg(r.op0, r.op1, r.crn, r.crm, r.op2); }
void put(UnicornEngine& e, const Sysreg& r, uint64_t v) { e.set_sysreg(r.op0, r.op1, r.crn, r.crm, r.op2, v); }

constexpr uint64_t kPstateI = 1ull << 7;
unsigned pstate_el(uint64_t ps) { return (ps >> 2) & 3; }

}  // namespace

UnicornCpu::UnicornCpu(const platform::TimingProfile& profile, platform::StatGroup& parent, uint64_t seed)
    : impl_(std::make_unique<Impl>()),
      stat_group_("cpu", &parent),
      stats_{stat_group_.counter("instructions", "guest instructions retired"),
             stat_group_.counter("slices", "uc_emu_start calls"),
             stat_group_.counter("fills", "TLB fills (stage 1 + stage 2 + GPC)"),
             stat_group_.counter("fill_gpfs", "fills refused by the GPC"),
             stat_group_.counter("stage1_faults", "fills refused by the guest's stage 1 (to its EL1 vectors)"),
             stat_group_.counter("stage2_faults", "exits for unmapped IPAs"),
             stat_group_.counter("mmio_exits", "exits for emulated MMIO accesses"),
             stat_group_.counter("hvc_exits", "HVC exits"),
             stat_group_.counter("smc_exits", "SMC exits"),
             stat_group_.counter("wfx_exits", "WFI/WFE exits"),
             stat_group_.counter("guest_exceptions", "exceptions delivered to guest EL1 vectors"),
             stat_group_.counter("irqs_delivered", "virtual IRQs delivered to the guest"),
             stat_group_.counter("invalidations", "invalidations that hit what a TLB held"),
             stat_group_.counter("tlb_flushes", "Unicorn TLB flushes (invalidations, guest TLBIs)"),
             stat_group_.counter("guest_tlbis", "TLBI instructions executed by guests"),
             stat_group_.counter("sysreg_accesses", "ICC_*/ICV_* and EL1 timer accesses emulated"),
             stat_group_.counter("sysreg_exits", "MSR/MRS trapped to EL2 (SGI generation)"),
             stat_group_.counter("virq_acks", "virtual interrupts acknowledged (ICV_IAR*_EL1)"),
             stat_group_.time("fill_time", "simulated time of translation fills")} {
  double mhz = profile.number("core.clock");
  double cpi = profile.number("core.cpi");
  impl_->costs.insn = {platform::TimingProfile::cost_id("core.cpi"), sc_core::sc_time(cpi * 1000.0 / mhz, sc_core::SC_NS)};
  impl_->costs.fill = profile.charge("cpu.fill");
  impl_->costs.exception_entry = profile.charge("cpu.exception_entry");
  impl_->costs.counter_mhz = profile.number("cpu.counter_frequency");
  impl_->costs.max_slice = static_cast<uint64_t>(profile.number("cpu.max_slice"));
  impl_->stats = &stats_;
  impl_->seed = seed;
}

UnicornCpu::~UnicornCpu() = default;

std::string UnicornCpu::engine_version() {
  unsigned major = 0, minor = 0;
  const unsigned packed = uc_version(&major, &minor);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string((packed >> 8) & 0xff);
}

void UnicornCpu::set_insn_trace(std::ostream* os) {
  impl_->trace = os ? std::make_unique<InsnTrace>(*os) : nullptr;
  for (auto& c : impl_->contexts) {
    if (!c) continue;
    PeContext* ctx = c.get();
    if (!impl_->trace) {
      ctx->engine.set_insn_observer(nullptr);
      continue;
    }
    Impl* impl = impl_.get();
    ctx->engine.set_insn_observer([impl, ctx](uint64_t pc) { impl->trace_insn(*ctx, pc); });
  }
}

void UnicornCpu::Impl::trace_insn(PeContext& c, uint64_t pc) {
  uint32_t insn = 0;
  fetch_insn(c, pc, insn);
  const char* world = c.pe ? platform::to_string(c.pe->world()) : "?";
  trace->record(c.index, world, pstate_el(c.engine.pstate()), pc, insn);
}

uint64_t UnicornCpu::tlb_entries(unsigned i) const {
  return i < impl_->contexts.size() && impl_->contexts[i] ? impl_->contexts[i]->tlb.entries() : 0;
}

bool UnicornCpu::tlb_holds(unsigned i, uint64_t va) const {
  return i < impl_->contexts.size() && impl_->contexts[i] && impl_->contexts[i]->tlb.find(va);
}

GuestExit UnicornCpu::run(platform::Pe& pe, GuestState& state, platform::Stage2& s2, uint64_t max) {
  platform::GuestSlice slice{pe.world(), pe.requester().now(), {}};
  const GuestExit e = impl_->run(pe, state, s2, max);
  slice.end = pe.requester().now();
  notify_observers(pe, slice, state, e);
  return e;
}

void UnicornCpu::invalidate_ipa(platform::Stage2& s2, uint64_t ipa, uint64_t size) {
  for (auto& c : impl_->contexts)
    if (c && c->s2 == &s2 && c->tlb.invalidate_ipa(ipa, size)) ++stats_.invalidations;
}

void UnicornCpu::invalidate_all() {
  for (auto& c : impl_->contexts)
    if (c && c->tlb.invalidate_all()) ++stats_.invalidations;
}

PeContext& UnicornCpu::Impl::context(platform::Pe& pe) {
  unsigned i = pe.index();
  if (contexts.size() <= i) contexts.resize(i + 1);
  if (!contexts[i]) {
    auto c = std::make_unique<PeContext>();
    c->index = i;
    c->pe = &pe;
    c->invalidations = &stats->invalidations;
    pe.gpc().add_listener(*c);
    // CNTFRQ_EL0 as firmware programs it; CNTVCT/CNTPCT are served from simulated time.
    put(c->engine, kCntfrqEl0, static_cast<uint64_t>(costs.counter_mhz * 1e6));
    PeContext* ctx = c.get();
    Costs* k = &costs;
    c->engine.set_counter_source([this, ctx, k]() {
      return static_cast<uint64_t>(local_now(*ctx).to_seconds() * k->counter_mhz * 1e6);
    });
    c->engine.set_tlb_filler([this, ctx](uint64_t va, uint32_t access, uint64_t& pa, uint32_t& perms) {
      return tlb_fill(*ctx, va, access, pa, perms);
    });
    c->engine.set_regime_observer([ctx]() { ctx->regime_valid = false; });
    c->engine.set_sysreg_trap([this, ctx](const UnicornEngine::SysregAccess& a, uint64_t& v) {
      return sysreg_trap(*ctx, a, v);
    });
    // A guest TLBI: the entries it names may be stale now. They leave the architectural TLB
    // at once and, as Unicorn can flush only its whole TLB, so does everything Unicorn holds:
    // what stays in ours refills without a walk. (Translated code stays: dropping it under the
    // running block would restart the TLBI for ever, and page tables change no code.)
    c->engine.set_tlbi_observer([this, ctx](uint32_t op1, uint32_t crm, uint32_t op2, uint64_t xt) {
      ++stats->guest_tlbis;
      ++stats->tlb_flushes;
      const TlbiScope scope = decode_tlbi(op1, crm, op2, xt);
      if (scope.by_va) ctx->tlb.invalidate_va(scope.va);
      else ctx->tlb.invalidate_stage1();
      ctx->engine.flush_tlb();
    });
    contexts[i] = std::move(c);
    if (trace) {
      Impl* impl = this;
      ctx->engine.set_insn_observer([impl, ctx](uint64_t pc) { impl->trace_insn(*ctx, pc); });
    }
  }
  return *contexts[i];
}

GuestExit UnicornCpu::Impl::run(platform::Pe& pe, GuestState& st, platform::Stage2& s2, uint64_t max) {
  PeContext& c = context(pe);
  c.pe = &pe;
  if (c.s2 != &s2) {  // another IPA space on this PE: nothing its TLB holds stays valid
    if (c.tlb.invalidate_all()) ++stats->invalidations;
    c.s2 = &s2;
  }
  load_state(c, st);
  c.state = &st;
  load_timers(c, st);
  c.regime_valid = false;
  platform::Requester& req = pe.requester();
  GuestExit exit;
  uint64_t total = 0;
  c.repeat_pc = ~uint64_t{0};
  c.repeats = 0;
  c.pending.reset();
  for (;;) {
    if (st.irq_pending && !(c.engine.pstate() & kPstateI)) {
      if (!deliver_to_guest(c, 0x80, 0, 0, c.engine.pc(), false)) {
        exit.kind = GuestExitKind::Halted;
        exit.reason = "IRQ to a guest above EL1";
        break;
      }
      st.irq_pending = false;
      ++stats->irqs_delivered;
    }
    if (total >= max) {
      exit.kind = GuestExitKind::Budget;
      break;
    }
    // The hypervisor wants the PE back (a kick), or a physical interrupt is asserted: with
    // HCR_EL2.IMO/FMO set it is taken to EL2.
    if (pe.take_interrupt() || pe.irq_line()) {
      exit.kind = GuestExitKind::Irq;
      break;
    }
    if (pe.fiq_line()) {
      exit.kind = GuestExitKind::Fiq;
      break;
    }
    c.engine.set_virtual_irq(platform::gicv3::virtual_irq_signalled(st.vgic));
    uint64_t budget = std::min(max - total, costs.max_slice);
    const uint64_t fit = slice_fit(req);
    if (fit != kNoLimit) budget = std::max<uint64_t>(1, std::min(budget, fit));
    sync_tlb(c);  // invalidations since the last slice reach Unicorn's TLB
    uint64_t n = 0;
    SliceStop stop = c.engine.run(budget, n);
    total += n;
    stats->instructions += n;
    ++stats->slices;
    req.charge(costs.insn, static_cast<double>(n));
    std::optional<GuestExit> out;
    if (debug_) std::fprintf(stderr, "cpu%u: stop kind %d intno %u addr 0x%llx write %d fetch %d pc 0x%llx n %llu\n", c.index, int(stop.kind), stop.intno, (unsigned long long)stop.address, stop.write, stop.fetch, (unsigned long long)c.engine.pc(), (unsigned long long)n);
    switch (stop.kind) {
      case SliceStop::Kind::Budget: break;
      case SliceStop::Kind::Exception: out = handle_exception(c, stop.intno); break;
      case SliceStop::Kind::MemFault: out = handle_mem_fault(c, stop); break;
      case SliceStop::Kind::SysregTrap: {
        const auto& a = stop.sysreg;
        out = GuestExit{};
        out->kind = GuestExitKind::SysregTrap;
        out->esr = platform::esr_sysreg(a.op0, a.op1, a.crn, a.crm, a.op2, a.rt, a.read);
        ++stats->sysreg_exits;
        req.charge(costs.exception_entry);
        break;
      }
      case SliceStop::Kind::Error:
        out = GuestExit{};
        out->kind = GuestExitKind::Halted;
        out->reason = "Unicorn stopped with an error";
        break;
    }
    req.sync_if_needed();
    if (out) {
      exit = *out;
      break;
    }
  }
  save_state(c, st);
  save_timers(c, st);
  c.engine.set_virtual_irq(false);
  c.state = nullptr;
  exit.instructions = total;
  return exit;
}

void UnicornCpu::Impl::sync_tlb(PeContext& c) {
  if (c.ram_to_map) {
    c.engine.map_ram(c.ram_to_map->base, c.ram_to_map->size, c.ram_to_map->host);
    c.ram_to_map.reset();
  }
  if (!c.tlb.flush_due() && c.tlb.stale_code().empty()) return;
  c.tlb.stale_code().for_each([&](uint64_t pa, const auto&) { c.engine.flush_code(pa); });
  c.engine.flush_tlb();
  c.tlb.flushed(true);
  ++stats->tlb_flushes;
}

// How many instructions the next slice may run before this PE must let the rest of the
// simulation catch up: to the end of its quantum or, when nothing else is due before then, to
// the next pending activity (lookahead). A PE running alone thus makes few long slices instead
// of one per quantum, and the result is the same: nothing else could have run in between. The
// kernel's queues are part of the simulation state, so the slicing stays deterministic.
uint64_t UnicornCpu::Impl::slice_fit(platform::Requester& req) const {
  const sc_core::sc_time quantum = tlm::tlm_global_quantum::instance().get();
  if (quantum == sc_core::SC_ZERO_TIME) return kNoLimit;
  const sc_core::sc_time local = req.quantum_keeper().get_local_time();
  sc_core::sc_time left = quantum > local ? quantum - local : sc_core::SC_ZERO_TIME;
  const sc_core::sc_time idle = sc_core::sc_time_to_pending_activity();
  if (idle > local && idle - local > left) left = idle - local;
  const double fit = left / costs.insn.time;
  return fit >= static_cast<double>(kNoLimit) ? kNoLimit : static_cast<uint64_t>(fit);
}

void UnicornCpu::Impl::load_state(PeContext& c, const GuestState& st) {
  UnicornEngine& e = c.engine;
  // Registers are written only where they differ from what the engine holds (the state the
  // last run ended with, or the last one loaded): an exit changes a few of them at most.
  const bool all = !c.held_valid;
  const GuestState& h = c.held;
  for (unsigned i = 0; i < 31; ++i)
    if (all || st.x[i] != h.x[i]) e.set_x(i, st.x[i]);
  // Same EL as before (EL1 or EL0 reached by the guest's own ERET): PSTATE's flags, DAIF and
  // SPSel are written directly; Unicorn's banked SPs are set, then the current one.
  e.set_pstate(st.pstate);
  e.set_reg(UC_ARM64_REG_SP_EL0, st.sp_el0);
  e.set_reg(UC_ARM64_REG_SP_EL1, st.sp_el1);
  bool spx = (st.pstate & 1) && pstate_el(st.pstate) != 0;
  e.set_sp(spx ? st.sp_el1 : st.sp_el0);
  e.set_pc(st.pc);
  // System registers are written only when they differ from what the engine holds: writing
  // SCTLR/TCR/TTBR/CONTEXTIDR makes QEMU flush its whole TLB, which at every slice start would
  // cost more than the slice.
#define RMESIM_SYNC(field, write) \
  if (all || st.field != h.field) { write; }
  RMESIM_SYNC(elr_el1, e.set_reg(UC_ARM64_REG_ELR_EL1, st.elr_el1))
  RMESIM_SYNC(spsr_el1, put(e, kSpsrEl1, st.spsr_el1))
  RMESIM_SYNC(esr_el1, e.set_reg(UC_ARM64_REG_ESR_EL1, st.esr_el1))
  RMESIM_SYNC(far_el1, e.set_reg(UC_ARM64_REG_FAR_EL1, st.far_el1))
  RMESIM_SYNC(sctlr_el1, put(e, kSctlrEl1, st.sctlr_el1))
  RMESIM_SYNC(tcr_el1, put(e, kTcrEl1, st.tcr_el1))
  RMESIM_SYNC(ttbr0_el1, e.set_reg(UC_ARM64_REG_TTBR0_EL1, st.ttbr0_el1))
  RMESIM_SYNC(ttbr1_el1, e.set_reg(UC_ARM64_REG_TTBR1_EL1, st.ttbr1_el1))
  RMESIM_SYNC(mair_el1, e.set_reg(UC_ARM64_REG_MAIR_EL1, st.mair_el1))
  RMESIM_SYNC(vbar_el1, e.set_reg(UC_ARM64_REG_VBAR_EL1, st.vbar_el1))
  RMESIM_SYNC(cpacr_el1, e.set_reg(UC_ARM64_REG_CPACR_EL1, st.cpacr_el1))
  RMESIM_SYNC(tpidr_el1, e.set_reg(UC_ARM64_REG_TPIDR_EL1, st.tpidr_el1))
  RMESIM_SYNC(tpidr_el0, e.set_reg(UC_ARM64_REG_TPIDR_EL0, st.tpidr_el0))
  RMESIM_SYNC(contextidr_el1, put(e, kContextidrEl1, st.contextidr_el1))
  RMESIM_SYNC(cntkctl_el1, put(e, kCntkctlEl1, st.cntkctl_el1))
  RMESIM_SYNC(mpidr, put(e, kVmpidrEl2, st.mpidr))  // MPIDR_EL1 as EL1 reads it with EL2 enabled
#undef RMESIM_SYNC
  c.held = st;
  c.held_valid = true;
}

void UnicornCpu::Impl::save_state(PeContext& c, GuestState& st) {
  UnicornEngine& e = c.engine;
  e.read_xs(st.x);
  st.pc = e.pc();
  st.pstate = e.pstate();
  bool spx = (st.pstate & 1) && pstate_el(st.pstate) != 0;
  st.sp_el0 = spx ? e.reg(UC_ARM64_REG_SP_EL0) : e.sp();
  st.sp_el1 = spx ? e.sp() : e.reg(UC_ARM64_REG_SP_EL1);
  st.elr_el1 = e.reg(UC_ARM64_REG_ELR_EL1);
  st.spsr_el1 = get(e, kSpsrEl1);
  st.esr_el1 = e.reg(UC_ARM64_REG_ESR_EL1);
  st.far_el1 = e.reg(UC_ARM64_REG_FAR_EL1);
  st.sctlr_el1 = get(e, kSctlrEl1);
  st.tcr_el1 = get(e, kTcrEl1);
  st.ttbr0_el1 = e.reg(UC_ARM64_REG_TTBR0_EL1);
  st.ttbr1_el1 = e.reg(UC_ARM64_REG_TTBR1_EL1);
  st.mair_el1 = e.reg(UC_ARM64_REG_MAIR_EL1);
  st.vbar_el1 = e.reg(UC_ARM64_REG_VBAR_EL1);
  st.cpacr_el1 = e.reg(UC_ARM64_REG_CPACR_EL1);
  st.tpidr_el1 = e.reg(UC_ARM64_REG_TPIDR_EL1);
  st.tpidr_el0 = e.reg(UC_ARM64_REG_TPIDR_EL0);
  st.contextidr_el1 = get(e, kContextidrEl1);
  st.cntkctl_el1 = get(e, kCntkctlEl1);
  c.held = st;
  c.held_valid = true;
}

bool UnicornCpu::Impl::deliver_to_guest(PeContext& c, uint64_t type, uint64_t esr_el1, uint64_t far_el1,
                                        uint64_t return_pc, bool set_far) {
  UnicornEngine& e = c.engine;
  const uint64_t ps = e.pstate();
  const unsigned el = pstate_el(ps);
  if (el > 1) return false;
  const bool spx = el == 1 && (ps & 1);
  // An abort's class says where it came from: the "same EL" classes become the "lower EL" ones
  // for an abort taken from EL0 (EC 0x21 -> 0x20, 0x25 -> 0x24).
  const uint64_t ec = esr_el1 >> 26;
  if (el == 0 && (ec == kEcIabtSame || ec == kEcDabtSame)) esr_el1 -= 1ull << 26;
  // Arm ARM D1.10.2: ELR, SPSR, ESR (and FAR) of the target EL; PSTATE = EL1h, DAIF masked;
  // PC = VBAR_EL1 + (current EL with SP_EL0: 0x000, with SP_ELx: 0x200, lower EL: 0x400) + type.
  if (!spx) {  // from SP_EL0 (EL1t or EL0) to SP_EL1
    const uint64_t sp_el0 = e.sp(), sp_el1 = e.reg(UC_ARM64_REG_SP_EL1);
    e.set_pstate((ps & 0xf0000000ull) | 0x3c5);
    e.set_reg(UC_ARM64_REG_SP_EL0, sp_el0);
    e.set_sp(sp_el1);
  } else {
    e.set_pstate((ps & 0xf0000000ull) | 0x3c5);
  }
  // After PSTATE: Unicorn recomputes its cached EL (hflags) on a system-register write, not on
  // a PSTATE write, and SPSR_EL1 is written as one.
  e.set_reg(UC_ARM64_REG_ELR_EL1, return_pc);
  put(e, kSpsrEl1, ps);
  if (type == 0) e.set_reg(UC_ARM64_REG_ESR_EL1, esr_el1);
  if (set_far) e.set_reg(UC_ARM64_REG_FAR_EL1, far_el1);
  e.set_pc(e.reg(UC_ARM64_REG_VBAR_EL1) + (el == 0 ? 0x400 : spx ? 0x200 : 0x000) + type);
  ++stats->guest_exceptions;
  if (c.pe) c.pe->requester().charge(costs.exception_entry);
  return true;
}

Stage1Regs UnicornCpu::Impl::stage1_regs(PeContext& c) {
  Stage1Regs r;
  r.sctlr = get(c.engine, kSctlrEl1);
  r.tcr = get(c.engine, kTcrEl1);
  r.ttbr0 = c.engine.reg(UC_ARM64_REG_TTBR0_EL1);
  r.ttbr1 = c.engine.reg(UC_ARM64_REG_TTBR1_EL1);
  return r;  // PAN is PSTATE's: current_regime() reads it at every fill
}

TlbContents::Regime UnicornCpu::Impl::current_regime(PeContext& c) {
  const uint64_t ps = c.engine.pstate();
  if (!c.regime_valid) {
    c.regime.s1 = stage1_regs(c);
    c.regime_valid = true;
  }
  c.regime.el = pstate_el(ps);
  c.regime.s1.pan = (ps >> 22) & 1;
  return c.regime;
}

bool UnicornCpu::Impl::fetch_insn(PeContext& c, uint64_t va, uint32_t& insn) {
  // The page the instruction was just fetched from is in the TLB; otherwise walk again.
  const TlbContents::Regime regime = current_regime(c);
  if (const TlbContents::Entry* e = c.tlb.find(va); e && e->regime == regime) {
    std::memcpy(&insn, e->host + (va & (TlbContents::kPage - 1)), 4);
    return true;
  }
  std::optional<GuestExit> ignored;
  const Stage1Result r = walk(c, regime, va, false, true, ignored);
  Stage2Fill f;
  if (ignored || r.fault != Stage1Result::Fault::None || stage2_fill(c, r.ipa, va, false, true, false, f))
    return false;
  std::memcpy(&insn, f.host + (r.ipa & (TlbContents::kPage - 1)), 4);
  return true;
}

std::optional<GuestExit> UnicornCpu::Impl::handle_exception(PeContext& c, uint32_t intno) {
  UnicornEngine& e = c.engine;
  GuestExit x;
  uint64_t pc = e.pc();
  uint32_t insn = 0;
  auto halted = [&](const char* why) {
    x.kind = GuestExitKind::Halted;
    x.reason = why;
    return std::optional<GuestExit>(x);
  };
  switch (static_cast<Excp>(intno)) {
    case Excp::Svc:  // PC = next instruction
      if (!fetch_insn(c, pc - 4, insn)) return halted("SVC: cannot read the instruction");
      if (!deliver_to_guest(c, 0, esr(kEcSvc64, (insn >> 5) & 0xffff), 0, pc, false))
        return halted("SVC above EL1");
      return std::nullopt;
    case Excp::Hvc:
    case Excp::Smc: {  // PC = next instruction
      bool hvc = static_cast<Excp>(intno) == Excp::Hvc;
      if (!fetch_insn(c, pc - 4, insn)) return halted("HVC/SMC: cannot read the instruction");
      x.kind = hvc ? GuestExitKind::Hvc : GuestExitKind::Smc;
      x.imm = static_cast<uint16_t>((insn >> 5) & 0xffff);
      x.esr = esr(hvc ? kEcHvc64 : kEcSmc64, x.imm);
      ++(hvc ? stats->hvc_exits : stats->smc_exits);
      if (c.pe) c.pe->requester().charge(costs.exception_entry);
      return x;
    }
    case Excp::Udef:
    case Excp::HypTrap: {  // PC = the instruction
      if (!fetch_insn(c, pc, insn)) return halted("UDEF: cannot read the instruction");
      if (insn == 0xd503207f || insn == 0xd503205f) {  // WFI / WFE, trapped by HCR_EL2.TWI/TWE
        bool wfe = insn == 0xd503205f;
        x.kind = wfe ? GuestExitKind::Wfe : GuestExitKind::Wfi;
        x.esr = esr(kEcWfx, 0x01e00000u | (wfe ? 1 : 0));  // CV=1, COND=0b1110, TI
        e.set_pc(pc + 4);
        ++stats->wfx_exits;
        if (c.pe) c.pe->requester().charge(costs.exception_entry);
        return x;
      }
      // Anything else undefined is the guest's: EC 0 (unknown reason), ELR = the instruction.
      if (!deliver_to_guest(c, 0, esr(kEcUnknown, 0), 0, pc, false))
        return halted("UNDEFINED above EL1");
      return std::nullopt;
    }
    case Excp::Bkpt:
      if (!fetch_insn(c, pc, insn)) return halted("BRK: cannot read the instruction");
      if (!deliver_to_guest(c, 0, esr(kEcBrk, (insn >> 5) & 0xffff), 0, pc, false))
        return halted("BRK above EL1");
      return std::nullopt;
    case Excp::PrefetchAbort:
    case Excp::DataAbort: {
      // Translation is the filler's, so Unicorn raises aborts itself only for alignment: the
      // guest's own fault (FSC 0b100001), at the faulting instruction.
      const bool fetch = static_cast<Excp>(intno) == Excp::PrefetchAbort;
      uint64_t far = pc;
      bool write = false;
      if (!fetch && fetch_insn(c, pc, insn)) {
        write = decode_data_access(insn).write;
        if (auto a = access_address(insn, pc, [&](unsigned n) { return n == 31 ? e.sp() : e.x(n); })) far = *a;
      }
      if (!deliver_to_guest(c, 0, esr(fetch ? kEcIabtSame : kEcDabtSame, 0x21u | (write ? 1u << 6 : 0u)), far, pc, true))
        return halted("alignment fault above EL1");
      return std::nullopt;
    }
    case Excp::Virq:  // HCR_EL2.VI with PSTATE.I clear. Unicorn 2.1.1 takes it at the guest's
                      // vector itself (no hook call); should a version report it here instead:
      if (!deliver_to_guest(c, 0x80, 0, 0, pc, false)) return halted("virtual IRQ to a guest above EL1");
      ++stats->irqs_delivered;
      return std::nullopt;
    case Excp::Irq: case Excp::Fiq: case Excp::Vfiq:
      return std::nullopt;  // Unicorn raises none of these by itself
  }
  return halted("unexpected Unicorn exception number");
}

}  // namespace cpu
