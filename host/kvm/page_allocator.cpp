#include "host/page_allocator.h"

#include <stdexcept>

namespace host {

PageAllocator::PageAllocator(uint64_t base, uint64_t size)
    : base_((base + kPage - 1) & ~(kPage - 1)), end_((base + size) & ~(kPage - 1)) {
  if (end_ > base_) {
    total_pages_ = free_pages_ = (end_ - base_) / kPage;
    free_[base_] = total_pages_;
  }
}

std::optional<uint64_t> PageAllocator::alloc(uint64_t pages, uint64_t align) {
  if (pages == 0 || align < kPage || (align & (align - 1))) throw std::invalid_argument("PageAllocator::alloc");
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t start = it->first, n = it->second, end = start + n * kPage;
    const uint64_t pa = (start + align - 1) & ~(align - 1);
    if (pa + pages * kPage > end || pa < start) continue;
    free_.erase(it);
    if (pa > start) free_[start] = (pa - start) / kPage;
    if (pa + pages * kPage < end) free_[pa + pages * kPage] = (end - pa - pages * kPage) / kPage;
    free_pages_ -= pages;
    if (used_pages() > peak_used_) peak_used_ = used_pages();
    return pa;
  }
  return std::nullopt;
}

void PageAllocator::free(uint64_t pa, uint64_t pages) {
  if (pages == 0) return;
  if (pa < base_ || pa + pages * kPage > end_ || (pa & (kPage - 1)))
    throw std::logic_error("host: freeing a page the allocator does not own");
  auto next = free_.lower_bound(pa);
  if (next != free_.end() && next->first < pa + pages * kPage) throw std::logic_error("host: double free");
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second * kPage > pa) throw std::logic_error("host: double free");
  }
  uint64_t start = pa, n = pages;
  if (next != free_.end() && next->first == pa + pages * kPage) {
    n += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second * kPage == start) {
      start = prev->first;
      n += prev->second;
      free_.erase(prev);
    }
  }
  free_[start] = n;
  free_pages_ += pages;
}

}  // namespace host
