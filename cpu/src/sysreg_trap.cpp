// The system registers of a guest that belong to the platform's devices: the GIC CPU interface
// (ICC_* encodings, reaching the virtual interface ICV_* since HCR_EL2.IMO/FMO are set for
// every guest) and the EL1 timers CNTP_*/CNTV_*, which are the PE's generic timer while the
// guest runs; RNDR/RNDRRS, drawn from the scenario's seed; the feature ID registers. Unicorn reaches them through its MRS/MSR hooks (unicorn_engine.h).
#include "core_impl.h"
#include "id_registers.h"
#include "platform/devices/gicv3/virtual_cpu_interface.h"
#include "platform/generic_timer.h"
#include "platform/requester.h"

namespace cpu {

using platform::GenericTimer;
using TrapResult = UnicornEngine::TrapResult;
namespace gic = platform::gicv3;

namespace {

// The CTL a timer runs with: the guest's ENABLE/IMASK, masked further while the hypervisor
// holds its interrupt in a list register.
uint64_t effective_ctl(uint64_t guest_ctl, bool hyp_masked) {
  return (guest_ctl & (GenericTimer::kCtlEnable | GenericTimer::kCtlImask)) | (hyp_masked ? GenericTimer::kCtlImask : 0);
}

struct GuestTimer {
  GenericTimer::Channel channel;
  uint64_t& ctl;
  uint64_t& cval;
  bool hyp_masked;
};
GuestTimer guest_timer(platform::GuestState& st, bool virt) {
  if (virt) return {GenericTimer::Channel::Virt, st.cntv_ctl, st.cntv_cval, st.cntv_hyp_masked};
  return {GenericTimer::Channel::Phys, st.cntp_ctl, st.cntp_cval, st.cntp_hyp_masked};
}

// RNDR/RNDRRS: the n-th draw of PE `pe` from the scenario's seed (SplitMix64's finaliser over a
// per-PE counter), so a run's random numbers, and KASLR's offset with them, follow the seed.
uint64_t random_number(uint64_t seed, unsigned pe, uint64_t n) {
  uint64_t z = seed ^ (uint64_t{pe} << 48) ^ (n * 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
bool random_register(const UnicornEngine::SysregAccess& a) {
  return a.op0 == 3 && a.op1 == 3 && a.crn == 2 && a.crm == 4;
}
bool id_register(const UnicornEngine::SysregAccess& a) {
  return a.op0 == 3 && a.op1 == 0 && a.crn == 0 && a.crm >= 4 && a.crm <= 7;
}

}  // namespace

sc_core::sc_time UnicornCpu::Impl::local_now(PeContext& c) const {
  return c.pe->requester().now() + costs.insn.time * static_cast<double>(c.engine.slice_executed());
}

TrapResult UnicornCpu::Impl::sysreg_trap(PeContext& c, const UnicornEngine::SysregAccess& a, uint64_t& v) {
  if (random_register(a)) {  // with or without a guest state: never the host's entropy
    v = random_number(seed, c.index, c.random_draws++);
    return TrapResult::Emulated;
  }
  if (id_register(a)) {  // EL0: UNDEFINED (no FEAT_IDST), Unicorn's own behaviour
    if (((c.engine.pstate() >> 2) & 3) == 0) return TrapResult::Declined;
    v = guest_id_register(a.crm, a.op2, c.engine.sysreg(a.op0, a.op1, a.crn, a.crm, a.op2));
    return TrapResult::Emulated;
  }
  if (!c.state) return TrapResult::Declined;
  if (const auto reg = gic::decode_icc(a.op0, a.op1, a.crn, a.crm, a.op2)) {
    // An MSR to a read-only register or an MRS of a write-only one is UNDEFINED.
    if (a.read ? gic::icc_write_only(*reg) : gic::icc_read_only(*reg)) return TrapResult::Declined;
    // SGI generation traps to EL2 with IMO set (IHI0069 12.2.21): the hypervisor delivers it.
    if (*reg == gic::IccReg::Sgi1r || *reg == gic::IccReg::Asgi1r || *reg == gic::IccReg::Sgi0r)
      return TrapResult::ToEl2;
    ++stats->sysreg_accesses;
    gic::VgicState& g = c.state->vgic;
    if (a.read) v = gic::icv_read(g, *reg);
    else gic::icv_write(g, *reg, v);
    if ((*reg == gic::IccReg::Iar1 || *reg == gic::IccReg::Iar0) && v != gic::kSpurious) ++stats->virq_acks;
    c.engine.set_virtual_irq(gic::virtual_irq_signalled(g));
    return TrapResult::Emulated;
  }
  GenericTimer* timer = c.pe->timer();
  if (!timer) return TrapResult::Declined;  // a PE without the SoC's devices: Unicorn's registers
  ++stats->sysreg_accesses;
  const GuestTimer t = guest_timer(*c.state, a.crm == 3);
  const sc_core::sc_time now = local_now(c);
  switch (a.op2) {
    case 0:  // CNT*_TVAL_EL0
      if (a.read) v = timer->tval(t.channel, now);
      else timer->set_tval(t.channel, v, now);
      break;
    case 1:  // CNT*_CTL_EL0: the guest's own ENABLE/IMASK, ISTATUS from the timer
      if (a.read) {
        v = (t.ctl & (GenericTimer::kCtlEnable | GenericTimer::kCtlImask)) |
            (timer->ctl(t.channel, now) & GenericTimer::kCtlIstatus);
      } else {
        t.ctl = v & (GenericTimer::kCtlEnable | GenericTimer::kCtlImask);
        timer->set_ctl(t.channel, effective_ctl(t.ctl, t.hyp_masked), now);
      }
      break;
    default:  // CNT*_CVAL_EL0
      if (a.read) v = timer->cval(t.channel);
      else timer->set_cval(t.channel, v, now);
      break;
  }
  return TrapResult::Emulated;
}

void UnicornCpu::Impl::load_timers(PeContext& c, platform::GuestState& st) {
  GenericTimer* timer = c.pe->timer();
  if (!timer) return;
  const sc_core::sc_time now = c.pe->requester().now();
  for (bool virt : {true, false}) {
    const GuestTimer t = guest_timer(st, virt);
    timer->set_cval(t.channel, t.cval, now);
    timer->set_ctl(t.channel, effective_ctl(t.ctl, t.hyp_masked), now);
  }
}

void UnicornCpu::Impl::save_timers(PeContext& c, platform::GuestState& st) {
  GenericTimer* timer = c.pe->timer();
  if (!timer) return;
  const sc_core::sc_time now = c.pe->requester().now();
  for (bool virt : {true, false}) {
    const GuestTimer t = guest_timer(st, virt);
    t.cval = timer->cval(t.channel);
    t.ctl = (t.ctl & (GenericTimer::kCtlEnable | GenericTimer::kCtlImask)) |
            (timer->ctl(t.channel, now) & GenericTimer::kCtlIstatus);
    timer->set_ctl(t.channel, 0, now);  // the PE's EL1 timers go back to the host, off
  }
}

}  // namespace cpu
