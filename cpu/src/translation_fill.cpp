// TLB fills: Unicorn asks for the translation of a virtual page, and the simulator composes
// the guest's stage 1, the stage 2 (the RMM's RTT for a realm, the host's tables for a normal
// VM) and the PE's GPC check on the output address with its PAS, all timed. Everything that
// stops a fill becomes an exit with the syndrome a hypervisor sees (stage-2 translation or
// permission fault, MMIO, GPF) or an abort for the guest's own EL1 vectors.
#include <cstdio>
#include <cstring>

#include <unicorn/unicorn.h>

#include "core_impl.h"
#include "platform/gpc_unit.h"
#include "platform/requester.h"

namespace cpu {

using platform::GuestExit;
using platform::GuestExitKind;
using platform::Stage2Result;

namespace {

constexpr uint64_t kPage = TlbContents::kPage;
constexpr uint32_t kIssS1ptw = 1u << 7;
constexpr uint32_t kIssWnr = 1u << 6;

uint64_t hpfar_of(uint64_t ipa) { return (ipa >> 12) << 4; }  // HPFAR_EL2.FIPA

// A stage-2 abort syndrome for an exit (EC from a lower EL).
uint64_t s2_esr(bool fetch, uint32_t fsc, bool write, bool s1ptw) {
  uint32_t iss = fsc;
  if (s1ptw) iss |= kIssS1ptw;  // the guest's table read: WnR 0 (no hardware table updates)
  else if (!fetch && write) iss |= kIssWnr;
  return esr(fetch ? kEcIabtLower : kEcDabtLower, iss);
}

bool is_abort(const GuestExit& x) { return x.kind == GuestExitKind::Halted && std::strcmp(x.reason, "abort") == 0; }

}  // namespace

std::optional<GuestExit> UnicornCpu::Impl::stage2_fill(PeContext& c, uint64_t ipa, uint64_t va, bool write,
                                                       bool fetch, bool s1ptw, Stage2Fill& out) {
  platform::Pe& pe = *c.pe;
  const uint64_t page = ipa & ~(kPage - 1);
  const Stage2Result r = c.s2->translate(pe, page);
  GuestExit x;
  x.far = va;
  x.hpfar = hpfar_of(ipa);
  switch (r.kind) {
    case Stage2Result::Kind::Unmapped:
      x.kind = GuestExitKind::Stage2Abort;
      x.esr = s2_esr(fetch, 0x04u | (static_cast<uint32_t>(r.level) & 3), write, s1ptw);
      ++stats->stage2_faults;
      pe.requester().charge(costs.exception_entry);
      return x;
    case Stage2Result::Kind::Mmio:
      if (fetch || s1ptw) {  // neither code nor tables can live in a device window
        x.kind = GuestExitKind::Stage2Abort;
        x.esr = s2_esr(fetch, 0x10, write, s1ptw);
        ++stats->stage2_faults;
      } else {
        x.kind = GuestExitKind::Mmio;
        x.esr = s2_esr(false, 0x04u | 3u, write, false);
        ++stats->mmio_exits;
      }
      pe.requester().charge(costs.exception_entry);
      return x;
    case Stage2Result::Kind::Abort:
      x.kind = GuestExitKind::Halted;  // replaced by a guest abort by the caller
      x.reason = "abort";
      return x;
    case Stage2Result::Kind::Mapped: break;
  }
  // The GPC on the stage-2 output, with the PAS the stage-2 entry gives (GPC priority after
  // the stage-2 walk, as in the architecture's translate-then-check order).
  platform::Delay delay;
  const gpt::GpcResult g = pe.gpc().check(r.pa, kPage, r.pas, delay);
  delay.add(costs.fill);
  pe.requester().charge(delay);
  if (!g.ok()) {
    x.kind = GuestExitKind::Gpf;
    x.gpf = g;
    // DFSC: GPF on a table walk at level L = 0b1001LL; otherwise 0b101000.
    x.esr = s2_esr(fetch, s1ptw ? 0x24u | 3u : 0x28u, write, s1ptw);
    ++stats->fill_gpfs;
    pe.requester().charge(costs.exception_entry);
    return x;
  }
  out.pa = r.pa;
  out.host = pe.requester().dram_pointer(r.pa, kPage);
  if (!out.host) {  // no DRAM behind the PA: an external abort
    x.kind = GuestExitKind::Halted;
    x.reason = "abort";
    return x;
  }
  out.perms = uint32_t{kRead} | (r.writable ? uint32_t{kWrite} : 0u) | (r.executable ? uint32_t{kExec} : 0u);
  return std::nullopt;
}

Stage1Result UnicornCpu::Impl::walk(PeContext& c, const TlbContents::Regime& regime, uint64_t va, bool write,
                                    bool fetch, std::optional<GuestExit>& exit) {
  return stage1_walk(regime.s1, va, write, fetch, regime.el == 0, [&](uint64_t ipa, uint64_t& d) {
    const TlbContents::Entry* t = c.tlb.find_table(ipa);
    if (!t) {
      Stage2Fill f;
      exit = stage2_fill(c, ipa, va, false, false, true, f);
      if (exit) return false;
      c.tlb.record_table({ipa & ~(kPage - 1), f.pa, f.host, f.perms, {}});
      t = c.tlb.find_table(ipa);
    }
    std::memcpy(&d, t->host + (ipa & (kPage - 1) & ~uint64_t{7}), 8);
    return true;
  });
}

bool UnicornCpu::Impl::tlb_fill(PeContext& c, uint64_t va, uint32_t access, uint64_t& pa, uint32_t& perms) {
  using Outcome = PeContext::FaultOutcome;
  const bool write = access == kWrite, fetch = access == kExec;
  const uint64_t piece = va & (kPage - 1) & ~(UnicornEngine::kTlbPage - 1);  // within the granule
  const TlbContents::Regime regime = current_regime(c);
  if (debug_) std::fprintf(stderr, "cpu%u: fill va 0x%llx access %u\n", c.index, (unsigned long long)va, access);
  // Another piece of a granule the TLB holds: no walk, as a real TLB would not walk.
  if (const TlbContents::Entry* e = c.tlb.find(va); e && e->regime == regime && (e->perms & access)) {
    pa = e->pa | piece;
    perms = e->perms;
    return true;
  }
  const sc_core::sc_time t0 = c.pe->requester().now();
  c.pending.reset();
  auto stop = [&](Outcome o) {
    c.pending = o;
    return false;
  };
  auto exit_with = [&](const GuestExit& x) {
    Outcome o;
    o.exit = x;
    o.add_iss = !fetch && (x.kind != GuestExitKind::Stage2Abort || !(x.esr & kIssS1ptw));
    return stop(o);
  };
  auto guest_abort = [&](uint32_t fsc) {
    Outcome o;
    o.kind = Outcome::Kind::GuestAbort;
    o.esr_el1 = esr(fetch ? kEcIabtSame : kEcDabtSame, fsc | (write ? kIssWnr : 0));
    return stop(o);
  };
  std::optional<GuestExit> exit;
  const Stage1Result w = walk(c, regime, va, write, fetch, exit);
  if (exit) return is_abort(*exit) ? guest_abort(0x10 | 0x04) : exit_with(*exit);  // SEA on a walk
  if (w.fault != Stage1Result::Fault::None) {  // the guest's own: its EL1 vectors
    ++stats->stage1_faults;
    return guest_abort(w.fsc());
  }
  Stage2Fill f;
  exit = stage2_fill(c, w.ipa, va, write, fetch, false, f);
  if (exit) return is_abort(*exit) ? guest_abort(0x10) : exit_with(*exit);
  if (!(f.perms & access)) {  // stage 2 refuses this access: a stage-2 permission fault
    GuestExit x;
    x.kind = GuestExitKind::Stage2Abort;
    x.far = va;
    x.hpfar = hpfar_of(w.ipa);
    x.esr = s2_esr(fetch, 0x0c | 3, write, false);
    ++stats->stage2_faults;
    c.pe->requester().charge(costs.exception_entry);
    return exit_with(x);
  }
  if (!c.engine.mapped(f.pa)) {  // DRAM the engine has not mapped yet: map it, then retry
    uint64_t base = 0, size = 0;
    uint8_t* host = c.pe->requester().dram_window(f.pa, base, size);
    if (!host) return guest_abort(0x10);
    c.ram_to_map = PeContext::RamWindow{base, size, host};
    Outcome o;
    o.kind = Outcome::Kind::Retry;
    return stop(o);
  }
  perms = w.perms & f.perms;
  pa = f.pa | piece;
  // The stage-1 page or block the entry came from, for TLBIs by VA (tlb_contents.h).
  const unsigned s1_shift = w.mmu_off ? 12 : w.granule_shift + (3 - w.level) * (w.granule_shift - 3);
  c.tlb.record(va & ~(kPage - 1), {w.ipa & ~(kPage - 1), f.pa, f.host, perms, regime, static_cast<uint8_t>(s1_shift)});
  ++stats->fills;
  stats->fill_time.add(c.pe->requester().now() - t0);
  return true;
}

uint64_t UnicornCpu::Impl::fault_address(PeContext& c, const SliceStop& s) {
  // Unicorn reports the start of its own TLB page (1 KiB), not the address that faulted.
  const uint64_t pc = c.engine.pc(), page = s.address & ~(UnicornEngine::kTlbPage - 1);
  auto same_page = [&](uint64_t a) { return (a & ~(UnicornEngine::kTlbPage - 1)) == page; };
  if (s.fetch) return same_page(pc) ? pc : s.address;
  uint32_t insn = 0;
  if (!fetch_insn(c, pc, insn)) return s.address;
  UnicornEngine& e = c.engine;
  const auto a = access_address(insn, pc, [&](unsigned n) { return n == 31 ? e.sp() : e.x(n); });
  // An access that starts in an earlier page faults at the refused page's first byte.
  return a && same_page(*a) ? *a : s.address;
}

std::optional<GuestExit> UnicornCpu::Impl::handle_mem_fault(PeContext& c, const SliceStop& s) {
  GuestExit halt;
  halt.kind = GuestExitKind::Halted;
  if (!c.pending) {
    halt.reason = "a TLB fill was refused without a reason";
    return halt;
  }
  PeContext::FaultOutcome o = *c.pending;
  c.pending.reset();
  const uint64_t pc = c.engine.pc();
  if (o.kind == PeContext::FaultOutcome::Kind::Retry) {
    if (pc == c.repeat_pc && ++c.repeats > 8) {
      halt.reason = "the same memory access is retried again and again";
      return halt;
    }
    if (pc != c.repeat_pc) c.repeats = 0;
    c.repeat_pc = pc;
    return std::nullopt;
  }
  const uint64_t far = fault_address(c, s);
  if (o.kind == PeContext::FaultOutcome::Kind::GuestAbort) {
    if (!deliver_to_guest(c, 0, o.esr_el1, far, pc, true)) {
      halt.reason = "fault above EL1";
      return halt;
    }
    return std::nullopt;
  }
  o.exit.far = far;  // HPFAR_EL2 gives the IPA page; FAR_EL2 the offset within it
  if (o.add_iss) {
    uint32_t insn = 0;
    if (fetch_insn(c, pc, insn)) o.exit.esr |= decode_data_access(insn).iss();
  }
  return o.exit;
}

}  // namespace cpu
