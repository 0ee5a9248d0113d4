// A RAII wrapper over one Unicorn 2.0.1 AArch64 engine (uc_engine), as cpu/ uses it: the
// engine's physical address space is the guest's IPA space, the guest runs at EL1/EL0 with its
// own stage-1 MMU, and everything Unicorn cannot do (stage 2, the GPC, exception delivery,
// deterministic time) is done by the caller between slices.
//
// Unicorn 2.0.1 facts this class is built around (../shared/reference/unicorn-facts.md):
//  - the CPU model must be set before anything else; SCR_EL3 and HCR_EL2 must then be written
//    (RW, HCE, NS) or EL1 is treated as AArch32 and HVC is UNDEF;
//  - exceptions never reach guest vectors: they come to UC_HOOK_INTR with QEMU's EXCP_* number;
//  - a slice is bounded by a UC_HOOK_BLOCK budget + uc_emu_stop, with `until` far away so that
//    no hot translation block is invalidated at each restart;
//  - with the MMU on, Unicorn checks the *virtual* address against its regions: guests must
//    identity-map (VA == IPA) what they use;
//  - a store to a page whose QEMU page descriptor exists takes a much slower path (a GTree
//    of pages to lock, malloc and free per store). Descriptors exist around translated code in
//    QEMU's ram_addr space, and ram_addr follows the order regions are mapped, so data mapped
//    right after code would get them: measured 1.6x slower stores. Every executable region is
//    therefore followed by an inaccessible guard region (kGuardBase, above any IPA) that keeps
//    later regions far from it in ram_addr space.
#pragma once
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
    MemFault,     // access to an IPA with no region (or without the permission)
    Error,        // any other uc_emu_start error
  };
  Kind kind = Kind::Budget;
  uint32_t intno = 0;
  // MemFault: the virtual address Unicorn reports (== IPA for identity-mapped guests).
  uint64_t address = 0;
  uint32_t size = 0;
  int64_t value = 0;       // the value of a faulting write
  bool write = false, fetch = false, permission = false;
  int uc_error = 0;
};

// Permissions of an installed region (UC_PROT_* bits).
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

  // --- memory (IPA) ---
  void map(uint64_t ipa, uint64_t size, uint32_t perms, void* host);  // throws on failure
  void unmap(uint64_t ipa, uint64_t size);
  bool read(uint64_t ipa, void* dst, uint64_t len) const;  // through installed regions only
  void flush_code(uint64_t ipa, uint64_t size);             // drop translated code there
  void flush_all_code();

  // --- execution ---
  // Runs from the current PC for at most `budget` instructions (rounded at block starts).
  // `executed` counts instructions of blocks entered (corrected to the PC on a mid-block stop).
  SliceStop run(uint64_t budget, uint64_t& executed);
  // Instructions of the blocks entered so far in the running slice (for hooks).
  uint64_t slice_executed() const { return static_cast<uint64_t>(slice_bytes_ - left_) / 4; }

  // Counter virtualisation: `counter` returns CNTVCT/CNTPCT for an MRS of either.
  void set_counter_source(std::function<uint64_t()> counter) { counter_ = std::move(counter); }
  // Called from inside Unicorn on a memory fault: returns true when it made the access
  // possible (installed the page), so the access is retried in place. Otherwise the slice
  // stops: Unicorn 2.0.1 then leaves PC at the start of the translation block (registers are
  // as before the faulting instruction), and run() finds the faulting instruction itself.
  void set_fault_resolver(std::function<bool(const SliceStop&)> r) { resolver_ = std::move(r); }
  // Reads the instruction at a guest VA (default: VA == IPA).
  void set_code_reader(std::function<bool(uint64_t, uint32_t&)> r) { code_reader_ = std::move(r); }
  // Per-instruction observer (instruction trace); installs a UC_HOOK_CODE (slow path).
  void set_insn_observer(std::function<void(uint64_t pc)> observer);

  static std::string error_string(int uc_error);

 private:
  static void on_block(uc_engine* uc, uint64_t address, uint32_t size, void* self);
  void budget_reached(uc_engine* uc, uint32_t block_bytes);
  static void on_intr(uc_engine* uc, uint32_t intno, void* self);
  static bool on_mem_invalid(uc_engine* uc, int type, uint64_t address, int size, int64_t value,
                             void* self);
  static uint32_t on_mrs(uc_engine* uc, int reg, const void* cp_reg, void* self);
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
  std::function<bool(const SliceStop&)> resolver_;
  std::function<bool(uint64_t, uint32_t&)> code_reader_;
  bool read_code_(uint64_t va, uint32_t& insn) {
    return code_reader_ ? code_reader_(va, insn) : read(va, &insn, 4);
  }
  uint64_t fault_pc(const SliceStop& s, uint64_t start, uint64_t end);
  size_t code_hook_ = 0;
  // Guard regions: executable region start -> its guard's address (see the note at the top).
  static constexpr uint64_t kGuardBase = 0xFFFF'0000'0000'0000ull, kGuardSize = 2ull << 20;
  std::map<uint64_t, uint64_t> guards_;
  uint64_t next_guard_ = kGuardBase;
};

}  // namespace cpu
