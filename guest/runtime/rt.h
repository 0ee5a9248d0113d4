// The guest runtime: console, SMCCC conduits, RSI and PSCI wrappers, stage-1 MMU, exceptions.
// Freestanding (no libc): everything a guest needs is here.
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RT_MAX_CPUS 8

// Guest IPA layout (see guest/README.md). Devices are where the device tree says.
#define RT_RAM_BASE 0x80000000ull   // the image is loaded here

// The kernel's virtual addresses (TTBR1): IPA x is at RT_KERNEL_VA + x once the MMU is on,
// and the image is linked there (guest.ld). RT_KERNEL_VA comes from the build (-D).
#ifndef RT_KERNEL_VA
#error "RT_KERNEL_VA is defined by guest/CMakeLists.txt"
#endif
// The IPA of a pointer: the hypervisor and the RMM take IPAs (RSI, PSCI CPU_ON entry). Before
// the MMU is on, pointers are already IPAs and come back unchanged.
static inline uint64_t rt_virt_to_ipa(const void* p) {
  uint64_t v = (uint64_t)p;
  return v >= RT_KERNEL_VA ? v - RT_KERNEL_VA : v;
}
static inline uint64_t rt_ipa_to_va(uint64_t ipa) { return ipa + RT_KERNEL_VA; }

// Stage-1 descriptor fields (VMSAv8-64, 4 KiB granule).
#define RT_DESC_TABLE 3ull
#define RT_DESC_BLOCK 1ull
#define RT_DESC_PAGE 3ull
#define RT_DESC_AF (1ull << 10)
#define RT_DESC_SH_INNER (3ull << 8)
#define RT_DESC_ATTR(i) ((uint64_t)(i) << 2)
#define RT_DESC_AP_EL0 (1ull << 6)  // AP[1]: EL0 may access
#define RT_DESC_AP_RO (1ull << 7)   // AP[2]: read-only
#define RT_DESC_PXN (1ull << 53)
#define RT_DESC_UXN (1ull << 54)
#define RT_DESC_ADDR_MASK 0x0000fffffffff000ull

// ---- SMCCC ------------------------------------------------------------------------------
struct rt_regs { uint64_t x[18]; };  // X0..X17 in and out (SMCCC 1.2+)
void rt_smc(struct rt_regs* r);
void rt_hvc(struct rt_regs* r);
// The PSCI conduit: SMC in a realm (RMM), HVC in a normal VM (KVM convention).
void rt_psci_call(struct rt_regs* r);

#define SMCCC_NOT_SUPPORTED ((uint64_t)-1)

// ---- RSI (RMM specification 1.0, DEN0137) -------------------------------------------------
#define RSI_VERSION 0xC4000190u
#define RSI_FEATURES 0xC4000191u
#define RSI_MEASUREMENT_READ 0xC4000192u
#define RSI_MEASUREMENT_EXTEND 0xC4000193u
#define RSI_ATTEST_TOKEN_INIT 0xC4000194u
#define RSI_ATTEST_TOKEN_CONTINUE 0xC4000195u
#define RSI_REALM_CONFIG 0xC4000196u
#define RSI_IPA_STATE_SET 0xC4000197u
#define RSI_IPA_STATE_GET 0xC4000198u
#define RSI_HOST_CALL 0xC4000199u

#define RSI_SUCCESS 0
#define RSI_ERROR_INPUT 1
#define RSI_ERROR_STATE 2
#define RSI_INCOMPLETE 3

#define RSI_RIPAS_EMPTY 0
#define RSI_RIPAS_RAM 1
#define RSI_ABI_VERSION_1_0 0x10000ull  // major << 16 | minor

// RsiRealmConfig (4 KiB, IPA passed to RSI_REALM_CONFIG).
struct rsi_realm_config {
  uint64_t ipa_width;  // 0x000
  uint64_t hash_algo;  // 0x008 (byte)
  uint8_t pad[0x200 - 0x10];
  uint8_t rpv[64];     // 0x200
  uint8_t pad2[0x1000 - 0x240];
};

// RsiHostCall (IPA passed to RSI_HOST_CALL): imm, then gprs[0..30].
struct rsi_host_call {
  uint16_t imm;
  uint8_t pad[6];
  uint64_t gprs[31];
};

int rt_is_realm(void);           // decided at start: RSI_VERSION answered
unsigned rt_ipa_width(void);     // from RSI_REALM_CONFIG (realm), else 0
uint64_t rt_unprotected_bit(void);  // 1 << (ipa_width - 1) in a realm, 0 otherwise

uint64_t rsi_version(uint64_t* lower, uint64_t* higher);
uint64_t rsi_realm_config(struct rsi_realm_config* cfg);
uint64_t rsi_measurement_read(unsigned index, uint64_t out[8]);
// Requests the token for `challenge` into `buf` (`cap` bytes); returns status, *len the size.
uint64_t rsi_attest_token(const uint64_t challenge[8], uint8_t* buf, uint64_t cap, uint64_t* len);
// Sets the RIPAS of [base, top); returns status (RSI_SUCCESS when the whole range is done).
uint64_t rsi_ipa_state_set(uint64_t base, uint64_t top, unsigned ripas, uint64_t* response);
uint64_t rsi_host_call(struct rsi_host_call* call);
// Host call immediates the VMM answers (guest/README.md).
#define RT_HOST_CALL_HELLO 1   // gprs[0] = IPA of a shared buffer, gprs[1] its length
#define RT_HOST_CALL_RESULT 2  // gprs[0..2] = the guest's result (X1..X3 of SYSTEM_OFF)

// ---- PSCI (DEN0022) -----------------------------------------------------------------------
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xC4000003u
#define PSCI_AFFINITY_INFO 0xC4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
int64_t psci_affinity_info(uint64_t mpidr);
void psci_cpu_off(void) __attribute__((noreturn));
// SYSTEM_OFF with up to three result values in X1..X3 (for the harness to read). A realm's
// registers never reach the host (the RMM forwards only the FID), so a realm first reports
// them by RSI_HOST_CALL(RT_HOST_CALL_RESULT).
void psci_system_off(uint64_t r1, uint64_t r2, uint64_t r3) __attribute__((noreturn));

// ---- device tree (fdt.c): the DTB whose IPA the VMM passes in X0 ------------------------
int rt_dt_init(uint64_t dtb);     // 1 if dtb points at a flattened device tree in RAM
int rt_dt_present(void);
// Base address of the index-th reg range of the first node compatible with `compatible`
// (e.g. "arm,pl011", "arm,gic-v3"), or 0.
uint64_t rt_dt_reg(const char* compatible, unsigned index);
// Up to max 64-bit values of /chosen's property `prop`; returns how many.
unsigned rt_dt_chosen_u64s(const char* prop, uint64_t* out, unsigned max);

// ---- console ------------------------------------------------------------------------------
void rt_putc(char c);
void rt_puts(const char* s);
int rt_printf(const char* fmt, ...);
int rt_vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);

// ---- CPU ----------------------------------------------------------------------------------
unsigned rt_cpu_index(void);      // MPIDR_EL1.Aff0
// The MMU is turned on by start.S (rt_mmu_on) before main: kernel code and data at
// RT_KERNEL_VA + IPA through TTBR1; TTBR0 holds the EL0 tables (user.c).
void rt_halt(void) __attribute__((noreturn));
extern void _secondary_entry(void);

// Exception frame built by the vectors (start.S).
struct rt_frame { uint64_t x[31]; uint64_t elr, spsr, pad; };
// Called for every exception taken to EL1; may be replaced by a guest (weak default prints
// and powers off). Returning resumes at frame->elr.
void rt_exception(struct rt_frame* f, uint64_t kind);
extern volatile uint64_t rt_svc_count;

// ---- EL0 programs (user.c) --------------------------------------------------------------
// An EL0 program is code and data the image puts in sections .user.text and .user.data
// (RT_USER_TEXT / RT_USER_DATA); the runtime maps them through TTBR0 at RT_USER_VA with the
// same layout, so their PC-relative code runs there, plus a stack below RT_USER_STACK_TOP.
// It calls the kernel with SVC (user_syscall.h). RT_USER_VA and RT_USER_STACK_TOP are in
// the user.c page table's range.
#define RT_USER_VA 0x400000ull
#define RT_USER_STACK_TOP 0x600000ull
#define RT_USER_TEXT __attribute__((section(".user.text"), noinline))
#define RT_USER_DATA __attribute__((section(".user.data")))
// Runs `entry` (a function in .user.text) at EL0 with X0 = arg; returns what it passed to
// the exit syscall, or RT_USER_FAULT | ESR_EL1 if it took an exception other than SVC
// (rt_user_fault_address() then gives FAR_EL1).
#define RT_USER_FAULT (1ull << 63)
uint64_t rt_run_user(void (*entry)(uint64_t), uint64_t arg);
uint64_t rt_user_fault_address(void);
uint64_t rt_user_va(const void* kernel_va);  // where the EL0 program sees a .user.* object
// Called by rt_exception for exceptions from EL0; returns 0 when no EL0 program is running.
int rt_user_exception(struct rt_frame* f, uint64_t esr);
uint64_t rt_user_tables_init(void);  // the (empty) TTBR0 tables; called with the MMU off

// Guest entry points. main's parameters are /chosen/rmesim,args of the device tree (a
// scenario's `args:`), missing ones 0.
int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
void secondary_main(unsigned cpu, uint64_t context);  // weak default: CPU_OFF

static inline uint64_t rt_read_esr(void) { uint64_t v; __asm__ volatile("mrs %0, esr_el1" : "=r"(v)); return v; }
static inline uint64_t rt_read_far(void) { uint64_t v; __asm__ volatile("mrs %0, far_el1" : "=r"(v)); return v; }
static inline uint64_t rt_read_cntvct(void) { uint64_t v; __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)); return v; }
static inline void rt_dmb(void) { __asm__ volatile("dmb ish" ::: "memory"); }

// ---- GIC CPU interface (ICC_*_EL1; a guest reaches the virtual interface behind them) -------
#define RT_VECTOR_IRQ_SPX 5  // rt_exception kind: IRQ from the current EL with SP_ELx
#define RT_GIC_SPURIOUS 1023
// Priority mask 0xf0 and group 1 on: the interface delivers interrupts once PSTATE.I is clear.
static inline void rt_gic_enable(void) {
  __asm__ volatile("msr S3_0_C4_C6_0, %0" ::"r"(0xf0ull));          // ICC_PMR_EL1
  __asm__ volatile("msr S3_0_C12_C12_7, %0; isb" ::"r"(1ull));      // ICC_IGRPEN1_EL1
}
static inline uint64_t rt_gic_ack(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(v));             // ICC_IAR1_EL1
  return v;
}
static inline void rt_gic_eoi(uint64_t intid) { __asm__ volatile("msr S3_0_C12_C12_1, %0" ::"r"(intid)); }  // ICC_EOIR1_EL1
// ICC_SGI1R_EL1: SGI `intid` to the CPUs of TargetList `targets` (Aff0 bits, Aff1..3 = 0).
static inline void rt_gic_send_sgi(uint64_t intid, uint64_t targets) {
  __asm__ volatile("msr S3_0_C12_C11_5, %0; isb" ::"r"((intid << 24) | (targets & 0xffff)));
}
// Waits with IRQs unmasked until *flag changes from `seen` (each WFI may exit to the hypervisor).
static inline void rt_wait_irq_until(volatile uint64_t* flag, uint64_t seen) {
  while (*flag == seen) __asm__ volatile("msr daifclr, #2; wfi; msr daifset, #2" ::: "memory");
}

void* rt_memset(void* d, int c, size_t n);
void* rt_memcpy(void* d, const void* s, size_t n);
