// InstalledPages: runs of contiguous pages become one region; invalidation splits them.
#include "installed_pages.h"

#include <gtest/gtest.h>

#include <map>

namespace {

struct FakeBackend : cpu::InstalledPages::Backend {
  std::map<uint64_t, std::pair<uint64_t, uint8_t*>> regions;
  unsigned maps = 0, unmaps = 0;
  void map_region(uint64_t ipa, uint64_t size, uint32_t, uint8_t* host) override {
    EXPECT_FALSE(regions.count(ipa));
    regions[ipa] = {size, host};
    ++maps;
  }
  void unmap_region(uint64_t ipa, uint64_t size) override {
    ASSERT_TRUE(regions.count(ipa));
    EXPECT_EQ(regions[ipa].first, size);
    regions.erase(ipa);
    ++unmaps;
  }
};

cpu::InstalledPage page(uint8_t* host, uint32_t perms = 7) {
  cpu::InstalledPage p;
  p.host = host;
  p.perms = perms;
  return p;
}

alignas(4096) uint8_t mem[16 * 4096];

TEST(InstalledPages, contiguous_pages_in_any_order_merge_into_one_region) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  for (unsigned i : {3u, 1u, 2u, 0u, 4u}) pages.install(0x1000 * i + 0x80000000, page(mem + 4096 * i));
  EXPECT_EQ(pages.pages(), 5u);
  EXPECT_EQ(pages.regions(), 1u);
  ASSERT_EQ(b.regions.size(), 1u);
  EXPECT_EQ(b.regions.begin()->first, 0x80000000u);
  EXPECT_EQ(b.regions.begin()->second.first, 5 * 4096u);
  EXPECT_EQ(b.regions.begin()->second.second, mem);
}

TEST(InstalledPages, pages_with_other_permissions_or_host_memory_stay_apart) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  pages.install(0x80000000, page(mem));
  pages.install(0x80001000, page(mem + 4096, 5));     // other permissions
  pages.install(0x80002000, page(mem + 3 * 4096, 5)); // host not contiguous
  EXPECT_EQ(pages.regions(), 3u);
}

TEST(InstalledPages, invalidating_the_middle_of_a_run_keeps_both_ends_installed) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  for (unsigned i = 0; i < 8; ++i) pages.install(0x80000000 + 0x1000 * i, page(mem + 4096 * i));
  EXPECT_EQ(pages.invalidate(0x80002000, 0x2000), 2u);
  EXPECT_EQ(pages.pages(), 6u);
  EXPECT_EQ(pages.regions(), 2u);
  EXPECT_EQ(b.regions.at(0x80000000).first, 0x2000u);
  EXPECT_EQ(b.regions.at(0x80004000).first, 0x4000u);
  EXPECT_EQ(b.regions.at(0x80004000).second, mem + 4 * 4096);
  EXPECT_EQ(pages.find(0x80002000), nullptr);
  EXPECT_NE(pages.find(0x80004fff), nullptr);
  EXPECT_EQ(pages.invalidate(0x70000000, 0x1000), 0u);  // nothing there: no region change
  EXPECT_EQ(pages.clear(), 6u);
  EXPECT_TRUE(b.regions.empty());
}
}  // namespace
