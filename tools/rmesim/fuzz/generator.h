// The fuzzer's sequences: a scenario (platform, a realm and a normal VM running fuzz-guest
// programs) and a random walk of steps in the scenario language, drawn from one seed. A
// sequence is its own reproducer: its text is a scenario `rmesim run` and `rmesim fuzz
// --replay` accept.
//
// What a walk is made of is one table (generator.cpp, kActions): each row a step kind with
// its weight and the function that draws it. RMI calls are drawn from the ABI declaration
// (platform::abi::kImplemented), every command of it with arguments drawn by register name,
// so the RMM 2.0 commands join the walk when their declaration does (a row in kArgs gives a
// new argument name a better generator than a random 64-bit value). The SMMU's DMA path is a
// row beside the dma one once its step exists.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rmesim::fuzz {

struct Sequence {
  uint64_t seed = 0;
  std::string header;               // the scenario up to `steps:`
  std::vector<std::string> steps;   // one YAML flow node per step, "{rmi: ..., expect: any}"
  // The scenario: header, then the steps kept (all when `keep` is empty).
  std::string text(const std::vector<bool>& keep = {}) const;
  // "fuzz-<seed>.yaml": the name its violations carry.
  std::string name() const;
};

// `self_test`: the walk also delegates granules through the monitor behind the RMM's back
// (what a broken RMM or monitor would do), which the invariants must catch: the fuzzer's own
// end-to-end test (rmesim fuzz --self-test).
Sequence generate(uint64_t seed, unsigned max_steps, bool self_test = false);

// Names of the step kinds the walk draws (for the report).
std::vector<std::string> action_names();

}  // namespace rmesim::fuzz
