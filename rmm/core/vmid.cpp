#include "core/vmid.h"

#include <stdexcept>

namespace rmm {

bool VmidSet::reserve(uint64_t vmid) {
  if (!valid(vmid) || used_->test(vmid)) return false;
  used_->set(vmid);
  return true;
}

void VmidSet::release(uint64_t vmid) {
  if (!in_use(vmid)) throw std::logic_error("rmm: releasing a VMID that is not reserved");
  used_->reset(vmid);
}

}  // namespace rmm
