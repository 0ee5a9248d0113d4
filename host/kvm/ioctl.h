// One KVM ioctl (or the VM fd's release) as the host does it: the entry cost (host.ioctl) when
// it starts, and a slice from entry to return on the calling PE's non_secure track of
// trace.json, where KVM's own work shows (its exits, the normal VMs' guest runs, its faults).
// Private to host/.
#pragma once
#include <string>

#include <systemc>

#include "sim/trace.h"

namespace platform {
class Pe;
}

namespace host {

class Kvm;

class Ioctl {
 public:
  // kDeferEntry: the entry cost waits for enter() (or the destructor), so that a caller can
  // charge it inside a phase that only starts after some of the call's work.
  enum Entry { kChargeEntry, kDeferEntry };
  Ioctl(Kvm& kvm, const char* name, const std::string& vm, Entry entry = kChargeEntry);
  ~Ioctl();
  void enter();
  Ioctl(const Ioctl&) = delete;
  Ioctl& operator=(const Ioctl&) = delete;
  // Something the slice says about the call (pages populated, the exit reason).
  void arg(const std::string& key, const std::string& value) { args_.push_back({key, value}); }

 private:
  Kvm& kvm_;
  const char* name_;
  platform::Pe& pe_;
  sc_core::sc_time start_;
  platform::Trace::Args args_;
  bool entered_ = false;
};

}  // namespace host
