// soc.host.<vm>: every exit KVM counts is a declared counter, with its unit and description,
// and a second declaration of the same statistics is refused.
#include <gtest/gtest.h>

#include <stdexcept>

#include "host/vm.h"
#include "host/vm_stats.h"
#include "sim/stats_json.h"

namespace {

TEST(VmStats, every_exit_is_a_declared_counter_that_counts) {
  platform::StatGroup soc("soc"), hostg("host", &soc), vm("r0", &hostg);
  host::VmStats s(vm);
  ++s.rec_exit(host::rmi::ExitReason::Sync);
  ++s.rec_exit(host::rmi::ExitReason::Sync);
  ++s.sync_exit(host::SyncCause::MmioWrite);
  ++s.kvm_exit(host::ExitReason::Mmio);
  s.populated_pages += 512;
  EXPECT_EQ(vm.find_counter("rec_exits.RMI_EXIT_SYNC")->value, 2u);
  EXPECT_EQ(vm.find_counter("rec_exits.RMI_EXIT_PSCI")->value, 0u) << "declared before it happens";
  EXPECT_EQ(vm.find_counter("sync_exits.mmio_write")->value, 1u);
  EXPECT_EQ(vm.find_counter("kvm_exits.KVM_EXIT_MMIO")->value, 1u);
  EXPECT_EQ(vm.find_counter("populated_pages")->value, 512u);
  // Every name a scenario's `check: {exits: ...}` accepts has its counter.
  for (const auto& name : host::exit_counter_names()) {
    const std::string sync = "RMI_EXIT_SYNC.";
    const std::string path = name.rfind(sync, 0) == 0 ? "sync_exits." + name.substr(sync.size())
                             : name.rfind("RMI_", 0) == 0 ? "rec_exits." + name : "kvm_exits." + name;
    EXPECT_NE(vm.find_counter(path), nullptr) << name;
  }
}

TEST(VmStats, each_is_declared_once_with_a_unit_and_description) {
  platform::StatGroup vm("r0");
  host::VmStats s(vm);
  EXPECT_THROW(host::VmStats again(vm), std::logic_error);
  const auto j = platform::stats_json(vm, {true, false});
  EXPECT_EQ(j["populated_pages"]["unit"], "pages");
  EXPECT_EQ(j["rec_exits"]["RMI_EXIT_HOST_CALL"]["unit"], "count");
  EXPECT_FALSE(j["sync_exits"]["wfx"]["desc"].get<std::string>().empty());
}

}  // namespace
