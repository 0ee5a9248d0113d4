// The GPT's memory as EL3 reaches it: Root-PAS accesses on the calling core, timed.
#pragma once
#include <algorithm>
#include <vector>

#include "gpt/table.h"
#include "platform/monitor.h"
#include "platform/requester.h"

namespace platform {

class Monitor::RootMemory final : public gpt::DescriptorMemory {
 public:
  Requester* via = nullptr;  // the core running EL3 code right now

  bool read_descriptor(uint64_t pa, uint64_t& value) override {
    return via->read64(pa, value, gpt::Pas::Root).ok();
  }
  void write_descriptor(uint64_t pa, uint64_t value) override {
    via->write64(pa, value, gpt::Pas::Root);
  }
  // Whole tables at boot: one streaming write rather than a transaction per descriptor.
  void fill_descriptors(uint64_t pa, uint64_t count, uint64_t value) override {
    std::vector<uint64_t> run(std::min<uint64_t>(count, 8192), value);
    for (uint64_t done = 0; done < count;) {
      const uint64_t n = std::min<uint64_t>(count - done, run.size());
      via->write(pa + 8 * done, run.data(), 8 * n, gpt::Pas::Root);
      done += n;
    }
  }
};

}  // namespace platform
