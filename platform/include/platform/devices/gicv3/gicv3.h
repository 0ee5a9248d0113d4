// The SoC's GICv3 (IHI0069): the distributor, one redistributor and one CPU interface per PE,
// and the wiring between them: which interrupt each PE's CPU interface sees as highest
// priority, and the PE's IRQ/FIQ inputs. Two MMIO windows (platform/memory_map.h): the
// distributor frame and the redistributor region (128 KiB per PE, in PE order).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "platform/devices/gicv3/cpu_interface.h"
#include "platform/devices/gicv3/distributor.h"
#include "platform/devices/gicv3/redistributor.h"
#include "sim/stats.h"

namespace platform::gicv3 {

class Gicv3 : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Gicv3> gicd;  // the distributor frame (offsets from its base)
  tlm_utils::simple_target_socket<Gicv3> gicr;  // the redistributor region

  // What a PE's interrupt inputs see, called whenever it may have changed.
  using Signal = std::function<void(unsigned pe, bool irq, bool fiq)>;
  // `mpidrs`: MPIDR_EL1 of each PE, in PE order.
  Gicv3(sc_core::sc_module_name name, const std::vector<uint64_t>& mpidrs, Signal signal,
        StatGroup& parent_stats);

  Distributor& distributor() { return dist_; }
  Redistributor& redistributor(unsigned pe) { return *redists_.at(pe); }
  CpuInterface& cpu_interface(unsigned pe) { return *cpus_.at(pe); }
  unsigned num_pes() const { return static_cast<unsigned>(redists_.size()); }

  // The highest-priority pending, enabled interrupt of an enabled group that PE `pe`'s CPU
  // interface may receive (its SGIs and PPIs, the SPIs routed to it); ties go to the lowest
  // INTID (IHI0069 4.7.1 leaves them IMPLEMENTATION DEFINED).
  struct Candidate { unsigned intid = kSpurious; uint8_t priority = kIdlePriority; bool group1 = false; };
  Candidate highest_pending(unsigned pe) const;
  // The state of INTID `intid` as PE `pe` sees it (SGIs and PPIs are banked per PE).
  IrqState& state(unsigned pe, unsigned intid);
  // ICC_SGI*R_EL1 written by PE `from` (affinity-routed SGI generation).
  void generate_sgi(unsigned from, uint64_t sgir);
  // An interrupt line of a device: a PPI of PE `pe`, or an SPI (pe ignored).
  void set_line(unsigned pe, unsigned intid, bool level);
  // Recomputes every PE's IRQ/FIQ inputs.
  void update();
  // Counts an interrupt a CPU interface acknowledged (ICC_IAR*_EL1).
  void count_acknowledge() { ++acknowledged_; }

 private:
  void b_transport_gicd(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void b_transport_gicr(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool routed_to(unsigned intid, unsigned pe) const;

  Signal signal_;
  Distributor dist_;
  std::vector<std::unique_ptr<Redistributor>> redists_;
  std::vector<std::unique_ptr<CpuInterface>> cpus_;
  std::vector<uint8_t> signalled_;  // last IRQ (bit 0) / FIQ (bit 1) given to each PE
  StatGroup stats_;
  Counter& sgis_;
  Counter& acknowledged_;
  Counter& mmio_accesses_;
};

}  // namespace platform::gicv3
