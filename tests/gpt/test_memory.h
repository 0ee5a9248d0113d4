// An in-memory Root PAS for GPT tests: sparse 4 KiB pages, unwritten descriptors read as 0
// (an invalid descriptor), and addresses that answer with an external abort on demand.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "gpt/table.h"

namespace gpt::test {

class TestMemory final : public DescriptorMemory {
 public:
  bool read_descriptor(uint64_t pa, uint64_t& value) override {
    ++reads;
    if (!aborts.empty() && aborts.count(pa)) return false;
    auto it = pages_.find(pa >> 12);
    value = it == pages_.end() ? 0 : (*it->second)[(pa & 0xFFF) >> 3];
    return true;
  }
  void write_descriptor(uint64_t pa, uint64_t value) override {
    ++writes;
    page(pa)[(pa & 0xFFF) >> 3] = value;
  }
  void fill_descriptors(uint64_t pa, uint64_t count, uint64_t value) override {
    writes += count;
    while (count != 0) {
      auto& pg = page(pa);
      uint64_t i = (pa & 0xFFF) >> 3;
      for (; i < 512 && count != 0; ++i, --count, pa += 8) pg[i] = value;
    }
  }

  uint64_t peek(uint64_t pa) {
    uint64_t v = 0;
    auto it = pages_.find(pa >> 12);
    if (it != pages_.end()) v = (*it->second)[(pa & 0xFFF) >> 3];
    return v;
  }
  void poke(uint64_t pa, uint64_t value) { page(pa)[(pa & 0xFFF) >> 3] = value; }

  std::unordered_set<uint64_t> aborts;  // descriptor PAs whose read is an external abort
  uint64_t reads = 0, writes = 0;

 private:
  using Page = std::array<uint64_t, 512>;
  Page& page(uint64_t pa) {
    auto& p = pages_[pa >> 12];
    if (!p) p = std::make_unique<Page>(Page{});
    return *p;
  }
  std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
};

}  // namespace gpt::test
