// A VM of the KVM-like host (host/kvm.h): what its fd offers a VMM (realm configuration,
// memory regions, KVM_ARM_RMI_POPULATE, vCPU creation, teardown) and what the kernel keeps for
// it underneath (realm descriptor, RTTs, DATA and shared pages, a normal VM's stage 2).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "host/page_allocator.h"
#include "host/rmi_client.h"
#include "host/vm_stats.h"
#include "platform/guest_cpu.h"
#include "platform/s2_geometry.h"

namespace platform {
class Pe;
}  // namespace platform

namespace host {

class Kvm;
class NvmStage2;
class Vcpu;

// Stage-2 geometry for an IPA size with translation granule `g` (Linux stage2_pgtable_levels()):
// the starting level and how many starting-level tables are concatenated.
struct Stage2Geometry { int level_start = 0; unsigned num_root = 1; };
Stage2Geometry stage2_geometry(unsigned ipa_bits, platform::s2::Geometry g = platform::s2::k4K);

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
constexpr uint32_t kRmiPopulateMeasure = 1u << 0;  // flags: KVM_ARM_RMI_POPULATE_FLAGS_MEASURE

// Every exit counter name a Vm keeps (Vm::exit_count): the RMI exit reasons, the KVM exit
// reasons, and "RMI_EXIT_SYNC.<cause>".
const std::vector<std::string>& exit_counter_names();

// Realm lifecycle states as KVM tracks them.
enum class RealmState : uint8_t { None, New, Active, SystemOff, Dying, Dead };
const char* to_string(RealmState s);

namespace vgic { class EmulatedGic; }

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
  // KVM_IRQ_LINE: a device's SPI input level in the VM's emulated distributor (the VMM's
  // UART); the vCPUs are woken to take it. Returns 0, or -EINVAL for an INTID that is no SPI.
  int irq_line(unsigned intid, bool level);

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
  // A normal VM's device is about to DMA to `ipa` through the VM's stage 2 (VFIO's pinning):
  // the page is made present in the stage-2 tables (guest RAM on demand; whatever is there
  // stays). False when nothing can be there.
  bool dma_map(platform::Pe& pe, uint64_t ipa);

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
  uint64_t leaked_pages() const { return counters_.leaked_pages.value; }  // granules KVM could not undelegate
  // Every RMI call of KVM's that failed where it must not (as Linux WARNs), with its status.
  const std::vector<std::string>& warnings() const { return warnings_; }
  uint64_t populated_pages() const { return counters_.populated_pages.value; }
  uint64_t irq_exits() const { return counters_.irq_exits.value; }  // a normal VM's exits on a physical IRQ
  // The count behind any of exit_counter_names().
  uint64_t exit_count(const std::string& name) const;
  // soc.host.<vm>: this VM's statistics; the VMM declares its own below it (soc.host.<vm>.vmm).
  const platform::StatGroup& stats() const { return stats_; }
  platform::StatGroup& stats() { return stats_; }
  // Where the simulated time of each realm lifecycle phase went (soc.host.<vm>.phases).
  struct Phases {
    explicit Phases(platform::StatGroup& g);
    platform::Breakdown &create, &populate, &rec_create, &activate, &fault_in, &teardown;
  };
  Phases& phases() { return phases_; }
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
  int init_ripas_of_memslots();
  int create_rtts(uint64_t ipa, int from_level, int to_level = 3);
  bool delegate_page(uint64_t pa, uint64_t pages = 1);
  void undelegate_and_free(uint64_t pa, uint64_t pages = 1);
  // One granule's transition in the agreed RMI version (1.0: GRANULE_(UN)DELEGATE; 2.0:
  // GRANULE_RANGE_(UN)DELEGATE of one granule).
  RmiResult delegate_granule(uint64_t pa);
  RmiResult undelegate_granule(uint64_t pa);
  // Records and logs a failed RMI call (`arg` names its object); true when `r` failed.
  bool warn(const RmiResult& r, const char* command, uint64_t arg);
  void destroy_realm();
  // KVM's pages: a realm's are the kernel's PAGE_SIZE, its RMI granule (host.page_size; 4 KiB
  // under 1.0); a normal VM's 4 KiB, the granule of its stage 2 (kvm/stage2.cpp). `align` 0:
  // one page.
  std::optional<uint64_t> alloc_page(uint64_t pages = 1, uint64_t align = 0);
  void free_pages(uint64_t pa, uint64_t pages = 1);
  // `page` 0: a fresh page; else the page to use (part of a block's run).
  int map_private(uint64_t ipa, bool measured_src, uint64_t src, uint64_t flags, uint64_t page = 0);
  // A protected stage-2 fault at run time: its page, or its level-2 block (host.fault_block).
  int fault_private(uint64_t ipa);
  // A level-2 block populated and folded (host.populate_block); `mapped` says how many of its
  // pages got mapped, even on failure.
  int populate_block(uint64_t ipa, uint64_t src, uint64_t flags, uint64_t& mapped);
  int map_shared(uint64_t ipa);
  int activate(Vcpu& first);
  void unmap_private_range(uint64_t base, uint64_t top);
  // RMM 2.0 paths (kvm/rmm2.cpp): the range commands, REALM_TERMINATE, stateful operations.
  bool delegate_range_2_0(uint64_t pa, uint64_t pages);
  uint64_t undelegate_range_2_0(uint64_t pa, uint64_t pages);  // granules undelegated from pa
  // realm_map_protected: [ipa, ipa + size) from the delegated run at `pa` (one page, or a level-2
  // block with host.fault_block) by RTT_DATA_MAP, looping on out_top.
  int map_protected_2_0(uint64_t ipa, uint64_t pa, uint64_t size);
  // A protected fault mapped as the whole level-2 block around it (host.fault_block); -EAGAIN
  // when the block cannot be had (the fault then maps its page).
  int fault_block_2_0(uint64_t ipa);
  int map_shared_2_0(uint64_t page, uint64_t pa);
  void unmap_private_range_2_0(uint64_t base, uint64_t top);
  void unmap_shared_2_0();
  // Drives the stateful operation `r` started to its end (donations from fresh delegated
  // pages, reclaims undelegated and freed, continues); `donated` tracks the granules it holds.
  RmiResult complete_sro(RmiResult r, std::vector<uint64_t>& donated);
  void oops(const std::string& why);
  uint64_t params_page();

  // The emulated GICD/GICR (kvm/vgic_dist.cpp), created at first use with one redistributor
  // per vCPU created by then (KVM sizes its vgic when the first vCPU runs).
  vgic::EmulatedGic& gic();

  // Normal VM stage 2 (kvm/stage2.cpp).
  platform::Stage2Result nvm_translate(platform::Pe& pe, uint64_t ipa);
  int nvm_map(uint64_t ipa, uint64_t pa, bool from_walk_pe);

  Kvm& kvm_;
  std::string name_;
  bool realm_;
  unsigned ipa_bits_;
  const uint64_t page_;                   // bytes of one of its pages (alloc_page)
  const platform::s2::Geometry geo_;      // its stage 2's translation granule: page_
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
  // m[key] = value, without a search when key is above every key: a populate's IPAs and fresh
  // pages come in ascending order (a tree search per page showed in its profile).
  template <class Map>
  static void set_ascending(Map& m, uint64_t key, typename Map::mapped_type value) {
    if (m.empty() || m.rbegin()->first < key) m.emplace_hint(m.end(), key, value);
    else m[key] = value;
  }
  std::vector<std::string> warnings_;

  std::unique_ptr<vgic::EmulatedGic> gic_;

  // Normal VM.
  std::unique_ptr<NvmStage2> nvm_s2_;
  uint64_t nvm_pgd_ = 0;
  std::vector<uint64_t> nvm_tables_;  // every stage-2 table page (pgd first)

  std::vector<std::pair<uint64_t, uint64_t>> user_pages_;  // VMM memory runs the kernel tracks
  platform::StatGroup stats_;
  platform::StatGroup phase_stats_{"phases", &stats_};
  Phases phases_{phase_stats_};
  VmStats counters_{stats_};
};

}  // namespace host
