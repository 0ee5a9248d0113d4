// The KVM-like host layer (Non-secure EL2) with the Linux CCA user ABI, modelled on the
// "arm64: Support for Arm CCA in KVM" series (v12..v14) over an RMM 1.0 or, with host.abi v14,
// an RMM 2.0-bet1 (the v14 kernel's RMI flow, kvm/rmm2.cpp): what a VMM sees
// (capabilities, VM types, memory regions, KVM_ARM_RMI_POPULATE, vCPUs, KVM_RUN and its exits,
// KVM_ARM_VCPU_RMI_PSCI_COMPLETE) and what the kernel does underneath (realm descriptor and root
// RTTs on demand, RTTs level by level, initial RIPAS, RECs in MPIDR order with their AUX
// granules, activation on the first run, stage-2 faults, REC exits, teardown in Linux order).
//
// Every host memory access is a Non-secure transaction on the calling PE (GPC-checked, timed).
// A Granule Protection Fault the host takes follows Linux: on a page-table walk it is a host
// oops (the VM is stopped and the fault reported); on a data access it is SIGBUS to the VMM
// (reported; the run goes on).
//
// Calls run on a PE's SystemC thread (a job posted with Pe::post) and charge its time.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "gpt/check.h"
#include "host/page_allocator.h"
#include "host/rmi_client.h"
#include "sim/cost_ledger.h"
#include "sim/stats.h"

namespace platform {
class GuestCpu;
class GuestTrace;
class Pe;
class Soc;
struct SocConfig;
}  // namespace platform

namespace host {

class GuestInstructions;

class Vm;

// ---- User ABI constants (include/uapi/linux/kvm.h of the CCA series, v14 numbering) --------
constexpr uint32_t kCapArmRmi = 249;                     // KVM_CAP_ARM_RMI
constexpr uint32_t kCapArmVmIpaSize = 165;               // KVM_CAP_ARM_VM_IPA_SIZE
constexpr uint32_t kCapArmPsci02 = 102;                  // KVM_CAP_ARM_PSCI_0_2
constexpr uint32_t kCapNrVcpus = 9;                      // KVM_CAP_NR_VCPUS
constexpr uint64_t kVmTypeArmRealm = uint64_t{1} << 30;  // KVM_VM_TYPE_ARM_REALM
constexpr uint64_t kVmTypeIpaMask = 0xFF;                // KVM_VM_TYPE_ARM_IPA_SIZE_MASK

// The ABI generation the host implements, selectable so studies compare them side by side.
//  V12: KVM_ARM_VCPU_RMI_PSCI_COMPLETE exists; PSCI is answered in the kernel unless the VMM
//       asks for it (HostOptions::psci_in_kernel = false), then the VMM completes each request
//       with the ioctl; RECs are linked to vCPUs by vCPU index.
//  V14: the ioctl is gone; PSCI always goes to the VMM and KVM completes it (RMI_PSCI_COMPLETE)
//       before it enters the REC again; the MPIDR-to-REC link is made at the first run, from
//       each vCPU's MPIDR.
enum class AbiVariant : uint8_t { V12, V14 };
const char* to_string(AbiVariant v);

// The Non-secure DRAM the host kernel's page allocator manages: above the host kernel's own
// image and data, below the monitor's carve-outs (platform::dram_layout).
constexpr uint64_t kHostReserved = 16 * 1024 * 1024;
struct HostPool { uint64_t base = 0, size = 0; };
HostPool host_pool(const platform::SocConfig& cfg);

struct HostOptions {
  AbiVariant abi = AbiVariant::V14;
  bool psci_in_kernel = true;          // V12 only (see AbiVariant)
  uint64_t populate_chunk_pages = 512; // KVM_ARM_RMI_POPULATE maps at most this many pages per call
  // KVM_ARM_RMI_POPULATE backs each whole, aligned level-2 block of a call with one block (as with
  // huge pages behind the guest_memfd) and folds its level-3 RTT (RMI_RTT_FOLD): page_size, or
  // the level-2 block of its granule (2 MiB, 32 MiB, 512 MiB).
  uint64_t populate_block = 4096;
  // A protected stage-2 fault of a running realm maps this much (v14 over RMM 2.0-bet1 only):
  // page_size, as v14's gmem_abort() always passes PAGE_SIZE to realm_map_ipa(); or the
  // level-2 block (2 MiB with 4 KiB pages), as a guest_memfd backed by folios of that size
  // would let it (the whole aligned block around the fault, one RANGE_DELEGATE and one
  // RTT_DATA_MAP of a level-2 block; not in v14).
  uint64_t fault_block = 4096;
  uint64_t nvm_slice = 1'000'000;      // guest instructions per normal-VM run call (a kick ends one sooner)
  // The scheduler tick on each PE (CONFIG_HZ = 250, Debian's arm64 kernel): a vCPU that never
  // exits is taken out at each tick and entered again.
  sc_core::sc_time tick = sc_core::sc_time(4, sc_core::SC_MS);
  // The kernel's PAGE_SIZE as the v14 host tells a 2.0 RMM (RMM_CONFIG_SET's rmi_granule_size):
  // 4, 16 or 64 KiB. Only that: the host's own pages and tables stay 4 KiB (docs/rmm.md).
  uint64_t page_size = 4096;
};

// A Granule Protection Fault the host took, and what it did about it.
struct HostFault {
  enum class Action : uint8_t { Oops, Sigbus, GuestAbort };
  Action action;
  gpt::GpcResult gpf;
  std::string vm, context;
  unsigned pe = 0;
  sc_core::sc_time at;
};
const char* to_string(HostFault::Action a);

// How each host access is classified for the GPF policy.
enum class HostAccess : uint8_t {
  TableWalk,   // the host's own page tables (a GPF here is an oops)
  KernelData,  // kernel data (RMI structures, copies): SIGBUS to the VMM on whose behalf
  UserData,    // VMM memory: SIGBUS
};

class Kvm {
 public:
  // Observes `cpu` for the runs of normal VMs' guests (drawn in trace.json); `cpu` outlives it.
  Kvm(platform::Soc& soc, platform::GuestCpu& cpu, HostOptions opt = {});
  ~Kvm();
  Kvm(const Kvm&) = delete;
  Kvm& operator=(const Kvm&) = delete;

  // Kernel init (on a PE's thread): RMI_VERSION, RMI_FEATURES, and under 2.0 the RMM's
  // configuration and activation and the memory tracking checks (arch/arm64/kernel/rmi.c of
  // v14). The v12 host asks for RMI 1.0; the v14 host asks for 2.0 and, when RMI_VERSION says
  // the RMM implements 1.0 only, negotiates down to the 1.0 flow. Realms are refused if no
  // version is agreed. Returns 0 or -errno.
  int init();
  bool rmi_available() const { return rmi_ok_; }
  uint64_t rmm_features0() const { return features0_; }
  // The agreed RMI version is 2.0 (the v14 kernel's RMI flow) rather than 1.0.
  bool rmi_v2() const { return rmi_v2_; }
  const char* rmi_version_name() const { return !rmi_ok_ ? "none" : rmi_v2_ ? "2.0" : "1.0"; }
  // Whether the RMM measures with `h` (RMI_FEATURES register 0 in 1.0, register 1 in 2.0).
  bool rmm_hash_supported(rmi::HashAlgorithm h) const;

  // KVM_CHECK_EXTENSION.
  int64_t check_extension(uint32_t cap) const;
  // KVM_CREATE_VM: type = kVmTypeArmRealm for a realm, | IPA bits (0: default).
  Vm* create_vm(uint64_t type, const std::string& name);
  const std::vector<std::unique_ptr<Vm>>& vms() const { return vms_; }
  Vm* vm(const std::string& name);

  // Accesses by the host, Non-secure, on the current PE, with the GPF policy applied.
  bool access(HostAccess kind, Vm* vm, const std::string& context, bool write, uint64_t pa, void* buf,
              uint64_t len);
  bool read(HostAccess k, Vm* vm, const std::string& ctx, uint64_t pa, void* buf, uint64_t len) {
    return access(k, vm, ctx, false, pa, buf, len);
  }
  bool write(HostAccess k, Vm* vm, const std::string& ctx, uint64_t pa, const void* buf, uint64_t len) {
    return access(k, vm, ctx, true, pa, const_cast<void*>(buf), len);
  }
  bool zero(HostAccess k, Vm* vm, const std::string& ctx, uint64_t pa, uint64_t len);

  // Host time for work the models charge by name (host.* costs in the timing profile).
  void charge(const platform::TimedCost& c);
  void charge_memcpy(uint64_t bytes);

  platform::Soc& soc() { return soc_; }
  platform::GuestCpu& cpu() { return cpu_; }
  RmiClient& rmi() { return rmi_; }
  PageAllocator& pages() { return pages_; }
  const HostOptions& options() const { return opt_; }
  const std::vector<HostFault>& faults() const { return faults_; }
  // Keeps a fault the host took and counts it by action (soc.host.host_oops, sigbus, guest_abort).
  void record_fault(const HostFault& f);
  uint16_t alloc_vmid();
  void free_vmid(uint16_t vmid);
  // Anonymous memory for the VMM (mmap): contiguous Non-secure pages, 2 MiB aligned.
  std::optional<uint64_t> user_alloc(uint64_t bytes);
  void user_free(uint64_t pa, uint64_t bytes);
  // Asks the CPU to interrupt whatever guest runs on PE `pe_index` at its slice end.
  void kick(unsigned pe_index);

  // Costs (host.* in the profile).
  struct Costs {
    platform::TimedCost ioctl, page_alloc, exit_handling, user_exit, s2_fault;
    platform::RateCost memcpy;
  };
  const Costs& costs() const { return costs_; }

 private:
  friend class Vm;
  friend class Vcpu;
  platform::Soc& soc_;
  platform::GuestCpu& cpu_;
  std::unique_ptr<platform::GuestTrace> guest_trace_;  // normal VMs' runs in trace.json
  std::unique_ptr<GuestInstructions> guest_instructions_;  // soc.host.<vm>.instructions
  HostOptions opt_;
  RmiClient rmi_;
  PageAllocator pages_;
  Costs costs_;
  platform::StatGroup stats_;  // soc.host
  platform::Counter &host_oops_, &sigbus_, &guest_abort_;
  // A new VM's stats group: its name, or "name#N" for the Nth VM of that name.
  std::string vm_stats_name(const std::string& vm_name) const;
  bool rmi_ok_ = false, rmi_v2_ = false;
  uint64_t features0_ = 0, features1_ = 0;
  // 2.0: RMM_CONFIG_SET (the host's page size), RMM_ACTIVATE, GRANULE_TRACKING_GET over the
  // host's memory (FINE and CONVENTIONAL, else no realms), GPT_L1_CREATE per L0GPTSZ block
  // (kvm/rmm2.cpp). True when realms may be made.
  bool init_rmm_2_0();
  std::vector<std::unique_ptr<Vm>> vms_;
  std::vector<HostFault> faults_;
  std::vector<bool> vmids_;
};

}  // namespace host
