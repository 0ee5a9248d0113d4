// The SoC: PEs with their GPC units, the interconnect with its address map, DRAM, MMIO
// windows for devices, and the EL3 monitor. Built from a SocConfig and a timing profile.
#pragma once
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <systemc>

#include "platform/memory_map.h"
#include "platform/monitor.h"
#include "platform/pe.h"
#include "sim/profile.h"
#include "platform/soc_config.h"
#include "sim/stats.h"
#include "sim/trace.h"

namespace platform {

class Dram;
class GenericTimer;
class DmaEngine;
class Interconnect;
namespace gicv3 { class Gicv3; }
namespace smmuv3 { class Smmuv3; }

class Soc : public sc_core::sc_module {
 public:
  Soc(sc_core::sc_module_name name, const SocConfig& cfg, const TimingProfile& profile);
  ~Soc() override;

  const SocConfig& config() const { return cfg_; }
  const TimingProfile& profile() const { return profile_; }
  unsigned num_pes() const { return static_cast<unsigned>(pes_.size()); }
  Pe& pe(unsigned i) { return *pes_.at(i); }
  Monitor& monitor() { return *monitor_; }
  Dram& dram() { return *dram_; }
  Interconnect& interconnect() { return *bus_; }
  // The DMA engine: a Non-secure client device of the SMMU (StreamID memory_map::kDmaStreamId),
  // programmed through its MMIO window at dma_base().
  DmaEngine& dma() { return *dma_; }
  // The SMMUv3 in front of the DMA engine, with its own GPC unit (platform/memory_map.h).
  smmuv3::Smmuv3& smmu() { return *smmu_; }
  static constexpr uint64_t dma_base() { return memory_map::kDmaBase; }
  // The GICv3: distributor, redistributors and CPU interfaces (platform/memory_map.h).
  gicv3::Gicv3& gic() { return *gic_; }
  StatGroup& stats() { return stats_; }
  // The run's trace (trace.json): models add slices on their PE's tracks.
  Trace& trace() { return trace_; }

  // Adds a requester that is not a PE (SMMU, DMA engine): a GPC unit of its own, attached
  // to the monitor for programming and TLBI broadcasts. Elaboration time only.
  Requester& add_requester(const std::string& name);

  // Rethrows the first error a PE's job raised during the last simulation, if any.
  void rethrow_job_errors() const;

  // Human-readable memory map and GPT geometry.
  void print_memory_map(std::ostream& os) const;

 private:
  void bind_requester(GpcUnit& gpc, Requester& req);

  SocConfig cfg_;
  const TimingProfile& profile_;
  StatGroup stats_;
  Trace trace_;
  std::unique_ptr<Dram> dram_;
  std::unique_ptr<Interconnect> bus_;
  std::unique_ptr<Monitor> monitor_;
  std::vector<std::unique_ptr<Pe>> pes_;
  std::vector<std::unique_ptr<StatGroup>> extra_stats_;
  std::vector<std::unique_ptr<GpcUnit>> extra_gpcs_;
  std::vector<std::unique_ptr<Requester>> extra_requesters_;
  std::unique_ptr<smmuv3::Smmuv3> smmu_;
  std::unique_ptr<DmaEngine> dma_;
  std::unique_ptr<gicv3::Gicv3> gic_;
  std::vector<std::unique_ptr<GenericTimer>> timers_;  // one per PE
};

}  // namespace platform
