// Private state of cpu::UnicornCpu, shared by core.cpp (run loop, exceptions, state transfer)
// and translation_fill.cpp (installing IPA pages, stage-2 and GPC faults).
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
#include "installed_pages.h"
#include "platform/pe.h"
#include "stage1_walk.h"
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
  sc_core::sc_time insn;             // core.cpi / core.clock
  sc_core::sc_time fill;             // cpu.fill: TLB refill bookkeeping beyond walk + GPC
  sc_core::sc_time exception_entry;  // cpu.exception_entry: taking an exception (guest or EL2)
  double counter_mhz = 1000;         // cpu.counter_frequency
  uint64_t max_slice = 100000;       // cpu.max_slice: the longest slice between time syncs
  uint64_t fill_window = 16 * 4096;  // cpu.fill_window pages, in bytes: a fill maps ahead to here
};

// One PE's engine and what it holds.
struct PeContext : InstalledPages::Backend, platform::GpcUnit::Listener {
  unsigned index = 0;
  UnicornEngine engine;
  InstalledPages pages{*this};
  platform::Stage2* s2 = nullptr;
  platform::Pe* pe = nullptr;
  // The system register values the engine holds (as of the last load or save), so that a
  // slice start writes only what changed.
  platform::GuestState held;
  bool held_valid = false;
  uint64_t repeat_pc = ~uint64_t{0};  // fault-loop guard
  unsigned repeats = 0;
  // What a memory fault resolved to when it could not install a page (decided inside the
  // Unicorn hook, applied after the slice stops with the faulting instruction's PC).
  struct FaultOutcome {
    // Retry: nothing wrong, but the fill must wait for the next slice's sync (region limit).
    enum class Kind : uint8_t { Exit, GuestAbort, Retry } kind = Kind::Exit;
    platform::GuestExit exit;
    uint64_t esr_el1 = 0, far = 0;
    bool add_iss = false;  // data exit: OR in the faulting instruction's ISV/SAS/SRT/... bits
  };
  std::optional<FaultOutcome> pending;

  void map_region(uint64_t ipa, uint64_t size, uint32_t perms, uint8_t* host) override {
    engine.map(ipa, size, perms, host);
  }
  void unmap_region(uint64_t ipa, uint64_t size) override { engine.unmap(ipa, size); }

  // Installed pages carry GPC results: a TLBI by PA (after a GPT change) must remove them,
  // as it removes TLB entries holding GPT information.
  platform::Counter* pages_invalidated = nullptr;
  void gpc_invalidate(uint64_t base, uint64_t size) override {
    const uint64_t n = size ? pages.invalidate_pa(base, size) : pages.clear();
    if (pages_invalidated) *pages_invalidated += n;
  }
  ~PeContext() { if (pe) pe->gpc().remove_listener(*this); }
};

struct UnicornCpu::Impl {
  Costs costs;
  bool debug_ = std::getenv("RMESIM_CPU_DEBUG") != nullptr;  // one line per slice stop on stderr
  UnicornCpu::Stats* stats = nullptr;
  std::vector<std::unique_ptr<PeContext>> contexts;
  std::vector<InstalledPage> fill_run_;  // scratch for fill-ahead
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
  // not at EL1 (entry from EL0 needs an EL change Unicorn 2.0.1 cannot make in place).
  bool deliver_to_guest(PeContext& c, uint64_t type, uint64_t esr_el1, uint64_t far_el1,
                        uint64_t return_pc, bool set_far);
  std::optional<platform::GuestExit> handle_exception(PeContext& c, uint32_t intno);
  // The instruction word at a guest VA (through stage 1 and installed pages).
  bool fetch_insn(PeContext& c, uint64_t va, uint32_t& insn);
  Stage1Regs stage1_regs(PeContext& c);

  // --- translation_fill.cpp ---
  // Inside Unicorn's hook: walk + fill for a fault at a VA. True when the page is installed;
  // otherwise c.pending says what to do.
  bool resolve_fault(PeContext& c, const SliceStop& stop);
  // After the slice stopped on a fault (PC = the faulting instruction): apply c.pending.
  std::optional<platform::GuestExit> handle_mem_fault(PeContext& c, const SliceStop& stop);
  // A guest abort inside installed regions (Unicorn's own walk or permission check failed).
  std::optional<platform::GuestExit> handle_abort(PeContext& c, bool fetch);
  // Stage 2 + GPC for the page holding `ipa`, installed on success. Empty optional: installed.
  // `s1ptw`: the access is the guest's own table walk.
  std::optional<platform::GuestExit> fill(PeContext& c, uint64_t ipa, uint64_t va, bool write,
                                          bool fetch, bool s1ptw, const DataAccess* access);
  // Stage-1 walk whose table reads fill pages; a failed fill leaves its exit in `exit`.
  Stage1Result walk(PeContext& c, uint64_t va, bool write, bool fetch,
                    std::optional<platform::GuestExit>& exit);
};

}  // namespace cpu
