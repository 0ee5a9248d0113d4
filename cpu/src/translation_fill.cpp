// Translation fills: installing one IPA page in a core's Unicorn engine after the stage-2
// owner translated it and the PE's GPC unit checked its output address with its PAS, both
// timed. Everything that stops a fill becomes an exit with the syndrome a hypervisor sees
// (stage-2 translation or permission fault, MMIO, GPF) or an abort for the guest.
#include <cstring>
#include <vector>

#include <unicorn/unicorn.h>

#include "core_impl.h"
#include "platform/gpc_unit.h"
#include "platform/requester.h"

namespace cpu {

using platform::GuestExit;
using platform::GuestExitKind;
using platform::Stage2Result;

namespace {

constexpr uint64_t kPage = InstalledPages::kPage;
constexpr uint32_t kIssS1ptw = 1u << 7;
constexpr uint32_t kIssWnr = 1u << 6;

uint64_t hpfar_of(uint64_t ipa) { return (ipa >> 12) << 4; }  // HPFAR_EL2.FIPA

// A stage-2 abort syndrome for an exit (EC from a lower EL).
uint64_t s2_esr(bool fetch, uint32_t fsc, bool write, bool s1ptw, const DataAccess* access) {
  uint32_t iss = fsc;
  if (s1ptw) {
    iss |= kIssS1ptw;  // the guest's table read: WnR 0 (no hardware table updates)
  } else if (!fetch) {
    if (access) iss |= access->iss();
    if (write) iss |= kIssWnr;
  }
  return esr(fetch ? kEcIabtLower : kEcDabtLower, iss);
}

}  // namespace

Stage1Result UnicornCpu::Impl::walk(PeContext& c, uint64_t va, bool write, bool fetch,
                                    std::optional<GuestExit>& exit) {
  bool el0 = ((c.engine.pstate() >> 2) & 3) == 0;
  return stage1_walk(stage1_regs(c), va, write, fetch, el0, [&](uint64_t ipa, uint64_t& d) {
    if (!c.pages.find(ipa)) {
      exit = fill(c, ipa, va, false, false, true, nullptr);
      if (exit) return false;
    }
    return c.engine.read(ipa, &d, 8);
  });
}

std::optional<GuestExit> UnicornCpu::Impl::fill(PeContext& c, uint64_t ipa, uint64_t va, bool write,
                                                bool fetch, bool s1ptw, const DataAccess* access) {
  platform::Pe& pe = *c.pe;
  uint64_t page = ipa & ~(kPage - 1);
  sc_core::sc_time t0 = pe.requester().now();
  Stage2Result r = c.s2->translate(pe, page);
  GuestExit x;
  x.far = va;
  x.hpfar = hpfar_of(ipa);
  switch (r.kind) {
    case Stage2Result::Kind::Unmapped:
      x.kind = GuestExitKind::Stage2Abort;
      x.esr = s2_esr(fetch, 0x04u | (static_cast<uint32_t>(r.level) & 3), write, s1ptw, access);
      ++stats->stage2_faults;
      pe.requester().charge(costs.exception_entry);
      return x;
    case Stage2Result::Kind::Mmio:
      if (fetch || s1ptw) {  // neither code nor tables can live in a device window
        x.kind = GuestExitKind::Stage2Abort;
        x.esr = s2_esr(fetch, 0x10, write, s1ptw, access);
        ++stats->stage2_faults;
      } else {
        x.kind = GuestExitKind::Mmio;
        x.esr = s2_esr(false, 0x04u | 3u, write, false, access);
        ++stats->mmio_exits;
      }
      pe.requester().charge(costs.exception_entry);
      return x;
    case Stage2Result::Kind::Abort:
      x.kind = GuestExitKind::Halted;  // replaced by a guest abort by the caller
      x.reason = "abort";
      x.esr = 0x10;  // synchronous external abort
      return x;
    case Stage2Result::Kind::Mapped: break;
  }
  // The GPC on the stage-2 output, with the PAS the stage-2 entry gives (GPC priority after
  // the stage-2 walk, as in the architecture's translate-then-check order).
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  gpt::GpcResult g = pe.gpc().check(r.pa, kPage, r.pas, delay);
  pe.requester().charge(delay + costs.fill);
  if (!g.ok()) {
    x.kind = GuestExitKind::Gpf;
    x.gpf = g;
    // DFSC: GPF on a table walk at level L = 0b1001LL; otherwise 0b101000.
    x.esr = s2_esr(fetch, s1ptw ? 0x24u | 3u : 0x28u, write, s1ptw, access);
    ++stats->fill_gpfs;
    pe.requester().charge(costs.exception_entry);
    return x;
  }
  uint8_t* host = pe.requester().dram_pointer(r.pa, kPage);
  if (!host) {
    x.kind = GuestExitKind::Halted;
    x.reason = "abort";
    x.esr = 0x10;
    return x;
  }
  InstalledPage p;
  p.pa = r.pa;
  p.pas = r.pas;
  p.host = host;
  // Executable only once code is fetched from it: an executable region costs Unicorn a guard
  // region (unicorn_engine.h), and most pages are only ever data.
  p.exec_allowed = r.executable;
  p.perms = uint32_t{kRead} | (r.writable ? uint32_t{kWrite} : 0u) | (r.executable && fetch ? uint32_t{kExec} : 0u);
  // Fill ahead: the following pages of the same aligned window that the stage 2 maps
  // contiguously with the same attributes are installed with this one, each translated and
  // GPC-checked (and charged) as its own fill would be. One Unicorn region change instead of
  // one per page: map/unmap is what a page fill costs most in wall time.
  std::vector<InstalledPage>& run = fill_run_;
  run.assign(1, p);
  const uint64_t window_end = (page | (costs.fill_window - 1)) + 1;
  for (uint64_t next = page + kPage; next < window_end && !c.pages.find(next); next += kPage) {
    const Stage2Result n = c.s2->translate(pe, next);
    const uint64_t k = run.size();
    if (n.kind != Stage2Result::Kind::Mapped || n.pa != r.pa + k * kPage || n.pas != r.pas ||
        n.writable != r.writable || n.executable != r.executable)
      break;
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    const bool ok = pe.gpc().check(n.pa, kPage, n.pas, d).ok();
    pe.requester().charge(d + costs.fill);
    if (!ok || !pe.requester().dram_pointer(n.pa, kPage)) break;
    InstalledPage q = p;
    q.pa = n.pa;
    q.host = host + k * kPage;
    run.push_back(q);
  }
  c.pages.install_run(page, run.data(), run.size());
  stats->fills += run.size();
  stats->fill_time.add(pe.requester().now() - t0);
  return std::nullopt;
}

bool UnicornCpu::Impl::resolve_fault(PeContext& c, const SliceStop& s) {
  using Outcome = PeContext::FaultOutcome;
  c.pending.reset();
  auto exit_with = [&](GuestExit x, bool add_iss) {
    Outcome o;
    o.kind = Outcome::Kind::Exit;
    o.exit = x;
    o.add_iss = add_iss;
    c.pending = o;
    return false;
  };
  auto halt = [&](const char* why) {
    GuestExit x;
    x.kind = GuestExitKind::Halted;
    x.reason = why;
    return exit_with(x, false);
  };
  auto guest_abort = [&](uint32_t iss) {
    Outcome o;
    o.kind = Outcome::Kind::GuestAbort;
    o.esr_el1 = esr(s.fetch ? kEcIabtSame : kEcDabtSame, iss | (s.write ? kIssWnr : 0));
    o.far = s.address;
    c.pending = o;
    return false;
  };
  // The same fault (page and direction) again and again means no fill can fix it.
  uint64_t key = (s.address & ~(kPage - 1)) ^ (s.write ? 1 : 0) ^ (s.fetch ? 2 : 0);
  if (key == c.repeat_pc) {
    if (++c.repeats > 8) return halt("the same memory fault repeats");
  } else {
    c.repeat_pc = key;
    c.repeats = 0;
  }
  std::optional<GuestExit> exit;
  Stage1Result w = walk(c, s.address, s.write, s.fetch, exit);
  if (exit) {  // a problem with the guest's own table walk
    if (exit->kind == GuestExitKind::Halted && std::strcmp(exit->reason, "abort") == 0)
      return guest_abort(0x10 | 0x04);  // synchronous external abort on a walk
    return exit_with(*exit, false);
  }
  switch (w.fault) {
    case Stage1Result::Fault::None: break;
    case Stage1Result::Fault::Unsupported: return halt("stage 1 with a 16K/64K granule is not supported");
    default: return guest_abort(w.fsc());  // the guest's own stage-1 fault: its EL1 vectors
  }
  if ((w.ipa & ~(kPage - 1)) != (s.address & ~(kPage - 1)))
    return halt("non-identity stage-1 mapping (Unicorn 2.0.1 checks VAs against IPA regions)");
  const InstalledPage* installed = c.pages.find(w.ipa);
  if (s.fetch && installed && installed->exec_allowed && !(installed->perms & kExec)) {
    // Code in a page installed as data: reinstall it executable. Unicorn's regions must not
    // change while it runs, so the slice stops here and the next one fills the page again.
    c.pages.invalidate(w.ipa & ~(kPage - 1), kPage);
    Outcome o;
    o.kind = Outcome::Kind::Retry;
    c.pending = o;
    return false;
  }
  if (s.permission || installed) {
    // Installed without the permission the access needs: a stage-2 permission fault.
    GuestExit x;
    x.kind = GuestExitKind::Stage2Abort;
    x.far = s.address;
    x.hpfar = hpfar_of(w.ipa);
    x.esr = s2_esr(s.fetch, 0x0c | 3, s.write, false, nullptr);
    ++stats->stage2_faults;
    return exit_with(x, !s.fetch);
  }
  if (c.pages.full()) {  // stop here; the next slice coalesces regions and retries
    Outcome o;
    o.kind = Outcome::Kind::Retry;
    c.pending = o;
    return false;
  }
  exit = fill(c, w.ipa, s.address, s.write, s.fetch, false, nullptr);
  if (!exit) return true;
  if (exit->kind == GuestExitKind::Halted && std::strcmp(exit->reason, "abort") == 0)
    return guest_abort(0x10);  // Stage2Result::Abort or no DRAM behind the PA
  return exit_with(*exit, !s.fetch);
}

std::optional<GuestExit> UnicornCpu::Impl::handle_mem_fault(PeContext& c, const SliceStop& s) {
  if (!c.pending) {
    // Nothing decided in the hook (the resolver did not run): decide now.
    if (resolve_fault(c, s)) return std::nullopt;
  }
  PeContext::FaultOutcome o = *c.pending;
  c.pending.reset();
  if (o.kind == PeContext::FaultOutcome::Kind::Retry) {
    c.repeat_pc = ~uint64_t{0};  // a retry is not a repeat of the same fault
    return std::nullopt;
  }
  uint64_t pc = c.engine.pc();
  if (o.kind == PeContext::FaultOutcome::Kind::GuestAbort) {
    if (!deliver_to_guest(c, 0, o.esr_el1, o.far, pc, true)) {
      GuestExit x;
      x.kind = GuestExitKind::Halted;
      x.reason = "fault at EL0: EL change unsupported on Unicorn 2.0.1";
      return x;
    }
    return std::nullopt;
  }
  if (o.add_iss) {
    uint32_t insn = 0;
    if (fetch_insn(c, pc, insn)) o.exit.esr |= decode_data_access(insn).iss();
  }
  return o.exit;
}

std::optional<GuestExit> UnicornCpu::Impl::handle_abort(PeContext& c, bool fetch) {
  UnicornEngine& e = c.engine;
  uint64_t pc = e.pc();
  uint64_t va = pc;
  bool write = false;
  DataAccess access;
  if (!fetch) {
    uint32_t insn = 0;
    if (!fetch_insn(c, pc, insn)) {
      GuestExit x;
      x.kind = GuestExitKind::Halted;
      x.reason = "data abort: cannot read the instruction";
      return x;
    }
    access = decode_data_access(insn);
    write = access.write;
    auto a = access_address(insn, pc, [&](unsigned n) { return n == 31 ? e.sp() : e.x(n); });
    if (a) va = *a;
  }
  SliceStop s;
  s.kind = SliceStop::Kind::MemFault;
  s.address = va;
  s.write = write;
  s.fetch = fetch;
  // Re-walk: fills the guest's table pages if that is what Unicorn's walk missed, or finds
  // the guest's own fault.
  std::optional<GuestExit> exit;
  Stage1Result w = walk(c, va, write, fetch, exit);
  if (exit) return exit;
  if (w.fault == Stage1Result::Fault::None && !c.pages.find(w.ipa)) {
    if (resolve_fault(c, s)) return std::nullopt;
    return handle_mem_fault(c, s);
  }
  if (w.fault == Stage1Result::Fault::None && pc != c.repeat_pc) {
    // Everything is installed now (a table page was missing): run it again once.
    c.repeat_pc = pc;
    c.repeats = 0;
    return std::nullopt;
  }
  // The guest's own fault (or, with everything in place, an alignment fault).
  uint32_t fsc = w.fault == Stage1Result::Fault::None ? 0x21 : w.fsc();
  if (!deliver_to_guest(c, 0, esr(fetch ? kEcIabtSame : kEcDabtSame, fsc | (write ? kIssWnr : 0)), va, pc, true)) {
    GuestExit x;
    x.kind = GuestExitKind::Halted;
    x.reason = "abort at EL0: EL change unsupported on Unicorn 2.0.1";
    return x;
  }
  return std::nullopt;
}

}  // namespace cpu
