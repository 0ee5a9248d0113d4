// What a core has installed in its Unicorn engine and why: one entry per IPA page (the stage-2
// output, its PAS, the permissions) and the Unicorn regions that back them. Regions are
// maximal runs of installed pages with the same permissions and contiguous host memory, so
// Unicorn's region count stays small (it degrades with the count and aborts near 10^4).
// Pages leave on invalidation (RTT/RIPAS change, the host's stage 2, TLBI, GPT change).
#pragma once
#include <cstdint>
#include <map>

#include "gpt/pas.h"

namespace cpu {

struct InstalledPage {
  uint64_t pa = 0;
  gpt::Pas pas = gpt::Pas::NonSecure;
  uint32_t perms = 0;      // Perm bits (unicorn_engine.h)
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

  explicit InstalledPages(Backend& backend) : backend_(backend) {}

  // Installs the page at `ipa` (page-aligned, not installed yet), merging it with neighbouring
  // regions when it extends them.
  void install(uint64_t ipa, const InstalledPage& page) { install_run(ipa, &page, 1); }
  // Installs `count` pages from `ipa` whose host memory is contiguous (pages[i].host ==
  // pages[0].host + i * kPage) with one region change: Unicorn's map and unmap are costly.
  void install_run(uint64_t ipa, const InstalledPage* pages, uint64_t count);
  // Removes every page in [ipa, ipa + size); returns how many were installed.
  uint64_t invalidate(uint64_t ipa, uint64_t size);
  // Removes every page whose output PA lies in [pa, pa + size) (a TLBI by PA after a GPT
  // change); returns how many.
  uint64_t invalidate_pa(uint64_t pa, uint64_t size);
  uint64_t clear();

  const InstalledPage* find(uint64_t ipa) const;
  uint64_t pages() const { return pages_.size(); }
  uint64_t regions() const { return runs_.size(); }

 private:
  struct Run {
    uint64_t size;
    uint32_t perms;
    uint8_t* host;
  };
  Backend& backend_;
  std::map<uint64_t, InstalledPage> pages_;  // by IPA page
  std::multimap<uint64_t, uint64_t> by_pa_;  // output PA page -> IPA page (aliases allowed)
  std::map<uint64_t, Run> runs_;             // by first IPA
};

}  // namespace cpu
