// The guest runtime (see rt.h).
#include "rt.h"

// Stacks for every CPU, indexed by MPIDR.Aff0 (start.S: setup_stack).
__attribute__((aligned(16))) uint8_t rt_stacks[RT_MAX_CPUS][1u << RT_STACK_SHIFT];

volatile uint64_t rt_svc_count;
static int is_realm;
static unsigned ipa_width;
static volatile uint64_t uart_base;  // the device tree's PL011 (a realm: at its unprotected alias)
static __attribute__((aligned(4096))) struct rsi_realm_config realm_config;

// ---- memory helpers (the compiler may emit calls to memset/memcpy) ------------------------
void* rt_memset(void* d, int c, size_t n) {
  uint8_t* p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}
void* rt_memcpy(void* d, const void* s, size_t n) {
  uint8_t* p = d;
  const uint8_t* q = s;
  while (n--) *p++ = *q++;
  return d;
}
void* memset(void* d, int c, size_t n) { return rt_memset(d, c, n); }
void* memcpy(void* d, const void* s, size_t n) { return rt_memcpy(d, s, n); }

// ---- SMCCC conduits -----------------------------------------------------------------------
void rt_psci_call(struct rt_regs* r) {
  if (is_realm) rt_smc(r);
  else rt_hvc(r);
}

int rt_is_realm(void) { return is_realm; }
unsigned rt_ipa_width(void) { return ipa_width; }
uint64_t rt_unprotected_bit(void) { return is_realm ? 1ull << (ipa_width - 1) : 0; }

uint64_t rsi_version(uint64_t* lower, uint64_t* higher) {
  struct rt_regs r = {{RSI_VERSION, RSI_ABI_VERSION_1_0}};
  rt_smc(&r);
  if (lower) *lower = r.x[1];
  if (higher) *higher = r.x[2];
  return r.x[0];
}

uint64_t rsi_realm_config(struct rsi_realm_config* cfg) {
  struct rt_regs r = {{RSI_REALM_CONFIG, rt_virt_to_ipa(cfg)}};
  rt_smc(&r);
  return r.x[0];
}

uint64_t rsi_measurement_read(unsigned index, uint64_t out[8]) {
  struct rt_regs r = {{RSI_MEASUREMENT_READ, index}};
  rt_smc(&r);
  for (int i = 0; i < 8; i++) out[i] = r.x[i + 1];
  return r.x[0];
}

// The token is written by RSI_ATTEST_TOKEN_CONTINUE one granule at a time.
static __attribute__((aligned(4096))) uint8_t token_granule[4096];

uint64_t rsi_attest_token(const uint64_t challenge[8], uint8_t* buf, uint64_t cap, uint64_t* len) {
  struct rt_regs init = {{RSI_ATTEST_TOKEN_INIT}};
  for (int i = 0; i < 8; i++) init.x[i + 1] = challenge[i];
  rt_smc(&init);
  if (init.x[0] != RSI_SUCCESS) return init.x[0];
  uint64_t total = 0;
  for (;;) {
    uint64_t offset = 0, status = RSI_INCOMPLETE;
    while (status == RSI_INCOMPLETE && offset < sizeof token_granule) {
      struct rt_regs r = {{RSI_ATTEST_TOKEN_CONTINUE, rt_virt_to_ipa(token_granule), offset,
                           sizeof token_granule - offset}};
      rt_smc(&r);
      status = r.x[0];
      if (status != RSI_SUCCESS && status != RSI_INCOMPLETE) return status;
      offset += r.x[1];
      if (r.x[1] == 0 && status == RSI_INCOMPLETE) break;
    }
    for (uint64_t i = 0; i < offset && total < cap; i++) buf[total++] = token_granule[i];
    if (status == RSI_SUCCESS) break;
  }
  *len = total;
  return RSI_SUCCESS;
}

uint64_t rsi_ipa_state_set(uint64_t base, uint64_t top, unsigned ripas, uint64_t* response) {
  while (base < top) {
    struct rt_regs r = {{RSI_IPA_STATE_SET, base, top, ripas, 0}};
    rt_smc(&r);
    if (r.x[0] != RSI_SUCCESS) return r.x[0];
    if (response) *response = r.x[2];
    if (r.x[2] != 0) return RSI_SUCCESS;  // the host rejected the change
    if (r.x[1] <= base) return RSI_ERROR_STATE;  // no progress: protocol violation
    base = r.x[1];
  }
  return RSI_SUCCESS;
}

uint64_t rsi_host_call(struct rsi_host_call* call) {
  struct rt_regs r = {{RSI_HOST_CALL, rt_virt_to_ipa(call)}};
  rt_smc(&r);
  return r.x[0];
}

// ---- PSCI ---------------------------------------------------------------------------------
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) {
  struct rt_regs r = {{PSCI_CPU_ON, mpidr, rt_virt_to_ipa((const void*)entry), context}};
  rt_psci_call(&r);
  return (int64_t)r.x[0];
}

int64_t psci_affinity_info(uint64_t mpidr) {
  struct rt_regs r = {{PSCI_AFFINITY_INFO, mpidr, 0}};
  rt_psci_call(&r);
  return (int64_t)r.x[0];
}

void psci_cpu_off(void) {
  struct rt_regs r = {{PSCI_CPU_OFF}};
  rt_psci_call(&r);
  rt_halt();
}

// One RsiHostCall per CPU (256 bytes, 256-byte aligned): any CPU may power the realm off.
static __attribute__((aligned(256))) struct rsi_host_call result_call[RT_MAX_CPUS];

void psci_system_off(uint64_t r1, uint64_t r2, uint64_t r3) {
  if (is_realm) {
    struct rsi_host_call* hc = &result_call[rt_cpu_index() % RT_MAX_CPUS];
    rt_memset(hc, 0, sizeof *hc);
    hc->imm = RT_HOST_CALL_RESULT;
    hc->gprs[0] = r1;
    hc->gprs[1] = r2;
    hc->gprs[2] = r3;
    rsi_host_call(hc);
  }
  struct rt_regs r = {{PSCI_SYSTEM_OFF, r1, r2, r3}};
  rt_psci_call(&r);
  rt_halt();
}

// ---- console: the PL011's UARTDR, once UARTFR.TXFF says the FIFO has room -----------------
#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1u << 5)
void rt_putc(char c) {
  if (!uart_base) return;  // no UART in the device tree
  while (*(volatile uint32_t*)(uintptr_t)(uart_base + UARTFR) & UARTFR_TXFF) {
  }
  *(volatile uint32_t*)(uintptr_t)(uart_base + UARTDR) = (uint8_t)c;
}

void rt_puts(const char* s) {
  while (*s) rt_putc(*s++);
}

// ---- stage 1: the kernel's linear map, 4 KiB granule, 48-bit VA, 1 GiB blocks --------------
// IPA x is at VA RT_KERNEL_VA + x (TTBR1). GiB 0 (devices, the UART) is Device-nGnRnE;
// GiBs 1..15 are normal memory. In a realm the same map is repeated at the unprotected alias
// (IPA | 1 << (ipa_width - 1)). With RT_KERNEL_VA's low 48 bits zero, the TTBR1 table for VA
// RT_KERNEL_VA + x and an identity TTBR0 table for x are the same table: rt_mmu_on uses it as
// both for the few instructions that switch to the high VA.
#define PT_ENTRIES 512
#define MAP_GIB 16
static __attribute__((section(".bss.pagetables"), aligned(4096))) uint64_t l0_table[PT_ENTRIES];
static __attribute__((section(".bss.pagetables"), aligned(4096))) uint64_t l1_tables[4][PT_ENTRIES];
static unsigned l1_used;

// What rt_mmu_on (start.S) loads, in this order.
struct rt_mmu_regs { uint64_t mair, tcr, ttbr0_identity, ttbr1, ttbr0_user; };
struct rt_mmu_regs rt_mmu_regs;

static void map_gib(uint64_t ipa) {
  unsigned i0 = (unsigned)((ipa >> 39) & 511), i1 = (unsigned)((ipa >> 30) & 511);
  if (!(l0_table[i0] & 1)) {
    if (l1_used == 4) rt_halt();
    l0_table[i0] = (uint64_t)l1_tables[l1_used++] | RT_DESC_TABLE;
  }
  uint64_t* l1 = (uint64_t*)(l0_table[i0] & RT_DESC_ADDR_MASK);
  int device = (ipa & ~rt_unprotected_bit()) < (1ull << 30);
  l1[i1] = (ipa & ~((1ull << 30) - 1)) | RT_DESC_AF | RT_DESC_BLOCK |
           (device ? (RT_DESC_ATTR(1) | RT_DESC_PXN | RT_DESC_UXN) : (RT_DESC_ATTR(0) | RT_DESC_SH_INNER));
}

// Runs with the MMU off: every address here is physical (the code is PC-relative).
static void build_tables(void) {
  for (uint64_t g = 0; g < MAP_GIB; g++) {
    map_gib(g << 30);
    if (is_realm) map_gib((g << 30) | rt_unprotected_bit());
  }
  rt_mmu_regs.mair = 0xffull | (0x00ull << 8);  // attr0 normal WB, attr1 Device-nGnRnE
  // TTBR0 and TTBR1: 48-bit VA (T0SZ = T1SZ = 16), 4 KiB granules (TG0 = 0, TG1 = 2), inner
  // shareable write-back walks; IPS = 48 bits.
  rt_mmu_regs.tcr = 16ull | (1ull << 8) | (1ull << 10) | (3ull << 12) |
                    (16ull << 16) | (1ull << 24) | (1ull << 26) | (3ull << 28) | (2ull << 30) |
                    (5ull << 32);
  rt_mmu_regs.ttbr0_identity = (uint64_t)l0_table;
  rt_mmu_regs.ttbr1 = (uint64_t)l0_table;
  rt_mmu_regs.ttbr0_user = rt_user_tables_init();
}

unsigned rt_cpu_index(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
  return (unsigned)(v & 0xff);
}

// ---- exceptions ---------------------------------------------------------------------------
__attribute__((weak)) void rt_exception(struct rt_frame* f, uint64_t kind) {
  uint64_t esr = rt_read_esr();
  unsigned ec = (unsigned)(esr >> 26) & 0x3f;
  if (kind == 4 && ec == 0x15) {  // SVC from EL1: count and return
    rt_svc_count++;
    return;
  }
  if (kind == 8 && rt_user_exception(f, esr)) return;  // from the EL0 program (user.c)
  rt_printf("guest: unhandled exception kind %u esr 0x%lx elr 0x%lx far 0x%lx\n",
            (unsigned)kind, esr, f->elr, rt_read_far());
  psci_system_off(0xdead, esr, f->elr);
}

__attribute__((weak)) void secondary_main(unsigned cpu, uint64_t context) {
  (void)cpu;
  (void)context;
}

// ---- entry --------------------------------------------------------------------------------
// MMU off (start.S): which world, the IPA width, the page tables.
void rt_early_start(void) {
#if RT_WORLD == 1
  is_realm = 1;
#elif RT_WORLD == 2
  is_realm = 0;
#else
  is_realm = rsi_version(0, 0) == RSI_SUCCESS;
#endif
  if (is_realm) {
    if (rsi_realm_config(&realm_config) != RSI_SUCCESS) psci_system_off(0xdead, 1, 0);
    ipa_width = (unsigned)realm_config.ipa_width;
    if (ipa_width < 36 || ipa_width > 48) psci_system_off(0xdead, 2, ipa_width);
  }
  build_tables();
}

// MMU on, at the high VA (start.S: rt_mmu_on).
void rt_primary_start(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  // The boot protocol: X0 is the device tree's IPA (read once RAM is mapped as normal memory).
  (void)a1, (void)a2, (void)a3;
  if (!rt_dt_init(rt_ipa_to_va(a0))) psci_system_off(0xdead, 3, a0);
  uart_base = rt_ipa_to_va(rt_dt_reg("arm,pl011", 0) | rt_unprotected_bit());  // a realm: the host's side
  uint64_t args[4] = {0, 0, 0, 0};
  rt_dt_chosen_u64s("rmesim,args", args, 4);
  int rc = main(args[0], args[1], args[2], args[3]);
  psci_system_off((uint64_t)rc, 0, 0);
}

void rt_secondary_start(uint64_t context) {
  secondary_main(rt_cpu_index(), context);
  psci_cpu_off();
}
