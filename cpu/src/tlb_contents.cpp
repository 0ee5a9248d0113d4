// TlbContents: see tlb_contents.h.
#include "tlb_contents.h"

#include "unicorn_engine.h"  // Perm

namespace cpu {

void TlbContents::record(uint64_t va_page, const Entry& e) {
  by_va_[va_page] = e;
  ipas_.insert(e.ipa);
  pas_.insert(e.pa);
  if (e.perms & kExec) {
    code_ipas_.insert(e.ipa);
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

bool TlbContents::hit(const std::set<uint64_t>& pages, const std::set<uint64_t>& code, uint64_t base,
                      uint64_t size) {
  const uint64_t lo = base & ~(kPage - 1);
  const uint64_t hi = size > ~uint64_t{0} - base ? ~uint64_t{0} : base + size;  // exclusive
  auto in = [&](const std::set<uint64_t>& s) {
    auto it = s.lower_bound(lo);
    return it != s.end() && *it < hi;
  };
  if (!in(pages)) return false;
  flush_due_ = true;
  if (in(code)) code_flush_due_ = true;
  return true;
}

bool TlbContents::invalidate_ipa(uint64_t ipa, uint64_t size) { return hit(ipas_, code_ipas_, ipa, size); }
bool TlbContents::invalidate_pa(uint64_t pa, uint64_t size) { return hit(pas_, code_pas_, pa, size); }

bool TlbContents::invalidate_all() {
  if (ipas_.empty()) return false;
  flush_due_ = true;
  if (!code_pas_.empty()) code_flush_due_ = true;
  return true;
}

void TlbContents::flushed(bool code) {
  by_va_.clear();
  tables_.clear();
  ipas_.clear();
  pas_.clear();
  code_ipas_.clear();
  code_pas_.clear();
  flush_due_ = false;
  if (code) code_flush_due_ = false;
}

}  // namespace cpu
