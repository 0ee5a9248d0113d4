// InstalledPages: see installed_pages.h.
#include "installed_pages.h"

#include <cassert>
#include <vector>

namespace cpu {

void InstalledPages::install_run(uint64_t ipa, const InstalledPage* pages, uint64_t count) {
  assert(ipa % kPage == 0 && count > 0);
  const InstalledPage& page = pages[0];
  for (uint64_t i = 0; i < count; ++i) {
    assert(!pages_.count(ipa + i * kPage) && pages[i].host == page.host + i * kPage);
    pages_[ipa + i * kPage] = pages[i];
    by_pa_.emplace(pages[i].pa, ipa + i * kPage);
  }
  uint64_t start = ipa, size = count * kPage;
  uint8_t* host = page.host;
  // The run that ends at `ipa`, if it continues into these pages.
  auto right = runs_.lower_bound(ipa);
  if (right != runs_.begin()) {
    auto left = std::prev(right);
    if (left->first + left->second.size == ipa && left->second.perms == page.perms &&
        left->second.host + left->second.size == page.host) {
      start = left->first;
      size += left->second.size;
      host = left->second.host;
      backend_.unmap_region(left->first, left->second.size);
      runs_.erase(left);
    }
  }
  // The run that starts right after them, if they continue into it.
  right = runs_.find(ipa + count * kPage);
  if (right != runs_.end() && right->second.perms == page.perms &&
      page.host + count * kPage == right->second.host) {
    size += right->second.size;
    backend_.unmap_region(right->first, right->second.size);
    runs_.erase(right);
  }
  backend_.map_region(start, size, page.perms, host);
  runs_[start] = Run{size, page.perms, host};
}

uint64_t InstalledPages::invalidate(uint64_t ipa, uint64_t size) {
  uint64_t lo = ipa & ~(kPage - 1);
  uint64_t hi = size > ~uint64_t{0} - ipa ? ~uint64_t{0} : ipa + size;
  if (hi <= lo) return 0;
  // Regions that overlap [lo, hi): unmap them, put back what lies outside.
  std::vector<std::pair<uint64_t, Run>> hit;
  auto it = runs_.lower_bound(lo);
  if (it != runs_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second.size > lo) it = prev;
  }
  while (it != runs_.end() && it->first < hi) {
    hit.push_back(*it);
    it = runs_.erase(it);
  }
  for (auto& [start, run] : hit) {
    backend_.unmap_region(start, run.size);
    uint64_t end = start + run.size;
    if (start < lo) {
      backend_.map_region(start, lo - start, run.perms, run.host);
      runs_[start] = Run{lo - start, run.perms, run.host};
    }
    if (end > hi) {
      uint8_t* h = run.host + (hi - start);
      backend_.map_region(hi, end - hi, run.perms, h);
      runs_[hi] = Run{end - hi, run.perms, h};
    }
  }
  uint64_t removed = 0;
  for (auto p = pages_.lower_bound(lo); p != pages_.end() && p->first < hi;) {
    auto [first, last] = by_pa_.equal_range(p->second.pa);
    for (auto b = first; b != last; ++b)
      if (b->second == p->first) { by_pa_.erase(b); break; }
    p = pages_.erase(p);
    ++removed;
  }
  return removed;
}

uint64_t InstalledPages::invalidate_pa(uint64_t pa, uint64_t size) {
  const uint64_t lo = pa & ~(kPage - 1);
  const uint64_t hi = size > ~uint64_t{0} - pa ? ~uint64_t{0} : pa + size;
  std::vector<uint64_t> ipas;
  for (auto it = by_pa_.lower_bound(lo); it != by_pa_.end() && it->first < hi; ++it) ipas.push_back(it->second);
  uint64_t removed = 0;
  for (uint64_t ipa : ipas) removed += invalidate(ipa, kPage);
  return removed;
}

uint64_t InstalledPages::clear() {
  for (auto& [start, run] : runs_) backend_.unmap_region(start, run.size);
  runs_.clear();
  uint64_t n = pages_.size();
  pages_.clear();
  by_pa_.clear();
  return n;
}

const InstalledPage* InstalledPages::find(uint64_t ipa) const {
  auto it = pages_.find(ipa & ~(kPage - 1));
  return it == pages_.end() ? nullptr : &it->second;
}

}  // namespace cpu
