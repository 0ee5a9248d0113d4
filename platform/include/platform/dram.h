// DRAM: one sparse anonymous host mapping (untouched memory costs nothing), a TLM target with
// DMI, timed by the profile's latency and bandwidth. The CPU maps the same host memory into
// its engine once, at the PA (Requester::dram_window).
#pragma once
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "sim/cost_ledger.h"

namespace platform {

class TimingProfile;

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;  // addresses are offsets from `base`

  Dram(sc_core::sc_module_name name, uint64_t base, uint64_t size, const TimingProfile& profile);
  ~Dram() override;

  uint64_t base() const { return base_; }
  uint64_t size() const { return size_; }
  bool contains(uint64_t pa, uint64_t len = 1) const {
    return pa >= base_ && len <= size_ && pa - base_ <= size_ - len;
  }
  // Host view (for DMI and the CPU's engine).
  uint8_t* host(uint64_t pa) const { return mem_ + (pa - base_); }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload& gp);

  uint64_t base_, size_;
  uint8_t* mem_ = nullptr;
  TimedCost latency_;
  RateCost bandwidth_;
};

}  // namespace platform
