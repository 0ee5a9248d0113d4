#include "mem/interconnect.h"

#include <stdexcept>

namespace platform {

Interconnect::Interconnect(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
  in.register_b_transport(this, &Interconnect::b_transport);
  in.register_get_direct_mem_ptr(this, &Interconnect::get_direct_mem_ptr);
  in.register_transport_dbg(this, &Interconnect::transport_dbg);
  out.register_invalidate_direct_mem_ptr(this, &Interconnect::invalidate_direct_mem_ptr);
}

void Interconnect::map(const std::string& name, uint64_t base, uint64_t size, int port) {
  for (const auto& w : windows_)
    if (base < w.base + w.size && w.base < base + size)
      throw std::logic_error("memory map: " + name + " overlaps " + w.name);
  windows_.push_back({name, base, size, port});
}

const Interconnect::Window* Interconnect::decode(uint64_t pa) const {
  for (const auto& w : windows_)
    if (pa >= w.base && pa - w.base < w.size) return &w;
  return nullptr;
}

void Interconnect::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t pa = gp.get_address();
  const Window* w = decode(pa);
  if (!w || w->port < 0 || gp.get_data_length() > w->base + w->size - pa) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  gp.set_address(pa - w->base);
  out[w->port]->b_transport(gp, delay);
  gp.set_address(pa);
}

bool Interconnect::get_direct_mem_ptr(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  const uint64_t pa = gp.get_address();
  const Window* w = decode(pa);
  if (!w || w->port < 0) return false;
  gp.set_address(pa - w->base);
  const bool ok = out[w->port]->get_direct_mem_ptr(gp, dmi);
  gp.set_address(pa);
  if (ok) {
    dmi.set_start_address(dmi.get_start_address() + w->base);
    dmi.set_end_address(std::min<uint64_t>(dmi.get_end_address() + w->base, w->base + w->size - 1));
  }
  return ok;
}

unsigned Interconnect::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  const uint64_t pa = gp.get_address();
  const Window* w = decode(pa);
  if (!w || w->port < 0) return 0;
  gp.set_address(pa - w->base);
  const unsigned n = out[w->port]->transport_dbg(gp);
  gp.set_address(pa);
  return n;
}

void Interconnect::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const auto& w : windows_) {
    if (w.port != port) continue;
    for (unsigned i = 0; i < in.size(); ++i) in[i]->invalidate_direct_mem_ptr(w.base + start, w.base + end);
  }
}

}  // namespace platform
