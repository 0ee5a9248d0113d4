// Private state of cpu::UnicornCpu, shared by core.cpp (run loop, exceptions, state transfer)
// and translation_fill.cpp (TLB fills: stage 1, stage 2 and the GPC; their faults).
#pragma once
#include "platform/gpc_unit.h"
#include "platform/pe.h"
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>

#include "cpu/core.h"
#include "insn_trace.h"
#include "mmio_decode.h"
#include "platform/pe.h"
#include "stage1_walk.h"
#include "tlb_contents.h"
#include "unicorn_engine.h"

namespace cpu {

// ESR_ELx exception classes used here (Arm ARM D17.2.37).
enum : uint32_t {
  kEcUnknown = 0x00, kEcWfx = 0x01, kEcSvc64 = 0x15, kEcHvc64 = 0x16, kEcSmc64 = 0x17,
  kEcIabtLower = 0x20, kEcIabtSame = 0x21, kEcDabtLower = 0x24, kEcDabtSame = 0x25,
  kEcBrk = 0x3c,
};
constexpr uint64_t kEsrIl = 1ull << 25;
constexpr uint64_t esr(uint32_t ec, uint64_t iss) { return uint64_t{ec} << 26 | kEsrIl | iss; }

struct Costs {
  platform::TimedCost insn;             // core.cpi / core.clock (charged as core.cpi)
  platform::TimedCost fill;             // cpu.fill: TLB refill bookkeeping beyond walk + GPC
  platform::TimedCost exception_entry;  // cpu.exception_entry: taking an exception (guest or EL2)
  double counter_mhz = 1000;         // cpu.counter_frequency
  uint64_t max_slice = 100000;       // cpu.max_slice: the longest slice between time syncs
};

// One PE's engine and what its TLB holds.
struct PeContext : platform::GpcUnit::Listener {
  unsigned index = 0;
  UnicornEngine engine;
  TlbContents tlb;
  platform::Stage2* s2 = nullptr;
  platform::Pe* pe = nullptr;
  platform::GuestState* state = nullptr;  // the guest running (its vGIC and timers' view)
  // The system register values the engine holds (as of the last load or save), so that a
  // slice start writes only what changed.
  platform::GuestState held;
  bool held_valid = false;
  // The translation regime's system registers as of the last fill (the EL and PAN are read at
  // every fill); stale after a guest MSR to one of them or a state load.
  TlbContents::Regime regime;
  bool regime_valid = false;
  uint64_t random_draws = 0;          // RNDR/RNDRRS reads so far (sysreg_trap.cpp)
  uint64_t repeat_pc = ~uint64_t{0};  // fault-loop guard
  unsigned repeats = 0;
  // DRAM the engine has not mapped yet, found by a fill (mapped at the next slice start,
  // outside Unicorn's run loop).
  struct RamWindow { uint64_t base = 0, size = 0; uint8_t* host = nullptr; };
  std::optional<RamWindow> ram_to_map;
  // What a refused fill resolved to (decided inside the Unicorn hook, applied after the slice
  // stops with the faulting instruction's PC).
  struct FaultOutcome {
    // Retry: nothing wrong, but the access must wait for the next slice (DRAM to map).
    enum class Kind : uint8_t { Exit, GuestAbort, Retry } kind = Kind::Exit;
    platform::GuestExit exit;
    uint64_t esr_el1 = 0;
    bool add_iss = false;  // data exit: OR in the faulting instruction's ISV/SAS/SRT/... bits
  };
  std::optional<FaultOutcome> pending;

  // TLB entries carry GPC results: a TLBI by PA (after a GPT change) must remove them, as it
  // removes TLB entries holding GPT information.
  platform::Counter* invalidations = nullptr;
  void gpc_invalidate(uint64_t base, uint64_t size) override {
    if (size ? tlb.invalidate_pa(base, size) : tlb.invalidate_all())
      if (invalidations) ++*invalidations;
  }
  ~PeContext() { if (pe) pe->gpc().remove_listener(*this); }
};

struct UnicornCpu::Impl {
  Costs costs;
  uint64_t seed = 1;  // the scenario's: RNDR/RNDRRS values
  bool debug_ = std::getenv("RMESIM_CPU_DEBUG") != nullptr;  // one line per slice stop on stderr
  UnicornCpu::Stats* stats = nullptr;
  std::vector<std::unique_ptr<PeContext>> contexts;
  std::unique_ptr<InsnTrace> trace;

  PeContext& context(platform::Pe& pe);

  // --- core.cpp ---
  platform::GuestExit run(platform::Pe& pe, platform::GuestState& st, platform::Stage2& s2,
                          uint64_t max_instructions);
  static constexpr uint64_t kNoLimit = ~uint64_t{0};
  uint64_t slice_fit(platform::Requester& req) const;  // kNoLimit: no global quantum
  void load_state(PeContext& c, const platform::GuestState& st);
  void save_state(PeContext& c, platform::GuestState& st);
  // Emulated exception entry to the guest's EL1 vectors (Unicorn never delivers them).
  // `type` is the vector offset within a group (0 sync, 0x80 IRQ). False when the guest is
  // above EL1 (a guest never is: EL2 and EL3 are the models').
  bool deliver_to_guest(PeContext& c, uint64_t type, uint64_t esr_el1, uint64_t far_el1,
                        uint64_t return_pc, bool set_far);
  std::optional<platform::GuestExit> handle_exception(PeContext& c, uint32_t intno);
  // --- sysreg_trap.cpp: the GIC CPU interface and the EL1 timers as the guest reaches them ---
  UnicornEngine::TrapResult sysreg_trap(PeContext& c, const UnicornEngine::SysregAccess& a, uint64_t& value);
  // The guest's EL1 timers become the PE's (run start) and go back to its state (run end).
  void load_timers(PeContext& c, platform::GuestState& st);
  void save_timers(PeContext& c, platform::GuestState& st);
  sc_core::sc_time local_now(PeContext& c) const;  // the PE's time inside the running slice
  // One line of --trace-insn.
  void trace_insn(PeContext& c, uint64_t pc);
  // The instruction word at a guest VA (through the TLB, or stage 1 and stage 2).
  bool fetch_insn(PeContext& c, uint64_t va, uint32_t& insn);
  Stage1Regs stage1_regs(PeContext& c);  // the system registers (not PSTATE.PAN)
  TlbContents::Regime current_regime(PeContext& c);

  // Before a slice: maps DRAM a fill found, and flushes what invalidations made stale.
  void sync_tlb(PeContext& c);

  // --- translation_fill.cpp ---
  // Inside Unicorn's TLB-fill hook: stage 1, stage 2 and the GPC for `va_page` (access: one
  // Perm bit). True with the PA and permissions; otherwise c.pending says what to do.
  bool tlb_fill(PeContext& c, uint64_t va_page, uint32_t access, uint64_t& pa, uint32_t& perms);
  // After the slice stopped on a refused fill (PC = the faulting instruction): apply c.pending.
  std::optional<platform::GuestExit> handle_mem_fault(PeContext& c, const SliceStop& stop);
  // The exact faulting address of the instruction at the PC (the hook knows only the page).
  uint64_t fault_address(PeContext& c, const SliceStop& stop);
  // Stage 2 and the GPC for the IPA page holding `ipa`. Mapped: the PA page, its host view and
  // the stage-2 permissions; otherwise the exit (or a Halted "abort": the guest's SEA).
  struct Stage2Fill { uint64_t pa = 0; uint8_t* host = nullptr; uint32_t perms = 0; };
  std::optional<platform::GuestExit> stage2_fill(PeContext& c, uint64_t ipa, uint64_t va, bool write,
                                                 bool fetch, bool s1ptw, Stage2Fill& out);
  // The guest's stage-1 walk, its table reads through stage 2 and the GPC; a failed table read
  // leaves its exit in `exit`.
  Stage1Result walk(PeContext& c, const TlbContents::Regime& regime, uint64_t va, bool write, bool fetch,
                    std::optional<platform::GuestExit>& exit);
};

}  // namespace cpu
