// What a core has installed in its Unicorn engine and why: one entry per IPA page (the stage-2
// output, its PAS, the permissions) and the Unicorn regions that back them.
//
// Unicorn 2.0.1 makes region changes costly: every map or unmap rebuilds QEMU's flat view, in
// time that grows with the regions alive, unmapping flushes QEMU's TLB page by page, and near
// a thousand regions it aborts. So:
//  - an install maps its pages as one new region and never remaps a neighbour;
//  - when the count passes a threshold, the next sync() coalesces runs of pages with the same
//    permissions and contiguous host memory, each within an aligned 2 MiB block, so that no
//    later change has to remap more than 2 MiB (never inside a slice: unmapping while Unicorn
//    runs is not safe);
//  - an invalidation removes the pages at once (find() no longer sees them) but changes the
//    regions only at sync(), which the core calls before it runs guest code again: a teardown
//    that destroys a realm page by page costs no region change at all.
// Pages leave on invalidation (RTT/RIPAS change, the host's stage 2, TLBI, GPT change).
#pragma once
#include <cstdint>
#include <map>
#include <set>

#include "gpt/pas.h"
#include "unicorn_engine.h"  // Perm

namespace cpu {

struct InstalledPage {
  uint64_t pa = 0;
  gpt::Pas pas = gpt::Pas::NonSecure;
  uint32_t perms = 0;      // Perm bits (unicorn_engine.h) as installed
  bool exec_allowed = false;  // stage 2 allows execution (kExec is added when code is fetched)
  uint8_t* host = nullptr; // host view of the 4 KiB page
};

class InstalledPages {
 public:
  static constexpr uint64_t kPage = 4096;

  // Where region changes go (the Unicorn engine, or a test double).
  class Backend {
   public:
    virtual void map_region(uint64_t ipa, uint64_t size, uint32_t perms, uint8_t* host) = 0;
    virtual void unmap_region(uint64_t ipa, uint64_t size) = 0;
   protected:
    ~Backend() = default;
  };

  static constexpr uint64_t kBlock = 2ull << 20;  // coalesced regions never cross one
  static constexpr uint64_t kCoalesceAbove = 64;  // regions
  // At this many Unicorn regions a fill must wait for the next sync() (the slice stops and
  // resumes). Unicorn 2.0.1 aborts (QEMU's phys_section_add assertion) somewhere between 768
  // and 1024 regions of 64 KiB (measured): stay well below. An executable run counts twice:
  // the engine follows it with a guard region (unicorn_engine.h).
  static constexpr uint64_t kMaxRegions = 512;

  explicit InstalledPages(Backend& backend, uint64_t coalesce_above = kCoalesceAbove,
                          uint64_t max_regions = kMaxRegions)
      : backend_(backend), coalesce_above_(coalesce_above), max_regions_(max_regions),
        coalesce_at_(coalesce_above) {}

  // Installs the page at `ipa` (page-aligned, not installed yet).
  void install(uint64_t ipa, const InstalledPage& page) { install_run(ipa, &page, 1); }
  // Installs `count` pages from `ipa` whose host memory is contiguous (pages[i].host ==
  // pages[0].host + i * kPage) as one region.
  void install_run(uint64_t ipa, const InstalledPage* pages, uint64_t count);
  // Removes every page in [ipa, ipa + size); returns how many were installed.
  uint64_t invalidate(uint64_t ipa, uint64_t size);
  // Removes every page whose output PA lies in [pa, pa + size) (a TLBI by PA after a GPT
  // change); returns how many.
  uint64_t invalidate_pa(uint64_t pa, uint64_t size);
  uint64_t clear();
  // Brings the regions in line with the pages, and coalesces them past the threshold. Must run
  // before guest code runs again, outside Unicorn's run loop.
  // Memory too fragmented to coalesce under the limit is dropped and filled again on demand,
  // so that a fill waiting for sync() always gets room.
  void sync() {
    if (!stale_.empty()) rebuild_stale();
    if (runs_.size() > coalesce_at_) coalesce();
    if (unicorn_regions() >= max_regions_) {
      clear();
      rebuild_stale();
      coalesce_at_ = coalesce_above_;
    }
  }
  bool full() const { return unicorn_regions() >= max_regions_; }

  const InstalledPage* find(uint64_t ipa) const;
  uint64_t pages() const { return pages_.size(); }
  uint64_t regions() const { return runs_.size(); }  // as mapped now (stale ones included)
  // What the runs cost Unicorn: a region each, and a guard region for each executable one.
  uint64_t unicorn_regions() const { return runs_.size() + executable_runs_; }

 private:
  struct Run {
    uint64_t size;
    uint32_t perms;
    uint8_t* host;
  };
  void rebuild_stale();
  void coalesce();
  // Maps the installed pages in [lo, hi) as maximal runs, none crossing a kBlock boundary.
  void map_runs(uint64_t lo, uint64_t hi);
  void map_run(uint64_t start, uint64_t size, uint32_t perms, uint8_t* host);
  std::map<uint64_t, Run>::iterator unmap_run(std::map<uint64_t, Run>::iterator it);

  Backend& backend_;
  const uint64_t coalesce_above_, max_regions_;
  uint64_t coalesce_at_;
  std::map<uint64_t, InstalledPage> pages_;  // by IPA page
  std::multimap<uint64_t, uint64_t> by_pa_;  // output PA page -> IPA page (aliases allowed)
  std::map<uint64_t, Run> runs_;             // mapped regions, by first IPA
  std::set<uint64_t> stale_;                 // runs that hold pages no longer installed
  uint64_t executable_runs_ = 0;
};

}  // namespace cpu
