// InstalledPages: see installed_pages.h.
#include "installed_pages.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <vector>

namespace cpu {

void InstalledPages::install_run(uint64_t ipa, const InstalledPage* pages, uint64_t count) {
  assert(ipa % kPage == 0 && count > 0);
  if (!stale_.empty()) rebuild_stale();  // not expected: the core syncs before every slice
  for (uint64_t i = 0; i < count; ++i) {
    assert(!pages_.count(ipa + i * kPage) && pages[i].host == pages[0].host + i * kPage);
    pages_[ipa + i * kPage] = pages[i];
    by_pa_.emplace(pages[i].pa, ipa + i * kPage);
  }
  map_run(ipa, count * kPage, pages[0].perms, pages[0].host);
}

void InstalledPages::map_run(uint64_t start, uint64_t size, uint32_t perms, uint8_t* host) {
  backend_.map_region(start, size, perms, host);
  runs_[start] = Run{size, perms, host};
  if (perms & kExec) ++executable_runs_;
}

std::map<uint64_t, InstalledPages::Run>::iterator InstalledPages::unmap_run(
    std::map<uint64_t, Run>::iterator it) {
  backend_.unmap_region(it->first, it->second.size);
  if (it->second.perms & kExec) --executable_runs_;
  return runs_.erase(it);
}

void InstalledPages::map_runs(uint64_t lo, uint64_t hi) {
  auto p = pages_.lower_bound(lo);
  while (p != pages_.end() && p->first < hi) {
    const uint64_t start = p->first;
    const InstalledPage& first = p->second;
    uint64_t size = kPage;
    for (++p; p != pages_.end() && p->first < hi && p->first == start + size &&
              p->first % kBlock != 0 && p->second.perms == first.perms &&
              p->second.host == first.host + size;
         ++p)
      size += kPage;
    map_run(start, size, first.perms, first.host);
  }
}

void InstalledPages::rebuild_stale() {
  for (uint64_t start : stale_) {
    auto it = runs_.find(start);
    const uint64_t size = it->second.size;
    unmap_run(it);
    map_runs(start, start + size);
  }
  stale_.clear();
}

void InstalledPages::coalesce() {
  // Groups of adjacent runs that one region can hold, each within an aligned block.
  std::vector<std::pair<uint64_t, uint64_t>> groups;  // [first run, end)
  for (auto it = runs_.begin(); it != runs_.end();) {
    auto next = std::next(it);
    uint64_t end = it->first + it->second.size;
    uint8_t* host_end = it->second.host + it->second.size;
    while (next != runs_.end() && next->first == end && next->first % kBlock != 0 &&
           next->second.perms == it->second.perms && next->second.host == host_end) {
      end += next->second.size;
      host_end += next->second.size;
      ++next;
    }
    if (std::next(it) != next) groups.emplace_back(it->first, end);
    it = next;
  }
  for (auto [lo, hi] : groups) {
    const Run first = runs_.at(lo);
    for (auto it = runs_.lower_bound(lo); it != runs_.end() && it->first < hi;) it = unmap_run(it);
    map_run(lo, hi - lo, first.perms, first.host);
  }
  // Fragmented memory may stay above the threshold: do not coalesce again at every install.
  coalesce_at_ = std::max(coalesce_above_, 2 * runs_.size());
}

uint64_t InstalledPages::invalidate(uint64_t ipa, uint64_t size) {
  const uint64_t lo = ipa & ~(kPage - 1);
  const uint64_t hi = size > ~uint64_t{0} - ipa ? ~uint64_t{0} : ipa + size;
  if (hi <= lo) return 0;
  uint64_t removed = 0;
  for (auto p = pages_.lower_bound(lo); p != pages_.end() && p->first < hi;) {
    auto [first, last] = by_pa_.equal_range(p->second.pa);
    for (auto b = first; b != last; ++b)
      if (b->second == p->first) { by_pa_.erase(b); break; }
    p = pages_.erase(p);
    ++removed;
  }
  if (removed == 0) return 0;
  // The regions that held them change at the next sync().
  auto it = runs_.lower_bound(lo);
  if (it != runs_.begin() && std::prev(it)->first + std::prev(it)->second.size > lo) --it;
  for (; it != runs_.end() && it->first < hi; ++it) stale_.insert(it->first);
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
  const uint64_t n = pages_.size();
  for (auto& [start, run] : runs_) stale_.insert(start);
  pages_.clear();
  by_pa_.clear();
  return n;
}

const InstalledPage* InstalledPages::find(uint64_t ipa) const {
  auto it = pages_.find(ipa & ~(kPage - 1));
  return it == pages_.end() ? nullptr : &it->second;
}

}  // namespace cpu
