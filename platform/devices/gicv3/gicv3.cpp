#include "platform/devices/gicv3/gicv3.h"

#include <cstring>

#include "platform/memory_map.h"

namespace platform::gicv3 {

Gicv3::Gicv3(sc_core::sc_module_name name, const std::vector<uint64_t>& mpidrs, Signal signal,
             StatGroup& parent_stats)
    : sc_module(name), gicd("gicd"), gicr("gicr"), signal_(std::move(signal)), dist_([this] { update(); }),
      signalled_(mpidrs.size(), 0), stats_(std::string(basename()), &parent_stats),
      sgis_(stats_.counter("sgis", "SGIs generated (per target PE)")),
      acknowledged_(stats_.counter("acknowledged", "interrupts acknowledged by a PE (ICC_IAR*_EL1)")),
      mmio_accesses_(stats_.counter("mmio_accesses", "GICD/GICR register accesses")) {
  for (unsigned i = 0; i < mpidrs.size(); ++i) {
    redists_.push_back(std::make_unique<Redistributor>(i, mpidrs[i], i + 1 == mpidrs.size(), [this] { update(); }));
    cpus_.push_back(std::make_unique<CpuInterface>(*this, i));
  }
  gicd.register_b_transport(this, &Gicv3::b_transport_gicd);
  gicr.register_b_transport(this, &Gicv3::b_transport_gicr);
}

bool Gicv3::routed_to(unsigned intid, unsigned pe) const {
  return dist_.route(intid) == redists_[pe]->affinity();
}

Gicv3::Candidate Gicv3::highest_pending(unsigned pe) const {
  Candidate best;
  const Redistributor& rd = *redists_.at(pe);
  if (rd.asleep()) return best;
  auto consider = [&](unsigned intid, const IrqState& s) {
    if (!s.enabled || !s.pending() || s.active || !dist_.group_enabled(s.group1)) return;
    if (best.intid == kSpurious || s.priority < best.priority) best = {intid, s.priority, s.group1};
  };
  for (unsigned i = 0; i < kSpiBase; ++i) consider(i, rd.irq(i));
  for (unsigned i = kSpiBase; i < kIntidCount; ++i)
    if (routed_to(i, pe)) consider(i, dist_.spi(i));
  return best;
}

IrqState& Gicv3::state(unsigned pe, unsigned intid) {
  return intid < kSpiBase ? redists_.at(pe)->irq(intid) : dist_.spi(intid);
}

void Gicv3::generate_sgi(unsigned from, uint64_t sgir) {
  const SgiRequest req = decode_sgi(sgir);
  for (unsigned pe = 0; pe < redists_.size(); ++pe) {
    const bool hit = req.broadcast ? pe != from : sgi_targets(req, redists_[pe]->affinity());
    if (!hit) continue;
    redists_[pe]->irq(req.intid).latch = true;
    ++sgis_;
  }
  update();
}

void Gicv3::set_line(unsigned pe, unsigned intid, bool level) {
  if (intid < kSpiBase) redists_.at(pe)->set_ppi_level(intid, level);
  else dist_.set_spi_level(intid, level);
}

void Gicv3::update() {
  if (cpus_.size() != redists_.size()) return;  // still constructing
  for (unsigned pe = 0; pe < cpus_.size(); ++pe) {
    const bool irq = cpus_[pe]->irq_signalled(), fiq = cpus_[pe]->fiq_signalled();
    const uint8_t now = (irq ? 1 : 0) | (fiq ? 2 : 0);
    if (now == signalled_[pe]) continue;
    signalled_[pe] = now;
    if (signal_) signal_(pe, irq, fiq);
  }
}

namespace {
// One register access from a TLM payload: 1, 4 or 8 bytes, naturally aligned.
template <typename Read, typename Write>
void access(tlm::tlm_generic_payload& gp, Read read, Write write) {
  const uint64_t off = gp.get_address();
  const unsigned size = gp.get_data_length();
  if ((size != 1 && size != 4 && size != 8) || (off & (size - 1)) || gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  uint64_t v = 0;
  bool ok = true;
  if (gp.is_read()) {
    ok = read(off, size, v);
    std::memcpy(gp.get_data_ptr(), &v, size);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), size);
    ok = write(off, size, v);
  }
  gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_BURST_ERROR_RESPONSE);
}
}  // namespace

void Gicv3::b_transport_gicd(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  ++mmio_accesses_;
  access(gp, [&](uint64_t o, unsigned s, uint64_t& v) { return o < memory_map::kGicdSize && dist_.read(o, s, v); },
         [&](uint64_t o, unsigned s, uint64_t v) { return o < memory_map::kGicdSize && dist_.write(o, s, v); });
}

void Gicv3::b_transport_gicr(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  ++mmio_accesses_;
  auto frame = [&](uint64_t o) -> Redistributor* {
    const uint64_t pe = o / memory_map::kGicrStride;
    return pe < redists_.size() ? redists_[pe].get() : nullptr;
  };
  access(gp, [&](uint64_t o, unsigned s, uint64_t& v) {
           Redistributor* rd = frame(o);
           return rd && rd->read(o % memory_map::kGicrStride, s, v);
         },
         [&](uint64_t o, unsigned s, uint64_t v) {
           Redistributor* rd = frame(o);
           return rd && rd->write(o % memory_map::kGicrStride, s, v);
         });
}

}  // namespace platform::gicv3
