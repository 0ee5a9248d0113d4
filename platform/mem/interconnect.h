// The interconnect: decodes addresses against the memory map and forwards transactions (with
// their PAS extension untouched) to DRAM or MMIO windows. Targets see offsets from their
// window's base; DMI ranges are translated back to physical addresses.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace platform {

class Interconnect : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Interconnect> in;
  tlm_utils::multi_passthrough_initiator_socket<Interconnect> out;

  struct Window {
    std::string name;
    uint64_t base, size;
    int port;  // index into `out`, or -1: reserved for a device not modelled yet
  };

  explicit Interconnect(sc_core::sc_module_name name);

  // Adds a window; `port` is the order in which `out` is bound (-1 for none).
  void map(const std::string& name, uint64_t base, uint64_t size, int port);
  const std::vector<Window>& windows() const { return windows_; }
  const Window* decode(uint64_t pa) const;

 private:
  void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& gp);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<Window> windows_;
};

}  // namespace platform
