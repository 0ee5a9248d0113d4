// TlbContents' model-side invalidations (an RTT or RIPAS change by IPA, a TLBI by PA after a
// GPT change): a flush is due exactly when an entry derived from a page in the range is held,
// whether the range is a few pages (looked up page by page) or more pages than are held (scanned).
#include <gtest/gtest.h>

#include "tlb_contents.h"

namespace {

using cpu::TlbContents;
constexpr uint64_t kPage = TlbContents::kPage;

// `n` entries: VA page i -> IPA 0x4000_0000 + 2i pages -> PA 0x8000_0000 + 2i pages.
TlbContents with_entries(uint64_t n) {
  TlbContents t;
  for (uint64_t i = 0; i < n; ++i) {
    TlbContents::Entry e;
    e.ipa = 0x4000'0000 + 2 * i * kPage;
    e.pa = 0x8000'0000 + 2 * i * kPage;
    t.record(i * kPage, e);
  }
  return t;
}

TEST(TlbContents, an_invalidation_by_pa_or_ipa_is_due_only_when_a_held_page_lies_in_its_range) {
  for (const uint64_t held : {1u, 3u, 1000u}) {
    for (const bool by_pa : {false, true}) {
      const uint64_t base = by_pa ? 0x8000'0000 : 0x4000'0000;
      auto due = [&](uint64_t at, uint64_t size) {
        TlbContents t = with_entries(held);
        return by_pa ? t.invalidate_pa(at, size) : t.invalidate_ipa(at, size);
      };
      SCOPED_TRACE(std::to_string(held) + (by_pa ? " by PA" : " by IPA"));
      EXPECT_TRUE(due(base, kPage));
      EXPECT_TRUE(due(base + 100, 1));                  // inside the first page
      EXPECT_FALSE(due(base + kPage, kPage));           // the gap between two held pages
      EXPECT_FALSE(due(base - kPage, kPage));           // just below
      EXPECT_TRUE(due(base - kPage, kPage + 1));        // one byte into the first page
      EXPECT_FALSE(due(base + 2 * held * kPage, 64 * kPage));  // just above the last
      EXPECT_TRUE(due(base + 2 * (held - 1) * kPage, 1));      // the last page
      EXPECT_TRUE(due(0, base + 1));                    // a range larger than what is held
      EXPECT_FALSE(due(0, base));
      EXPECT_TRUE(due(base, ~uint64_t{0}));             // to the top of the address space
      EXPECT_FALSE(due(~uint64_t{0} - kPage, kPage));   // the top page
      EXPECT_FALSE(due(base, 0));                       // an empty range
    }
  }
  TlbContents none;
  EXPECT_FALSE(none.invalidate_pa(0, ~uint64_t{0}));
}

}  // namespace
