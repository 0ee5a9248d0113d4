// The host's stage 2 of a normal VM: an IPA beyond the VM's IPA size is refused, never folded
// onto a lower IPA by the 3-level walk (issue 9: 2^48 + 0x80200000 replaced 0x80200000).
#include <cerrno>

#include <gtest/gtest.h>

#include "host/kvm.h"
#include "host/vm.h"
#include "nvm_stage2.h"
#include "soc_fixture.h"

namespace {

// Normal-VM mappings need no guest CPU: nothing runs here.
struct NoGuestCpu final : platform::GuestCpu {
  platform::GuestExit run(platform::Pe&, platform::GuestState&, platform::Stage2&, uint64_t) override { return {}; }
  void invalidate_ipa(platform::Stage2&, uint64_t, uint64_t) override {}
  void invalidate_all() override {}
};

TEST(NvmStage2, map_page_beyond_the_ipa_size_fails_and_leaves_the_aliased_ipa_mapped_as_before) {
  rmesim::testing::SocFixture f;
  f.boot();
  NoGuestCpu cpu;
  host::Kvm kvm(*f.soc, cpu);
  constexpr uint64_t kIpa = 0x8020'0000;
  int rc_own = 1, rc_beyond = 1;
  uint64_t own = 0, other = 0;
  platform::Stage2Result after;
  f.run([&](platform::Pe& pe) {
    host::Vm* vm = kvm.create_vm(39, "vm0");
    ASSERT_NE(vm, nullptr);
    ASSERT_EQ(vm->ipa_bits(), 39u);
    const auto mem = kvm.user_alloc(4 * platform::MiB);
    ASSERT_TRUE(mem);
    host::UserMemoryRegion r;
    r.slot = 0;
    r.guest_phys_addr = 0x8000'0000;
    r.memory_size = 4 * platform::MiB;
    r.userspace_addr = *mem;
    ASSERT_EQ(vm->set_user_memory_region(r), 0);
    ASSERT_TRUE(vm->user_pa_of(kIpa, own));
    rc_own = vm->map_page(kIpa);
    other = *kvm.pages().alloc();
    rc_beyond = vm->map_page((uint64_t{1} << 48) + kIpa, &other);
    after = host::NvmStage2(*vm).translate(pe, kIpa);
  });
  EXPECT_EQ(rc_own, 0);
  EXPECT_EQ(rc_beyond, -EINVAL);
  EXPECT_EQ(after.kind, platform::Stage2Result::Kind::Mapped);
  EXPECT_EQ(after.pa, own) << "the mapping of " << std::hex << kIpa << " changed to " << after.pa << " (other page " << other << ")";
}

}  // namespace
