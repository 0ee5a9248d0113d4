#include "host/vm_stats.h"

namespace host {

VmStats::VmStats(platform::StatGroup& vm)
    : populated_pages(vm.counter("populated_pages", "pages", "private pages KVM_ARM_RMI_POPULATE mapped before activation")),
      runtime_faults(vm.counter("runtime_faults", "pages", "pages faulted in at run time (realm DATA_CREATE_UNKNOWN, normal VM stage 2)")),
      leaked_pages(vm.counter("leaked_pages", "granules", "granules teardown could not undelegate (still delegated, never reused)")),
      warnings(vm.counter("warnings", "RMI calls of KVM's that failed where they must not (Linux WARNs)")),
      irq_exits(vm.counter("irq_exits", "exits", "a normal VM's exits to KVM on a physical IRQ (the host's tick)")),
      instructions(vm.counter("instructions", "instructions",
                              "guest instructions its vCPUs retired (the simulator's count: a host cannot see a realm's)")),
      rec_group_("rec_exits", &vm), sync_group_("sync_exits", &vm), kvm_group_("kvm_exits", &vm) {
  for (unsigned r = 0; r <= static_cast<unsigned>(rmi::ExitReason::Serror); ++r) {
    const char* name = rmi::to_string(static_cast<rmi::ExitReason>(r));
    rec_exits_.push_back(&rec_group_.counter(name, std::string("REC exits with reason ") + name));
  }
  for (unsigned c = 0; c < kNumSyncCauses; ++c) {
    const char* name = to_string(static_cast<SyncCause>(c));
    sync_exits_.push_back(&sync_group_.counter(name, std::string("RMI_EXIT_SYNC handled as ") + name + " (host::SyncCause)"));
  }
  for (unsigned r = 0; r <= static_cast<unsigned>(ExitReason::InternalError); ++r) {
    const char* name = to_string(static_cast<ExitReason>(r));
    kvm_exits_.push_back(&kvm_group_.counter(name, std::string("KVM_RUN returns to the VMM with ") + name));
  }
}

}  // namespace host
