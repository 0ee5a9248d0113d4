// The KVM-like host layer (Non-secure EL2) with the Linux CCA user ABI, modelled on the
// "arm64: Support for Arm CCA in KVM" series (v12..v14) over an RMM 1.0: what a VMM sees
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
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "host/page_allocator.h"
#include "host/rmi_client.h"
#include "platform/guest_cpu.h"

namespace platform {
class Pe;
class Soc;
struct SocConfig;
}  // namespace platform

namespace host {

class GuestTracer;
class NvmStage2;
class Vm;
class Vcpu;

// ---- User ABI constants (include/uapi/linux/kvm.h of the CCA series, v14 numbering) --------
constexpr uint32_t kCapArmRmi = 249;                     // KVM_CAP_ARM_RMI
constexpr uint32_t kCapArmVmIpaSize = 165;               // KVM_CAP_ARM_VM_IPA_SIZE
constexpr uint32_t kCapArmPsci02 = 102;                  // KVM_CAP_ARM_PSCI_0_2
constexpr uint32_t kCapNrVcpus = 9;                      // KVM_CAP_NR_VCPUS
constexpr uint64_t kVmTypeArmRealm = uint64_t{1} << 30;  // KVM_VM_TYPE_ARM_REALM
constexpr uint64_t kVmTypeIpaMask = 0xFF;                // KVM_VM_TYPE_ARM_IPA_SIZE_MASK
constexpr uint32_t kRmiPopulateMeasure = 1u << 0;        // KVM_ARM_RMI_POPULATE_FLAGS_MEASURE

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

// Stage-2 geometry for an IPA size with 4 KiB granules (Linux stage2_pgtable_levels()): the
// starting level and how many starting-level tables are concatenated.
struct Stage2Geometry { int level_start = 0; unsigned num_root = 1; };
Stage2Geometry stage2_geometry(unsigned ipa_bits);
// Bytes one stage-2 entry maps at `level` (4 KiB granule).
constexpr uint64_t s2_entry_size(int level) { return uint64_t{1} << (12 + 9 * (3 - level)); }

struct HostOptions {
  AbiVariant abi = AbiVariant::V14;
  bool psci_in_kernel = true;          // V12 only (see AbiVariant)
  uint64_t populate_chunk_pages = 512; // KVM_ARM_RMI_POPULATE maps at most this many pages per call
  uint64_t nvm_slice = 1'000'000;      // guest instructions per normal-VM run call (a kick ends one sooner)
};

// What a VMM may set for a realm before it is created (KVM_CAP_ARM_RMI configuration).
struct RealmConfig {
  unsigned ipa_bits = 0;  // 0: from the memory layout (kvmtool: max(32, fls(ram top)) + 1)
  rmi::HashAlgorithm hash = rmi::HashAlgorithm::Sha256;
  std::array<uint8_t, 64> rpv{};
  bool sve = false;
  unsigned sve_vl = 0;
  bool pmu = false;
  unsigned pmu_counters = 0;
  unsigned num_bps = 2, num_wps = 2;  // breakpoints and watchpoints (ID_AA64DFR0_EL1)
};

// KVM_SET_USER_MEMORY_REGION2: guest RAM backed by VMM memory (userspace_addr, a Non-secure
// PA in this model: the VMM's "virtual" addresses are identity) and, for a realm, private
// memory (guest_memfd) the kernel allocates page by page.
struct UserMemoryRegion {
  uint32_t slot = 0;
  uint64_t guest_phys_addr = 0, memory_size = 0, userspace_addr = 0;
  bool guest_memfd = true;  // realm: private memory behind the protected IPAs
};

// struct kvm_arm_rmi_populate: the kernel advances base/size/source_uaddr on partial progress.
struct RmiPopulate {
  uint64_t base = 0, size = 0, source_uaddr = 0;
  uint32_t flags = 0, reserved = 0;
};

// KVM_RUN exit reasons the VMM sees (kvm_run->exit_reason).
enum class ExitReason : uint8_t {
  Mmio,         // emulate mmio.{phys_addr,len,is_write,data}; a read's value goes in mmio.data
  Hypercall,    // RSI_HOST_CALL (realm): hypercall.{imm,gprs}; the VMM edits gprs for the reply
  Psci,         // PSCI for the VMM (V14, or V12 with psci_in_kernel off): psci.{fid,args,ret}
  MemoryFault,  // RIPAS change request (realm): memory_fault.{base,top,private_}; set .reject
  SystemEvent,  // PSCI SYSTEM_OFF / SYSTEM_RESET: system_event.type
  Intr,         // the run was interrupted (a stop request or kick): run again or stop
  Shutdown,     // the VM cannot run any more (realm SYSTEM_OFF seen by REC_ENTER, host oops)
  InternalError,
};
const char* to_string(ExitReason r);

// What an RMI_EXIT_SYNC of a realm was, as the host handled it (ESR_EL2.EC and the IPA).
enum class SyncCause : uint8_t {
  Wfx,                 // WFI/WFE trapped: the REC waits, the host enters it again
  MmioRead,            // data abort at an unprotected IPA with no memory: emulated MMIO (the UART)
  MmioWrite,
  SharedDataAbort,     // data abort at an unprotected IPA of VMM memory: the host maps it (RTT_MAP_UNPROTECTED)
  PrivateDataAbort,    // data abort at a protected IPA: private memory faulted in (DATA_CREATE_UNKNOWN)
  InstructionAbort,    // instruction abort: the page is mapped as for a data abort
  UnbackedAbort,       // unprotected IPA with nothing behind it (SEA injected), or a fault the host cannot resolve
  Other,               // another exception class the host only re-enters for
};
constexpr unsigned kNumSyncCauses = 8;
const char* to_string(SyncCause c);  // "mmio_write", ...

// Every exit counter name a Vm keeps (Vm::exit_count): the RMI exit reasons, the KVM exit
// reasons, and "RMI_EXIT_SYNC.<cause>".
const std::vector<std::string>& exit_counter_names();

struct KvmRun {
  ExitReason exit_reason = ExitReason::Intr;
  struct { uint64_t phys_addr = 0; uint64_t data = 0; uint32_t len = 0; bool is_write = false; } mmio;
  struct { uint32_t imm = 0; std::array<uint64_t, 31> gprs{}; } hypercall;
  struct { uint32_t fid = 0; std::array<uint64_t, 3> args{}; int64_t ret = 0; } psci;
  struct { uint64_t base = 0, top = 0; bool private_ = false; bool reject = false; } memory_fault;
  // type 1 SHUTDOWN, 2 RESET; data: a normal VM's X1..X3, a realm's rec_exit.gprs[1..3] (0: the RMM
  // forwards only the FID)
  struct { uint32_t type = 0; std::array<uint64_t, 3> data{}; } system_event;
  std::string detail;  // a human-readable reason for Shutdown / InternalError
};
constexpr uint32_t kSystemEventShutdown = 1, kSystemEventReset = 2;

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
  Kvm(platform::Soc& soc, platform::GuestCpu& cpu, GuestTracer* tracer, HostOptions opt = {});
  ~Kvm();
  Kvm(const Kvm&) = delete;
  Kvm& operator=(const Kvm&) = delete;

  // Kernel init (on a PE's thread): RMI_VERSION and RMI_FEATURES(0). Realms are refused if
  // the RMM does not speak 1.0. Returns 0 or -errno.
  int init();
  bool rmi_available() const { return rmi_ok_; }
  uint64_t rmm_features0() const { return features0_; }

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
  void charge(const sc_core::sc_time& t);
  void charge_memcpy(uint64_t bytes);

  platform::Soc& soc() { return soc_; }
  platform::GuestCpu& cpu() { return cpu_; }
  GuestTracer* tracer() { return tracer_; }
  RmiClient& rmi() { return rmi_; }
  PageAllocator& pages() { return pages_; }
  const HostOptions& options() const { return opt_; }
  const std::vector<HostFault>& faults() const { return faults_; }
  uint16_t alloc_vmid();
  void free_vmid(uint16_t vmid);
  // Anonymous memory for the VMM (mmap): contiguous Non-secure pages, 2 MiB aligned.
  std::optional<uint64_t> user_alloc(uint64_t bytes);
  void user_free(uint64_t pa, uint64_t bytes);
  // Asks the CPU to interrupt whatever guest runs on PE `pe_index` at its slice end.
  void kick(unsigned pe_index);

  // Costs (host.* in the profile).
  struct Costs {
    sc_core::sc_time ioctl, page_alloc, exit_handling, user_exit, s2_fault;
    double memcpy_bytes_per_ns = 10;
  };
  const Costs& costs() const { return costs_; }

 private:
  friend class Vm;
  friend class Vcpu;
  platform::Soc& soc_;
  platform::GuestCpu& cpu_;
  GuestTracer* tracer_;
  HostOptions opt_;
  RmiClient rmi_;
  PageAllocator pages_;
  Costs costs_;
  bool rmi_ok_ = false;
  uint64_t features0_ = 0;
  std::vector<std::unique_ptr<Vm>> vms_;
  std::vector<HostFault> faults_;
  std::vector<bool> vmids_;
};

// Realm lifecycle states as KVM tracks them.
enum class RealmState : uint8_t { None, New, Active, SystemOff, Dying, Dead };
const char* to_string(RealmState s);

class Vm {
 public:
  Vm(Kvm& kvm, std::string name, bool realm, unsigned ipa_bits);
  ~Vm();

  const std::string& name() const { return name_; }
  bool is_realm() const { return realm_; }
  unsigned ipa_bits() const { return ipa_bits_; }
  uint64_t unprotected_bit() const { return realm_ ? uint64_t{1} << (ipa_bits_ - 1) : 0; }

  // KVM_ENABLE_CAP(KVM_CAP_ARM_RMI): realm configuration, before the realm is created.
  int configure_realm(const RealmConfig& cfg);
  // KVM_SET_USER_MEMORY_REGION2.
  int set_user_memory_region(const UserMemoryRegion& r);
  // KVM_ARM_RMI_POPULATE: maps [base, base+size) from source_uaddr into the realm's private
  // memory, measured or not; may do less than asked (it updates the arguments), the VMM loops
  // until size is 0. Only before the realm is activated. Returns 0 or -errno.
  int rmi_populate(RmiPopulate& args);
  // KVM_CREATE_VCPU.
  Vcpu* create_vcpu(unsigned id);
  Vcpu* vcpu(unsigned id) { return id < vcpus_.size() ? vcpus_[id].get() : nullptr; }
  Vcpu* vcpu_by_mpidr(uint64_t mpidr);
  unsigned num_vcpus() const { return static_cast<unsigned>(vcpus_.size()); }

  // Tear the VM down as Linux does (close of the VM fd): every granule undelegated and freed.
  // What cannot be reclaimed (a granule still in use after its destroy failed, e.g. because
  // the host's raw RMI calls changed it behind KVM's back) is leaked: leaked_pages() and
  // warnings() say what and why, and each is logged as a warning.
  void destroy();
  bool destroyed() const { return destroyed_; }

  // Host-side helpers for VMM actions and scenario attacks.
  // The PA behind a guest IPA: private page (realm), shared page, or the NVM's stage 2.
  bool pa_of(uint64_t ipa, uint64_t& pa) const;
  // The VMM's memory behind a guest-physical address (its memslot's userspace_addr).
  bool user_pa_of(uint64_t gpa, uint64_t& pa) const;
  // Maps one page: realm private (DATA_CREATE_UNKNOWN) or shared (RTT_MAP_UNPROTECTED), or a
  // normal VM's stage-2 entry to `target_pa` (any PA: how a malicious host points a VM at
  // someone else's memory). Returns 0 or -errno.
  int map_page(uint64_t ipa, const uint64_t* target_pa = nullptr);

  // Stops every vCPU at its next exit (or slice end) and wakes the ones that wait.
  void request_stop();
  void clear_stop() { stop_ = false; }
  bool stop_requested() const { return stop_; }
  const sc_core::sc_event& changed_event() const { return changed_; }
  void notify_changed() { changed_.notify(sc_core::SC_ZERO_TIME); }

  // Observers.
  RealmState realm_state() const { return state_; }
  uint64_t rd() const { return rd_; }
  uint64_t root_rtt() const { return pgd_; }
  unsigned num_root_rtts() const { return num_root_; }
  int rtt_level_start() const { return level_start_; }
  uint64_t nvm_pgd() const { return nvm_pgd_; }
  bool oopsed() const { return oops_; }
  const std::string& oops_reason() const { return oops_reason_; }
  const RealmConfig& realm_config() const { return cfg_; }
  uint64_t data_pages() const { return data_.size(); }
  uint64_t rtt_pages() const { return rtts_.size(); }
  uint64_t shared_pages() const { return shared_.size(); }
  uint64_t delegated_now() const { return delegated_.size(); }
  uint64_t leaked_pages() const { return leaked_; }  // granules KVM could not undelegate
  // Every RMI call of KVM's that failed where it must not (as Linux WARNs), with its status.
  const std::vector<std::string>& warnings() const { return warnings_; }
  uint64_t populated_pages() const { return populated_; }
  uint64_t runtime_faults() const { return runtime_faults_; }
  std::map<std::string, uint64_t>& rec_exits() { return rec_exits_; }
  std::map<std::string, uint64_t>& kvm_exits() { return kvm_exits_; }
  const std::map<std::string, uint64_t>& sync_exits() const { return sync_exits_; }  // cause -> count
  // The count behind any of exit_counter_names() (0 when it never happened).
  uint64_t exit_count(const std::string& name) const;
  const std::map<std::string, double>& phase_ns() const { return phase_ns_; }
  void add_phase_time(const std::string& phase, const sc_core::sc_time& t);
  uint64_t ns_page_count_for_test() const { return user_pages_.size(); }

 private:
  friend class Vcpu;
  friend class NvmStage2;
  friend class Kvm;
  struct Slot { UserMemoryRegion r; };
  const Slot* slot_of(uint64_t gpa) const;

  // Realm internals (kvm/realm.cpp, kvm/rtt.cpp, kvm/populate.cpp).
  int ensure_created();
  int init_ripas(uint64_t base, uint64_t top);
  int create_rtts(uint64_t ipa, int from_level, int to_level = 3);
  bool delegate_page(uint64_t pa);
  void undelegate_and_free(uint64_t pa, uint64_t pages = 1);
  // Records and logs a failed RMI call (`arg` names its object); true when `r` failed.
  bool warn(const RmiResult& r, const char* command, uint64_t arg);
  void destroy_realm();
  std::optional<uint64_t> alloc_page(uint64_t pages = 1, uint64_t align = PageAllocator::kPage);
  int map_private(uint64_t ipa, bool measured_src, uint64_t src, uint64_t flags);
  int map_shared(uint64_t ipa);
  int activate(Vcpu& first);
  void unmap_private_range(uint64_t base, uint64_t top);
  void oops(const std::string& why);
  uint64_t params_page();

  // Normal VM stage 2 (kvm/stage2.cpp).
  platform::Stage2Result nvm_translate(platform::Pe& pe, uint64_t ipa);
  int nvm_map(uint64_t ipa, uint64_t pa, bool from_walk_pe);

  Kvm& kvm_;
  std::string name_;
  bool realm_;
  unsigned ipa_bits_;
  RealmConfig cfg_;
  bool cfg_locked_ = false;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Vcpu>> vcpus_;
  bool destroyed_ = false, stop_ = false, oops_ = false;
  std::string oops_reason_;
  sc_core::sc_event changed_;

  // Realm.
  RealmState state_ = RealmState::None;
  bool activating_ = false;
  sc_core::sc_event activated_;
  uint16_t vmid_ = 0;
  uint64_t rd_ = 0, pgd_ = 0, aux_count_ = 0;
  unsigned num_root_ = 0;
  int level_start_ = 0;
  std::map<std::pair<int, uint64_t>, uint64_t> rtts_;  // (level, base IPA) -> RTT PA
  std::map<uint64_t, uint64_t> data_;                  // protected IPA -> DATA PA
  std::map<uint64_t, uint64_t> shared_;                // unprotected IPA -> NS PA
  std::map<uint64_t, bool> delegated_;                 // every PA this VM delegated, still delegated
  uint64_t leaked_ = 0, populated_ = 0, runtime_faults_ = 0;
  std::vector<std::string> warnings_;

  // Normal VM.
  std::unique_ptr<NvmStage2> nvm_s2_;
  uint64_t nvm_pgd_ = 0;
  std::vector<uint64_t> nvm_tables_;  // every stage-2 table page (pgd first)

  std::vector<std::pair<uint64_t, uint64_t>> user_pages_;  // VMM memory runs the kernel tracks
  std::map<std::string, uint64_t> rec_exits_, kvm_exits_, sync_exits_;
  std::map<std::string, double> phase_ns_;
};

class Vcpu {
 public:
  Vcpu(Vm& vm, unsigned id);

  unsigned id() const { return id_; }
  Vm& vm() { return vm_; }
  // KVM_GET/SET_ONE_REG: X0..X30, PC, MPIDR (the VMM may set PC only before activation).
  platform::GuestState& regs() { return state_; }
  uint64_t mpidr() const { return state_.mpidr; }

  // KVM_RUN on the current PE. Returns 0 with run.exit_reason set, or -errno.
  int run(KvmRun& run);
  // KVM_ARM_VCPU_RMI_PSCI_COMPLETE (V12 only: -ENOTTY under V14).
  int psci_complete(uint64_t target_mpidr, int64_t psci_status);

  bool powered_on() const { return power_on_; }
  uint64_t rec() const { return rec_; }
  const sc_core::sc_event& wake_event() const { return wake_; }
  uint64_t runs() const { return runs_; }

 private:
  friend class Vm;
  int run_realm(KvmRun& run);
  int run_nvm(KvmRun& run);
  int create_rec();
  void destroy_rec();
  void power_on_from_psci(uint64_t entry, uint64_t context);
  bool handle_realm_psci(KvmRun& run, const std::array<uint64_t, 31>& gprs, bool& to_user);
  bool handle_nvm_hvc(KvmRun& run);
  void inject_sea_nvm(uint64_t far, bool data);
  bool wait_runnable();
  // WFI with nothing pending: sleeps until the vCPU's virtual timer fires (or a wake-up) and
  // then injects it; false when no timer is armed (nothing to wait for).
  // ICC_SGI1R_EL1 written by this vCPU (trapped): the SGI goes to the vCPUs it names.
  void send_sgi(uint64_t sgir);
  // Moves waiting virtual interrupts into free list registers (at entry).
  void flush_pending_virqs(std::array<uint64_t, platform::gicv3::kListRegs>& lrs);
  bool block_on_timer(uint64_t cntv_ctl, uint64_t cntv_cval, std::array<uint64_t, platform::gicv3::kListRegs>& lrs);

  Vm& vm_;
  unsigned id_;
  platform::GuestState state_;
  bool power_on_;
  sc_core::sc_event wake_;
  uint64_t runs_ = 0;

  // Realm REC.
  uint64_t rec_ = 0, run_page_ = 0;
  std::vector<uint64_t> aux_;
  // The realm's list registers as the host keeps them between REC exits and entries (KVM's
  // vgic-v3 LR state; a normal VM's live in state_.vgic).
  std::array<uint64_t, platform::gicv3::kListRegs> realm_lrs_{};
  // Virtual interrupts other vCPUs sent (SGIs) that wait for a free list register, and the PE
  // this vCPU last ran on (where a kick reaches it).
  std::vector<unsigned> pending_virqs_;
  int last_pe_ = -1;
  // What the last exit left for the next entry.
  enum class Pending : uint8_t { None, MmioRead, MmioWrite, HostCall, Psci, PsciV12, Ripas, Sea };
  Pending pending_ = Pending::None;
  uint32_t pending_psci_fid_ = 0;
  uint64_t pending_psci_target_ = 0;
  bool psci_completed_ = false;
  uint64_t ripas_base_ = 0, ripas_top_ = 0;
  uint8_t ripas_value_ = 0;
  platform::GuestExit nvm_last_{};
};

}  // namespace host
