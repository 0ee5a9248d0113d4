// Where the firmware sits in DRAM. The monitor carves its regions out of the top of DRAM at
// boot, from the top down: the GPT (L0, then the L1 tables below it, each aligned to its
// size), the RMM, the monitor; the Non-secure rest below is what the host may use and
// delegate. One pure function of the platform's configuration, so that the monitor at boot
// and the scenario loader (what the host will have for its VMs) agree.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gpt/config.h"
#include "gpt/gpi.h"

namespace platform {

struct SocConfig;

// A memory region and the GPI the monitor gives it at boot.
struct MemoryRegion {
  std::string name;
  uint64_t base, size;
  gpt::Gpi gpi;
};

struct DramLayout {
  gpt::GpcConfig gpc;    // GPCCR_EL3 fields from the configuration and l0_base (not enabled)
  uint64_t l1_base = 0;  // the L1 tables (l0_base when there are none)
  uint64_t gpt_bytes = 0;
  // The Non-secure DRAM first, then the monitor, the RMM and the GPT (ascending).
  std::vector<MemoryRegion> regions;
  uint64_t ns_end() const { return regions.front().base + regions.front().size; }
};

// Throws std::invalid_argument when the GPT geometry is invalid or DRAM is too small for the
// firmware (the Non-secure part must keep at least half of DRAM).
DramLayout dram_layout(const SocConfig& cfg);

}  // namespace platform
