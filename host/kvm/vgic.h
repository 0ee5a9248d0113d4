// The host's part of a vCPU's virtual interrupts, as KVM's vgic-v3 and arch timer do it: which
// virtual interrupts sit in the list registers the host loads (through RmiRecEnter for a
// realm, into the vCPU's ICH_* state for a normal VM), the EL1 virtual timer's level injected
// as PPI 27, and how long a vCPU waiting in WFI sleeps.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include <systemc>

#include "platform/devices/gicv3/virtual_cpu_interface.h"

namespace platform { class GenericTimer; }

namespace host::vgic {

using Lrs = std::array<uint64_t, platform::gicv3::kListRegs>;
// The priority Linux's GIC driver gives every interrupt (GICD_INT_DEF_PRI).
constexpr uint8_t kDefaultPriority = 0xA0;

// Whether a list register holds `vintid` (pending and/or active).
bool holds(const Lrs& lrs, unsigned vintid);
// Puts `vintid` in a free list register as pending group 1 (no-op when it is already held);
// false when every list register is in use.
bool inject(Lrs& lrs, unsigned vintid, uint8_t priority = kDefaultPriority);
bool any_pending(const Lrs& lrs);
// A level-sensitive input's new level (KVM's vgic on sync, kvm_timer_update_irq): high puts
// `vintid` in a list register; low takes back its pending state, so an interrupt only
// pending leaves the list register and one also active stays active.
void sync_level(Lrs& lrs, unsigned vintid, bool level);
// The EL1 virtual timer's output as the guest left it (CNTV_CTL: ENABLE, !IMASK, ISTATUS).
bool timer_asserted(uint64_t cntv_ctl);
// When an armed timer that has not fired yet will fire (kvm_timer_earliest_exp).
std::optional<sc_core::sc_time> timer_deadline(uint64_t cntv_ctl, uint64_t cntv_cval,
                                               const platform::GenericTimer& timer);

}  // namespace host::vgic
