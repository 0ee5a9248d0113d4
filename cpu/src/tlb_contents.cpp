// TlbContents: see tlb_contents.h.
#include "tlb_contents.h"

#include "unicorn_engine.h"  // Perm

namespace cpu {

void TlbContents::record(uint64_t va_page, const Entry& e) {
  by_va_[va_page] = e;
  ipas_.insert(e.ipa);
  pas_.insert(e.pa);
  if ((e.perms & kExec) && !code_pas_.count(e.pa)) {
    code_by_ipa_.emplace(e.ipa, e.pa);
    code_pas_.insert(e.pa);
  }
}

void TlbContents::record_table(const Entry& e) {
  tables_[e.ipa] = e;
  ipas_.insert(e.ipa);
  pas_.insert(e.pa);
}

const TlbContents::Entry* TlbContents::find_table(uint64_t ipa) const {
  if (flush_due_) return nullptr;  // possibly stale until the flush
  auto it = tables_.find(ipa & ~(kPage - 1));
  return it == tables_.end() ? nullptr : &it->second;
}

const TlbContents::Entry* TlbContents::find(uint64_t va) const {
  if (flush_due_) return nullptr;  // possibly stale until the flush
  auto it = by_va_.find(va & ~(kPage - 1));
  return it == by_va_.end() ? nullptr : &it->second;
}

std::pair<uint64_t, uint64_t> TlbContents::pages_of(uint64_t base, uint64_t size) {
  const uint64_t hi = size > ~uint64_t{0} - base ? ~uint64_t{0} : base + size;
  return {base & ~(kPage - 1), hi};
}

bool TlbContents::holds_page_in(const std::unordered_set<uint64_t>& pages, uint64_t lo, uint64_t hi) {
  if (pages.empty() || hi <= lo) return false;
  if ((hi - lo) / kPage < pages.size()) {
    for (uint64_t p = lo; p < hi && p >= lo; p += kPage)
      if (pages.count(p)) return true;
    return false;
  }
  for (const uint64_t p : pages)
    if (p >= lo && p < hi) return true;
  return false;
}

bool TlbContents::invalidate_ipa(uint64_t ipa, uint64_t size) {
  const auto [lo, hi] = pages_of(ipa, size);
  if (!holds_page_in(ipas_, lo, hi)) return false;
  flush_due_ = true;
  for (auto c = code_by_ipa_.lower_bound(lo); c != code_by_ipa_.end() && c->first < hi; ++c)
    stale_code_.insert(c->second);
  return true;
}

bool TlbContents::invalidate_pa(uint64_t pa, uint64_t size) {
  const auto [lo, hi] = pages_of(pa, size);
  if (!holds_page_in(pas_, lo, hi)) return false;
  flush_due_ = true;
  for (auto c = code_pas_.lower_bound(lo); c != code_pas_.end() && *c < hi; ++c) stale_code_.insert(*c);
  return true;
}

bool TlbContents::invalidate_all() {
  if (ipas_.empty()) return false;
  flush_due_ = true;
  stale_code_.insert(code_pas_.begin(), code_pas_.end());
  return true;
}

void TlbContents::invalidate_va(uint64_t va) {
  auto it = by_va_.find(va & ~(kPage - 1));
  if (it == by_va_.end()) return;
  const unsigned shift = it->second.s1_shift;
  if (shift > 21) {
    invalidate_stage1();
    return;
  }
  const uint64_t base = va & ~((uint64_t{1} << shift) - 1);
  for (uint64_t p = base; p < base + (uint64_t{1} << shift); p += kPage) by_va_.erase(p);
}

void TlbContents::invalidate_stage1() { by_va_.clear(); }

void TlbContents::flushed(bool code) {
  by_va_.clear();
  tables_.clear();
  ipas_.clear();
  pas_.clear();
  code_by_ipa_.clear();
  code_pas_.clear();
  flush_due_ = false;
  if (code) stale_code_.clear();
}

}  // namespace cpu
