#include "platform/soc.h"

#include <algorithm>
#include <iomanip>
#include <stdexcept>

#include <tlm_utils/tlm_quantumkeeper.h>

#include "platform/devices/gicv3/gicv3.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "mem/interconnect.h"
#include "platform/dma_engine.h"
#include "platform/dram.h"
#include "platform/generic_timer.h"
#include "platform/gpc_unit.h"
#include "platform/memory_map.h"
#include "platform/requester.h"

namespace platform {

namespace {
// Device windows below DRAM (platform/memory_map.h) reserved until their models exist;
// accesses to a reserved window fail with a bus error.
struct DeviceWindow { const char* name; uint64_t base, size; };
constexpr DeviceWindow kDeviceWindows[] = {
    {"pl011 uart0", memory_map::kUart0Base, memory_map::kUart0Size},
};
}  // namespace

Soc::Soc(sc_core::sc_module_name name, const SocConfig& cfg, const TimingProfile& profile)
    : sc_module(name), cfg_(cfg), profile_(profile), stats_(std::string(basename())) {
  if (auto err = cfg_.validate(); !err.empty()) throw std::invalid_argument(err);
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
    throw std::logic_error("rmesim needs SystemC's default time resolution of 1 ps");
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(double(cfg_.quantum_ns), sc_core::SC_NS));
  dram_ = std::make_unique<Dram>("dram", cfg_.dram_base, cfg_.dram_size, profile);
  bus_ = std::make_unique<Interconnect>("interconnect");
  bus_->out.bind(dram_->socket);
  bus_->map("dram", cfg_.dram_base, cfg_.dram_size, 0);
  for (const auto& w : kDeviceWindows) bus_->map(w.name, w.base, w.size, -1);
  monitor_ = std::make_unique<Monitor>(cfg_, profile, stats_);
  monitor_->attach_trace(trace_);
  for (unsigned i = 0; i < cfg_.cores; ++i) {
    pes_.push_back(std::make_unique<Pe>(("pe" + std::to_string(i)).c_str(), i, profile, stats_));
    pes_.back()->gpc().out.bind(bus_->in);
    monitor_->attach_gpc(pes_.back()->gpc());
  }
  // trace.json lists PEs in order, each with its worlds from the least privileged up.
  for (const auto& pe : pes_) {
    for (World w : {World::NonSecure, World::Realm, World::Root})
      pe->requester().set_trace_track(w, trace_.track(pe->name(), to_string(w)));
    pe->gpc().attach_trace(trace_, pe->requester(), pe->name());
  }
  // The SMMU, with its own GPC unit (programmed by the monitor through its Root page), and
  // the DMA engine behind it.
  const uint32_t smmu_id = static_cast<uint32_t>(pes_.size());
  smmu_ = std::make_unique<smmuv3::Smmuv3>("smmuv3", smmu_id, monitor_->gpc_config().l0gptsz, profile, stats_);
  smmu_->gpc().out.bind(bus_->in);
  smmu_->attach_trace(trace_);
  monitor_->attach_smmu(memory_map::kSmmuRootBase, smmu_->gpc());
  dma_ = std::make_unique<DmaEngine>("dma_engine", memory_map::kDmaStreamId, smmu_id + 1, gpt::Pas::NonSecure,
                                     profile, stats_);
  dma_->attach_trace(trace_);
  dma_->out.bind(smmu_->client);
  bus_->out.bind(dma_->regs);
  bus_->map("dma engine", dma_base(), DmaEngine::kWindow, 1);
  std::vector<uint64_t> mpidrs;
  for (const auto& pe : pes_) mpidrs.push_back(pe->mpidr());
  gic_ = std::make_unique<gicv3::Gicv3>(
      "gicv3", mpidrs, [this](unsigned pe, bool irq, bool fiq) { pes_.at(pe)->set_interrupt_lines(irq, fiq); }, stats_);
  bus_->out.bind(gic_->gicd);
  bus_->map("gicv3 distributor", memory_map::kGicdBase, memory_map::kGicdSize, 2);
  bus_->out.bind(gic_->gicr);
  bus_->map("gicv3 redistributors", memory_map::kGicrBase, memory_map::kGicrStride * cfg_.cores, 3);
  bus_->out.bind(smmu_->regs);
  bus_->map("smmuv3", memory_map::kSmmuBase, memory_map::kSmmuSize, 4);
  bus_->out.bind(smmu_->root_regs);
  bus_->map("smmuv3 root page", memory_map::kSmmuRootBase, memory_map::kSmmuRootSize, 5);
  // The SMMU's interrupt outputs are edges on their SPIs.
  smmu_->irq = [this](smmuv3::Irq line) {
    static constexpr unsigned kSpi[] = {memory_map::kSmmuEventqSpi, memory_map::kSmmuGerrorSpi,
                                        memory_map::kSmmuGpfFarSpi, memory_map::kSmmuGptCfgFarSpi};
    const unsigned intid = 32 + kSpi[static_cast<unsigned>(line)];
    gic_->set_line(0, intid, true);
    gic_->set_line(0, intid, false);
  };
  for (unsigned i = 0; i < cfg_.cores; ++i) {
    timers_.push_back(std::make_unique<GenericTimer>(
        ("timer" + std::to_string(i)).c_str(), profile.number("cpu.counter_frequency"),
        [this, i](unsigned ppi, bool level) { gic_->set_line(i, ppi, level); }));
    pes_[i]->attach_timer(*timers_.back());
  }
}

Soc::~Soc() = default;

Requester& Soc::add_requester(const std::string& name) {
  const uint32_t id = static_cast<uint32_t>(pes_.size() + 2 + extra_requesters_.size());  // after the SMMU and DMA
  extra_stats_.push_back(std::make_unique<StatGroup>(name, &stats_));
  StatGroup& group = *extra_stats_.back();
  extra_gpcs_.push_back(std::make_unique<GpcUnit>((name + "_gpc").c_str(), id, profile_, group));
  extra_requesters_.push_back(std::make_unique<Requester>(name.c_str(), id, *extra_gpcs_.back(), profile_, group));
  extra_requesters_.back()->socket.bind(extra_gpcs_.back()->in);
  extra_gpcs_.back()->attach_trace(trace_, *extra_requesters_.back(), extra_requesters_.back()->name());
  extra_gpcs_.back()->out.bind(bus_->in);
  monitor_->attach_gpc(*extra_gpcs_.back());
  return *extra_requesters_.back();
}

void Soc::rethrow_job_errors() const {
  for (const auto& pe : pes_) pe->rethrow_error();
}

void Soc::print_memory_map(std::ostream& os) const {
  auto hex = [](uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << std::setw(10) << std::setfill('0') << v;
    return s.str();
  };
  auto size = [](uint64_t v) {
    std::ostringstream s;
    if (v >= GiB && v % GiB == 0) s << v / GiB << " GiB";
    else if (v >= MiB && v % MiB == 0) s << v / MiB << " MiB";
    else s << v / KiB << " KiB";
    return s.str();
  };
  os << "Memory map\n";
  auto windows = bus_->windows();
  std::sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) { return a.base < b.base; });
  for (const auto& w : windows)
    os << "  " << hex(w.base) << " - " << hex(w.base + w.size - 1) << "  " << std::setw(9) << size(w.size)
       << "  " << w.name << (w.port < 0 ? " (reserved)" : "") << "\n";
  os << "DRAM carve-outs (GPI at boot)\n";
  for (const auto& r : monitor_->regions())
    os << "  " << hex(r.base) << " - " << hex(r.base + r.size - 1) << "  " << std::setw(9) << size(r.size)
       << "  " << std::left << std::setw(30) << r.name << std::right << " " << gpt::to_string(r.gpi) << "\n";
  const auto& g = monitor_->gpc_config();
  os << "GPT geometry\n"
     << "  PPS " << unsigned(g.pps) << " (" << g.t() << "-bit PA), PGS " << (g.granule_size() >> 10)
     << " KiB granules, L0GPTSZ " << g.s() << " bits (" << size(uint64_t{1} << g.s()) << " per L0 entry)\n"
     << "  L0 table at " << hex(g.l0_base) << ": " << g.l0_entries() << " entries, " << size(g.l0_table_bytes()) << "\n"
     << "  L1 tables: " << size(g.l1_table_bytes()) << " each (" << (uint64_t{1} << (g.s() - g.p() - 4))
     << " descriptors of 16 GPIs); GPT total " << size(monitor_->gpt_bytes()) << "\n"
     << "  PEs: " << pes_.size() << ", each with its own GPC unit; the SMMUv3 has one too (programmed through its Root page)\n";
}

}  // namespace platform
