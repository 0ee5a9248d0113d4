// The contract between the CPU model (cpu/) and the hypervisor-level models that run guests
// on it (the RMM for realm RECs, the host for normal-VM vCPUs). They meet here and nowhere
// else: rmm/ and host/ never include cpu/.
//
// A guest runs at EL1/EL0 in one IPA space. The CPU asks a Stage2 for every IPA page it
// installs (a translation fill: stage-2 walk + GPC check, timed) and keeps the page until the
// Stage2 or the GPT says it changed. Everything that belongs to EL2 or above comes back as an
// exit.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <systemc>

#include "gpt/check.h"
#include "gpt/pas.h"
#include "platform/world.h"
#include "platform/devices/gicv3/virtual_cpu_interface.h"

namespace platform {

class Pe;

// The EL1/EL0 architectural state of a vCPU that the hypervisor saves and restores.
struct GuestState {
  std::array<uint64_t, 31> x{};
  uint64_t pc = 0;
  uint64_t pstate = 0x3c5;  // EL1h, DAIF masked: the reset state of a PE
  uint64_t sp_el0 = 0, sp_el1 = 0;
  uint64_t elr_el1 = 0, spsr_el1 = 0, esr_el1 = 0, far_el1 = 0;
  uint64_t sctlr_el1 = 0x30d00800, tcr_el1 = 0, ttbr0_el1 = 0, ttbr1_el1 = 0, mair_el1 = 0;
  uint64_t vbar_el1 = 0, cpacr_el1 = 0, tpidr_el1 = 0, tpidr_el0 = 0, contextidr_el1 = 0;
  // The EL1 timers as the guest sees them (CTL with ISTATUS as of the last exit). While the
  // guest runs they are the PE's timers (platform/generic_timer.h).
  uint64_t cntkctl_el1 = 0, cntv_ctl = 0, cntv_cval = 0, cntp_ctl = 0, cntp_cval = 0;
  // The hypervisor holds a timer's output masked while its interrupt is already in the list
  // registers (the guest still reads its own IMASK): it must not fire again at EL2 meanwhile.
  bool cntv_hyp_masked = false, cntp_hyp_masked = false;
  uint64_t mpidr = 0;
  // The virtual CPU interface (ICH_*_EL2) the hypervisor loads for the guest: the guest's
  // ICC_* accesses reach it (HCR_EL2.IMO/FMO are set), and a virtual IRQ it signals is taken
  // at the guest's IRQ vector when PSTATE.I allows.
  gicv3::VgicState vgic;
  // A virtual IRQ the hypervisor asserts (e.g. from its list registers). The CPU delivers it
  // to the guest's IRQ vector when PSTATE.I is clear, and clears this flag when it does.
  bool irq_pending = false;
};

// What the stage-2 owner says about one IPA page.
struct Stage2Result {
  enum class Kind : uint8_t {
    Mapped,        // pa/pas valid: install it
    Unmapped,      // stage-2 translation fault at `level`: the hypervisor's business
    Mmio,          // emulated device window: exit for emulation on every access
    Abort,         // the access must take a synchronous external abort in the guest
  };
  Kind kind = Kind::Unmapped;
  uint64_t pa = 0;  // page-aligned output address
  gpt::Pas pas = gpt::Pas::NonSecure;
  bool writable = true, executable = true;
  int8_t level = 3;  // walk level reached (faults)
};

class Stage2 {
 public:
  // Translation of the page holding `ipa`. `fill_requester` is the PE doing the fill; the
  // implementation charges its walk to it.
  virtual Stage2Result translate(Pe& pe, uint64_t ipa) = 0;
 protected:
  ~Stage2() = default;
};

enum class GuestExitKind : uint8_t {
  Hvc,          // imm in `imm`, X0.. in state
  Smc,          // imm in `imm` (SMCCC calls: RSI, PSCI)
  Stage2Abort,  // data or instruction abort the Stage2 did not map: ESR/FAR/HPFAR valid
  Mmio,         // data abort in an MMIO page with a decoded access (ISV=1): see esr/far
  Gpf,          // granule protection fault on an access: gpf valid
  Wfi,
  Wfe,
  SysregTrap,   // an MSR/MRS that traps to EL2 (ICC_SGI*R_EL1 with IMO): esr EC 0x18 with its ISS
  Irq,          // an interrupt is pending for the hypervisor to handle
  Fiq,          // a fast interrupt is pending for the hypervisor to handle
  SError,       // an asynchronous external abort (SError) taken to the hypervisor
  Budget,       // the time slice ended: nothing to do but run again
  Halted,       // the guest cannot continue (unhandled state); `reason` says why
};

// Where the PC is at each exit, and what the hypervisor does to resume (cpu/ implements it):
//  - Hvc, Smc: state.pc is the instruction after the HVC/SMC (as ELR_EL2 for HVC); write the
//    results to state.x[0..] and run again.
//  - Wfi, Wfe: state.pc is the instruction after the WFI/WFE.
//  - SysregTrap: state.pc is the MSR/MRS; an MSR writes state.x[ISS.Rt] (esr_sysreg_rt). The
//    hypervisor emulates it and steps the PC (+4).
//  - Stage2Abort, Gpf: state.pc is the faulting instruction; it runs again after the fix.
//  - Mmio: state.pc is the faulting instruction; esr has ISV=1 with SAS/SSE/SRT/SF/WnR (ISV=0
//    for accesses a hypervisor cannot emulate: pairs, writeback). A write's value is
//    state.x[SRT] (XZR = 0, see mmio_write_value). The hypervisor completes the access with
//    complete_mmio(state, exit, value_read) which writes a read's value to X[SRT] (sign- or
//    zero-extended as the syndrome says) and steps the PC over the instruction.
//  - Halted: state is as the CPU left it; `reason` says why.
struct GuestExit {
  GuestExitKind kind = GuestExitKind::Budget;
  uint64_t esr = 0;    // ESR_EL2 as a hypervisor would see it
  uint64_t far = 0;    // FAR_EL2
  uint64_t hpfar = 0;  // HPFAR_EL2 (IPA[51:12] >> 8 layout: IPA >> 8 with low bits clear)
  uint16_t imm = 0;
  gpt::GpcResult gpf;
  const char* reason = "";
  uint64_t instructions = 0;  // guest instructions retired during this run() call
};

// ESR_EL2 data-abort ISS fields (Arm ARM D17.2.40) for MMIO emulation.
inline bool esr_isv(uint64_t esr) { return (esr >> 24) & 1; }
inline unsigned esr_sas_bytes(uint64_t esr) { return 1u << ((esr >> 22) & 3); }
inline bool esr_sse(uint64_t esr) { return (esr >> 21) & 1; }
inline unsigned esr_srt(uint64_t esr) { return (esr >> 16) & 31; }
inline bool esr_sf(uint64_t esr) { return (esr >> 15) & 1; }
inline bool esr_wnr(uint64_t esr) { return (esr >> 6) & 1; }
// ESR_EL2 of a trapped MSR/MRS (EC 0x18, Arm ARM D17.2.37): Op0 [21:20], Op2 [19:17], Op1
// [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1: MRS).
constexpr uint64_t kEcSysreg = 0x18;
inline uint64_t esr_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned rt, bool read) {
  return kEcSysreg << 26 | uint64_t{1} << 25 | uint64_t{op0} << 20 | uint64_t{op2} << 17 | uint64_t{op1} << 14 |
         uint64_t{crn} << 10 | uint64_t{rt} << 5 | uint64_t{crm} << 1 | (read ? 1 : 0);
}
inline unsigned esr_sysreg_rt(uint64_t esr) { return (esr >> 5) & 31; }
// The trapped register's (op0, op1, CRn, CRm, op2) as one key: ESR.ISS with Rt and Direction clear.
inline uint64_t esr_sysreg_key(uint64_t esr) { return esr & 0x3FFC1E; }

// IPA of a stage-2 fault: HPFAR_EL2.FIPA is IPA[51:12] at bits [43:4]; FAR gives the page offset.
inline uint64_t fault_ipa(const GuestExit& e) { return ((e.hpfar >> 4) << 12) | (e.far & 0xfff); }

// The value an MMIO write stores (state.x[SRT] truncated to the access size).
inline uint64_t mmio_write_value(const GuestState& s, const GuestExit& e) {
  unsigned srt = esr_srt(e.esr), bytes = esr_sas_bytes(e.esr);
  uint64_t v = srt == 31 ? 0 : s.x[srt];
  return bytes == 8 ? v : v & ((uint64_t{1} << (8 * bytes)) - 1);
}

// Completes an emulated MMIO access (ISV=1): a read's value goes to X[SRT], sign-extended when
// SSE says so and truncated to 32 bits for a W register; the PC steps over the instruction.
inline void complete_mmio(GuestState& s, const GuestExit& e, uint64_t read_value = 0) {
  if (!esr_wnr(e.esr)) {
    unsigned srt = esr_srt(e.esr), bits = 8 * esr_sas_bytes(e.esr);
    uint64_t v = bits == 64 ? read_value : read_value & ((uint64_t{1} << bits) - 1);
    if (esr_sse(e.esr) && bits < 64 && ((v >> (bits - 1)) & 1)) v |= ~uint64_t{0} << bits;
    if (!esr_sf(e.esr)) v &= 0xffffffffull;
    if (srt != 31) s.x[srt] = v;
  }
  s.pc += 4;
}

// One GuestCpu::run call as its observers see it: the guest ran on a PE in `world` (the PE's
// security state: Realm for a REC, NonSecure for a normal VM's vCPU) from `start` to `end`.
struct GuestSlice {
  World world;
  sc_core::sc_time start, end;
};

// Who draws or counts what guests do: the owner of the guests of one world (the RMM its
// realms', the host its normal VMs') watches every run and keeps what is its own.
class GuestObserver {
 public:
  // After each run call: the time the guest ran, and the exit that ended it (with the vCPU
  // state at that exit: X0 is the function ID of an SMC or HVC).
  virtual void on_slice(Pe& pe, const GuestSlice& slice, const GuestExit& exit) = 0;
  virtual void on_exit(Pe& pe, World world, const GuestState& state, const GuestExit& exit) = 0;
 protected:
  ~GuestObserver() = default;
};

// Implemented by cpu/. Runs `state` on `pe` until an exit, for at most `max_instructions`.
class GuestCpu {
 public:
  virtual GuestExit run(Pe& pe, GuestState& state, Stage2& s2, uint64_t max_instructions) = 0;
  // Forget installed pages for [ipa, ipa+size) of the IPA space `s2` (an RTT or RIPAS change,
  // the host's stage 2 changing, a TLBI).
  virtual void invalidate_ipa(Stage2& s2, uint64_t ipa, uint64_t size) = 0;
  // Forget everything installed (TLBI ALL, a GPT change followed by TLBI PAALL).
  virtual void invalidate_all() = 0;

  // Observers hear every run, in the order they were added (on_slice, then on_exit).
  void add_observer(GuestObserver& o) { observers_.push_back(&o); }
  void remove_observer(GuestObserver& o) {
    observers_.erase(std::remove(observers_.begin(), observers_.end(), &o), observers_.end());
  }

 protected:
  ~GuestCpu() = default;
  // An implementation calls this at the end of every run.
  void notify_observers(Pe& pe, const GuestSlice& slice, const GuestState& state, const GuestExit& exit) {
    for (GuestObserver* o : observers_) o->on_slice(pe, slice, exit);
    for (GuestObserver* o : observers_) o->on_exit(pe, slice.world, state, exit);
  }

 private:
  std::vector<GuestObserver*> observers_;
};

}  // namespace platform
