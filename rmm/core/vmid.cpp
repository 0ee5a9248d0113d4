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

uint64_t VmidSet::lowest_free() const {
  for (uint64_t v = 1; v < (uint64_t{1} << kBits); ++v)
    if (!used_->test(v)) return v;
  return uint64_t{1} << kBits;
}

}  // namespace rmm
