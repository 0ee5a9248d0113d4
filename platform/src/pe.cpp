#include "platform/pe.h"

#include "sim/log.h"

namespace platform {

Pe::Pe(sc_core::sc_module_name name, unsigned index, const TimingProfile& profile,
       StatGroup& parent_stats)
    : sc_module(name), index_(index),
      // MPIDR_EL1: RES1 bit 31, Aff0 = PE within a cluster of 8, Aff1 = cluster.
      mpidr_((1ull << 31) | ((index / 8) << 8) | (index % 8)),
      stats_(std::string(basename()), &parent_stats) {
  gpc_ = std::make_unique<GpcUnit>("gpc", index, profile, stats_);
  requester_ = std::make_unique<Requester>("requester", index, *gpc_, profile, stats_);
  requester_->socket.bind(gpc_->in);
  SC_HAS_PROCESS(Pe);
  SC_THREAD(thread);
}

void Pe::post(Job job) {
  jobs_.push_back(std::move(job));
  job_posted_.notify(sc_core::SC_ZERO_TIME);
}

void Pe::thread() {
  for (;;) {
    while (jobs_.empty()) sc_core::wait(job_posted_);
    current_ = std::move(jobs_.front());
    jobs_.pop_front();
    running_ = true;
    try {
      current_(*this);
    } catch (...) {
      // Exceptions must not unwind through the SystemC kernel: keep the error, stop.
      error_ = std::current_exception();
      jobs_.clear();
      running_ = false;
      sc_core::sc_stop();
      return;
    }
    requester_->sync();  // a finished job's time becomes visible to everyone
    current_ = nullptr;
    running_ = false;
    job_done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace platform
