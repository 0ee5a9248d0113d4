// Guest instructions per VM: the CPU reports what each run retired to its observers, and this
// one adds it to the counter of the VM whose vCPU the PE is running. It is the simulator's own
// count (a host cannot see a realm's instructions), kept beside KVM's counters of the VM.
#pragma once
#include <vector>

#include "platform/guest_cpu.h"
#include "sim/stats.h"

namespace host {

class GuestInstructions final : public platform::GuestObserver {
 public:
  explicit GuestInstructions(unsigned num_pes) : running_(num_pes, nullptr) {}

  // While it lives, what `pe` retires counts for `counter` (one vCPU's KVM_RUN or REC_ENTER).
  class Scope {
   public:
    Scope(GuestInstructions& g, unsigned pe, platform::Counter& counter) : g_(g), pe_(pe) { g_.running_[pe_] = &counter; }
    ~Scope() { g_.running_[pe_] = nullptr; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    GuestInstructions& g_;
    unsigned pe_;
  };

  void on_slice(platform::Pe& pe, const platform::GuestSlice&, const platform::GuestExit& exit) override;
  void on_exit(platform::Pe&, platform::World, const platform::GuestState&, const platform::GuestExit&) override {}

 private:
  std::vector<platform::Counter*> running_;  // by PE index
};

}  // namespace host
