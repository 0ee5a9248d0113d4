// Kvm: kernel init, capabilities, VM creation, host memory accesses with the GPF policy
// (Linux arch/arm64/mm/fault.c in the CCA series: a GPF on a table walk is an oops, a GPF on a
// data access is SIGBUS to the faulting task), VMIDs and the page allocator.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "host/kvm.h"
#include "guest_instructions.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "ioctl.h"
#include "platform/dram_layout.h"
#include "platform/guest_trace.h"
#include "platform/monitor.h"
#include "platform/pe.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "platform/soc_config.h"

namespace host {

HostPool host_pool(const platform::SocConfig& cfg) {
  HostPool p;
  p.base = cfg.dram_base + kHostReserved;
  const uint64_t end = platform::dram_layout(cfg).ns_end();
  p.size = end > p.base ? end - p.base : 0;
  return p;
}

Stage2Geometry stage2_geometry(unsigned ipa_bits, platform::s2::Geometry geo) {
  Stage2Geometry g;
  g.level_start = geo.start_level_for(ipa_bits);
  g.num_root = geo.num_root_tables(ipa_bits, g.level_start);
  return g;
}

const char* to_string(AbiVariant v) { return v == AbiVariant::V12 ? "v12" : "v14"; }

const char* to_string(ExitReason r) {
  switch (r) {
    case ExitReason::Mmio: return "KVM_EXIT_MMIO";
    case ExitReason::Hypercall: return "KVM_EXIT_HYPERCALL";
    case ExitReason::Psci: return "KVM_EXIT_PSCI";
    case ExitReason::MemoryFault: return "KVM_EXIT_MEMORY_FAULT";
    case ExitReason::SystemEvent: return "KVM_EXIT_SYSTEM_EVENT";
    case ExitReason::Intr: return "KVM_EXIT_INTR";
    case ExitReason::Shutdown: return "KVM_EXIT_SHUTDOWN";
    case ExitReason::InternalError: return "KVM_EXIT_INTERNAL_ERROR";
  }
  return "?";
}

const char* to_string(SyncCause c) {
  switch (c) {
    case SyncCause::Wfx: return "wfx";
    case SyncCause::MmioRead: return "mmio_read";
    case SyncCause::MmioWrite: return "mmio_write";
    case SyncCause::SharedDataAbort: return "shared_data_abort";
    case SyncCause::PrivateDataAbort: return "private_data_abort";
    case SyncCause::InstructionAbort: return "instruction_abort";
    case SyncCause::UnbackedAbort: return "unbacked_abort";
    case SyncCause::Other: return "other";
  }
  return "?";
}

const std::vector<std::string>& exit_counter_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (unsigned r = 0; r <= static_cast<unsigned>(rmi::ExitReason::Serror); ++r)
      v.push_back(rmi::to_string(static_cast<rmi::ExitReason>(r)));
    for (unsigned c = 0; c < kNumSyncCauses; ++c)
      v.push_back(std::string("RMI_EXIT_SYNC.") + to_string(static_cast<SyncCause>(c)));
    for (unsigned r = 0; r <= static_cast<unsigned>(ExitReason::InternalError); ++r)
      v.push_back(to_string(static_cast<ExitReason>(r)));
    return v;
  }();
  return names;
}

uint64_t Vm::exit_count(const std::string& name) const {
  static const std::string sync_prefix = "RMI_EXIT_SYNC.";
  const std::string path = name.rfind(sync_prefix, 0) == 0 ? "sync_exits." + name.substr(sync_prefix.size())
                           : name.rfind("RMI_", 0) == 0   ? "rec_exits." + name
                                                          : "kvm_exits." + name;
  const platform::Counter* c = stats_.find_counter(path);
  if (!c) throw std::logic_error("no exit counter " + name);
  return c->value;
}

const char* to_string(HostFault::Action a) {
  switch (a) {
    case HostFault::Action::Oops: return "oops";
    case HostFault::Action::Sigbus: return "sigbus";
    case HostFault::Action::GuestAbort: return "guest_abort";
  }
  return "?";
}

const char* to_string(RealmState s) {
  switch (s) {
    case RealmState::None: return "none";
    case RealmState::New: return "new";
    case RealmState::Active: return "active";
    case RealmState::SystemOff: return "system_off";
    case RealmState::Dying: return "dying";
    case RealmState::Dead: return "dead";
  }
  return "?";
}

Kvm::Kvm(platform::Soc& soc, platform::GuestCpu& cpu, HostOptions opt)
    : soc_(soc), cpu_(cpu),
      guest_trace_(std::make_unique<platform::GuestTrace>(soc.trace(), platform::World::NonSecure)),
      opt_(opt), rmi_(soc),
      pages_(host_pool(soc.config()).base, host_pool(soc.config()).size),
      stats_("host", &soc.stats()),
      host_oops_(stats_.counter("host_oops", "granule protection faults in kernel table walks (the host oopses)")),
      sigbus_(stats_.counter("sigbus", "granule protection faults on host accesses to VM memory (SIGBUS to the VMM)")),
      guest_abort_(stats_.counter("guest_abort", "granule protection faults of normal-VM accesses (SEA injected)")),
      vmids_(256, false) {
  stats_.formula("pages_total", "pages", "the host page pool",
                 [this] { return static_cast<double>(pages_.total_pages()); });
  stats_.formula("pages_peak_used", "pages", "most pool pages in use at once",
                 [this] { return static_cast<double>(pages_.peak_used_pages()); });
  stats_.formula("pages_used", "pages", "pool pages in use when the stats are read (the end of the run)",
                 [this] { return static_cast<double>(pages_.used_pages()); });
  stats_.formula("pages_leaked", "pages", "pool pages never to be reused (granules teardown could not undelegate)",
                 [this] { return static_cast<double>(pages_.leaked_pages()); });
  const auto& p = soc.profile();
  costs_.ioctl = p.charge("host.ioctl");
  costs_.page_alloc = p.charge("host.page_alloc");
  costs_.exit_handling = p.charge("host.exit_handling");
  costs_.user_exit = p.charge("host.user_exit");
  costs_.s2_fault = p.charge("host.s2_fault");
  costs_.memcpy = p.rate("host.memcpy");
  vmids_[0] = true;  // VMID 0 is the host's
  guest_instructions_ = std::make_unique<GuestInstructions>(soc.num_pes());
  cpu_.add_observer(*guest_trace_);
  cpu_.add_observer(*guest_instructions_);
}

Kvm::~Kvm() {
  cpu_.remove_observer(*guest_instructions_);
  cpu_.remove_observer(*guest_trace_);
}

int Kvm::init() {
  const bool v14 = opt_.abi == AbiVariant::V14;
  const RmiResult v = rmi_.version(v14 ? rmi::kVersion2_0 : rmi::kVersion);
  // The RMM names what it implements (X1 lower, X2 higher) and keeps no state of the call:
  // told 1.0 is there, the v14 host speaks 1.0 without asking again.
  rmi_ok_ = v.ok() || (v14 && v.x[1] <= rmi::kVersion && rmi::kVersion <= v.x[2]);
  if (!rmi_ok_) return -ENXIO;
  rmi_v2_ = rmi::version_major(v.x[1]) == 2 && v14;
  const RmiResult f = rmi_.features(0);
  features0_ = f.ok() ? f.x[1] : 0;
  if (rmi_v2_) {
    const RmiResult f1 = rmi_.features(1);
    features1_ = f1.ok() ? f1.x[1] : 0;
  }
  // KVM needs SHA-256 (rmm_check_features).
  if (!rmm_hash_supported(rmi::HashAlgorithm::Sha256)) rmi_ok_ = false;
  if (rmi_ok_ && rmi_v2_) rmi_ok_ = init_rmm_2_0();
  return rmi_ok_ ? 0 : -ENXIO;
}

bool Kvm::rmm_hash_supported(rmi::HashAlgorithm h) const {
  const bool sha512 = h == rmi::HashAlgorithm::Sha512;
  if (rmi_v2_) return rmi::feat0::field(features1_, sha512 ? rmi::feat1::kHashSha512Shift : rmi::feat1::kHashSha256Shift);
  return rmi::feat0::field(features0_, sha512 ? rmi::feat0::kHashSha512Shift : rmi::feat0::kHashSha256Shift);
}

int64_t Kvm::check_extension(uint32_t cap) const {
  switch (cap) {
    case kCapArmRmi: return rmi_ok_ ? 1 : 0;
    case kCapArmVmIpaSize: return rmi_ok_ ? std::min<int64_t>(48, rmi::feat0::field(features0_, 0, 8)) : 48;
    case kCapArmPsci02: return 1;
    case kCapNrVcpus: return static_cast<int64_t>(soc_.num_pes());
    default: return 0;
  }
}

Vm* Kvm::create_vm(uint64_t type, const std::string& name) {
  const Ioctl io(*this, "KVM_CREATE_VM", name);
  const bool realm = type & kVmTypeArmRealm;
  if (realm && !rmi_ok_) return nullptr;
  if (type & ~(kVmTypeArmRealm | kVmTypeIpaMask)) return nullptr;
  unsigned ipa = static_cast<unsigned>(type & kVmTypeIpaMask);
  if (ipa == 0) ipa = realm ? 33 : 39;
  if (ipa < 32 || ipa > (realm ? 48u : 39u)) return nullptr;
  if (realm && ipa > rmi::feat0::field(features0_, 0, 8)) return nullptr;
  vms_.push_back(std::make_unique<Vm>(*this, name, realm, ipa));
  return vms_.back().get();
}

Vm* Kvm::vm(const std::string& name) {
  for (auto& v : vms_)
    if (v->name() == name) return v.get();
  return nullptr;
}

uint16_t Kvm::alloc_vmid() {
  for (size_t i = 1; i < vmids_.size(); ++i)
    if (!vmids_[i]) {
      vmids_[i] = true;
      return static_cast<uint16_t>(i);
    }
  return 0;
}

void Kvm::free_vmid(uint16_t vmid) {
  if (vmid < vmids_.size()) vmids_[vmid] = false;
}

std::optional<uint64_t> Kvm::user_alloc(uint64_t bytes) {
  const uint64_t pages = (bytes + PageAllocator::kPage - 1) / PageAllocator::kPage;
  charge(costs_.page_alloc);
  return pages_.alloc(pages, 2 * 1024 * 1024);
}

void Kvm::user_free(uint64_t pa, uint64_t bytes) {
  pages_.free(pa, (bytes + PageAllocator::kPage - 1) / PageAllocator::kPage);
}

std::string Kvm::vm_stats_name(const std::string& vm_name) const {
  unsigned same = 0;
  for (const auto& vm : vms_) same += vm->name() == vm_name;
  return same ? vm_name + "#" + std::to_string(same + 1) : vm_name;
}

void Kvm::record_fault(const HostFault& f) {
  faults_.push_back(f);
  switch (f.action) {
    case HostFault::Action::Oops: ++host_oops_; break;
    case HostFault::Action::Sigbus: ++sigbus_; break;
    case HostFault::Action::GuestAbort: ++guest_abort_; break;
  }
}

void Kvm::kick(unsigned pe_index) { soc_.pe(pe_index).interrupt(); }

void Kvm::charge(const platform::TimedCost& c) { current_pe(soc_).requester().charge(c); }

void Kvm::charge_memcpy(uint64_t bytes) { charge(costs_.memcpy.of(bytes)); }

bool Kvm::access(HostAccess kind, Vm* vm, const std::string& context, bool write, uint64_t pa, void* buf,
                 uint64_t len) {
  platform::Pe& pe = current_pe(soc_);
  auto& req = pe.requester();
  const platform::AccessStatus st = write ? req.write(pa, buf, len, gpt::Pas::NonSecure)
                                          : req.read(pa, buf, len, gpt::Pas::NonSecure);
  if (st.ok()) return true;
  HostFault f;
  f.action = kind == HostAccess::TableWalk ? HostFault::Action::Oops : HostFault::Action::Sigbus;
  f.gpf = st.gpf;
  if (st.bus_error) f.gpf.pa = pa;
  f.vm = vm ? vm->name() : "";
  f.context = context + (st.bus_error ? " (bus error)" : "");
  f.pe = pe.index();
  f.at = req.now();
  record_fault(f);
  auto& t = soc_.trace();
  char pa_s[32];
  std::snprintf(pa_s, sizeof pa_s, "0x%llx", static_cast<unsigned long long>(f.gpf.pa));
  t.instant(pe.requester().trace_track(platform::World::NonSecure), std::string("GPF: ") + to_string(f.action), "gpf", f.at,
            {{"pa", pa_s}, {"kind", gpt::to_string(f.gpf.kind)}, {"level", std::to_string(f.gpf.level)},
             {"context", f.context}, {"vm", f.vm}});
  if (f.action == HostFault::Action::Oops && vm) vm->oops(context);
  return false;
}

bool Kvm::zero(HostAccess k, Vm* vm, const std::string& ctx, uint64_t pa, uint64_t len) {
  std::vector<uint8_t> z(len, 0);
  return access(k, vm, ctx, true, pa, z.data(), len);
}

}  // namespace host
