// The GPT's memory as EL3 reaches it: Root-PAS accesses on the calling core, timed.
#pragma once
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
};

}  // namespace platform
