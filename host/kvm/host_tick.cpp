#include "host/host_tick.h"

#include "platform/devices/gicv3/gicv3.h"
#include "platform/generic_timer.h"
#include "platform/memory_map.h"
#include "platform/requester.h"
#include "platform/soc.h"

#include <stdexcept>

namespace host {

namespace gic = platform::gicv3;
namespace mm = platform::memory_map;
using platform::GenericTimer;

namespace {
void write32(platform::Pe& pe, uint64_t pa, uint32_t v) {
  if (!pe.requester().write(pa, &v, 4, gpt::Pas::NonSecure).ok())
    throw std::logic_error("host tick: GIC register write failed");
}
uint32_t read32(platform::Pe& pe, uint64_t pa) {
  uint32_t v = 0;
  if (!pe.requester().read(pa, &v, 4, gpt::Pas::NonSecure).ok())
    throw std::logic_error("host tick: GIC register read failed");
  return v;
}
}  // namespace

HostTick::HostTick(platform::Soc& soc, platform::Pe& pe) : soc_(soc), pe_(pe) {
  const unsigned ppi = mm::kPpiHypTimer;
  const uint64_t rd = mm::kGicrBase + mm::kGicrStride * pe.index(), sgi = rd + gic::Redistributor::kFrame;
  write32(pe, rd + gic::Redistributor::GICR_WAKER, 0);
  const uint32_t ctlr = read32(pe, mm::kGicdBase + gic::Distributor::GICD_CTLR);
  write32(pe, mm::kGicdBase + gic::Distributor::GICD_CTLR, ctlr | gic::Distributor::kCtlrEnableGrp1);
  write32(pe, sgi + gic::kIgroupr, read32(pe, sgi + gic::kIgroupr) | (1u << ppi));
  const uint64_t prio = sgi + gic::kIpriorityr + (ppi & ~3u);
  write32(pe, prio, (read32(pe, prio) & ~(0xFFu << 8 * (ppi & 3))) | (0xA0u << 8 * (ppi & 3)));
  write32(pe, sgi + gic::kIsenabler, 1u << ppi);
  gic::CpuInterface& cpu = soc.gic().cpu_interface(pe.index());
  cpu.write(gic::IccReg::Pmr, 0xF0);
  cpu.write(gic::IccReg::Igrpen1, 1);
}

HostTick::HostTick(platform::Soc& soc, platform::Pe& pe, const sc_core::sc_time& period) : HostTick(soc, pe) {
  arm_at(pe.requester().now() + period);
}

void HostTick::arm_periodic(const sc_core::sc_time& period) {
  const sc_core::sc_time now = pe_.requester().now();
  const uint64_t ticks = now.value() / period.value() + 1;
  arm_at(period * static_cast<double>(ticks));
}

void HostTick::arm_at(const sc_core::sc_time& at) {
  GenericTimer& t = *pe_.timer();
  const sc_core::sc_time now = pe_.requester().now();
  t.set_cval(GenericTimer::Channel::Hyp, t.count(at), now);
  t.set_ctl(GenericTimer::Channel::Hyp, GenericTimer::kCtlEnable, now);
  armed_ = true;
}

bool HostTick::stop() {
  if (!armed_) return false;
  armed_ = false;
  GenericTimer& t = *pe_.timer();
  const sc_core::sc_time now = pe_.requester().now();
  const bool fired = t.asserted(GenericTimer::Channel::Hyp, now);
  gic::CpuInterface& cpu = soc_.gic().cpu_interface(pe_.index());
  const uint64_t intid = fired ? cpu.read(gic::IccReg::Iar1) : gic::kSpurious;
  t.set_ctl(GenericTimer::Channel::Hyp, 0, now);
  if (intid != gic::kSpurious) cpu.write(gic::IccReg::Eoir1, intid);
  return fired;
}

}  // namespace host
