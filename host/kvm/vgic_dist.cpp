#include "vgic_dist.h"

#include <cerrno>

#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "platform/memory_map.h"

namespace host::vgic {

namespace gic = platform::gicv3;
namespace map = platform::memory_map;

// The register models call `changed` after writes; delivery happens at the next vCPU entry
// (flush), so nothing needs to run then.
EmulatedGic::EmulatedGic(const std::vector<uint64_t>& mpidrs) : dist_([] {}) {
  for (unsigned i = 0; i < mpidrs.size(); ++i)
    redists_.push_back(std::make_unique<gic::Redistributor>(i, mpidrs[i], i + 1 == mpidrs.size(), [] {}));
}

bool EmulatedGic::mmio(uint64_t gpa, unsigned len, bool is_write, uint64_t& data) {
  auto access = [&](auto& regs, uint64_t off) {
    const bool width_ok = len == 1 || len == 4 || len == 8;
    if (is_write) {
      if (width_ok) regs.write(off, len, data);
    } else if (!width_ok || !regs.read(off, len, data)) {
      data = 0;
    }
  };
  if (gpa >= map::kGicdBase && gpa < map::kGicdBase + map::kGicdSize) {
    access(dist_, gpa - map::kGicdBase);
    return true;
  }
  if (gpa >= map::kGicrBase && gpa < map::kGicrBase + map::kGicrStride * redists_.size()) {
    const uint64_t off = gpa - map::kGicrBase;
    access(*redists_[off / map::kGicrStride], off % map::kGicrStride);
    return true;
  }
  return false;
}

void EmulatedGic::set_spi_level(unsigned intid, bool level) {
  if (intid >= gic::kSpiBase && intid < gic::kIntidCount) dist_.set_spi_level(intid, level);
}

template <typename Fn>
void EmulatedGic::for_each_pending(unsigned vcpu, const Lrs& lrs, Fn fn) const {
  if (vcpu >= redists_.size() || redists_[vcpu]->asleep()) return;  // a vCPU created after the vGIC: none
  const gic::Redistributor& rd = *redists_[vcpu];
  auto consider = [&](unsigned intid, const gic::IrqState& s) {
    if (s.enabled && s.pending() && !s.active && dist_.group_enabled(s.group1) && !holds(lrs, intid))
      fn(intid, s);
  };
  for (unsigned i = 0; i < gic::kSpiBase; ++i) consider(i, rd.irq(i));
  for (unsigned i = gic::kSpiBase; i < gic::kIntidCount; ++i)
    if (dist_.route(i) == rd.affinity()) consider(i, dist_.spi(i));
}

void EmulatedGic::flush(unsigned vcpu, Lrs& lrs) {
  for_each_pending(vcpu, lrs, [&](unsigned intid, const gic::IrqState& s) {
    if (!inject(lrs, intid, s.priority)) return;
    // The list register now holds the pending state of an edge (KVM's vgic_irq.pending_latch).
    gic::IrqState& st = intid < gic::kSpiBase ? redists_[vcpu]->irq(intid) : dist_.spi(intid);
    st.latch = false;
  });
}

bool EmulatedGic::has_pending(unsigned vcpu, const Lrs& lrs) const {
  bool any = false;
  for_each_pending(vcpu, lrs, [&](unsigned, const gic::IrqState&) { any = true; });
  return any;
}

}  // namespace host::vgic

namespace host {

vgic::EmulatedGic& Vm::gic() {
  if (!gic_) {
    std::vector<uint64_t> mpidrs;
    for (const auto& v : vcpus_) mpidrs.push_back(v->mpidr());
    gic_ = std::make_unique<vgic::EmulatedGic>(mpidrs);
  }
  return *gic_;
}

int Vm::irq_line(unsigned intid, bool level) {
  if (intid < platform::gicv3::kSpiBase || intid >= platform::gicv3::kIntidCount) return -EINVAL;
  gic().set_spi_level(intid, level);
  if (level)
    for (const auto& v : vcpus_) v->wake_.notify(sc_core::SC_ZERO_TIME);  // out of a WFI sleep
  return 0;
}

}  // namespace host
