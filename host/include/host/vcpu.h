// A vCPU of the KVM-like host (host/kvm.h): KVM_RUN and the exits a VMM sees (struct
// kvm_run), and underneath the realm's REC (its AUX granules and rec_run page) or a normal VM's
// core state, with what the last exit left for the next entry.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "host/host_tick.h"
#include "platform/guest_cpu.h"

namespace host {

class Vm;

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
  bool block_on_timer(uint64_t cntv_ctl, uint64_t cntv_cval, std::array<uint64_t, platform::gicv3::kListRegs>& lrs);
  // ICC_SGI1R_EL1 written by this vCPU (trapped): the SGI goes to the vCPUs it names.
  void send_sgi(uint64_t sgir);
  // Moves waiting virtual interrupts into free list registers (at entry).
  void flush_pending_virqs(std::array<uint64_t, platform::gicv3::kListRegs>& lrs);
  // The scheduler tick of the PE this vCPU runs on, armed for the next tick boundary (its
  // GIC setup done at the first entry).
  HostTick& arm_tick(platform::Pe& pe);

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
  std::optional<HostTick> tick_;
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
