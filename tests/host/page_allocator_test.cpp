// The host page allocator: deterministic lowest-address-first, aligned runs, merging frees.
#include <gtest/gtest.h>

#include "host/page_allocator.h"

namespace {

constexpr uint64_t P = host::PageAllocator::kPage;

TEST(PageAllocator, allocates_lowest_address_first_and_counts_pages) {
  host::PageAllocator a(0x8000'0000, 16 * P);
  EXPECT_EQ(a.total_pages(), 16u);
  EXPECT_EQ(*a.alloc(), 0x8000'0000u);
  EXPECT_EQ(*a.alloc(), 0x8000'0000u + P);
  EXPECT_EQ(a.used_pages(), 2u);
  EXPECT_EQ(a.free_pages(), 14u);
}

TEST(PageAllocator, aligned_run_skips_to_the_alignment_and_keeps_the_gap) {
  host::PageAllocator a(0x8000'0000, 64 * P);
  ASSERT_TRUE(a.alloc());
  const auto run = a.alloc(8, 8 * P);
  ASSERT_TRUE(run);
  EXPECT_EQ(*run % (8 * P), 0u);
  EXPECT_EQ(*run, 0x8000'0000u + 8 * P);
  EXPECT_EQ(*a.alloc(), 0x8000'0000u + P);  // the gap before the run is still free
}

TEST(PageAllocator, free_merges_neighbours_so_a_large_run_fits_again) {
  host::PageAllocator a(0, 4 * P);
  const uint64_t p0 = *a.alloc(), p1 = *a.alloc(), p2 = *a.alloc(), p3 = *a.alloc();
  EXPECT_FALSE(a.alloc());
  a.free(p1);
  a.free(p3);
  a.free(p2);
  a.free(p0);
  EXPECT_EQ(*a.alloc(4), 0u);
}

TEST(PageAllocator, double_free_is_a_host_bug) {
  host::PageAllocator a(0, 4 * P);
  const uint64_t p = *a.alloc();
  a.free(p);
  EXPECT_THROW(a.free(p), std::logic_error);
}

TEST(PageAllocator, leaked_pages_are_never_handed_out_again) {
  host::PageAllocator a(0, 2 * P);
  const uint64_t p = *a.alloc();
  a.leak(p);
  EXPECT_EQ(a.leaked_pages(), 1u);
  EXPECT_EQ(*a.alloc(), P);
  EXPECT_FALSE(a.alloc());
}

TEST(PageAllocator, same_sequence_gives_the_same_addresses) {
  host::PageAllocator a(0x1000'0000, 1024 * P), b(0x1000'0000, 1024 * P);
  for (int i = 0; i < 100; ++i) {
    const uint64_t n = 1 + (i * 7) % 5, align = P << (i % 3);
    const auto x = a.alloc(n, align), y = b.alloc(n, align);
    ASSERT_EQ(x, y);
    if (i % 3 == 0) { a.free(*x, n); b.free(*y, n); }
  }
}

}  // namespace
