// KVM's failure paths give back what they delegated, as Linux's do: a realm create,
// KVM_ARM_RMI_POPULATE or REC creation that runs out of host memory part-way leaves no granule
// delegated that KVM does not track, and the teardown that follows leaves none at all. The
// host's allocator is squeezed to every budget from nothing to enough, so that each allocation
// of the create-populate-activate path fails once.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "host/vmm.h"
#include "platform/abi/psci.h"
#include "platform/pe.h"
#include "rmm/rmm.h"
#include "soc_fixture.h"

namespace {

using platform::GuestExit;
using platform::GuestExitKind;
using platform::GuestState;

constexpr uint64_t kPage = host::PageAllocator::kPage;
// Not a multiple of 2 MiB: the initial RIPAS needs a level-3 RTT besides the level-2 one, so
// that RMI_RTT_INIT_RIPAS can fail after RMI_REALM_CREATE.
constexpr uint64_t kRam = 0x8000'0000, kRamSize = 4 * 1024 * 1024 + kPage;

// A realm guest that powers off at once (PSCI SYSTEM_OFF): the test needs KVM_RUN to activate
// the realm, not the guest to do anything.
class PowerOffCpu final : public platform::GuestCpu {
 public:
  GuestExit run(platform::Pe&, GuestState& s, platform::Stage2&, uint64_t) override {
    s.x[0] = platform::abi::psci::kSystemOff;
    s.pc += 4;
    GuestExit e;
    e.kind = GuestExitKind::Smc;
    return e;
  }
  void invalidate_ipa(platform::Stage2&, uint64_t, uint64_t) override {}
  void invalidate_all() override {}
};

class KvmUnwind : public ::testing::Test {
 protected:
  rmesim::testing::SocFixture f;
  rmm::Rmm rmm{*f.soc};
  PowerOffCpu cpu;
  host::Kvm kvm{*f.soc, cpu};

  KvmUnwind() {
    rmm.attach_guest_cpu(cpu);
    f.run([&](platform::Pe& pe) {
      f.soc->monitor().boot(pe.requester());
      ASSERT_EQ(kvm.init(), 0);
    });
  }

  uint64_t delegated() const {
    const auto c = rmm.granule_census();
    uint64_t n = 0;
    for (size_t s = 1; s < c.size(); ++s) n += c[s];
    return n;
  }

  // Takes pages until only `budget` are free (returned by give_back).
  std::vector<std::pair<uint64_t, uint64_t>> squeeze(uint64_t budget) {
    std::vector<std::pair<uint64_t, uint64_t>> taken;
    auto& pages = kvm.pages();
    while (pages.free_pages() > budget) {
      uint64_t n = pages.free_pages() - budget;
      std::optional<uint64_t> pa;
      while (!(pa = pages.alloc(n))) n = (n + 1) / 2;
      taken.emplace_back(*pa, n);
    }
    return taken;
  }
  void give_back(const std::vector<std::pair<uint64_t, uint64_t>>& taken) {
    for (const auto& [pa, n] : taken) kvm.pages().free(pa, n);
  }

  // A 2-vCPU realm: create, populate `populate` bytes, KVM_RUN vCPU 0 (activation: RECs and
  // their AUX granules). Returns the first error (0: the realm ran) and leaves the VM alive.
  int build_realm(host::Vm*& vm, uint64_t user, uint64_t populate) {
    vm = kvm.create_vm(host::kVmTypeArmRealm | 36, "r0");
    if (!vm) return -EINVAL;
    host::UserMemoryRegion r;
    r.guest_phys_addr = kRam;
    r.memory_size = kRamSize;
    r.userspace_addr = user;
    if (int rc = vm->set_user_memory_region(r)) return rc;
    host::RmiPopulate p;
    p.base = kRam;
    p.size = populate;
    p.source_uaddr = user;
    while (p.size)
      if (int rc = vm->rmi_populate(p)) return rc;
    for (unsigned i = 0; i < 2; ++i)
      if (!vm->create_vcpu(i)) return -EINVAL;
    host::KvmRun run;
    return vm->vcpu(0)->run(run);
  }
};

TEST_F(KvmUnwind, every_failure_of_create_populate_and_activation_leaves_only_what_kvm_tracks) {
  const uint64_t populate = 64 * kPage;
  unsigned failures = 0, successes = 0;
  f.run([&](platform::Pe&) {
    const auto user = kvm.user_alloc(kRamSize);
    ASSERT_TRUE(user);
    const uint64_t free_before = kvm.pages().free_pages();
    // Enough for the RD, root RTT, RTTs, 64 DATA pages and 2 RECs with 16 AUX each, and some.
    for (uint64_t budget = 0; budget <= 160; ++budget) {
      const auto taken = squeeze(budget);
      host::Vm* vm = nullptr;
      const int rc = build_realm(vm, *user, populate);
      (rc ? failures : successes)++;
      ASSERT_TRUE(vm);
      // Whatever failed, only what the VM still tracks (its realm, for a later teardown) is
      // delegated; a realm that could not be created has none.
      EXPECT_EQ(delegated(), vm->delegated_now()) << "budget " << budget << ", rc " << rc;
      if (vm->realm_state() == host::RealmState::Dead) {
        EXPECT_EQ(delegated(), 0u) << "budget " << budget;
      }
      vm->destroy();  // the VMM exits, its VM fd is closed
      EXPECT_EQ(delegated(), 0u) << "budget " << budget << ", rc " << rc;
      EXPECT_EQ(vm->leaked_pages(), 0u) << "budget " << budget;
      EXPECT_TRUE(vm->warnings().empty()) << "budget " << budget << ": " << vm->warnings().front();
      give_back(taken);
      EXPECT_EQ(kvm.pages().free_pages(), free_before) << "budget " << budget << ": a page was lost";
    }
    kvm.user_free(*user, kRamSize);
  });
  EXPECT_GT(failures, 100u) << "the budgets did not reach the failure paths";
  EXPECT_GT(successes, 0u) << "the largest budget should be enough";
}

// The VMM's side: a realm whose populate runs out of host memory fails its create, and the
// VMM closes the VM (as kvmtool exits): nothing stays delegated, no host page is lost.
TEST_F(KvmUnwind, a_vmm_create_that_fails_in_populate_gives_everything_back) {
  const std::string image = ::testing::TempDir() + "/kvm_unwind_image.bin";
  std::ofstream(image, std::ios::binary) << std::string(2 * kPage, '\x17');
  f.run([&](platform::Pe&) {
    host::Vmm vmm(kvm);
    host::VmSpec spec;
    spec.name = "r0";
    spec.realm = true;
    spec.memory = kRamSize;
    spec.image = image;
    spec.populate_size = kRamSize;  // 1025 DATA pages
    const uint64_t free_before = kvm.pages().free_pages();
    // Room for the VMM's copy of RAM and a quarter of the private pages.
    const auto taken = squeeze(2 * 1024 * 1024 / kPage * 3 + 256);
    const std::string err = vmm.create(spec);
    EXPECT_NE(err.find("KVM_ARM_RMI_POPULATE failed (-12)"), std::string::npos) << err;
    EXPECT_EQ(vmm.state("r0"), nullptr);
    EXPECT_EQ(delegated(), 0u);
    give_back(taken);
    EXPECT_EQ(kvm.pages().free_pages(), free_before);
  });
  std::remove(image.c_str());
}

}  // namespace
