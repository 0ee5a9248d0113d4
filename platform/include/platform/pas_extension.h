// The TLM-2.0 payload extension every transaction carries: its PAS and its requester, and,
// when a GPC unit refused it, the Granule Protection Fault.
#pragma once
#include <cstdint>

#include <tlm>

#include "gpt/check.h"
#include "gpt/pas.h"
#include "sim/cost_ledger.h"

namespace platform {

struct PasExtension : tlm::tlm_extension<PasExtension> {
  gpt::Pas pas = gpt::Pas::NonSecure;
  uint32_t requester = 0;
  gpt::GpcResult gpf;  // kind != None when the GPC refused the access
  // Where the GPC unit and the target say, by cost, what the delay they annotate is made of
  // (the requester charges it); null when nobody asks.
  Delay* costs = nullptr;

  tlm::tlm_extension_base* clone() const override { return new PasExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const PasExtension&>(other);
  }
};

}  // namespace platform
