// EL3 monitor: boot (GPT construction and GPC enable) and SMC routing. Granule transitions
// are in gtsi.cpp.
#include "platform/monitor.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "monitor/root_memory.h"
#include "platform/devices/smmuv3/registers.h"
#include "platform/gpc_unit.h"
#include "sim/log.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/soc_config.h"
#include "sim/time_format.h"
#include "sim/trace.h"

namespace platform {

Monitor::Monitor(const SocConfig& cfg, const TimingProfile& profile, StatGroup& parent_stats)
    : cfg_(cfg),
      t_world_switch_(profile.charge("smc.world_switch")),
      t_tlbi_(profile.charge("tlbi.broadcast")),
      t_tlbi_ack_(profile.charge("tlbi.broadcast_per_pe")),
      scrub_(profile.rate("scrub.bandwidth")),
      stats_("monitor", &parent_stats),
      smcs_(stats_.counter("smcs", "SMCs taken to EL3")),
      smcs_unknown_(stats_.counter("smcs_unknown", "SMCs with a function ID nobody handles")),
      delegates_(stats_.counter("delegates", "granules delegated (NS -> Realm)")),
      undelegates_(stats_.counter("undelegates", "granules undelegated (Realm -> NS)")),
      transitions_refused_(stats_.counter("transitions_refused", "granule transitions refused")),
      tlbi_broadcasts_(stats_.counter("tlbi_broadcasts", "TLBI PA broadcasts to every GPC unit")),
      t_transitions_(stats_.time("transitions", "simulated time in granule transitions")),
      t_gpt_lock_wait_(stats_.time("gpt_lock_wait",
                                   "granule transitions that waited for a GPT lock another PE held, and how long")) {
  // Firmware carve-outs at the top of DRAM (see dram_layout.h).
  const DramLayout layout = dram_layout(cfg);
  gpc_cfg_ = layout.gpc;
  t_cmo_granule_ = profile.charge("cache.maint_line") * static_cast<double>(granule_size() / kCacheLineBytes);
  l1_base_ = layout.l1_base;
  gpt_bytes_ = layout.gpt_bytes;
  delegable_base_ = cfg.dram_base;
  delegable_end_ = layout.ns_end();
  regions_ = layout.regions;
  for (uint64_t b = delegable_base_ >> kGptLockBlockShift; b <= (delegable_end_ - 1) >> kGptLockBlockShift; ++b)
    gpt_locks_.emplace_back(&t_gpt_lock_wait_);
}

Monitor::~Monitor() = default;

void Monitor::attach_gpc(GpcUnit& gpc) { gpcs_.push_back(&gpc); }

void Monitor::attach_smmu(uint64_t root_page, GpcUnit& gpc) { smmus_.push_back({root_page, &gpc}); }

// TF-A's smmuv3_security_init() with RME: the SMMU's GPC takes the PEs' configuration
// (GPCCR_EL3 without its GPC bit, in one 32-bit write as the FVP's model requires; GPTBR_EL3
// shifted to a PA), then GPCEN and, once acknowledged, ACCESSEN.
void Monitor::program_smmu(Requester& boot_core, uint64_t root_page) {
  namespace s = smmuv3;
  auto write32 = [&](uint64_t off, uint32_t v) { return boot_core.write(root_page + off, &v, 4, gpt::Pas::Root).ok(); };
  auto wait_ack = [&](uint32_t bits) {
    uint32_t ack = 0;
    return boot_core.read(root_page + s::SMMU_ROOT_CR0ACK, &ack, 4, gpt::Pas::Root).ok() && (ack & bits) == bits;
  };
  uint32_t idr0 = 0;
  if (!boot_core.read(root_page + s::SMMU_ROOT_IDR0, &idr0, 4, gpt::Pas::Root).ok() || !(idr0 & s::ROOT_IDR0_ROOT_IMPL))
    throw std::runtime_error("monitor: the SMMU at its Root page has no Root registers");
  const uint64_t gpt_base = gpc_cfg_.gptbr() << 12;
  const bool ok = write32(s::SMMU_ROOT_GPT_BASE_CFG, static_cast<uint32_t>(gpc_cfg_.gpccr() & ~(uint64_t{1} << gpt::gpccr::kGpcShift))) &&
                  boot_core.write64(root_page + s::SMMU_ROOT_GPT_BASE, gpt_base, gpt::Pas::Root).ok() &&
                  write32(s::SMMU_ROOT_CR0, s::ROOT_CR0_GPCEN) && wait_ack(s::ROOT_CR0_GPCEN) &&
                  write32(s::SMMU_ROOT_CR0, s::ROOT_CR0_GPCEN | s::ROOT_CR0_ACCESSEN) &&
                  wait_ack(s::ROOT_CR0_GPCEN | s::ROOT_CR0_ACCESSEN);
  if (!ok) throw std::runtime_error("monitor: enabling the SMMU's granule protection check failed");
}

void Monitor::boot(Requester& boot_core) {
  if (booted_) throw std::logic_error("monitor: booted twice");
  const sc_core::sc_time start = boot_core.now();
  RootMemory mem(boot_core);
  gpt::GptTable table(gpc_cfg_, mem);
  std::vector<gpt::PasRegion> granular{{cfg_.dram_base, cfg_.dram_size, gpt::Gpi::NonSecure}};
  std::vector<gpt::PasRegion> regions;
  for (const auto& r : regions_) regions.push_back({r.base, r.size, r.gpi});
  if (cfg_.gpt_l1_on_demand) {
    // L1 tables for the first block (the host kernel) and the blocks of the carve-outs only;
    // the rest of DRAM is L0 blocks of GPI NS until GPT_L1_CREATE.
    const uint64_t block = uint64_t{1} << gpc_cfg_.s();
    auto blocks_of = [&](uint64_t base, uint64_t size) {
      const uint64_t lo = base & ~(block - 1), hi = std::min(cfg_.dram_base + cfg_.dram_size, (base + size + block - 1) & ~(block - 1));
      return gpt::PasRegion{std::max(lo, cfg_.dram_base), hi - std::max(lo, cfg_.dram_base), gpt::Gpi::NonSecure};
    };
    granular = {blocks_of(cfg_.dram_base, 1)};
    for (const auto& r : regions_)
      if (r.gpi != gpt::Gpi::NonSecure) granular.push_back(blocks_of(r.base, r.size));
  }
  // Everything outside DRAM (device windows) is an L0 block of GPI ANY: devices do their own
  // filtering, as with TF-A's platform device regions.
  const std::string err = table.build(l1_base_, granular, gpt::Gpi::Any, regions);
  if (!err.empty()) throw std::runtime_error("monitor: building the GPT failed: " + err);
  l1_next_ = l1_base_ + table.l1_pool_bytes();
  // gpt_enable(): program GPTBR/GPCCR, invalidate, then enable, on every GPC unit.
  gpc_cfg_.enabled = true;
  for (GpcUnit* g : gpcs_) g->program(gpc_cfg_);
  charge_tlbi(boot_core);
  for (const Smmu& s : smmus_) program_smmu(boot_core, s.root_page);
  booted_ = true;
  RMESIM_LOG(LogLevel::Info, "soc.monitor",
             "GPT built and GPC enabled in " << format_time(boot_core.now() - start));
}

void Monitor::smc(Requester& caller, World from, abi::SmcRegs& regs) {
  ++smcs_;
  caller.charge(t_world_switch_);
  const uint32_t fid = regs.fid();
  if (abi::is_rmi_range(fid) && from == World::NonSecure && rmm_) {
    rmm_->handle_smc(caller, regs);
  } else if (fid >= abi::kRmmEl3FidFirst && fid <= abi::kRmmEl3FidLast && from == World::Realm) {
    const sc_core::sc_time start = caller.now();
    const uint64_t pa = regs.x[1];
    const char* name = "RMM_EL3_UNKNOWN";
    switch (fid) {
      case abi::kRmmGtsiDelegate: name = "GTSI_DELEGATE"; regs.x[0] = gtsi_delegate(caller, pa); break;
      case abi::kRmmGtsiUndelegate: name = "GTSI_UNDELEGATE"; regs.x[0] = gtsi_undelegate(caller, pa); break;
      case abi::kRmmGptL1Create: name = "GPT_L1_CREATE"; regs.x[0] = gpt_l1_create(caller, pa); break;
      default: ++smcs_unknown_; regs.x[0] = abi::kRmmEl3Unknown; break;
    }
    if (trace_ && trace_->enabled()) {
      char a[32];
      std::snprintf(a, sizeof a, "0x%llx", static_cast<unsigned long long>(pa));
      trace_->slice(caller.trace_track(World::Root), name, "el3", start, caller.now() - start,
                    {{"pa", a}, {"result", regs.x[0] == abi::kRmmEl3Ok ? "ok" : "refused"}});
    }
  } else {
    ++smcs_unknown_;
    regs.x[0] = abi::kSmcUnknown;
  }
  caller.charge(t_world_switch_);
}

gpt::GptWalk Monitor::gpt_lookup(Requester& via, uint64_t pa) {
  RootMemoryPeek peek(via);
  return gpt::gpt_walk(gpc_cfg_, pa, gpt::Pas::Root, peek);
}

gpt::Gpi Monitor::granule_gpi(Requester& via, uint64_t pa) {
  const gpt::GptWalk w = gpt_lookup(via, pa);
  return w.ok() ? w.gpi : gpt::Gpi::NoAccess;
}

}  // namespace platform
