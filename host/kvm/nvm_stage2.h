// The host's stage 2 for a normal VM: real translation tables in Non-secure memory (levels 1
// to 3, 4 KiB pages, IPA up to 39 bits), walked with timed reads on the PE that fills a page,
// populated on demand from the VM's memory regions. A GPF during the walk is a host oops.
#pragma once
#include "platform/guest_cpu.h"

namespace host {

class Vm;

class NvmStage2 final : public platform::Stage2 {
 public:
  explicit NvmStage2(Vm& vm) : vm_(vm) {}
  platform::Stage2Result translate(platform::Pe& pe, uint64_t ipa) override;

 private:
  Vm& vm_;
};

}  // namespace host
