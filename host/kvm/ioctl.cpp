#include "ioctl.h"

#include "host/kvm.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace host {

Ioctl::Ioctl(Kvm& kvm, const char* name, const std::string& vm, Entry entry)
    : kvm_(kvm), name_(name), pe_(current_pe(kvm.soc())), start_(pe_.requester().now()), args_{{"vm", vm}} {
  if (entry == kChargeEntry) enter();
}

void Ioctl::enter() {
  if (entered_) return;
  entered_ = true;
  kvm_.charge(kvm_.costs().ioctl);
}

Ioctl::~Ioctl() {
  enter();
  platform::Trace& t = kvm_.soc().trace();
  if (t.enabled())
    t.slice(pe_.requester().trace_track(platform::World::NonSecure), name_, "kvm", start_, pe_.requester().now() - start_, std::move(args_));
}

}  // namespace host
