#include "platform/dram.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "platform/pas_extension.h"
#include "sim/profile.h"

namespace platform {

Dram::Dram(sc_core::sc_module_name name, uint64_t base, uint64_t size, const TimingProfile& profile)
    : sc_module(name), socket("socket"), base_(base), size_(size),
      latency_(profile.charge("dram.latency")),
      bandwidth_(profile.rate("dram.bandwidth")) {
  // MAP_NORESERVE: a 64 GiB DRAM costs only what is touched. No MADV_HUGEPAGE: with the
  // kernel's default defrag policy it compacts at first touch (a bare first pass over 512 MiB,
  // one write per 4 KiB, measured 15.7 us per 4 KiB with it and 6.2 us without).
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  // The host refusing the mapping (a ulimit, no address space) is the scenario asking for more
  // than this host gives: a clear error about platform.dram, not an internal one.
  if (p == MAP_FAILED)
    throw std::invalid_argument("platform.dram: the host cannot map " + std::to_string(size >> 20) +
                                " MiB for the simulated DRAM: " + std::strerror(errno));
  mem_ = static_cast<uint8_t*>(p);
  socket.register_b_transport(this, &Dram::b_transport);
  socket.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Dram::transport_dbg);
}

Dram::~Dram() {
  if (mem_) munmap(mem_, size_);
}

void Dram::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t off = gp.get_address();
  const uint64_t len = gp.get_data_length();
  if (off > size_ || len > size_ - off || gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), mem_ + off, len);
  else if (gp.is_write()) std::memcpy(mem_ + off, gp.get_data_ptr(), len);
  // Writes are posted: see Requester::access.
  Delay here;
  here.add(bandwidth_.of(len));
  if (gp.is_read()) here.add(latency_);
  delay += here.total();
  if (auto* ext = gp.get_extension<PasExtension>(); ext && ext->costs)
    for (const auto& p : here) ext->costs->add({p.id, sc_core::sc_time::from_value(p.ps)});
  gp.set_dmi_allowed(true);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(mem_);
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(latency_.time);
  dmi.set_write_latency(latency_.time);
  return true;
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& gp) {
  const uint64_t off = gp.get_address();
  if (off >= size_) return 0;
  const uint64_t len = std::min<uint64_t>(gp.get_data_length(), size_ - off);
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), mem_ + off, len);
  else if (gp.is_write()) std::memcpy(mem_ + off, gp.get_data_ptr(), len);
  return static_cast<unsigned>(len);
}

}  // namespace platform
