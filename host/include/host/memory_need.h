// What VMs take from the host kernel's page allocator at most, by the same rules the VMM and
// KVM allocate by, so that VMs which cannot fit in DRAM together are refused before anything
// runs (rather than KVM_ARM_RMI_POPULATE failing with -ENOMEM part-way through a realm).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/vmm.h"

namespace platform {
struct SocConfig;
}  // namespace platform

namespace host {

struct MemoryNeed {
  uint64_t vmm = 0;      // VMM memory: the RAM copy and each shared region (Kvm::user_alloc, 2 MiB runs)
  uint64_t priv = 0;     // realm private memory: a DATA granule for every RAM page, populated or faulted in
  uint64_t tables = 0;   // RTTs of a realm or stage-2 tables of a normal VM, the root ones included
  uint64_t objects = 0;  // RD, RECs with the most AUX granules an RMM may ask for, rec_run pages, params
  uint64_t total() const;
  MemoryNeed& operator+=(const MemoryNeed& o);
};

// The most one VM takes from the host's pages (bytes). A realm's pages and RTTs are of the
// kernel's `page_size` (its RMI granule); a normal VM's 4 KiB.
MemoryNeed memory_need(const VmSpec& vm, uint64_t page_size = 4096);

// "" when all of `vms` fit together in what the host has on `cfg`'s platform, else what they
// need and what there is. Says nothing when the platform itself is invalid (checked elsewhere).
std::string check_memory_fits(const std::vector<VmSpec>& vms, const platform::SocConfig& cfg, uint64_t page_size = 4096);

}  // namespace host
