// The architectural TLB of one PE, at the 4 KiB granule: what its Unicorn TLB may hold (in
// 1 KiB pieces, each filled from the entry here), and what each entry was derived from: the virtual page,
// the IPA page its stage 1 gave, the PA page its stage 2 gave (GPC-checked) and whether it
// was filled for execution; plus a walk cache of the guest's table pages (IPA -> PA), which
// the same invalidations remove.
//
// Unicorn can only flush its TLB whole, so invalidations are filtered here: an RTT or RIPAS
// change, the host's stage 2 changing, or a TLBI by PA after a GPT change flushes the TLB only
// when it may hold an entry derived from that range. The flush is deferred to the PE's next
// slice (flush_due()), outside Unicorn's run loop; nothing runs on the PE in between, so the
// stale entries are never used. Translated code is keyed by its PA in Unicorn, so code filled
// from a page an invalidation hits is dropped too (stale_code()): the page may be given new
// contents behind Unicorn's back (destroyed and created again with another image).
#pragma once
#include <cstdint>
#include <utility>

#include "page_table.h"
#include "stage1_walk.h"

namespace cpu {

class TlbContents {
 public:
  static constexpr uint64_t kPage = 4096;

  // The translation regime an entry was filled under: what QEMU does not tag its TLB with
  // (the ASID in TTBRn, the EL, PSTATE.PAN) but flushes on or keeps apart, so an entry is used only under the same one.
  struct Regime {
    Stage1Regs s1;
    unsigned el = 0;
    bool operator==(const Regime& o) const { return s1 == o.s1 && el == o.el; }
  };
  struct Entry {
    uint64_t ipa = 0, pa = 0;  // page-aligned
    uint8_t* host = nullptr;   // host view of the PA page
    uint32_t perms = 0;        // Perm bits (unicorn_engine.h) the entry carries
    Regime regime;
    uint8_t s1_shift = 12;     // log2 of the stage-1 page or block the entry came from
  };

  // A fill of `va_page` (the newest fill of a page wins: Unicorn's entry is the newest too).
  void record(uint64_t va_page, const Entry& e);
  // The entry of the virtual page holding `va`, as last filled (null: none since the flush).
  const Entry* find(uint64_t va) const;

  // The walk cache: the guest's stage-1 table pages, by IPA page, as stage 2 gave them.
  void record_table(const Entry& e);
  const Entry* find_table(uint64_t ipa) const;

  // Invalidations: true when an entry derived from the range may be held (a flush is due).
  bool invalidate_ipa(uint64_t ipa, uint64_t size);
  bool invalidate_pa(uint64_t pa, uint64_t size);
  bool invalidate_all();

  // A guest's TLBI (tlbi.h): drops the stage-1 entries it names at once and keeps the rest
  // and the walk cache (which holds stage-2 translations of table pages, not descriptors). By
  // VA, every 4 KiB entry of the stage-1 page or block holding `va` goes (a block larger than
  // 2 MiB: all entries). The caller flushes the engine's TLB; refills of what stays need no walk.
  void invalidate_va(uint64_t va);
  void invalidate_stage1();

  bool flush_due() const { return flush_due_; }
  // PA pages whose translated code must be dropped (an invalidation hit code filled from them).
  const PageSet& stale_code() const { return stale_code_; }
  // The engine flushed its TLB (and dropped stale_code() too when `code`): nothing is held.
  // Stale code stays listed until it is dropped.
  void flushed(bool code);
  uint64_t entries() const { return flush_due_ ? 0 : by_va_.size(); }  // usable ones

 private:
  static std::pair<uint64_t, uint64_t> pages_of(uint64_t base, uint64_t size);  // [lo, hi)
  // Calls f(key, value) for what `table` holds under a page in [lo, hi) until f returns true;
  // true when it did. Each page of a small range is looked up, a large range scans the table
  // (a realm's every page fault asks this of one page, with tens of thousands of pages held).
  template <typename Table, typename F>
  static bool any_in(const Table& table, uint64_t lo, uint64_t hi, F&& f);
  PageTable<Entry> by_va_, tables_;
  // Every IPA and PA page an entry was derived from since the last flush (a refill that
  // replaces an entry leaves the old pages here: at worst one needless flush), and the code
  // pages: IPA -> PA.
  PageSet ipas_, pas_;
  PageTable<uint64_t, true> code_by_ipa_;
  PageSet code_pas_, stale_code_;
  bool flush_due_ = false;
};

}  // namespace cpu
