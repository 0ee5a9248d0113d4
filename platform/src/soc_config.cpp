#include "platform/soc_config.h"

#include <algorithm>

#include "gpt/table.h"

namespace platform {

std::string SocConfig::validate() const {
  if (cores < 1 || cores > 64) return "platform.cores: must be 1 to 64";
  if (dram_size < 64 * MiB) return "platform.dram: must be at least 64 MiB";
  if (dram_size > dram_max_size) return "platform.dram: must be at most 64 GiB";
  if (dram_size % (2 * MiB)) return "platform.dram: must be a multiple of 2 MiB";
  if (quantum_ns < 1 || quantum_ns > 1'000'000'000) return "platform.quantum: must be 1 ns to 1 s";
  // Firmware images and data: TF-A's EL3 image is tens of KiB, TF-RMM's with its granule
  // array a few MiB.
  if (monitor_size < 64 * KiB || monitor_size > GiB || monitor_size % (4 * KiB))
    return "platform.monitor_size: must be 64 KiB to 1 GiB, a multiple of 4 KiB";
  if (rmm_size < MiB || rmm_size > GiB || rmm_size % (4 * KiB))
    return "platform.rmm_size: must be 1 MiB to 1 GiB, a multiple of 4 KiB";
  gpt::GpcConfig g;
  g.pps = gpt_pps;
  g.pgs = gpt_pgs;
  g.l0gptsz = gpt_l0gptsz;
  if (auto err = g.validate(); !err.empty()) return "platform.gpt: " + err;
  const unsigned t = g.t();
  if (t < 64 && dram_base + dram_size > (uint64_t{1} << t))
    return "platform.gpt.pps: a " + std::to_string(t) + "-bit protected PA space does not cover DRAM";
  if (dram_size % g.granule_size()) return "platform.dram: must be a multiple of the GPT granule";
  // The monitor carves the GPT, the RMM and itself from the top of DRAM, each aligned down
  // (monitor.cpp), and keeps at least half of DRAM for the host: bound what alignment adds.
  const uint64_t fw_align = std::max<uint64_t>(2 * MiB, g.granule_size());
  const uint64_t gpt_max = 2 * g.l0_table_bytes() + gpt::GptTable::l1_bytes_for(g, dram_base, dram_size) +
                           std::max<uint64_t>(g.l1_table_bytes(), 4096) + g.granule_size();
  const uint64_t firmware = gpt_max + rmm_size + monitor_size + 2 * fw_align;
  if (firmware > dram_size / 2)
    return "platform.rmm_size: the firmware carve-outs (monitor_size + rmm_size + a GPT of up to " +
           std::to_string(gpt_max >> 10) + " KiB, with alignment " + std::to_string(firmware >> 20) +
           " MiB) must fit in half of DRAM (" + std::to_string(dram_size >> 21) + " MiB)";
  return "";
}

}  // namespace platform
