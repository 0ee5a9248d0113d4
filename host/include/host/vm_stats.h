// What KVM counts for one VM (soc.host.<vm>), each statistic declared once with its unit and
// description: pages populated, faulted in, leaked; failed RMI calls; REC exits by
// RmiRecExitReason, RMI_EXIT_SYNC by cause and exits to the VMM by KVM exit reason.
#pragma once
#include <string>
#include <vector>

#include "host/rmi_client.h"
#include "host/vcpu.h"
#include "sim/stats.h"

namespace host {

struct VmStats {
  explicit VmStats(platform::StatGroup& vm);
  VmStats(const VmStats&) = delete;
  VmStats& operator=(const VmStats&) = delete;

  platform::Counter &populated_pages, &runtime_faults, &leaked_pages, &warnings, &irq_exits, &instructions;
  platform::Counter& rec_exit(rmi::ExitReason r) { return *rec_exits_[static_cast<unsigned>(r)]; }
  platform::Counter& sync_exit(SyncCause c) { return *sync_exits_[static_cast<unsigned>(c)]; }
  platform::Counter& kvm_exit(ExitReason r) { return *kvm_exits_[static_cast<unsigned>(r)]; }

 private:
  platform::StatGroup rec_group_, sync_group_, kvm_group_;
  std::vector<platform::Counter*> rec_exits_, sync_exits_, kvm_exits_;
};

}  // namespace host
