// What must hold after every step of a fuzz sequence, whatever the host did (RunOptions hooks):
//   - the RMM's records agree with each other (Rmm::audit): RTT entries point only at DATA or
//     RTT granules of their own realm, refcounts match the RTTs and RECs, no granule orphaned;
//   - every granule is in exactly one state, and the GPT says what that state says;
//   - every Non-secure read of a delegated granule is a GPF (timed reads through the PE's GPC,
//     its cache included), and no Non-secure read returns a realm's secret word (fuzz-guest
//     writes kSecretTag words into protected memory);
//   - a Non-secure device (the DMA engine behind the SMMU, whatever its STE says) never reads or
//     writes a granule that is not UNDELEGATED: every such transaction is refused by the SMMU's
//     GPC (a device GPF);
//   - each step ends within a bounded simulated time (the wall time is bounded by the campaign);
//   - after teardown (the VMM's, then a host that ends every open operation, destroys every
//     RMM object left and undelegates every granule), every granule is UNDELEGATED.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "platform/abi/specs.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "rmesim/runner.h"

namespace rmesim::fuzz {

constexpr uint64_t kSecretTag = 0x5EC2E7D0;  // guest/fuzz-guest/main.c SECRET_TAG: a secret's top 32 bits

// RMI status coverage: coverage_key (version and command) -> status name -> calls.
using Coverage = std::map<std::string, std::map<std::string, uint64_t>>;
inline std::string coverage_key(const platform::abi::Spec& spec, const std::string& command) {
  return std::string(spec.version) + "/" + command;
}

class Invariants {
 public:
  explicit Invariants(uint64_t step_sim_limit_ns) : step_limit_ns_(step_sim_limit_ns) {}

  // After each step: the first broken invariant, or empty.
  std::string after_step(RunContext& c);
  // Before the first step: the SMMU logs its client transactions for the DMA invariant.
  void before_steps(RunContext& c);
  // After the runner's teardown: the RMI status coverage of the steps, then the host's full
  // teardown, then the leak check.
  std::string at_end(RunContext& c);

  const Coverage& coverage() const { return coverage_; }

 private:
  std::string probe(RunContext& c);
  std::string check_dma(RunContext& c);
  std::string teardown_everything(RunContext& c);

  uint64_t step_limit_ns_;
  uint64_t steps_ = 0;
  std::vector<uint8_t> states_;  // each DRAM granule's state after the previous step
  std::vector<uint64_t> ever_delegated_;  // granules back in the Non-secure PAS: scanned for secrets at the end
  Coverage coverage_;
  std::vector<platform::smmuv3::ClientAccess> dma_log_;  // the SMMU's client transactions in the step
};

}  // namespace rmesim::fuzz
