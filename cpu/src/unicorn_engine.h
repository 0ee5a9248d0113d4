// A RAII wrapper over one Unicorn 2.1 AArch64 engine (uc_engine), as cpu/ uses it: the
// engine's physical address space is the SoC's (DRAM mapped once, at its PA), the guest runs at
// EL1/EL0, and the simulator is its MMU: in UC_TLB_VIRTUAL mode every TLB miss calls the
// filler, which composes the guest's stage 1, the stage 2 and the GPC and returns the PA and
// permissions. Everything else Unicorn cannot do (exception delivery, deterministic time) is
// done by the caller between slices.
//
// Unicorn facts this class is built around (../shared/reference/unicorn-facts.md):
//  - the CPU model must be set before anything else; SCR_EL3 and HCR_EL2 must then be written
//    (RW, HCE, NS) or EL1 is treated as AArch32 and HVC is UNDEF;
//  - its TLB pages are 1 KiB (2.1.1 refuses UC_CTL_UC_PAGE_SIZE for AArch64), so the filler is
//    asked for each quarter of a 4 KiB granule;
//  - exceptions never reach guest vectors: they come to UC_HOOK_INTR with QEMU's EXCP_* number;
//  - a slice is bounded by a UC_HOOK_BLOCK budget + uc_emu_stop, with the exits API on and no
//    exit: an `until` address would be translated and its block invalidated at each restart;
//  - a filler that refuses stops the run (UC_ERR_MMU_*) with the PC restored to the faulting
//    instruction and the registers as before it; it is told only the page, not the address;
//  - entries stay in Unicorn's TLB until a flush: the guest's own TLBIs do not remove them,
//    so a TLBI is reported to the owner (set_tlbi_observer), which flushes.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

struct uc_struct;
typedef struct uc_struct uc_engine;

namespace cpu {

// QEMU EXCP_* numbers that Unicorn 2.0.1 passes to UC_HOOK_INTR.
enum class Excp : uint32_t {
  Udef = 1, Svc = 2, PrefetchAbort = 3, DataAbort = 4, Irq = 5, Fiq = 6, Bkpt = 7,
  Hvc = 11, HypTrap = 12, Smc = 13, Virq = 14, Vfiq = 15,
};

// Why a slice ended.
struct SliceStop {
  enum class Kind : uint8_t {
    Budget,       // the instruction budget is used up (PC = next block to run)
    Exception,    // UC_HOOK_INTR: `intno`; PC as Unicorn leaves it (see Excp)
    MemFault,     // the TLB filler refused an access (PC = the faulting instruction)
    SysregTrap,   // a system-register access that goes to EL2 (PC = the instruction): `sysreg`
    Error,        // any other uc_emu_start error
  };
  Kind kind = Kind::Budget;
  uint32_t intno = 0;
  // MemFault: the virtual page of the access the filler refused.
  uint64_t address = 0;
  bool write = false, fetch = false;
  int uc_error = 0;
  // SysregTrap: the access; for an MSR, `sysreg_value` is what it writes.
  struct { unsigned op0, op1, crn, crm, op2, rt; bool read; } sysreg{};
  uint64_t sysreg_value = 0;
};

// Permissions of a TLB entry (UC_PROT_* bits).
enum Perm : uint32_t { kRead = 1, kWrite = 2, kExec = 4 };

class UnicornEngine {
 public:
  UnicornEngine();
  ~UnicornEngine();
  UnicornEngine(const UnicornEngine&) = delete;
  UnicornEngine& operator=(const UnicornEngine&) = delete;

  uc_engine* uc() { return uc_; }

  // --- registers ---
  uint64_t x(unsigned n) const;            // n = 0..30
  void read_xs(std::array<uint64_t, 31>& out) const;  // X0..X30, one call into the engine
  void set_x(unsigned n, uint64_t v);
  uint64_t pc() const;
  void set_pc(uint64_t v);
  uint64_t sp() const;                     // the current SP (by PSTATE.SPSel)
  void set_sp(uint64_t v);
  uint64_t pstate() const;                 // NZCV | DAIF | CurrentEL | SPSel
  void set_pstate(uint64_t v);
  uint64_t reg(int uc_reg) const;          // a named Unicorn register
  void set_reg(int uc_reg, uint64_t v);
  // System registers by encoding (op0, op1, CRn, CRm, op2). Throws on registers Unicorn lacks.
  uint64_t sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) const;
  void set_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, uint64_t v);

  // --- memory (PA) ---
  // Maps host memory at a physical address range (DRAM, once per engine).
  void map_ram(uint64_t pa, uint64_t size, void* host);  // throws on failure
  bool mapped(uint64_t pa) const;
  // Drops every TLB entry (and the block lookup cache that depends on them).
  void flush_tlb();
  // Drops the translated blocks of the PA page holding `pa` (code whose memory may change
  // behind Unicorn's back). Leaves an entry in the TLB: flush it afterwards.
  void flush_code(uint64_t pa);

  // --- execution ---
  // Runs from the current PC for at most `budget` instructions (rounded at block starts).
  // `executed` counts instructions of blocks entered (corrected to the PC on a mid-block stop).
  SliceStop run(uint64_t budget, uint64_t& executed);
  // Instructions of the blocks entered so far in the running slice (for hooks).
  uint64_t slice_executed() const { return static_cast<uint64_t>(slice_bytes_ - left_) / 4; }

  // Counter virtualisation: `counter` returns CNTVCT/CNTPCT for an MRS of either.
  void set_counter_source(std::function<uint64_t()> counter) { counter_ = std::move(counter); }
  static constexpr uint64_t kTlbPage = 1024;  // Unicorn's TLB page for AArch64 (see above)
  // The TLB filler, called from inside Unicorn on every TLB miss with the virtual page and the
  // access (kRead, kWrite or kExec): returns true with the page's PA and every permission the
  // translation allows, or false to stop the slice at the faulting instruction (the filler
  // records why).
  using TlbFiller = std::function<bool(uint64_t va_page, uint32_t access, uint64_t& pa, uint32_t& perms)>;
  void set_tlb_filler(TlbFiller f) { filler_ = std::move(f); }
  // Called from inside Unicorn when the guest executes a TLBI (before it completes).
  // A guest TLBI: its op1, CRm, op2 and Xt (tlbi.h decodes them).
  using TlbiObserver = std::function<void(uint32_t op1, uint32_t crm, uint32_t op2, uint64_t xt)>;
  void set_tlbi_observer(TlbiObserver f) { tlbi_ = std::move(f); }
  // Called from inside Unicorn before the guest writes SCTLR_EL1, TCR_EL1 or a TTBR (MSR): what
  // its translation regime is changes.
  void set_regime_observer(std::function<void()> f) { regime_ = std::move(f); }
  // System-register traps: MRS/MSR of the GIC CPU interface (ICC_* encodings, which Unicorn
  // does not implement: ID_AA64PFR0_EL1.GIC = 0), of the EL1 timers (CNTP_*/CNTV_*) and MRS of
  // RNDR/RNDRRS (served deterministically; NZCV is set to success here) and of the feature ID
  // registers ID_AA64*_EL1 (the guest's view, id_registers.h) go to
  // `trap`, which emulates them (Emulated: `value` is what an MRS reads), sends them to EL2
  // (ToEl2: the slice stops at the instruction, SliceStop::Kind::SysregTrap), or declines
  // (Declined: Unicorn's own behaviour, UNDEFINED for ICC_*).
  struct SysregAccess { unsigned op0, op1, crn, crm, op2, rt; bool read; };
  enum class TrapResult : uint8_t { Emulated, ToEl2, Declined };
  using SysregTrap = std::function<TrapResult(const SysregAccess&, uint64_t& value)>;
  void set_sysreg_trap(SysregTrap trap) { trap_ = std::move(trap); }
  // Whether the engine takes virtual IRQs (HCR_EL2.VI): Unicorn raises EXCP_VIRQ to the hook
  // as soon as PSTATE.I allows it.
  void set_virtual_irq(bool asserted);
  // Per-instruction observer (instruction trace); installs a UC_HOOK_CODE (slow path).
  void set_insn_observer(std::function<void(uint64_t pc)> observer);

  static std::string error_string(int uc_error);

 private:
  static void on_block(uc_engine* uc, uint64_t address, uint32_t size, void* self);
  void budget_reached(uc_engine* uc, uint32_t block_bytes);
  static void on_intr(uc_engine* uc, uint32_t intno, void* self);
  static bool on_tlb_fill(uc_engine* uc, uint64_t address, int type, void* entry, void* self);
  static uint32_t on_mrs(uc_engine* uc, int reg, const void* cp_reg, void* self);
  static uint32_t on_msr(uc_engine* uc, int reg, const void* cp_reg, void* self);
  static uint32_t on_sys(uc_engine* uc, int reg, const void* cp_reg, void* self);
  static void on_code(uc_engine* uc, uint64_t address, uint32_t size, void* self);

  uc_engine* uc_ = nullptr;
  // Slice state, touched by the hooks.
  // This slice's budget and what is left of it, in bytes of A64 code (4 per instruction).
  static constexpr uint64_t kMaxBudget = uint64_t{1} << 60;
  int64_t slice_bytes_ = 0, left_ = 0;
  // Start of the last block entered this slice (kNoBlock: none, or it did not run).
  static constexpr uint64_t kNoBlock = ~uint64_t{0};
  uint64_t last_block_ = kNoBlock;
  bool stopped_by_hook_ = false;
  SliceStop stop_;
  std::function<uint64_t()> counter_;
  std::function<void(uint64_t)> observer_;
  TlbFiller filler_;
  TlbiObserver tlbi_;
  std::function<void()> regime_;
  SysregTrap trap_;
  uint64_t hcr_el2_ = 0;
  uint32_t trapped(uc_engine* uc, int reg, const void* cp, bool read);
  size_t code_hook_ = 0;
  std::map<uint64_t, uint64_t> ram_;  // mapped RAM: start -> end (exclusive)
  bool identity_fill_ = false;        // flush_code: the filler is bypassed, VA == PA
};

}  // namespace cpu
