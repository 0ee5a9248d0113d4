#include "platform/soc_config.h"

namespace platform {

std::string SocConfig::validate() const {
  if (cores < 1 || cores > 64) return "platform.cores: must be 1 to 64";
  if (dram_size < 64 * MiB) return "platform.dram: must be at least 64 MiB";
  if (dram_size > dram_max_size) return "platform.dram: must be at most 64 GiB";
  if (dram_size % (2 * MiB)) return "platform.dram: must be a multiple of 2 MiB";
  if (quantum_ns < 1 || quantum_ns > 1'000'000'000) return "platform.quantum: must be 1 ns to 1 s";
  gpt::GpcConfig g;
  g.pps = gpt_pps;
  g.pgs = gpt_pgs;
  g.l0gptsz = gpt_l0gptsz;
  if (auto err = g.validate(); !err.empty()) return "platform.gpt: " + err;
  const unsigned t = g.t();
  if (t < 64 && dram_base + dram_size > (uint64_t{1} << t))
    return "platform.gpt.pps: a " + std::to_string(t) + "-bit protected PA space does not cover DRAM";
  if (dram_size % g.granule_size()) return "platform.dram: must be a multiple of the GPT granule";
  return "";
}

}  // namespace platform
