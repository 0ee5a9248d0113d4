#include "rmm/rmm.h"

#include <algorithm>

#include "core/context.h"
#include "platform/abi/specs.h"
#include "platform/guest_trace.h"
#include "platform/pe.h"
#include "platform/soc.h"

namespace rmm {

void rsi_stats_init(Context& ctx);  // rsi/rsi.cpp

Rmm::Rmm(platform::Soc& soc) : Rmm(soc, platform::abi::kImplemented) {}

Rmm::Rmm(platform::Soc& soc, const platform::abi::Spec& abi)
    : ctx_(std::make_unique<Context>(soc, abi)),
      realm_trace_(std::make_unique<platform::GuestTrace>(soc.trace(), platform::World::Realm)) {
  rmi_dispatch_init(*ctx_);
  rsi_stats_init(*ctx_);
  soc.monitor().attach_rmm(*this);
}

Rmm::~Rmm() = default;

void Rmm::handle_smc(platform::Requester& caller, platform::abi::SmcRegs& regs) {
  // The PE is in the Realm world (the RMM at R-EL2, a REC at R-EL1/0) until the RMI call
  // returns to the host: logs, traces and the instruction trace name it so.
  platform::Pe& pe = ctx_->pe_of(caller);
  const platform::World from = pe.world();
  pe.set_world(platform::World::Realm);
  struct Restore {
    platform::Pe& pe;
    platform::World w;
    ~Restore() { pe.set_world(w); }
  } restore{pe, from};
  rmi_dispatch(*ctx_, caller, regs);
}

void Rmm::attach_guest_cpu(platform::GuestCpu& cpu) {
  if (ctx_->guest_cpu == &cpu) return;  // observed once: each run drawn once
  ctx_->guest_cpu = &cpu;
  cpu.add_observer(*realm_trace_);
}
void Rmm::set_run_slice(uint64_t instructions) { ctx_->run_slice = instructions; }
const char* Rmm::version() const { return ctx_->abi.version; }

GranuleState Rmm::granule_state(uint64_t pa) const {
  const uint64_t g = pa & ~(ctx_->granule_size() - 1);
  return ctx_->granules.tracked(g) ? ctx_->granules.state(g) : GranuleState::Undelegated;
}

unsigned Rmm::granule_refcount(uint64_t pa) const {
  const uint64_t g = pa & ~(ctx_->granule_size() - 1);
  return ctx_->granules.tracked(g) ? ctx_->granules.refcount(g) : 0;
}

std::vector<uint64_t> Rmm::granule_census() const { return ctx_->granules.census(); }

std::vector<uint64_t> Rmm::gpt_disagreements(platform::Requester& via, size_t limit) const {
  std::vector<uint64_t> bad;
  const GranuleTable& g = ctx_->granules;
  for (uint64_t pa = g.base(); pa < g.base() + g.size() && bad.size() < limit;) {
    // One walk covers the run of granules its deciding descriptor describes.
    const gpt::GptWalk w = ctx_->monitor.gpt_lookup(via, pa);
    const uint64_t end = w.ok() ? std::min(w.range_base + w.range_size, g.base() + g.size()) : pa + ctx_->granule_size();
    for (; pa < end && bad.size() < limit; pa += ctx_->granule_size()) {
      if (!ctx_->monitor.is_delegable(pa)) continue;
      const gpt::Gpi want = g.state(pa) == GranuleState::Undelegated ? gpt::Gpi::NonSecure : gpt::Gpi::Realm;
      if (!w.ok() || w.gpi != want) bad.push_back(pa);
    }
  }
  return bad;
}

std::optional<RealmState> Rmm::realm_state(uint64_t rd) const {
  if (Realm* r = ctx_->realm_at(rd)) return r->state;
  return std::nullopt;
}

std::optional<std::array<uint8_t, 64>> Rmm::measurement(uint64_t rd, unsigned slot) const {
  Realm* r = ctx_->realm_at(rd);
  if (!r || slot >= kNumMeasurementSlots) return std::nullopt;
  return r->measurement.slot(slot);
}

uint64_t Rmm::features0() const { return ctx_->features0; }

platform::StatGroup& Rmm::stats() { return ctx_->stats; }

}  // namespace rmm
