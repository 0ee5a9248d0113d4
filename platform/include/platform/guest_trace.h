// How guests' runs look in trace.json, drawn for the owner of the guests of one world (the RMM
// for its realms, the host for its normal VMs), which adds one to the CPU as an observer: each
// run a "guest" slice on the PE's track of that world, with the exit that ended it and the
// instructions it ran, and an instant when a guest halted (it cannot continue). Runs in other
// worlds belong to someone else. The GPC unit draws the GPFs that end runs.
#pragma once
#include "platform/guest_cpu.h"

namespace platform {

class Trace;

const char* to_string(GuestExitKind k);  // "smc", "stage2_abort", ...

class GuestTrace final : public GuestObserver {
 public:
  GuestTrace(Trace& trace, World world) : trace_(trace), world_(world) {}
  void on_slice(Pe& pe, const GuestSlice& slice, const GuestExit& exit) override;
  void on_exit(Pe& pe, World world, const GuestState& state, const GuestExit& exit) override;

 private:
  Trace& trace_;
  World world_;
};

}  // namespace platform
