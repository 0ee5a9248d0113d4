#include "platform/gpc_unit.h"

#include <cstdio>
#include <cstring>

#include "platform/pas_extension.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "sim/trace.h"
#include "platform/world.h"

namespace platform {

GpcUnit::GpcUnit(sc_core::sc_module_name name, uint32_t requester_id, const TimingProfile& profile,
                 StatGroup& parent_stats)
    : sc_module(name), in("in"), out("out"), requester_id_(requester_id),
      t_hit_(profile.charge("gpc.cache_hit")), t_walk_level_(profile.charge("gpt.walk_level")),
      stat_group_("gpc", &parent_stats),
      stats_{stat_group_.counter("checks", "granule protection checks"),
             stat_group_.counter("cache_hits", "checks answered from the GPC cache"),
             stat_group_.counter("walks", "GPT walks"),
             stat_group_.counter("descriptor_reads", "GPT descriptors fetched"),
             stat_group_.counter("faults_walk", "GPF: GPT walk fault"),
             stat_group_.counter("faults_fail", "GPF: access PAS not permitted by the GPI"),
             stat_group_.counter("faults_address_size", "GPF: address size fault"),
             stat_group_.counter("faults_external_abort", "GPF: external abort on a GPT fetch"),
             stat_group_.counter("tlbi_paall", "TLBI PAALL received"),
             stat_group_.counter("tlbi_rpa", "TLBI RPA received")} {
  in.register_b_transport(this, &GpcUnit::b_transport);
  in.register_get_direct_mem_ptr(this, &GpcUnit::get_direct_mem_ptr);
  in.register_transport_dbg(this, &GpcUnit::transport_dbg);
  out.register_invalidate_direct_mem_ptr(this, &GpcUnit::invalidate_direct_mem_ptr);
}

void GpcUnit::program(const gpt::GpcConfig& cfg) {
  cfg_ = cfg;
  geometry_ = gpt::GpcGeometry(cfg);
  p_ = cfg.p();
  gpt_dmi_valid_ = false;
  tlbi_paall();
  --stats_.tlbi_paall.value;  // programming is not a TLBI the software issued
}

void GpcUnit::tlbi_paall() {
  granules_.fill(Entry{});
  blocks_.fill(Entry{});
  blocks_valid_ = 0;
  ++stats_.tlbi_paall;
  for (Listener* l : listeners_) l->gpc_invalidate(0, 0);
}

void GpcUnit::tlbi_rpa(uint64_t base, uint64_t size) {
  ++stats_.tlbi_rpa;
  auto overlaps = [&](const Entry& e) { return e.size && e.base < base + size && base < e.base + e.size; };
  const uint64_t first = base >> p_, last = (base + size - 1) >> p_;
  if (last - first + 1 >= kGranuleEntries) {
    for (auto& e : granules_) if (overlaps(e)) e = Entry{};
  } else {
    for (uint64_t g = first; g <= last; ++g) {
      Entry& e = granules_[g % kGranuleEntries];
      if (overlaps(e)) e = Entry{};
    }
  }
  for (uint32_t m = blocks_valid_; m; m &= m - 1) {
    const unsigned i = static_cast<unsigned>(__builtin_ctz(m));
    if (overlaps(blocks_[i])) {
      blocks_[i] = Entry{};
      blocks_valid_ &= ~(uint32_t{1} << i);
    }
  }
  for (Listener* l : listeners_) l->gpc_invalidate(base, size);
}

void GpcUnit::attach_trace(Trace& trace, const Requester& clock, std::string process) {
  trace_ = &trace;
  clock_ = &clock;
  trace_process_ = std::move(process);
}

void GpcUnit::trace_fault(gpt::GpcResult r, const sc_core::sc_time& delay) {
  if (!trace_ || !trace_->enabled()) return;
  char pa[32];
  std::snprintf(pa, sizeof pa, "0x%llx", static_cast<unsigned long long>(r.pa));
  trace_->instant(trace_->track(trace_process_, to_string(world_of(r.pas))), "GPF", "gpf", clock_->now() + delay,
                  {{"pa", pa}, {"kind", gpt::to_string(r.kind)}, {"level", std::to_string(r.level)},
                   {"pas", gpt::to_string(r.pas)}, {"gpi", gpt::to_string(r.gpi)}});
}

void GpcUnit::count_fault(gpt::GpfKind kind) {
  switch (kind) {
    case gpt::GpfKind::Walk: ++stats_.faults_walk; break;
    case gpt::GpfKind::Fail: ++stats_.faults_fail; break;
    case gpt::GpfKind::AddressSize: ++stats_.faults_address_size; break;
    case gpt::GpfKind::ExternalAbort: ++stats_.faults_external_abort; break;
    case gpt::GpfKind::None: break;
  }
}

gpt::GpcResult GpcUnit::check_granule(uint64_t pa, gpt::Pas pas, Delay& delay) {
  ++stats_.checks;
  gpt::GpcResult r;
  r.pa = pa;
  r.pas = pas;
  if (!cfg_.enabled) {
    r.gpi = gpt::Gpi::Any;
    return r;
  }
  // A cached entry exists only for a PA a walk resolved, so the configuration and
  // address-size rules (higher priority than the GPI check) already passed for it.
  const Entry* hit = nullptr;
  const Entry& g = granules_[(pa >> p_) % kGranuleEntries];
  if (g.size && pa - g.base < g.size) {
    hit = &g;
  } else {
    for (uint32_t m = blocks_valid_; m; m &= m - 1) {  // lowest index first, as a scan would
      const Entry& b = blocks_[static_cast<unsigned>(__builtin_ctz(m))];
      if (pa - b.base < b.size) { hit = &b; break; }
    }
  }
  if (hit) {
    ++stats_.cache_hits;
    delay.add(t_hit_);
    r.gpi = hit->gpi;
    r.level = hit->level;
  } else {
    ++stats_.walks;
    walk_reads_ = 0;
    const gpt::GptWalk w = gpt::gpt_walk(geometry_, pa, pas, *this);
    if (walk_reads_) delay.add(t_walk_level_ * walk_reads_);
    r.level = w.level;
    r.gpi = w.gpi;
    if (w.fault != gpt::GpfKind::None) {
      r.kind = w.fault;
      count_fault(r.kind);
      return r;
    }
    if (w.range_size) {
      Entry e{w.range_base, w.range_size, w.gpi, w.level};
      if (w.range_size == (uint64_t{1} << p_)) {
        granules_[(pa >> p_) % kGranuleEntries] = e;
      } else {
        blocks_[next_block_] = e;
        blocks_valid_ |= uint32_t{1} << next_block_;
        next_block_ = (next_block_ + 1) % kBlockEntries;
      }
    }
  }
  if (!gpt::gpi_permits(r.gpi, pas)) {
    r.kind = gpt::GpfKind::Fail;
    count_fault(r.kind);
  }
  return r;
}

gpt::GpcResult GpcUnit::check(uint64_t pa, uint64_t len, gpt::Pas pas, Delay& delay) {
  const uint64_t gsize = uint64_t{1} << p_;
  const uint64_t end = pa + (len ? len : 1);
  gpt::GpcResult r;
  for (uint64_t a = pa; a < end; a = (a | (gsize - 1)) + 1) {
    r = check_granule(a, pas, delay);
    if (!r.ok()) {
      trace_fault(r, delay.total());
      return r;
    }
    if ((a | (gsize - 1)) + 1 == 0) break;  // wrapped at the top of the address space
  }
  return r;
}

bool GpcUnit::read_descriptor(uint64_t pa, uint64_t& value) {
  ++stats_.descriptor_reads;
  ++walk_reads_;
  if (!gpt_dmi_valid_ || pa < gpt_dmi_.get_start_address() || pa + 8 - 1 > gpt_dmi_.get_end_address()) {
    tlm::tlm_generic_payload gp;
    gp.set_address(pa);
    tlm::tlm_dmi dmi;
    gpt_dmi_valid_ = out->get_direct_mem_ptr(gp, dmi) && dmi.is_read_allowed();
    if (gpt_dmi_valid_) gpt_dmi_ = dmi;
  }
  if (gpt_dmi_valid_ && pa >= gpt_dmi_.get_start_address() && pa + 8 - 1 <= gpt_dmi_.get_end_address()) {
    std::memcpy(&value, gpt_dmi_.get_dmi_ptr() + (pa - gpt_dmi_.get_start_address()), 8);
    return true;
  }
  // Not DRAM: a GPT fetch from an address nothing backs is an external abort.
  tlm::tlm_generic_payload gp;
  PasExtension ext;
  ext.pas = gpt::Pas::Root;
  ext.requester = requester_id_;
  gp.set_extension(&ext);
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(pa);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  gp.set_data_length(8);
  gp.set_streaming_width(8);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  out->b_transport(gp, d);
  gp.clear_extension(&ext);
  return gp.is_response_ok();
}

void GpcUnit::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  PasExtension* ext = gp.get_extension<PasExtension>();
  const gpt::Pas pas = ext ? ext->pas : gpt::Pas::NonSecure;
  // The check's time, by cost, goes where the requester asked (PasExtension::costs).
  Delay local;
  Delay& costs = ext && ext->costs ? *ext->costs : local;
  const sc_core::sc_time before = costs.total();
  const gpt::GpcResult r = check(gp.get_address(), gp.get_data_length(), pas, costs);
  delay += costs.total() - before;
  if (!r.ok()) {
    if (ext) ext->gpf = r;
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  out->b_transport(gp, delay);
}

bool GpcUnit::get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  // DMI is granted through the GPC unit only to requesters that call check() themselves
  // before every direct access (Requester does).
  return out->get_direct_mem_ptr(gp, dmi);
}

unsigned GpcUnit::transport_dbg(tlm::tlm_generic_payload& gp) { return out->transport_dbg(gp); }

void GpcUnit::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  gpt_dmi_valid_ = false;
  in->invalidate_direct_mem_ptr(start, end);
}

}  // namespace platform
