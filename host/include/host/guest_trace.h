// A GuestCpu that wraps the real one (cpu::UnicornCpu) to observe guests for the outputs:
//  - every run slice is a "guest" slice on the PE's track of the guest's world, every RSI or
//    PSCI call a realm makes (an SMC exit the RMM handles) a slice named after the call, every
//    GPF an instant; RSI/PSCI calls and exits are counted;
// The host registers the Stage2s of its normal VMs so their guests are drawn as Non-secure.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <systemc>

#include "platform/guest_cpu.h"

namespace platform {
class Soc;
}

namespace host {

class GuestTracer final : public platform::GuestCpu {
 public:
  GuestTracer(platform::Soc& soc, platform::GuestCpu& inner);

  platform::GuestExit run(platform::Pe& pe, platform::GuestState& state, platform::Stage2& s2,
                          uint64_t max_instructions) override;
  void invalidate_ipa(platform::Stage2& s2, uint64_t ipa, uint64_t size) override {
    inner_.invalidate_ipa(s2, ipa, size);
  }
  void invalidate_all() override { inner_.invalidate_all(); }

  void register_nvm_stage2(platform::Stage2* s2) { nvm_.insert(s2); }
  // Ends the RSI slice still open on a PE (the host calls this when REC_ENTER returns).
  void close_open_call(platform::Pe& pe);

  // RSI and PSCI calls by name ("RSI_HOST_CALL", "PSCI_CPU_ON"): count and simulated time.
  struct CallStats { uint64_t calls = 0; double time_ns = 0; };
  const std::map<std::string, CallStats>& rsi_calls() const { return rsi_; }
  // Guest exits by kind, per world ("realm"/"non_secure").
  const std::map<std::string, uint64_t>& exits() const { return exits_; }
  uint64_t instructions() const { return instructions_; }
  uint64_t gpfs() const { return gpfs_; }

 private:
  struct Open { bool active = false; std::string name; sc_core::sc_time start; };
  platform::Soc& soc_;
  platform::GuestCpu& inner_;
  std::set<platform::Stage2*> nvm_;
  std::vector<Open> open_;
  std::map<std::string, CallStats> rsi_;
  std::map<std::string, uint64_t> exits_;
  uint64_t instructions_ = 0, gpfs_ = 0;
};

// Name of an RSI or PSCI function ID ("RSI_VERSION", "PSCI_CPU_ON"), or "SMC_0x..." if unknown.
std::string smc_call_name(uint32_t fid);

}  // namespace host
