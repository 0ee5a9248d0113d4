// vCPUs: RECs created in MPIDR order with their AUX granules, KVM_RUN for realms (the
// RMI_REC_ENTER loop and REC exit handling: stage-2 faults, MMIO, PSCI, RIPAS changes, host
// calls, IRQs) and for normal VMs (the guest runs on the CPU under the host's stage 2).
#include <cerrno>
#include <cstring>

#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "guest_instructions.h"
#include "ioctl.h"
#include "nvm_stage2.h"
#include "platform/abi/rmm_abi_2_0.h"
#include "platform/abi/psci.h"
#include "platform/generic_timer.h"
#include "platform/memory_map.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "vgic.h"
#include "vgic_dist.h"

namespace host {

namespace {
namespace psci = platform::abi::psci;
namespace en = rmi::rec_enter;  // flag bits

// RmiRecEnter and RmiRecExit fields, with their declared offsets and sizes in each half.
namespace in_f = platform::abi::v1_0::rec_enter;
namespace out_f = platform::abi::v1_0::rec_exit;
using platform::abi::Field;

// ESR_EL2 exception classes (Arm ARM D17.2.37).
constexpr uint64_t kEcWfx = 0x01, kEcIabtLow = 0x20, kEcIabtCur = 0x21, kEcDabtLow = 0x24, kEcDabtCur = 0x25;
uint64_t ec_of(uint64_t esr) { return (esr >> 26) & 0x3F; }

bool is_cpu_on(uint32_t fid) { return fid == psci::kCpuOn32 || fid == psci::kCpuOn64; }
bool is_affinity_info(uint32_t fid) { return fid == psci::kAffinityInfo32 || fid == psci::kAffinityInfo64; }

// What a realm's stage-2 abort is for, in the order run_realm() handles it.
SyncCause abort_cause(bool data, bool unprotected, bool vmm_memory, uint64_t esr) {
  if (!data) return SyncCause::InstructionAbort;
  if (!unprotected) return SyncCause::PrivateDataAbort;
  if (vmm_memory) return SyncCause::SharedDataAbort;
  if (platform::esr_isv(esr)) return platform::esr_wnr(esr) ? SyncCause::MmioWrite : SyncCause::MmioRead;
  return SyncCause::UnbackedAbort;
}
}  // namespace

Vcpu::Vcpu(Vm& vm, unsigned id) : vm_(vm), id_(id), power_on_(id == 0) {
  state_.mpidr = rmi::rec_params::index_to_mpidr(id);
}

// kvm_create_rec: the REC granule and REC_AUX_COUNT AUX granules delegated, RmiRecParams from
// the vCPU's registers (RUNNABLE for a vCPU that starts powered on), RMI_REC_CREATE. Under 2.0
// there is no aux[]: REC_CREATE is a stateful operation whose donations become the AUX.
int Vcpu::create_rec() {
  Kvm& kvm = vm_.kvm_;
  // Every failure gives back what this call delegated: the REC does not exist.
  auto unwind = [&](int rc) {
    if (rec_) vm_.undelegate_and_free(rec_);
    rec_ = 0;
    for (uint64_t a : aux_) vm_.undelegate_and_free(a);
    aux_.clear();
    return rc;
  };
  auto rec = vm_.alloc_page();
  if (!rec) return -ENOMEM;
  if (!vm_.delegate_page(*rec)) { vm_.free_pages(*rec); return -ENXIO; }
  rec_ = *rec;
  for (uint64_t i = 0; i < vm_.aux_count_ && i < rmi::rec_params::kMaxAux; ++i) {
    auto a = vm_.alloc_page();
    if (!a) return unwind(-ENOMEM);
    if (!vm_.delegate_page(*a)) { vm_.free_pages(*a); return unwind(-ENXIO); }
    aux_.push_back(*a);
  }
  const uint64_t params = vm_.params_page();
  if (!params) return unwind(-ENOMEM);
  namespace rp = rmi::rec_params;
  const auto& decl = kvm.rmi_v2() ? platform::abi::v2_0::kRecParams : platform::abi::v1_0::kRecParams;
  uint8_t buf[decl.size] = {};
  auto put = [&](const char* field, uint64_t v, unsigned i = 0) { platform::abi::put(buf, decl, field, v, i); };
  put("flags", power_on_ ? rp::kFlagRunnable : 0);
  put("mpidr", state_.mpidr & rp::kMpidrMask);
  put("pc", state_.pc);
  for (unsigned i = 0; i < decl.field("gprs").count; ++i) put("gprs", state_.x[i], i);
  if (!kvm.rmi_v2()) {
    put("num_aux", aux_.size());
    for (unsigned i = 0; i < aux_.size(); ++i) put("aux", aux_[i], i);
  }
  bool ok = kvm.write(HostAccess::KernelData, &vm_, "RmiRecParams", params, buf, sizeof buf);
  if (ok) ok = vm_.complete_sro(kvm.rmi().rec_create(vm_.rd_, rec_, params), aux_).ok();
  vm_.free_pages(params);
  if (!ok) return unwind(-ENXIO);
  auto run = vm_.alloc_page();
  if (!run) {
    vm_.warn(vm_.complete_sro(kvm.rmi().rec_destroy(rec_), aux_), "RMI_REC_DESTROY", rec_);
    return unwind(-ENOMEM);
  }
  run_page_ = *run;
  kvm.zero(HostAccess::KernelData, &vm_, "RmiRecRun", run_page_, vm_.page_);
  return 0;
}

// RMI_REC_DESTROY, then the REC and its AUX granules offered back even if it failed (a REC
// destroyed behind KVM's back leaves them delegated, not in use).
void Vcpu::destroy_rec() {
  if (!rec_) return;
  // 2.0: the RMM hands the AUX granules back by OP_MEM_RECLAIM (complete_sro frees them).
  vm_.warn(vm_.complete_sro(vm_.kvm_.rmi().rec_destroy(rec_), aux_), "RMI_REC_DESTROY", rec_);
  vm_.undelegate_and_free(rec_);
  for (uint64_t a : aux_) vm_.undelegate_and_free(a);
  rec_ = 0;
  aux_.clear();
}

void Vcpu::power_on_from_psci(uint64_t entry, uint64_t context) {
  if (!vm_.realm_) {
    // A normal VM's vCPU starts at `entry` in the reset state (KVM's PSCI CPU_ON).
    const uint64_t mpidr = state_.mpidr;
    state_ = platform::GuestState{};
    state_.mpidr = mpidr;
    state_.pc = entry;
    state_.x[0] = context;
  }
  power_on_ = true;
  wake_.notify(sc_core::SC_ZERO_TIME);
  vm_.notify_changed();
}

// Waits while the vCPU is powered off; false when a stop request ends the wait.
void Vcpu::send_sgi(uint64_t sgir) {
  namespace gic = platform::gicv3;
  const gic::SgiRequest req = gic::decode_sgi(sgir);
  for (unsigned i = 0; i < vm_.num_vcpus(); ++i) {
    Vcpu* t = vm_.vcpu(i);
    const uint64_t m = t->state_.mpidr, affinity = (m & 0xFF'FFFF) | ((m >> 32 & 0xFF) << 32);
    if (req.broadcast ? t == this : !gic::sgi_targets(req, affinity)) continue;
    t->pending_virqs_.push_back(req.intid);
    t->wake_.notify(sc_core::SC_ZERO_TIME);
    if (t != this && t->last_pe_ >= 0) vm_.kvm_.kick(static_cast<unsigned>(t->last_pe_));  // takes it to the host
  }
}

void Vcpu::flush_pending_virqs(vgic::Lrs& lrs) {
  auto it = pending_virqs_.begin();
  while (it != pending_virqs_.end() && vgic::inject(lrs, *it)) it = pending_virqs_.erase(it);
}

HostTick& Vcpu::arm_tick(platform::Pe& pe) {
  if (!tick_ || &tick_->pe() != &pe) {
    tick_.reset();
    tick_.emplace(vm_.kvm_.soc(), pe);
  }
  tick_->arm_periodic(vm_.kvm_.options().tick);
  return *tick_;
}

bool Vcpu::block_on_timer(uint64_t cntv_ctl, uint64_t cntv_cval, vgic::Lrs& lrs) {
  platform::Pe& pe = current_pe(vm_.kvm_.soc());
  const platform::GenericTimer* timer = pe.timer();
  if (!timer) return false;
  const std::optional<sc_core::sc_time> at = vgic::timer_deadline(cntv_ctl, cntv_cval, *timer);
  if (!at) return false;
  pe.requester().sync();
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (*at > now) sc_core::wait(*at - now, wake_);
  if (sc_core::sc_time_stamp() >= *at) vgic::inject(lrs, platform::memory_map::kPpiVirtTimer);
  return true;
}

bool Vcpu::wait_runnable() {
  if (power_on_ && !vm_.stop_) return true;
  auto& req = current_pe(vm_.kvm_.soc()).requester();
  req.sync();
  while (!power_on_ && !vm_.stop_) sc_core::wait(wake_);
  return power_on_ && !vm_.stop_;
}

int Vcpu::psci_complete(uint64_t target_mpidr, int64_t status) {
  Kvm& kvm = vm_.kvm_;
  const Ioctl io(kvm, "KVM_ARM_VCPU_RMI_PSCI_COMPLETE", vm_.name_);
  if (kvm.options().abi != AbiVariant::V12) return -ENOTTY;  // removed in v14
  if (!vm_.realm_ || pending_ != Pending::PsciV12) return -EINVAL;
  Vcpu* target = vm_.vcpu_by_mpidr(target_mpidr);
  if (!target || !target->rec_) return -EINVAL;
  // AFFINITY_INFO is always completed with SUCCESS (the RMM answers from the REC's state).
  const bool ok = is_affinity_info(pending_psci_fid_) || status == psci::kSuccess || status == psci::kAlreadyOn;
  const uint64_t rmi_status = psci::ret(ok ? psci::kSuccess : psci::kDenied);
  if (!kvm.rmi().psci_complete(rec_, target->rec_, rmi_status).ok()) return -EINVAL;
  if (is_cpu_on(pending_psci_fid_) && ok && !target->power_on_) target->power_on_from_psci(0, 0);
  pending_ = Pending::None;
  return 0;
}

int Vcpu::run(KvmRun& run) {
  Kvm& kvm = vm_.kvm_;
  Ioctl io(kvm, "KVM_RUN", vm_.name_);
  ++runs_;
  run.detail.clear();
  if (vm_.destroyed_) return -EIO;
  const int rc = vm_.realm_ ? run_realm(run) : run_nvm(run);
  io.arg("exit_reason", rc ? "-errno " + std::to_string(-rc) : to_string(run.exit_reason));
  return rc;
}

// PSCI that reached the host in a REC exit (RMI_EXIT_PSCI). Returns true when KVM_RUN must
// return to the VMM (`to_user`), false to enter the REC again.
bool Vcpu::handle_realm_psci(KvmRun& run, const std::array<uint64_t, 31>& g, bool& to_user) {
  Kvm& kvm = vm_.kvm_;
  const uint32_t fid = static_cast<uint32_t>(g[0]);
  to_user = false;
  if (fid == psci::kCpuOff) {
    power_on_ = false;  // the REC is not runnable any more; wait for CPU_ON
    return false;
  }
  if (fid == psci::kSystemOff || fid == psci::kSystemReset) {
    vm_.state_ = RealmState::SystemOff;
    run.exit_reason = ExitReason::SystemEvent;
    run.system_event.type = fid == psci::kSystemOff ? kSystemEventShutdown : kSystemEventReset;
    run.system_event.data = {g[1], g[2], g[3]};
    to_user = true;
    return true;
  }
  if (!is_cpu_on(fid) && !is_affinity_info(fid)) return false;  // CPU_SUSPEND: nothing to do
  Vcpu* target = vm_.vcpu_by_mpidr(g[1]);
  const bool in_kernel = kvm.options().abi == AbiVariant::V12 && kvm.options().psci_in_kernel;
  if (in_kernel) {
    // KVM's own PSCI: CPU_ON succeeds for a known vCPU (the RMM reports ALREADY_ON itself).
    const uint64_t status = psci::ret(target ? psci::kSuccess : psci::kDenied);
    if (target && target->rec_) kvm.rmi().psci_complete(rec_, target->rec_, status);
    if (target && is_cpu_on(fid) && !target->power_on_) target->power_on_from_psci(g[2], g[3]);
    return false;
  }
  run.exit_reason = ExitReason::Psci;
  run.psci.fid = fid;
  run.psci.args = {g[1], g[2], g[3]};
  run.psci.ret = psci::kSuccess;
  pending_ = kvm.options().abi == AbiVariant::V14 ? Pending::Psci : Pending::PsciV12;
  pending_psci_fid_ = fid;
  pending_psci_target_ = g[1];
  to_user = true;
  return true;
}

int Vcpu::run_realm(KvmRun& run) {
  Kvm& kvm = vm_.kvm_;
  platform::Pe& pe = current_pe(kvm.soc());
  if (vm_.oops_) {
    run.exit_reason = ExitReason::Shutdown;
    run.detail = "host oops: " + vm_.oops_reason_;
    return 0;
  }
  if (vm_.state_ != RealmState::Active && vm_.state_ != RealmState::SystemOff) {
    if (int rc = vm_.activate(*this)) {
      run.exit_reason = ExitReason::InternalError;
      run.detail = "realm activation failed";
      return rc;
    }
  }
  if (vm_.state_ == RealmState::SystemOff) {
    run.exit_reason = ExitReason::Shutdown;
    run.detail = "realm is off";
    return 0;
  }
  // Complete what the last exit left open (kvm_rec_pre_enter).
  uint64_t flags = 0;
  std::array<uint64_t, 31> gprs{};
  switch (pending_) {
    case Pending::MmioRead:
      flags |= en::kFlagEmulatedMmio;
      gprs[0] = run.mmio.data;
      break;
    case Pending::MmioWrite:
      flags |= en::kFlagEmulatedMmio;
      break;
    case Pending::HostCall:
      gprs = run.hypercall.gprs;
      break;
    case Pending::Psci: {
      // v14: KVM completes the VMM's PSCI answer before entering the REC again.
      Vcpu* target = vm_.vcpu_by_mpidr(pending_psci_target_);
      const bool ok = is_affinity_info(pending_psci_fid_) || run.psci.ret == psci::kSuccess ||
                      run.psci.ret == psci::kAlreadyOn;
      if (target && target->rec_) kvm.rmi().psci_complete(rec_, target->rec_, psci::ret(ok ? psci::kSuccess : psci::kDenied));
      if (target && ok && is_cpu_on(pending_psci_fid_) && !target->power_on_) target->power_on_from_psci(0, 0);
      break;
    }
    case Pending::PsciV12:
      run.exit_reason = ExitReason::InternalError;
      run.detail = "PSCI request not completed (KVM_ARM_VCPU_RMI_PSCI_COMPLETE)";
      return -EINVAL;
    case Pending::Ripas: {
      uint64_t base = ripas_base_;
      if (run.memory_fault.reject) {
        flags |= en::kFlagRipasResponse;
      } else {
        // kvm_complete_ripas_change: RMI_RTT_SET_RIPAS until done, RTTs created on demand.
        for (int guard = 0; base < ripas_top_ && guard < 4096; ++guard) {
          const RmiResult r = kvm.rmi().rtt_set_ripas(vm_.rd_, rec_, base, ripas_top_);
          if (r.ok()) {
            if (r.x[1] <= base) break;
            base = r.x[1];
          } else if (r.status() == rmi::Status::ErrorRtt && rmi::rtt_level_of(r.x[0]) < 3) {
            if (vm_.create_rtts(base, rmi::rtt_level_of(r.x[0]) + 1, 3)) break;
          } else {
            break;
          }
        }
        if (ripas_value_ == static_cast<uint8_t>(rmi::Ripas::Empty)) vm_.unmap_private_range(ripas_base_, base);
      }
      break;
    }
    case Pending::Sea:
      flags |= en::kFlagInjectSea;
      break;
    default:
      break;
  }
  pending_ = Pending::None;

  for (;;) {
    if (!wait_runnable()) {
      run.exit_reason = ExitReason::Intr;
      return 0;
    }
    if (vm_.stop_) {
      run.exit_reason = ExitReason::Intr;
      return 0;
    }
    uint8_t enter[platform::abi::v1_0::kRecEnter.size] = {};
    platform::abi::put(enter, in_f::kFlags, flags);
    for (unsigned i = 0; i < in_f::kGprs.count; ++i) platform::abi::put(enter, in_f::kGprs, gprs[i], i);
    flush_pending_virqs(realm_lrs_);
    vm_.gic().flush(id_, realm_lrs_);
    last_pe_ = static_cast<int>(pe.index());
    for (unsigned i = 0; i < realm_lrs_.size(); ++i) platform::abi::put(enter, in_f::kGicv3Lrs, realm_lrs_[i], i);
    if (!kvm.write(HostAccess::KernelData, &vm_, "RmiRecEnter", run_page_, enter, sizeof enter)) {
      run.exit_reason = ExitReason::InternalError;
      run.detail = "cannot write RmiRecEnter";
      return -EFAULT;
    }
    flags = 0;
    gprs = {};
    HostTick& tick = arm_tick(pe);
    const RmiResult r = [&] {
      GuestInstructions::Scope counting(*kvm.guest_instructions_, pe.index(), vm_.counters_.instructions);
      return kvm.rmi().rec_enter(rec_, run_page_);
    }();
    tick.stop();
    kvm.charge(kvm.costs().exit_handling);
    if (!r.ok()) {
      if (r.status() == rmi::Status::ErrorRealm) {
        vm_.state_ = RealmState::SystemOff;
        run.exit_reason = ExitReason::Shutdown;
        run.detail = "RMI_REC_ENTER: realm is off";
        return 0;
      }
      if (r.status() == rmi::Status::ErrorRec && !power_on_) continue;  // turned off meanwhile
      run.exit_reason = ExitReason::InternalError;
      run.detail = std::string("RMI_REC_ENTER failed: ") + rmi::to_string(r.status());
      return -ENXIO;
    }
    uint8_t x[platform::abi::v1_0::kRecExit.size];
    if (!kvm.read(HostAccess::KernelData, &vm_, "RmiRecExit", run_page_ + out_f::kAt, x, sizeof x)) {
      run.exit_reason = ExitReason::InternalError;
      run.detail = "cannot read RmiRecExit";
      return -EFAULT;
    }
    auto at = [&](const Field& f, unsigned i = 0) { return platform::abi::get(x, f, i); };
    const auto reason = static_cast<rmi::ExitReason>(at(out_f::kExitReason));
    const uint64_t esr = at(out_f::kEsr), far = at(out_f::kFar), hpfar = at(out_f::kHpfar);
    std::array<uint64_t, 31> xg;
    for (unsigned i = 0; i < 31; ++i) xg[i] = at(out_f::kGprs, i);
    // The REC's list registers as it left them, and its virtual timer's level (kvm_realm_timers
    // / vgic-v3 sync): an asserted timer goes in a list register for the next entry, one the
    // guest disabled or masked leaves it.
    for (unsigned i = 0; i < realm_lrs_.size(); ++i) realm_lrs_[i] = at(out_f::kGicv3Lrs, i);
    const uint64_t cntv_ctl = at(out_f::kCntvCtl), cntv_cval = at(out_f::kCntvCval);
    vgic::sync_level(realm_lrs_, platform::memory_map::kPpiVirtTimer, vgic::timer_asserted(cntv_ctl));
    std::string exit_name = rmi::to_string(reason);
    ++vm_.counters_.rec_exit(reason);
    auto& t = kvm.soc().trace();
    t.instant(pe.requester().trace_track(platform::World::NonSecure), exit_name, "exit", pe.requester().now(), {{"vm", vm_.name_}});

    switch (reason) {
      case rmi::ExitReason::Sync: {
        const uint64_t ec = ec_of(esr);
        auto cause = [&](SyncCause c) { ++vm_.counters_.sync_exit(c); };
        if (ec == kEcWfx) {
          cause(SyncCause::Wfx);
          // kvm_vcpu_block: with nothing pending, sleep until the virtual timer fires (or
          // enter again at once when no timer is armed; a kick or stop ends the run).
          if (!vgic::any_pending(realm_lrs_) && pending_virqs_.empty() && !vm_.gic().has_pending(id_, realm_lrs_))
            block_on_timer(cntv_ctl, cntv_cval, realm_lrs_);
          continue;
        }
        if (ec == platform::kEcSysreg) {  // ICC_SGI*R_EL1: the value is in gprs[0]
          cause(SyncCause::Other);
          send_sgi(xg[0]);
          continue;
        }
        if (ec != kEcDabtLow && ec != kEcDabtCur && ec != kEcIabtLow && ec != kEcIabtCur) {
          cause(SyncCause::Other);
          continue;
        }
        const bool data = ec == kEcDabtLow || ec == kEcDabtCur;
        const uint64_t ipa = ((hpfar >> 4) << 12) | (far & 0xFFF);
        const uint64_t ubit = vm_.unprotected_bit();
        cause(abort_cause(data, ipa & ubit, vm_.slot_of(ipa & ~ubit), esr));
        if (ipa & ubit) {
          const uint64_t gpa = ipa & ~ubit;
          uint64_t backing;
          if (vm_.user_pa_of(gpa, backing)) {
            if (vm_.map_shared(ipa) == 0) continue;
          } else if (data && platform::esr_isv(esr)) {
            uint64_t value = platform::esr_wnr(esr) ? xg[0] : 0;
            if (vm_.gic().mmio(gpa, platform::esr_sas_bytes(esr), platform::esr_wnr(esr), value)) {
              // The vGIC's registers are emulated in the kernel (vgic-mmio): no exit to the VMM.
              flags |= en::kFlagEmulatedMmio;
              gprs[0] = value;
              continue;
            }
            run.exit_reason = ExitReason::Mmio;
            run.mmio.phys_addr = gpa;
            run.mmio.len = platform::esr_sas_bytes(esr);
            run.mmio.is_write = platform::esr_wnr(esr);
            run.mmio.data = run.mmio.is_write ? xg[0] : 0;
            pending_ = run.mmio.is_write ? Pending::MmioWrite : Pending::MmioRead;
            ++vm_.counters_.kvm_exit(ExitReason::Mmio);
            kvm.charge(kvm.costs().user_exit);
            return 0;
          }
          if (data) flags |= en::kFlagInjectSea;  // nothing there: the realm takes an SEA
          continue;
        }
        // Protected IPA: private memory faulted in at run time (DATA_CREATE_UNKNOWN, or
        // RTT_DATA_MAP of a page or a block).
        const Vm::Slot* s = vm_.slot_of(ipa);
        if (s && s->r.guest_memfd) {
          const int rc = vm_.fault_private(ipa);
          if (rc == 0 || rc == -EEXIST) {
            if (rc == 0) ++vm_.counters_.runtime_faults;
            continue;
          }
        }
        run.exit_reason = ExitReason::InternalError;
        run.detail = "stage-2 fault the host cannot resolve at IPA " + std::to_string(ipa);
        return -EFAULT;
      }
      case rmi::ExitReason::Irq:
      case rmi::ExitReason::Fiq:
        if (vm_.stop_) {
          run.exit_reason = ExitReason::Intr;
          return 0;
        }
        continue;
      case rmi::ExitReason::Psci: {
        bool to_user = false;
        handle_realm_psci(run, xg, to_user);
        if (to_user) {
          ++vm_.counters_.kvm_exit(run.exit_reason);
          kvm.charge(kvm.costs().user_exit);
          return 0;
        }
        continue;
      }
      case rmi::ExitReason::RipasChange:
        ripas_base_ = at(out_f::kRipasBase);
        ripas_top_ = at(out_f::kRipasTop);
        ripas_value_ = static_cast<uint8_t>(at(out_f::kRipasValue));
        run.exit_reason = ExitReason::MemoryFault;
        run.memory_fault = {ripas_base_, ripas_top_, ripas_value_ == static_cast<uint8_t>(rmi::Ripas::Ram), false};
        pending_ = Pending::Ripas;
        ++vm_.counters_.kvm_exit(ExitReason::MemoryFault);
        kvm.charge(kvm.costs().user_exit);
        return 0;
      case rmi::ExitReason::HostCall:
        run.exit_reason = ExitReason::Hypercall;
        run.hypercall.imm = static_cast<uint32_t>(at(out_f::kImm));
        run.hypercall.gprs = xg;
        pending_ = Pending::HostCall;
        ++vm_.counters_.kvm_exit(ExitReason::Hypercall);
        kvm.charge(kvm.costs().user_exit);
        return 0;
      case rmi::ExitReason::Serror:
      default:
        run.exit_reason = ExitReason::InternalError;
        run.detail = "REC exit " + exit_name + " (the realm cannot continue)";
        return 0;
    }
  }
}

void Vcpu::inject_sea_nvm(uint64_t far, bool data) {
  auto& s = state_;
  const bool from_el0 = (s.pstate & 0xF) == 0;
  const uint64_t ec = (data ? kEcDabtLow : kEcIabtLow) + (from_el0 ? 0 : 1);
  s.esr_el1 = (ec << 26) | (uint64_t{1} << 25) | 0x10;  // IL, FSC: synchronous external abort
  s.far_el1 = far;
  s.elr_el1 = s.pc;
  s.spsr_el1 = s.pstate;
  s.pc = s.vbar_el1 + (from_el0 ? 0x400 : ((s.pstate & 1) ? 0x200 : 0x000));
  s.pstate = 0x3C5;
}

// PSCI and SMCCC from a normal VM (HVC, or SMC trapped by HCR_EL2.TSC): KVM answers in the
// kernel; SYSTEM_OFF/RESET go to the VMM. Returns true when KVM_RUN returns to the VMM.
bool Vcpu::handle_nvm_hvc(KvmRun& run) {
  auto& x = state_.x;
  const uint32_t fid = static_cast<uint32_t>(x[0]);
  switch (fid) {
    case psci::kVersion: x[0] = psci::kPsciVersion; return false;
    case psci::kSmcccVersion: x[0] = psci::kSmcccVersionValue; return false;
    case psci::kFeatures: x[0] = psci::ret(psci::is_psci_fid(static_cast<uint32_t>(x[1])) ? psci::kSuccess : psci::kNotSupported); return false;
    case psci::kCpuOn32:
    case psci::kCpuOn64: {
      Vcpu* t = vm_.vcpu_by_mpidr(x[1]);
      if (!t) x[0] = psci::ret(psci::kInvalidParameters);
      else if (t->power_on_) x[0] = psci::ret(psci::kAlreadyOn);
      else {
        t->power_on_from_psci(x[2], x[3]);
        x[0] = psci::ret(psci::kSuccess);
      }
      return false;
    }
    case psci::kAffinityInfo32:
    case psci::kAffinityInfo64: {
      Vcpu* t = vm_.vcpu_by_mpidr(x[1]);
      x[0] = t ? psci::ret(t->power_on_ ? psci::kAffinityOn : psci::kAffinityOff) : psci::ret(psci::kInvalidParameters);
      return false;
    }
    case psci::kCpuOff:
      power_on_ = false;
      return false;
    case psci::kSystemOff:
    case psci::kSystemReset:
      run.exit_reason = ExitReason::SystemEvent;
      run.system_event.type = fid == psci::kSystemOff ? kSystemEventShutdown : kSystemEventReset;
      run.system_event.data = {x[1], x[2], x[3]};
      return true;
    default:
      x[0] = platform::abi::kSmcUnknown;  // SMCCC NOT_SUPPORTED (e.g. RSI_VERSION: not a realm)
      return false;
  }
}

int Vcpu::run_nvm(KvmRun& run) {
  Kvm& kvm = vm_.kvm_;
  platform::Pe& pe = current_pe(kvm.soc());
  if (pending_ == Pending::MmioRead || pending_ == Pending::MmioWrite)
    platform::complete_mmio(state_, nvm_last_, run.mmio.data);
  pending_ = Pending::None;
  for (;;) {
    if (vm_.oops_) {
      run.exit_reason = ExitReason::Shutdown;
      run.detail = "host oops: " + vm_.oops_reason_;
      return 0;
    }
    if (!wait_runnable() || vm_.stop_) {
      run.exit_reason = vm_.oops_ ? ExitReason::Shutdown : ExitReason::Intr;
      if (vm_.oops_) run.detail = "host oops: " + vm_.oops_reason_;
      return 0;
    }
    // The vCPU's virtual interface: enabled, its timer held masked while its interrupt is in
    // a list register.
    state_.vgic.hcr |= platform::gicv3::hcr::kEn;
    flush_pending_virqs(state_.vgic.lrs);
    vm_.gic().flush(id_, state_.vgic.lrs);
    last_pe_ = static_cast<int>(pe.index());
    state_.cntv_hyp_masked = vgic::holds(state_.vgic.lrs, platform::memory_map::kPpiVirtTimer);
    HostTick& tick = arm_tick(pe);
    const platform::GuestExit e = [&] {
      GuestInstructions::Scope counting(*kvm.guest_instructions_, pe.index(), vm_.counters_.instructions);
      return kvm.cpu().run(pe, state_, *vm_.nvm_s2_, kvm.options().nvm_slice);
    }();
    // A tick that fired during the run took the vCPU out (at a slice end the CPU may report
    // Budget first): one IRQ exit, as is a kick or a device interrupt.
    if (tick.stop() || e.kind == platform::GuestExitKind::Irq) ++vm_.counters_.irq_exits;
    vgic::sync_level(state_.vgic.lrs, platform::memory_map::kPpiVirtTimer, vgic::timer_asserted(state_.cntv_ctl));
    if (vm_.oops_) continue;
    using K = platform::GuestExitKind;
    switch (e.kind) {
      case K::Hvc:
      case K::Smc:
        kvm.charge(kvm.costs().exit_handling);
        if (handle_nvm_hvc(run)) {
          ++vm_.counters_.kvm_exit(run.exit_reason);
          kvm.charge(kvm.costs().user_exit);
          return 0;
        }
        continue;
      case K::Mmio:
        kvm.charge(kvm.costs().exit_handling);
        if (platform::esr_isv(e.esr)) {
          uint64_t value = platform::esr_wnr(e.esr) ? platform::mmio_write_value(state_, e) : 0;
          if (vm_.gic().mmio(platform::fault_ipa(e), platform::esr_sas_bytes(e.esr), platform::esr_wnr(e.esr), value)) {
            // Emulated in the kernel (vgic-mmio): no exit to the VMM.
            platform::complete_mmio(state_, e, value);
            continue;
          }
          run.exit_reason = ExitReason::Mmio;
          run.mmio.phys_addr = platform::fault_ipa(e);
          run.mmio.len = platform::esr_sas_bytes(e.esr);
          run.mmio.is_write = platform::esr_wnr(e.esr);
          run.mmio.data = run.mmio.is_write ? platform::mmio_write_value(state_, e) : 0;
          nvm_last_ = e;
          pending_ = run.mmio.is_write ? Pending::MmioWrite : Pending::MmioRead;
          ++vm_.counters_.kvm_exit(ExitReason::Mmio);
          kvm.charge(kvm.costs().user_exit);
          return 0;
        }
        inject_sea_nvm(e.far, true);
        continue;
      case K::Stage2Abort:
        kvm.charge(kvm.costs().exit_handling);
        inject_sea_nvm(e.far, ec_of(e.esr) == kEcDabtLow || ec_of(e.esr) == kEcDabtCur);
        continue;
      case K::Gpf: {
        // The guest's access reached a page outside the Non-secure PAS (a malicious or buggy
        // mapping): the abort is reported to the guest as an SEA; the host records it.
        HostFault f;
        f.action = HostFault::Action::GuestAbort;
        f.gpf = e.gpf;
        f.vm = vm_.name_;
        f.context = "guest access from " + vm_.name_;
        f.pe = pe.index();
        f.at = pe.requester().now();
        kvm.record_fault(f);
        kvm.charge(kvm.costs().exit_handling);
        inject_sea_nvm(e.far, true);
        continue;
      }
      case K::SysregTrap: {  // ICC_SGI*R_EL1 (the only one the CPU traps): KVM's vgic_v3_dispatch_sgi
        const unsigned rt = platform::esr_sysreg_rt(e.esr);
        send_sgi(rt == 31 ? 0 : state_.x[rt]);
        state_.pc += 4;
        continue;
      }
      case K::Wfi:
        if (!vgic::any_pending(state_.vgic.lrs) && pending_virqs_.empty() && !vm_.gic().has_pending(id_, state_.vgic.lrs))
          block_on_timer(state_.cntv_ctl, state_.cntv_cval, state_.vgic.lrs);
        continue;
      case K::Wfe:
      case K::Irq:  // the tick, a kick or a device interrupt: the host handled it
      case K::Fiq:
      case K::Budget:
        continue;
      case K::SError:  // no RAS model: an SError stops the VM as KVM does for an unrecoverable one
      case K::Halted:
        run.exit_reason = ExitReason::InternalError;
        run.detail = std::string("guest halted: ") + e.reason;
        return 0;
    }
  }
}

}  // namespace host
