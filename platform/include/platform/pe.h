// A processing element (PE): the place where code runs. Firmware and software models (monitor,
// RMM, host, VMM) run as C++ jobs on its SystemC thread and charge its time; guests run on the
// CPU model that cpu/ attaches to it. Each PE has its own requester and GPC unit.
#pragma once
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include <systemc>

#include "platform/gpc_unit.h"
#include "platform/requester.h"
#include "sim/stats.h"
#include "platform/world.h"

namespace platform {

class GenericTimer;
class TimingProfile;

class Pe : public sc_core::sc_module {
 public:
  using Job = std::function<void(Pe&)>;

  Pe(sc_core::sc_module_name name, unsigned index, const TimingProfile& profile,
     StatGroup& parent_stats);

  unsigned index() const { return index_; }
  uint64_t mpidr() const { return mpidr_; }  // Aff0 = index within a cluster of 8... see .cpp
  Requester& requester() { return *requester_; }
  GpcUnit& gpc() { return *gpc_; }

  // The security state the PE currently executes in (changed by SMC entry/exit and ERET).
  World world() const { return world_; }
  void set_world(World w) { world_ = w; }

  // A physical interrupt for the hypervisor on this PE (the IPI Linux sends to a vCPU thread
  // it wants back): guest code running on the PE stops at its next slice boundary with an IRQ
  // exit. It stays pending until guest execution takes it.
  void interrupt() { interrupt_ = true; }
  bool take_interrupt() {
    const bool pending = interrupt_;
    interrupt_ = false;
    return pending;
  }

  // The PE's IRQ and FIQ inputs, driven by its GIC CPU interface. Physical interrupts belong
  // to the hypervisor (HCR_EL2.IMO/FMO): guest code stops at its next slice boundary with an
  // IRQ or FIQ exit while one is asserted.
  void set_interrupt_lines(bool irq, bool fiq) {
    irq_line_ = irq;
    fiq_line_ = fiq;
  }
  bool irq_line() const { return irq_line_; }
  bool fiq_line() const { return fiq_line_; }
  // The PE's generic timer (the SoC attaches it; null for a PE built alone).
  GenericTimer* timer() const { return timer_; }
  void attach_timer(GenericTimer& t) { timer_ = &t; }

  // Queues a job; jobs run in order on this PE's thread, each to completion.
  void post(Job job);
  // Whether every posted job has finished.
  bool idle() const { return jobs_.empty() && !running_; }
  // A job that threw: the first such error is kept, the PE stops taking jobs and the
  // simulation stops; whoever ran sc_start rethrows it with rethrow_error().
  bool failed() const { return static_cast<bool>(error_); }
  void rethrow_error() const { if (error_) std::rethrow_exception(error_); }
  // Notified whenever a job finishes.
  const sc_core::sc_event& job_done() const { return job_done_; }

 private:
  void thread();

  unsigned index_;
  uint64_t mpidr_;
  World world_ = World::NonSecure;
  StatGroup stats_;
  std::unique_ptr<GpcUnit> gpc_;
  std::unique_ptr<Requester> requester_;
  std::deque<Job> jobs_;
  // The running job, owned here rather than on the thread's stack: a job still blocked when
  // the simulation ends (its thread never resumes) is freed with the PE.
  Job current_;
  bool running_ = false;
  bool interrupt_ = false;
  bool irq_line_ = false, fiq_line_ = false;
  GenericTimer* timer_ = nullptr;
  std::exception_ptr error_;
  sc_core::sc_event job_posted_, job_done_;
};

}  // namespace platform
