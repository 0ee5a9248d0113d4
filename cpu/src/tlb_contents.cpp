// TlbContents: see tlb_contents.h.
#include "tlb_contents.h"

#include "unicorn_engine.h"  // Perm

namespace cpu {

void TlbContents::record(uint64_t va_page, const Entry& e) {
  by_va_[va_page] = e;
  ipas_.insert(e.ipa);
  pas_.insert(e.pa);
  if ((e.perms & kExec) && !code_pas_.contains(e.pa)) {
    code_by_ipa_[e.ipa] = e.pa;
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
  return tables_.find(ipa & ~(kPage - 1));
}

const TlbContents::Entry* TlbContents::find(uint64_t va) const {
  if (flush_due_) return nullptr;  // possibly stale until the flush
  return by_va_.find(va & ~(kPage - 1));
}

std::pair<uint64_t, uint64_t> TlbContents::pages_of(uint64_t base, uint64_t size) {
  const uint64_t hi = size > ~uint64_t{0} - base ? ~uint64_t{0} : base + size;
  return {base & ~(kPage - 1), hi};
}

template <typename Table, typename F>
bool TlbContents::any_in(const Table& table, uint64_t lo, uint64_t hi, F&& f) {
  if (table.empty() || hi <= lo) return false;
  bool hit = false;
  if ((hi - lo) / kPage < table.size()) {
    for (uint64_t p = lo; p < hi && p >= lo && !hit; p += kPage)
      table.for_each_under(p, [&](const auto& v) { hit = hit || f(p, v); });
    return hit;
  }
  table.for_each([&](uint64_t p, const auto& v) { hit = hit || (p >= lo && p < hi && f(p, v)); });
  return hit;
}

namespace {
constexpr auto kFirst = [](uint64_t, const auto&) { return true; };  // any_in: is there one
}  // namespace

bool TlbContents::invalidate_ipa(uint64_t ipa, uint64_t size) {
  const auto [lo, hi] = pages_of(ipa, size);
  if (!any_in(ipas_, lo, hi, kFirst)) return false;
  flush_due_ = true;
  any_in(code_by_ipa_, lo, hi, [&](uint64_t, uint64_t pa) {
    stale_code_.insert(pa);
    return false;
  });
  return true;
}

bool TlbContents::invalidate_pa(uint64_t pa, uint64_t size) {
  const auto [lo, hi] = pages_of(pa, size);
  if (!any_in(pas_, lo, hi, kFirst)) return false;
  flush_due_ = true;
  any_in(code_pas_, lo, hi, [&](uint64_t p, const auto&) {
    stale_code_.insert(p);
    return false;
  });
  return true;
}

bool TlbContents::invalidate_all() {
  if (ipas_.empty()) return false;
  flush_due_ = true;
  code_pas_.for_each([&](uint64_t p, const auto&) { stale_code_.insert(p); });
  return true;
}

void TlbContents::invalidate_va(uint64_t va) {
  const Entry* e = by_va_.find(va & ~(kPage - 1));
  if (!e) return;
  const unsigned shift = e->s1_shift;
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
