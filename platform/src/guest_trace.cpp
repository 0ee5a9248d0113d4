#include "platform/guest_trace.h"

#include <cstdio>

#include "platform/pe.h"
#include "platform/requester.h"
#include "sim/trace.h"

namespace platform {

const char* to_string(GuestExitKind k) {
  using K = GuestExitKind;
  switch (k) {
    case K::Hvc: return "hvc";
    case K::Smc: return "smc";
    case K::Stage2Abort: return "stage2_abort";
    case K::Mmio: return "mmio";
    case K::Gpf: return "gpf";
    case K::Wfi: return "wfi";
    case K::Wfe: return "wfe";
    case K::SysregTrap: return "sysreg_trap";
    case K::Irq: return "irq";
    case K::Fiq: return "fiq";
    case K::SError: return "serror";
    case K::Budget: return "budget";
    case K::Halted: return "halted";
  }
  return "?";
}

void GuestTrace::on_slice(Pe& pe, const GuestSlice& slice, const GuestExit& exit) {
  if (slice.world != world_ || !trace_.enabled() || slice.end <= slice.start) return;
  trace_.slice(pe.requester().trace_track(world_), "guest", "guest", slice.start, slice.end - slice.start,
               {{"exit", to_string(exit.kind)}, {"instructions", std::to_string(exit.instructions)}});
}

void GuestTrace::on_exit(Pe& pe, World world, const GuestState& state, const GuestExit& exit) {
  if (world != world_ || !trace_.enabled() || exit.kind != GuestExitKind::Halted) return;
  char pc[32];
  std::snprintf(pc, sizeof pc, "0x%llx", static_cast<unsigned long long>(state.pc));
  trace_.instant(pe.requester().trace_track(world_), "guest halted", "guest", pe.requester().now(),
                 {{"reason", exit.reason}, {"pc", pc}});
}

}  // namespace platform
