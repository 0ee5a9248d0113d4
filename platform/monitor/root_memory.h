// The GPT's memory as EL3 reaches it: Root-PAS accesses on the calling core, timed. One is
// made per call on the caller's stack, so PEs in the monitor at once never share one (a timed
// access may yield to another PE in the middle of a GPT update).
#pragma once
#include <algorithm>
#include <cstring>
#include <vector>

#include "gpt/table.h"
#include "platform/monitor.h"
#include "platform/requester.h"

namespace platform {

class Monitor::RootMemory final : public gpt::DescriptorMemory {
 public:
  explicit RootMemory(Requester& via) : via_(via) {}

  bool read_descriptor(uint64_t pa, uint64_t& value) override {
    return via_.read64(pa, value, gpt::Pas::Root).ok();
  }
  void write_descriptor(uint64_t pa, uint64_t value) override {
    via_.write64(pa, value, gpt::Pas::Root);
  }
  // Whole tables at boot: one streaming write rather than a transaction per descriptor.
  void fill_descriptors(uint64_t pa, uint64_t count, uint64_t value) override {
    std::vector<uint64_t> run(std::min<uint64_t>(count, 8192), value);
    for (uint64_t done = 0; done < count;) {
      const uint64_t n = std::min<uint64_t>(count - done, run.size());
      via_.write(pa + 8 * done, run.data(), 8 * n, gpt::Pas::Root);
      done += n;
    }
  }

 private:
  Requester& via_;
};

// The GPT read as an observer reads it: straight from DRAM, with no time and no GPC check.
class Monitor::RootMemoryPeek final : public gpt::DescriptorReader {
 public:
  explicit RootMemoryPeek(Requester& via) : via_(via) {}

  bool read_descriptor(uint64_t pa, uint64_t& value) override {
    const uint8_t* host = via_.dram_pointer(pa, sizeof value);
    if (host) std::memcpy(&value, host, sizeof value);
    return host != nullptr;
  }

 private:
  Requester& via_;
};

}  // namespace platform
