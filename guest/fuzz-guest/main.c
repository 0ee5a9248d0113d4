// fuzz-guest: a small generator of guest programs for `rmesim fuzz`. From a seed it draws a
// program of operations and runs them, in a realm or a normal VM:
//   touch a protected IPA (in RAM: write a secret word, read it back; beyond RAM: a stage-2
//   fault), touch an unprotected IPA (a realm's shared alias), an RSI call and a PSCI call
//   with random arguments, a RIPAS change (RSI_IPA_STATE_SET over a random range), MMIO (the
//   UART, the GIC, a hole), spinning, WFI, and a fault (an undefined instruction, an access
//   to an unmapped VA). Faults are taken, counted and stepped over, so the program goes on.
//   a0 = seed, a1 = operations (default 32), a2 = RAM size in MiB (default 2)
// Powers off with X1 = operations done, X2 = faults taken, X3 = words read back wrong.
//
// A realm's secret words carry kSecretTag in their top 32 bits: the fuzzer checks that no
// Non-secure read ever returns one.
#include "rt.h"

#define SECRET_TAG 0x5EC2E7D0ull  // the fuzzer's kSecretTag (tools/rmesim/fuzz/invariants.h)

extern uint8_t __guest_end[];

static uint64_t state;
static uint64_t next(void) {  // xorshift64*
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}
static uint64_t below(uint64_t n) { return n ? next() % n : 0; }

static volatile uint64_t faults;

// Every exception is counted and stepped over: the program continues after a fault.
void rt_exception(struct rt_frame* f, uint64_t kind) {
  faults++;
  if (faults > 64) psci_system_off(0xdead, faults, f->elr);  // a fault that keeps coming back
  f->elr += 4;
}

// An interesting 64-bit argument: small, a boundary, an IPA of RAM, or random.
static uint64_t arg(uint64_t ram_base, uint64_t ram_size) {
  switch (below(6)) {
    case 0: return below(4);
    case 1: return (uint64_t)-1 - below(2);
    case 2: return ram_base + (below(ram_size) & ~0xfffull);
    case 3: return ram_base + below(ram_size);
    case 4: return 1ull << below(64);
    default: return next();
  }
}

int main(uint64_t seed, uint64_t ops, uint64_t mib, uint64_t a3) {
  state = seed ? seed : 1;
  if (!ops) ops = 32;
  if (!mib) mib = 2;
  const uint64_t ram_base = RT_RAM_BASE, ram_size = mib << 20;
  // Free memory: from the first page after the image (and its stacks) to the end of RAM.
  const uint64_t free_base = (rt_virt_to_ipa(__guest_end) + 0xffff) & ~0xffffull;
  const uint64_t free_size = ram_base + ram_size > free_base ? ram_base + ram_size - free_base : 0;
  const uint64_t unprotected = rt_unprotected_bit();
  const uint64_t secret = rt_is_realm() ? SECRET_TAG << 32 : 0;
  uint64_t wrong = 0, done = 0;
  for (; done < ops; ++done) {
    const uint64_t op = below(11);
    if (op <= 1 && free_size) {  // protected RAM: write a word, read it back
      volatile uint64_t* p = (volatile uint64_t*)rt_ipa_to_va(free_base + (below(free_size) & ~7ull));
      const uint64_t v = secret | (next() & 0xffffffffull);
      const uint64_t before = faults;
      *p = v;
      if (*p != v && faults == before) wrong++;
    } else if (op == 2) {  // a protected IPA beyond RAM, or its unprotected alias
      const uint64_t ipa = (ram_base + ram_size + (below(64) << 12)) | (below(2) ? unprotected : 0);
      (void)*(volatile uint64_t*)rt_ipa_to_va(ipa);
    } else if (op == 3 && unprotected && free_size) {  // the shared alias of RAM
      volatile uint64_t* p = (volatile uint64_t*)rt_ipa_to_va((free_base + (below(free_size) & ~7ull)) | unprotected);
      if (below(2)) *p = next() & 0xffffffffull;  // never a secret
      else (void)*p;
    } else if (op == 4) {  // an RSI call (SMC) with random arguments
      struct rt_regs r = {{0}};
      r.x[0] = RSI_VERSION + below(16);
      for (int i = 1; i < 5; ++i) r.x[i] = arg(ram_base, ram_size);
      if (r.x[0] == RSI_IPA_STATE_SET && below(2)) {
        r.x[1] = free_base + (below(free_size) & ~0xfffull);
        r.x[2] = r.x[1] + ((1 + below(8)) << 12);
      }
      rt_smc(&r);
    } else if (op == 5) {  // a PSCI call with random arguments (never SYSTEM_OFF/RESET/CPU_OFF here)
      static const uint32_t fids[] = {PSCI_VERSION, 0xC4000001u /* CPU_SUSPEND */, PSCI_CPU_ON, PSCI_AFFINITY_INFO,
                                      0x8400000Au /* FEATURES */, 0x84000006u /* MIGRATE_INFO_TYPE */, 0x840000FFu};
      struct rt_regs r = {{0}};
      r.x[0] = fids[below(sizeof fids / sizeof fids[0])];
      for (int i = 1; i < 4; ++i) r.x[i] = below(2) ? below(4) : arg(ram_base, ram_size);
      rt_psci_call(&r);
    } else if (op == 6 && rt_is_realm() && free_size) {  // a RIPAS change of free memory
      const uint64_t base = free_base + (below(free_size) & ~0xfffull);
      uint64_t top = base + ((1 + below(16)) << 12), resp = 0;
      if (top > ram_base + ram_size) top = ram_base + ram_size;
      rsi_ipa_state_set(base, top, (unsigned)below(2), &resp);
    } else if (op == 7) {  // MMIO: the UART's flag register, the GIC distributor, a hole
      const uint64_t uart = rt_dt_reg("arm,pl011", 0), gic = rt_dt_reg("arm,gic-v3", 0);
      const uint64_t where[] = {uart + 0x18, gic + 0x4, 0x0a000000ull + (below(256) << 12)};
      volatile uint32_t* p = (volatile uint32_t*)rt_ipa_to_va(where[below(3)] | unprotected);
      if (below(4) == 0) *p = (uint32_t)next();
      else (void)*p;
    } else if (op == 8) {  // spinning
      for (volatile uint64_t n = below(20000); n; --n) {
      }
    } else if (op == 9) {  // a fault: an undefined instruction, or an unmapped VA
      if (below(2)) __asm__ volatile(".inst 0x00000000");  // UDF #0
      else (void)*(volatile uint64_t*)(0x0000800000000000ull + (below(16) << 12));
    } else if (op == 10 && below(4) == 0) {  // WFI: the host's tick wakes it
      __asm__ volatile("wfi");
    }
  }
  rt_printf("fuzz-guest: %lu operations, %lu faults, %lu wrong\n", done, (uint64_t)faults, wrong);
  (void)a3;
  psci_system_off(done, faults, wrong);
}
