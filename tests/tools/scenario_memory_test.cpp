// Scenario loading: VMs that cannot fit in the host's DRAM, alone or together, are refused at
// load with the file, line, column and key, what they need and what the host has.
#include <gtest/gtest.h>

#include "host/kvm.h"
#include "host/memory_need.h"
#include "rmesim/scenario.h"

using platform::ConfigError;
using rmesim::parse_scenario;

namespace {

ConfigError load_error(const std::string& yaml) {
  try {
    parse_scenario(yaml, "big.yaml", {});
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return ConfigError("", 0, 0, "", "");
}

TEST(ScenarioMemory, a_realm_larger_than_dram_can_hold_is_refused_at_load) {
  // 4 GiB of realm memory needs 4 GiB for the VMM's copy and 4 GiB of private pages.
  const ConfigError e = load_error(
      "name: big\nplatform: {cores: 2, dram: 8GiB}\nrealms:\n  r0:\n    image: realm-hello\n    memory: 4GiB\n");
  EXPECT_EQ(e.file(), "big.yaml");
  EXPECT_EQ(e.line(), 6);
  EXPECT_EQ(e.column(), 13);
  EXPECT_EQ(e.key(), "realms.r0.memory");
  const std::string what = e.what();
  EXPECT_NE(what.find("r0: 4096 MiB VMM memory + 4096 MiB private"), std::string::npos) << what;
  EXPECT_NE(what.find("platform.dram of 8192 MiB leaves the host"), std::string::npos) << what;
  // Twice the DRAM holds it.
  EXPECT_NO_THROW(parse_scenario(
      "name: big\nplatform: {cores: 2, dram: 16GiB}\nrealms:\n  r0:\n    image: realm-hello\n    memory: 4GiB\n",
      "big.yaml", {}));
}

TEST(ScenarioMemory, two_realms_that_exceed_dram_together_are_refused_at_the_second) {
  const std::string one = "name: two\nplatform: {cores: 3, dram: 4GiB}\nrealms:\n  r0: {image: realm-hello, memory: 1GiB}\n";
  EXPECT_NO_THROW(parse_scenario(one, "two.yaml", {})) << "one of them fits";
  const ConfigError e = load_error(one + "  r1: {image: realm-hello, memory: 1GiB}\n");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.key(), "realms.r1.memory");
  EXPECT_NE(std::string(e.what()).find("the VMs need"), std::string::npos) << e.what();
  // A normal VM's memory counts too (its VMM memory backs the guest directly).
  const ConfigError v = load_error(one + "vms:\n  vm0: {image: compute, memory: 2GiB}\n");
  EXPECT_EQ(v.key(), "vms.vm0.memory");
}

TEST(ScenarioMemory, the_need_follows_what_the_host_allocates) {
  host::VmSpec realm;
  realm.realm = true;
  realm.memory = 64 * platform::MiB;
  realm.vcpus = 2;
  const host::MemoryNeed n = host::memory_need(realm);
  EXPECT_EQ(n.vmm, 64 * platform::MiB);
  EXPECT_EQ(n.priv, 64 * platform::MiB);
  // 36-bit IPAs: one level-1 root, one level-2 RTT, 32 level-3 RTTs.
  EXPECT_EQ(n.tables, (1 + 1 + 32) * 4096u);
  // RD, params, and per vCPU a REC, 16 AUX granules and its rec_run page.
  EXPECT_EQ(n.objects, (2 + 2 * 18) * 4096u);
  platform::SocConfig cfg;  // 2 GiB from 0x80000000
  const host::HostPool pool = host::host_pool(cfg);
  EXPECT_EQ(pool.base, cfg.dram_base + host::kHostReserved);
  EXPECT_LT(pool.size, cfg.dram_size - host::kHostReserved - cfg.rmm_size - cfg.monitor_size);
}

}  // namespace
