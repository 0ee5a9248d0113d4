// PageTable against std::map / std::multimap under the same random inserts, erases and
// clears: every lookup, every range of a multi-table and the size agree, through growth and
// the backward shifts of erase (pages chosen from a small pool, so runs collide and wrap).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "page_table.h"

namespace {

using cpu::PageTable;
constexpr uint64_t kPage = 4096;

TEST(PageTable, lookups_inserts_and_erases_agree_with_std_map) {
  std::mt19937_64 rng(7);
  PageTable<uint64_t> t;
  std::map<uint64_t, uint64_t> ref;
  for (int step = 0; step < 200000; ++step) {
    const uint64_t page = (rng() % 3000) * kPage + (step % 2 ? 0xFFFF'0000'0000'0000 : 0);
    switch (rng() % 8) {
      case 0: case 1: case 2: t[page] = step; ref[page] = static_cast<uint64_t>(step); break;
      case 3: case 4: t.erase(page); ref.erase(page); break;
      case 5:
        if (rng() % 500 == 0) { t.clear(); ref.clear(); }
        break;
      default: {
        const uint64_t* v = t.find(page);
        const auto it = ref.find(page);
        ASSERT_EQ(v != nullptr, it != ref.end()) << step;
        if (v) {
          ASSERT_EQ(*v, it->second) << step;
        }
      }
    }
    ASSERT_EQ(t.size(), ref.size()) << step;
  }
  size_t seen = 0;
  t.for_each([&](uint64_t k, uint64_t v) {
    ++seen;
    EXPECT_EQ(ref.at(k), v);
  });
  EXPECT_EQ(seen, ref.size());
}

TEST(PageTable, a_multi_table_keeps_every_value_under_a_key_in_insertion_order) {
  std::mt19937_64 rng(11);
  PageTable<uint64_t, true> t;
  std::multimap<uint64_t, uint64_t> ref;
  for (uint64_t v = 0; v < 20000; ++v) {
    const uint64_t page = (rng() % 5000) * kPage;
    t[page] = v;
    ref.emplace(page, v);
  }
  ASSERT_EQ(t.size(), ref.size());
  for (uint64_t page = 0; page < 5000 * kPage; page += kPage) {
    std::vector<uint64_t> got, want;
    t.for_each_under(page, [&](uint64_t v) { got.push_back(v); });
    for (auto [it, end] = ref.equal_range(page); it != end; ++it) want.push_back(it->second);
    ASSERT_EQ(got, want) << page;
  }
}

TEST(PageTable, erasing_and_inserting_again_reuses_the_place_of_the_value) {
  // A guest's TLBI by VA erases an entry that its next fill records again, for as long as
  // nothing flushes: the values stored must not grow with the number of refills.
  PageTable<uint64_t> t;
  for (uint64_t p = 0; p < 100; ++p) t[p * kPage] = p;
  for (int round = 0; round < 10000; ++round) {
    const uint64_t p = static_cast<uint64_t>(round % 100) * kPage;
    t.erase(p);
    t[p] = static_cast<uint64_t>(round);
  }
  EXPECT_EQ(t.size(), 100u);
  EXPECT_EQ(t.stored_values(), 100u);
  EXPECT_EQ(*t.find(99 * kPage), 9999u);
}

TEST(PageTable, a_set_holds_each_page_once) {
  cpu::PageSet s;
  for (int round = 0; round < 3; ++round)
    for (uint64_t p = 0; p < 10000; ++p) s.insert(p * kPage);
  EXPECT_EQ(s.size(), 10000u);
  EXPECT_TRUE(s.contains(0));
  EXPECT_TRUE(s.contains(9999 * kPage));
  EXPECT_FALSE(s.contains(10000 * kPage));
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.contains(0));
}

}  // namespace
