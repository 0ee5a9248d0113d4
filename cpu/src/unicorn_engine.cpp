// UnicornEngine: see unicorn_engine.h.
#include "unicorn_engine.h"

#include "engine_clock.h"

#include <algorithm>
#include <stdexcept>

#include <unicorn/unicorn.h>

// The sanitizer build (RMESIM_SANITIZE): Unicorn 2.1.1 leaks one 32-byte block per engine in
// UC_TLB_VIRTUAL mode (uc_close does not free it; a bare uc_open/uc_ctl_tlb_mode/uc_close shows
// it). The leak is the library's: LeakSanitizer is told to leave it out.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() { return "leak:libunicorn.so\n"; }
#endif

namespace cpu {
namespace {

int x_reg(unsigned n) {
  if (n <= 28) return UC_ARM64_REG_X0 + static_cast<int>(n);
  return n == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

void check(uc_err err, const char* what) {
  if (err != UC_ERR_OK) throw std::runtime_error(std::string("unicorn: ") + what + ": " + uc_strerror(err));
}

// Pointer-authentication enables in SCR_EL3 and HCR_EL2 (Arm ARM D19.2).
constexpr uint64_t kScrApk = 1ull << 16, kScrApi = 1ull << 17;
constexpr uint64_t kHcrApk = 1ull << 40, kHcrApi = 1ull << 41;

}  // namespace

UnicornEngine::UnicornEngine() {
  engine_clock::install();  // Unicorn's TLB sizing must not follow the wall clock (engine_clock.h)
  // The design needs 2.1's TLB-fill hook: refuse an older library found at run time.
  if (uc_version(nullptr, nullptr) < UC_MAKE_VERSION(2, 1) + (1u << 8))
    throw std::runtime_error("unicorn: the library loaded is older than 2.1.1 (see README, Quick start)");
  check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc_), "uc_open");
  // MAX: v8.1+ (LSE, PAN, VHE) for compiled guests; must precede every other call.
  check(uc_ctl_set_cpu_model(uc_, UC_CPU_ARM64_MAX), "cpu model");
  // The simulator is the MMU: every TLB miss goes to on_tlb_fill.
  check(uc_ctl_tlb_mode(uc_, UC_TLB_VIRTUAL), "tlb mode");
  // No exit address: slices end only by the hooks. (An `until` address would be translated,
  // and its block invalidated, at every uc_emu_start.)
  check(uc_ctl_exits_enable(uc_), "exits");
  // The EL3 and EL2 controls a firmware (TF-A's cm_setup_context) and a hypervisor set for the
  // lower ELs, so that what the guest sees in ID_AA64* works at EL1/EL0 (id_registers.h hides
  // what cannot). SCR_EL3: NS | res1 (bits 4,5) | HCE | RW | APK | API. Without RW, EL1 is
  // AArch32; without HCE, HVC is UNDEF; without APK/API, the pointer-authentication key
  // registers and instructions trap (to EL3, which reaches the guest as UNDEF).
  // CPTR_EL3.EZ stays 0, SVE trapped: Unicorn 2.1.1 sets no vector lengths for its MAX CPU
  // (sve_vq_map is empty), so with SVE enabled at the current EL its next system-register
  // write asserts in sve_zcr_get_valid_len and aborts the process. SVE is hidden instead.
  set_sysreg(3, 6, 1, 1, 0, 0x531 | kScrApk | kScrApi);
  // HCR_EL2: RW (EL1 is AArch64) | TWI | TWE (WFI/WFE trap as UDEF, decoded as exits) | IMO |
  // FMO (interrupts belong to EL2: the guest sees the virtual ones, through VI) | APK | API
  // (pointer authentication is the guest's). VM stays 0: stage 2 is ours, applied by the filler.
  hcr_el2_ = (1ull << 31) | (1ull << 13) | (1ull << 14) | (1ull << 4) | (1ull << 3) | kHcrApk | kHcrApi;
  set_sysreg(3, 4, 1, 1, 0, hcr_el2_);

  uc_hook h;
  check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&UnicornEngine::on_block), this, 1, 0),
        "block hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&UnicornEngine::on_intr), this, 1, 0),
        "intr hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_TLB_FILL, reinterpret_cast<void*>(&UnicornEngine::on_tlb_fill), this, 1, 0),
        "tlb fill hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornEngine::on_mrs), this, 1, 0,
                    UC_ARM64_INS_MRS),
        "mrs hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornEngine::on_msr), this, 1, 0,
                    UC_ARM64_INS_MSR),
        "msr hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornEngine::on_sys), this, 1, 0,
                    UC_ARM64_INS_SYS),
        "sys hook");
}

UnicornEngine::~UnicornEngine() {
  if (uc_) uc_close(uc_);
}

uint64_t UnicornEngine::reg(int r) const {
  uint64_t v = 0;
  check(uc_reg_read(uc_, r, &v), "reg read");
  return v;
}

void UnicornEngine::set_reg(int r, uint64_t v) { check(uc_reg_write(uc_, r, &v), "reg write"); }

uint64_t UnicornEngine::x(unsigned n) const { return reg(x_reg(n)); }

void UnicornEngine::read_xs(std::array<uint64_t, 31>& out) const {
  static const auto regs = [] {
    std::array<int, 31> r{};
    for (unsigned i = 0; i < 31; ++i) r[i] = x_reg(i);
    return r;
  }();
  std::array<void*, 31> vals;
  for (unsigned i = 0; i < 31; ++i) vals[i] = &out[i];
  check(uc_reg_read_batch(uc_, const_cast<int*>(regs.data()), vals.data(), 31), "reg read");
}
void UnicornEngine::set_x(unsigned n, uint64_t v) { set_reg(x_reg(n), v); }
uint64_t UnicornEngine::pc() const { return reg(UC_ARM64_REG_PC); }
void UnicornEngine::set_pc(uint64_t v) { set_reg(UC_ARM64_REG_PC, v); }
uint64_t UnicornEngine::sp() const { return reg(UC_ARM64_REG_SP); }
void UnicornEngine::set_sp(uint64_t v) { set_reg(UC_ARM64_REG_SP, v); }
uint64_t UnicornEngine::pstate() const { return reg(UC_ARM64_REG_PSTATE); }
void UnicornEngine::set_pstate(uint64_t v) { set_reg(UC_ARM64_REG_PSTATE, v); }

uint64_t UnicornEngine::sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) const {
  uc_arm64_cp_reg r{};
  r.op0 = op0; r.op1 = op1; r.crn = crn; r.crm = crm; r.op2 = op2;
  check(uc_reg_read(uc_, UC_ARM64_REG_CP_REG, &r), "sysreg read");
  return r.val;
}

void UnicornEngine::set_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
                               uint64_t v) {
  uc_arm64_cp_reg r{};
  r.op0 = op0; r.op1 = op1; r.crn = crn; r.crm = crm; r.op2 = op2; r.val = v;
  check(uc_reg_write(uc_, UC_ARM64_REG_CP_REG, &r), "sysreg write");
}

void UnicornEngine::map_ram(uint64_t pa, uint64_t size, void* host) {
  check(uc_mem_map_ptr(uc_, pa, size, UC_PROT_ALL, host), "uc_mem_map_ptr");
  ram_[pa] = pa + size;
}

bool UnicornEngine::mapped(uint64_t pa) const {
  auto it = ram_.upper_bound(pa);
  return it != ram_.begin() && pa < std::prev(it)->second;
}

void UnicornEngine::flush_tlb() { uc_ctl_flush_tlb(uc_); }
void UnicornEngine::flush_code(uint64_t pa) {
  // Unicorn finds the blocks to drop by translating the address it is given through the TLB,
  // and translated code is keyed by PA: with the filler bypassed (VA == PA) for this one call,
  // the blocks of that PA page go. (Dropping all of them, uc_ctl_flush_tb, clears the whole
  // code buffer: seconds with 2.1.1's default buffer.)
  identity_fill_ = true;
  const uint64_t page = pa & ~uint64_t{0xfff};
  uc_ctl_remove_cache(uc_, page, page + 0x1000);
  identity_fill_ = false;
}

void UnicornEngine::set_insn_observer(std::function<void(uint64_t)> observer) {
  observer_ = std::move(observer);
  if (observer_ && !code_hook_) {
    uc_hook h;
    check(uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&UnicornEngine::on_code), this, 1, 0),
          "code hook");
    code_hook_ = h;
  } else if (!observer_ && code_hook_) {
    uc_hook_del(uc_, code_hook_);
    code_hook_ = 0;
  }
}

SliceStop UnicornEngine::run(uint64_t budget, uint64_t& executed) {
  // Kept in bytes, counting down: the block hook then costs one read-modify-write and a sign test.
  slice_bytes_ = static_cast<int64_t>(std::min<uint64_t>(budget, kMaxBudget) * 4);
  left_ = slice_bytes_;
  stopped_by_hook_ = false;
  last_block_ = kNoBlock;
  stop_ = SliceStop{};
  uc_err err = uc_emu_start(uc_, pc(), 0, 0, 0);  // `until` is ignored with exits enabled
  SliceStop s = stop_;
  // A refused fill ends the run with an error (UC_ERR_EXCEPTION in 2.1.1); any other error,
  // or a refusal that did not end it, is the engine's.
  const bool refused = s.kind == SliceStop::Kind::MemFault;
  if ((!stopped_by_hook_ && err != UC_ERR_OK) || (refused && err == UC_ERR_OK)) {
    s.kind = SliceStop::Kind::Error;
    s.uc_error = err;
  }
  // A stop inside the last block entered. A fetch fault is never inside one: A64 translation
  // blocks do not cross pages, so the fault is at the start of a block not yet entered.
  const bool fetch = s.fetch || (s.kind == SliceStop::Kind::Exception &&
                                 static_cast<Excp>(s.intno) == Excp::PrefetchAbort);
  uc_tb tb{};
  if (s.kind != SliceStop::Kind::Budget && !fetch && last_block_ != kNoBlock &&
      uc_ctl_request_cache(uc_, last_block_, &tb) == UC_ERR_OK) {
    // The block's extent, from Unicorn's cache (the hook records only its start, to stay
    // cheap). Only the instructions before the PC ran (PC == block end: all of them did).
    const uint64_t start = last_block_, end = start + tb.size;
    const uint64_t p = pc();
    if (p >= start && p < end) left_ += static_cast<int64_t>(end - p);
  }
  executed = slice_executed();
  return s;
}

void UnicornEngine::on_block(uc_engine* uc, uint64_t address, uint32_t size, void* self) {
  // Called for every translation block executed, so it is most of what the instruction budget
  // costs: one read-modify-write, one store and a sign test. Forms that also record the block's
  // size or compare against a budget in memory measured 10-20% slower on the compute loop.
  auto* e = static_cast<UnicornEngine*>(self);
  e->left_ -= size;
  e->last_block_ = address;
  if (__builtin_expect(e->left_ < 0, 0)) e->budget_reached(uc, size);
}

void UnicornEngine::budget_reached(uc_engine* uc, uint32_t block_bytes) {
  // The first block of a slice always runs, so a slice makes progress whatever its budget.
  if (left_ + block_bytes == slice_bytes_) {
    slice_bytes_ -= left_;
    left_ = 0;
    return;
  }
  // This block will not run; PC is its start (resume is exact).
  left_ += block_bytes;
  last_block_ = kNoBlock;
  stop_.kind = SliceStop::Kind::Budget;
  stopped_by_hook_ = true;
  uc_emu_stop(uc);
}

void UnicornEngine::on_intr(uc_engine* uc, uint32_t intno, void* self) {
  auto* e = static_cast<UnicornEngine*>(self);
  e->stop_.kind = SliceStop::Kind::Exception;
  e->stop_.intno = intno;
  e->stopped_by_hook_ = true;
  uc_emu_stop(uc);
}

bool UnicornEngine::on_tlb_fill(uc_engine*, uint64_t address, int type, void* entry, void* self) {
  auto* e = static_cast<UnicornEngine*>(self);
  if (e->identity_fill_) {  // flush_code's own lookup
    auto* out = static_cast<uc_tlb_entry*>(entry);
    out->paddr = address;
    out->perms = UC_PROT_ALL;
    return true;
  }
  const uint32_t access = type == UC_MEM_WRITE ? kWrite : type == UC_MEM_FETCH ? kExec : kRead;
  uint64_t pa = 0;
  uint32_t perms = 0;
  if (e->filler_ && e->filler_(address, access, pa, perms)) {
    auto* out = static_cast<uc_tlb_entry*>(entry);
    out->paddr = pa;
    out->perms = static_cast<uc_prot>(perms);
    return true;
  }
  // Refused: Unicorn stops the run with the PC at the faulting instruction. (A probing access
  // that is refused does not stop it; the next real stop overwrites this.)
  SliceStop& s = e->stop_;
  s = SliceStop{};
  s.kind = SliceStop::Kind::MemFault;
  s.address = address;
  s.write = access == kWrite;
  s.fetch = access == kExec;
  e->stopped_by_hook_ = true;
  return false;
}

void UnicornEngine::set_virtual_irq(bool asserted) {
  constexpr uint64_t kVi = 1ull << 7;
  const uint64_t hcr = asserted ? hcr_el2_ | kVi : hcr_el2_ & ~kVi;
  if (hcr == hcr_el2_) return;
  hcr_el2_ = hcr;
  set_sysreg(3, 4, 1, 1, 0, hcr);
}

namespace {
// The GIC CPU interface's encodings: ICC_PMR_EL1 (S3_0_C4_C6_0) and op0 3, CRn 12, CRm >= 8.
bool gic_encoding(const uc_arm64_cp_reg& r) {
  return r.op0 == 3 && ((r.crn == 12 && r.crm >= 8) || (r.crn == 4 && r.crm == 6 && r.op2 == 0));
}
// The EL1 timers: CNTP_* (S3_3_C14_C2_x) and CNTV_* (S3_3_C14_C3_x), TVAL/CTL/CVAL.
bool timer_encoding(const uc_arm64_cp_reg& r) {
  return r.op0 == 3 && r.op1 == 3 && r.crn == 14 && (r.crm == 2 || r.crm == 3) && r.op2 <= 2;
}
// RNDR (S3_3_C2_C4_0) and RNDRRS (S3_3_C2_C4_1): Unicorn reads the host's entropy for them.
bool random_encoding(const uc_arm64_cp_reg& r) {
  return r.op0 == 3 && r.op1 == 3 && r.crn == 2 && r.crm == 4 && r.op2 <= 1;
}
// The AArch64 feature ID registers ID_AA64*_EL1: op0 3, op1 0, CRn 0, CRm 4..7.
bool id_encoding(const uc_arm64_cp_reg& r) {
  return r.op0 == 3 && r.op1 == 0 && r.crn == 0 && r.crm >= 4 && r.crm <= 7;
}
unsigned rt_of(int reg) {
  if (reg >= UC_ARM64_REG_X0 && reg <= UC_ARM64_REG_X28) return static_cast<unsigned>(reg - UC_ARM64_REG_X0);
  if (reg == UC_ARM64_REG_X29) return 29;
  if (reg == UC_ARM64_REG_X30) return 30;
  return 31;  // XZR
}
}  // namespace

// Unicorn calls the hook before it looks the register up. For a register it implements
// (timers), returning 1 skips the access. For one it does not (ICC_*), the block ends at the
// access, and the PC the hook leaves is where execution resumes: the hook steps over it.
uint32_t UnicornEngine::trapped(uc_engine* uc, int reg, const void* cp, bool read) {
  auto* r = static_cast<const uc_arm64_cp_reg*>(cp);
  const bool gic = gic_encoding(*r);
  const SysregAccess a{r->op0, r->op1, r->crn, r->crm, r->op2, rt_of(reg), read};
  uint64_t v = read ? 0 : r->val;
  // An access to a register Unicorn does not implement (ICC_*) ends its block, and the PC the
  // hook sees is the block's start, not the access: the access is the block's last instruction.
  uint64_t access_pc = pc();
  uc_tb tb{};
  if (gic && last_block_ != kNoBlock && uc_ctl_request_cache(uc, last_block_, &tb) == UC_ERR_OK && tb.size >= 4)
    access_pc = last_block_ + tb.size - 4;
  switch (trap_(a, v)) {
    case TrapResult::Declined: return 0;
    case TrapResult::Emulated:
      if (read && a.rt != 31) uc_reg_write(uc, reg, &v);
      if (gic) set_pc(access_pc + 4);
      if (random_encoding(*r)) {  // a random number delivered: NZCV = 0b0000 (Arm ARM C5.2.14)
        uint64_t nzcv = 0;
        uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
      }
      return 1;
    case TrapResult::ToEl2:
      stop_ = SliceStop{};
      stop_.kind = SliceStop::Kind::SysregTrap;
      stop_.sysreg = {a.op0, a.op1, a.crn, a.crm, a.op2, a.rt, a.read};
      stop_.sysreg_value = read ? 0 : r->val;
      stopped_by_hook_ = true;
      set_pc(access_pc);
      uc_emu_stop(uc);
      return 1;  // the PC stays at the access (the block ends there: ICC_* only)
  }
  return 0;
}

uint32_t UnicornEngine::on_mrs(uc_engine* uc, int reg, const void* cp, void* self) {
  auto* e = static_cast<UnicornEngine*>(self);
  auto* r = static_cast<const uc_arm64_cp_reg*>(cp);
  if (e->trap_ && (gic_encoding(*r) || timer_encoding(*r) || random_encoding(*r) || id_encoding(*r)))
    return e->trapped(uc, reg, cp, true);
  // CNTPCT_EL0 (3,3,14,0,1) and CNTVCT_EL0 (3,3,14,0,2): simulated time, not host time.
  if (e->counter_ && r->op0 == 3 && r->op1 == 3 && r->crn == 14 && r->crm == 0 &&
      (r->op2 == 1 || r->op2 == 2)) {
    uint64_t v = e->counter_();
    uc_reg_write(uc, reg, &v);
    return 1;  // skip the instruction's own read
  }
  return 0;
}

uint32_t UnicornEngine::on_msr(uc_engine* uc, int reg, const void* cp, void* self) {
  auto* e = static_cast<UnicornEngine*>(self);
  auto* r = static_cast<const uc_arm64_cp_reg*>(cp);
  if (e->trap_ && (gic_encoding(*r) || timer_encoding(*r))) return e->trapped(uc, reg, cp, false);
  // SCTLR_EL1 (3,0,1,0,0), TTBR0/TTBR1/TCR_EL1 (3,0,2,0,0..2).
  const bool regime = r->op0 == 3 && r->op1 == 0 && r->crm == 0 &&
                      ((r->crn == 1 && r->op2 == 0) || (r->crn == 2 && r->op2 <= 2));
  if (regime && e->regime_) e->regime_();
  return 0;  // the write itself still happens
}

uint32_t UnicornEngine::on_sys(uc_engine*, int, const void* cp, void* self) {
  auto* e = static_cast<UnicornEngine*>(self);
  auto* r = static_cast<const uc_arm64_cp_reg*>(cp);
  if (r->op0 == 1 && r->crn == 8 && e->tlbi_) e->tlbi_(r->op1, r->crm, r->op2, r->val);  // TLBI <op>, Xt
  return 0;  // the instruction itself still runs
}

void UnicornEngine::on_code(uc_engine*, uint64_t address, uint32_t, void* self) {
  auto* e = static_cast<UnicornEngine*>(self);
  if (e->observer_) e->observer_(address);
}

std::string UnicornEngine::error_string(int err) { return uc_strerror(static_cast<uc_err>(err)); }

}  // namespace cpu
