// What a scenario says about the platform. Defaults are a small FVP-like RME system.
#pragma once
#include <cstdint>
#include <string>

#include "gpt/config.h"

namespace platform {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

struct SocConfig {
  unsigned cores = 4;
  uint64_t dram_base = 0x8000'0000;  // as on the FVP: DRAM from 2 GiB
  uint64_t dram_size = 2 * GiB;      // 64 MiB .. 64 GiB
  uint64_t dram_max_size = 64 * GiB;

  // GPT geometry (GPCCR_EL3 encodings): PPS=2 (1 TB), PGS=4K, L0GPTSZ=0 (1 GB): the
  // FVP defaults TF-A uses.
  uint8_t gpt_pps = 2;
  gpt::Pgs gpt_pgs = gpt::Pgs::K4;
  uint8_t gpt_l0gptsz = 0;
  // Level-1 tables at boot for every L0GPTSZ block of DRAM (false), or only for the blocks
  // firmware needs (the first, and those holding the carve-outs), the rest made on request by
  // RMM 2.0's GPT_L1_CREATE (true; scenario platform.gpt.l1_tables: on_demand).
  bool gpt_l1_on_demand = false;

  // Firmware-owned DRAM at the top of DRAM (carved out by the monitor at boot).
  uint64_t monitor_size = 2 * MiB;  // Root: EL3 image and data
  uint64_t rmm_size = 16 * MiB;     // Realm: RMM image and data

  // TLM-2.0 global quantum: how far a PE may run ahead of the others before it yields.
  // Larger is faster; smaller interleaves PEs more finely. Deterministic either way.
  uint64_t quantum_ns = 10'000;

  std::string profile = "default";  // name under platform/profiles/ or a path
  uint64_t seed = 1;

  // Empty when valid, else what is wrong (named by the scenario key).
  std::string validate() const;
};

}  // namespace platform
