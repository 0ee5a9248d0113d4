// The host kernel's page allocator over Non-secure DRAM: deterministic (lowest address first),
// 4 KiB pages, contiguous and aligned runs for concatenated root RTTs and VMM memory. Pages the
// host fails to undelegate are leaked, never returned (as Linux does).
#pragma once
#include <cstdint>
#include <map>
#include <optional>

namespace host {

class PageAllocator {
 public:
  static constexpr uint64_t kPage = 4096;

  // Manages [base, base + size): page-aligned.
  PageAllocator(uint64_t base, uint64_t size);

  // `pages` contiguous pages aligned to `align` bytes (a power of two, at least a page).
  // nullopt when no free run fits.
  std::optional<uint64_t> alloc(uint64_t pages = 1, uint64_t align = kPage);
  void free(uint64_t pa, uint64_t pages = 1);
  // A page that can never be reused (a failed undelegate): counted, not returned.
  void leak(uint64_t pa, uint64_t pages = 1) { leaked_ += pages; (void)pa; }

  uint64_t free_pages() const { return free_pages_; }
  uint64_t total_pages() const { return total_pages_; }
  uint64_t used_pages() const { return total_pages_ - free_pages_ - leaked_; }
  uint64_t leaked_pages() const { return leaked_; }
  uint64_t peak_used_pages() const { return peak_used_; }
  uint64_t base() const { return base_; }
  uint64_t end() const { return end_; }

 private:
  uint64_t base_, end_;
  std::map<uint64_t, uint64_t> free_;  // start PA -> pages (disjoint, merged)
  uint64_t free_pages_ = 0, total_pages_ = 0, leaked_ = 0, peak_used_ = 0;
};

}  // namespace host
