#include "platform/dram_layout.h"

#include <algorithm>
#include <stdexcept>

#include "gpt/table.h"
#include "platform/soc_config.h"

namespace platform {

namespace {
uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
}  // namespace

DramLayout dram_layout(const SocConfig& cfg) {
  DramLayout out;
  gpt::GpcConfig& gpc = out.gpc;
  gpc.pps = cfg.gpt_pps;
  gpc.pgs = cfg.gpt_pgs;
  gpc.l0gptsz = cfg.gpt_l0gptsz;
  gpc.enabled = false;
  if (auto err = gpc.validate(); !err.empty()) throw std::invalid_argument("GPT geometry: " + err);

  const uint64_t dram_end = cfg.dram_base + cfg.dram_size;
  const uint64_t l0_bytes = gpc.l0_table_bytes();
  const uint64_t l1_bytes = gpt::GptTable::l1_bytes_for(gpc, cfg.dram_base, cfg.dram_size);
  const uint64_t l0_base = align_down(dram_end - l0_bytes, l0_bytes);
  const uint64_t l1_align = std::max<uint64_t>(gpc.l1_table_bytes(), 4096);
  out.l1_base = l1_bytes ? align_down(l0_base - l1_bytes, l1_align) : l0_base;
  // The GPT's own region is described at granule level, so it starts on a granule.
  const uint64_t gpt_base = align_down(out.l1_base, gpc.granule_size());
  out.gpt_bytes = dram_end - gpt_base;
  gpc.l0_base = l0_base;

  const uint64_t fw_align = std::max<uint64_t>(2 * MiB, gpc.granule_size());
  const uint64_t rmm_base = align_down(gpt_base - cfg.rmm_size, fw_align);
  const uint64_t mon_base = align_down(rmm_base - cfg.monitor_size, fw_align);
  if (mon_base <= cfg.dram_base || mon_base - cfg.dram_base < cfg.dram_size / 2)
    throw std::invalid_argument("DRAM of " + std::to_string(cfg.dram_size >> 20) +
                                " MiB is too small for the firmware and a GPT of " +
                                std::to_string(out.gpt_bytes >> 10) + " KiB with this geometry");
  out.regions = {
      {"dram (non-secure, delegable)", cfg.dram_base, mon_base - cfg.dram_base, gpt::Gpi::NonSecure},
      {"el3 monitor", mon_base, rmm_base - mon_base, gpt::Gpi::Root},
      {"rmm", rmm_base, gpt_base - rmm_base, gpt::Gpi::Realm},
      {"gpt", gpt_base, out.gpt_bytes, gpt::Gpi::Root},
  };
  return out;
}

}  // namespace platform
