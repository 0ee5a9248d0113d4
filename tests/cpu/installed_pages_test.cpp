// InstalledPages: installs map their own region, invalidations change regions only at sync(),
// and runs are coalesced within 2 MiB blocks when the region count passes its threshold.
#include "installed_pages.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace {

struct FakeBackend : cpu::InstalledPages::Backend {
  std::map<uint64_t, std::pair<uint64_t, uint8_t*>> regions;
  unsigned maps = 0, unmaps = 0;
  void map_region(uint64_t ipa, uint64_t size, uint32_t, uint8_t* host) override {
    auto next = regions.lower_bound(ipa);
    EXPECT_TRUE(next == regions.end() || next->first >= ipa + size) << "overlaps a region";
    if (next != regions.begin()) {
      EXPECT_LE(std::prev(next)->first + std::prev(next)->second.first, ipa) << "overlaps a region";
    }
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

alignas(4096) uint8_t mem[1024 * 4096];
constexpr uint64_t kBase = 0x80000000;

// Installs `n` pages at kBase backed by the start of `mem`, as one fill run.
void install_run(cpu::InstalledPages& pages, unsigned n) {
  std::vector<cpu::InstalledPage> run;
  for (unsigned i = 0; i < n; ++i) run.push_back(page(mem + 4096 * i));
  pages.install_run(kBase, run.data(), n);
}

TEST(InstalledPages, each_install_is_one_region_and_never_remaps_a_neighbour) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  for (unsigned i : {3u, 1u, 2u, 0u, 4u}) pages.install(kBase + 0x1000 * i, page(mem + 4096 * i));
  EXPECT_EQ(pages.pages(), 5u);
  EXPECT_EQ(pages.regions(), 5u);
  EXPECT_EQ(b.maps, 5u);
  EXPECT_EQ(b.unmaps, 0u);
}

TEST(InstalledPages, past_the_threshold_sync_coalesces_runs_within_2_mib_blocks_only) {
  FakeBackend b;
  cpu::InstalledPages pages(b, 4);
  // 8 single pages straddling a 2 MiB boundary: 4 below it, 4 above, host memory contiguous,
  // and one more with other permissions.
  const uint64_t boundary = kBase + cpu::InstalledPages::kBlock;
  for (unsigned i = 0; i < 8; ++i) pages.install(boundary - 4 * 4096 + i * 4096, page(mem + 4096 * i));
  pages.install(boundary + 4 * 4096, page(mem + 8 * 4096, 5));
  EXPECT_EQ(b.unmaps, 0u);  // never while a slice may be running
  EXPECT_EQ(pages.regions(), 9u);
  pages.sync();
  EXPECT_EQ(pages.regions(), 3u);
  EXPECT_EQ(b.regions.at(boundary - 4 * 4096).first, 4 * 4096u);
  EXPECT_EQ(b.regions.at(boundary).first, 4 * 4096u);
  EXPECT_EQ(b.regions.at(boundary).second, mem + 4 * 4096);
  EXPECT_EQ(b.regions.size(), pages.regions());
  EXPECT_EQ(pages.pages(), 9u);
  pages.sync();  // under the new threshold: nothing to do
  EXPECT_EQ(b.unmaps, 8u);
}

TEST(InstalledPages, an_invalidation_removes_pages_at_once_and_splits_regions_at_sync) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  install_run(pages, 8);
  EXPECT_EQ(pages.invalidate(kBase + 0x2000, 0x2000), 2u);
  EXPECT_EQ(pages.pages(), 6u);
  EXPECT_EQ(pages.find(kBase + 0x2000), nullptr);
  EXPECT_NE(pages.find(kBase + 0x4fff), nullptr);
  EXPECT_EQ(b.unmaps, 0u);  // nothing runs before sync(): the region may wait
  pages.sync();
  EXPECT_EQ(pages.regions(), 2u);
  EXPECT_EQ(b.regions.at(kBase).first, 0x2000u);
  EXPECT_EQ(b.regions.at(kBase + 0x4000).first, 0x4000u);
  EXPECT_EQ(b.regions.at(kBase + 0x4000).second, mem + 4 * 4096);
  EXPECT_EQ(pages.invalidate(0x70000000, 0x1000), 0u);  // nothing there: no region change
  pages.sync();
  EXPECT_EQ(b.unmaps, 1u);
  EXPECT_EQ(pages.clear(), 6u);
  pages.sync();
  EXPECT_TRUE(b.regions.empty());
  EXPECT_EQ(pages.regions(), 0u);
}

TEST(InstalledPages, an_install_over_invalidated_pages_applies_the_pending_change_first) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  install_run(pages, 4);
  pages.invalidate(kBase + 0x1000, 0x1000);
  pages.install(kBase + 0x1000, page(mem + 100 * 4096));  // remapped elsewhere, before a sync
  EXPECT_EQ(pages.find(kBase + 0x1000)->host, mem + 100 * 4096);
  EXPECT_EQ(b.regions.size(), 3u);
  EXPECT_EQ(b.regions.at(kBase + 0x1000).second, mem + 100 * 4096);
}

TEST(InstalledPages, memory_too_fragmented_to_coalesce_is_dropped_at_sync_so_fills_get_room) {
  FakeBackend b;
  cpu::InstalledPages pages(b, 2, 4);
  // Every other page: nothing to coalesce.
  for (unsigned i = 0; i < 4; ++i) pages.install(kBase + 0x2000 * i, page(mem + 0x2000 * i));
  EXPECT_TRUE(pages.full());
  pages.sync();
  EXPECT_FALSE(pages.full());
  EXPECT_EQ(pages.pages(), 0u);
  EXPECT_TRUE(b.regions.empty());
  pages.install(kBase, page(mem));
  EXPECT_EQ(pages.regions(), 1u);
}

TEST(InstalledPages, an_executable_run_counts_twice_toward_the_limit_for_its_guard_region) {
  FakeBackend b;
  cpu::InstalledPages pages(b, 64, 4);
  pages.install(kBase, page(mem, 7));              // executable: a region and its guard
  pages.install(kBase + 0x2000, page(mem + 0x2000, 3));
  EXPECT_EQ(pages.unicorn_regions(), 3u);
  EXPECT_FALSE(pages.full());
  pages.install(kBase + 0x4000, page(mem + 0x4000, 3));
  EXPECT_TRUE(pages.full());
  pages.invalidate(kBase, 0x1000);
  pages.sync();
  EXPECT_EQ(pages.unicorn_regions(), 2u);
}

TEST(InstalledPages, invalidate_by_pa_finds_every_alias) {
  FakeBackend b;
  cpu::InstalledPages pages(b);
  cpu::InstalledPage p = page(mem);
  p.pa = 0x84000000;
  pages.install(kBase, p);
  pages.install(kBase + 0x10000, p);  // the same PA at a second IPA
  EXPECT_EQ(pages.invalidate_pa(0x84000000, 4096), 2u);
  EXPECT_EQ(pages.pages(), 0u);
}

}  // namespace
