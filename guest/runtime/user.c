// EL0 programs: their TTBR0 tables, entering EL0 and coming back (see rt.h).
#include "rt.h"
#include "user_syscall.h"

extern uint8_t __user_text_start[], __user_text_end[], __user_data_start[], __user_data_end[];

// One L1, L2 and L3 table map [0, 2 MiB) of L2 index RT_USER_VA >> 21 in 4 KiB pages.
static __attribute__((section(".bss.pagetables"), aligned(4096))) uint64_t user_l0[512];
static __attribute__((section(".bss.pagetables"), aligned(4096))) uint64_t user_l1[512];
static __attribute__((section(".bss.pagetables"), aligned(4096))) uint64_t user_l2[512];
static __attribute__((section(".bss.pagetables"), aligned(4096))) uint64_t user_l3[512];
static __attribute__((aligned(4096))) uint8_t user_stack[RT_MAX_CPUS][4096];

// Saved by start.S's rt_user_enter: the kernel's SP to come back to, per CPU.
uint64_t rt_user_kernel_sp[RT_MAX_CPUS];
static volatile int user_running[RT_MAX_CPUS];
static uint64_t user_far[RT_MAX_CPUS];
static int user_mapped;

uint64_t rt_user_enter(uint64_t entry, uint64_t sp, uint64_t arg);  // start.S
void rt_user_return(uint64_t value) __attribute__((noreturn));      // start.S

uint64_t rt_user_tables_init(void) { return (uint64_t)user_l0; }

uint64_t rt_user_va(const void* kernel_va) {
  return RT_USER_VA + ((uint64_t)kernel_va - (uint64_t)__user_text_start);
}

static void map_user_page(uint64_t va, uint64_t ipa, uint64_t attrs) {
  user_l3[(va >> 12) & 511] = ipa | RT_DESC_PAGE | RT_DESC_AF | RT_DESC_SH_INNER | RT_DESC_ATTR(0) |
                              RT_DESC_AP_EL0 | RT_DESC_PXN | attrs;
}

// Maps .user.text (read-only, EL0-executable), .user.data (read-write) and one stack page per
// CPU below RT_USER_STACK_TOP, then invalidates: the tables were empty until now.
static void map_user(void) {
  user_l0[0] = rt_virt_to_ipa(user_l1) | RT_DESC_TABLE;
  user_l1[0] = rt_virt_to_ipa(user_l2) | RT_DESC_TABLE;
  user_l2[(RT_USER_VA >> 21) & 511] = rt_virt_to_ipa(user_l3) | RT_DESC_TABLE;
  for (uint8_t* p = __user_text_start; p < __user_text_end; p += 4096)
    map_user_page(rt_user_va(p), rt_virt_to_ipa(p), RT_DESC_AP_RO);
  for (uint8_t* p = __user_data_start; p < __user_data_end; p += 4096)
    map_user_page(rt_user_va(p), rt_virt_to_ipa(p), RT_DESC_UXN);
  for (unsigned c = 0; c < RT_MAX_CPUS; c++)
    map_user_page(RT_USER_STACK_TOP - (uint64_t)(RT_MAX_CPUS - c) * 4096, rt_virt_to_ipa(user_stack[c]), RT_DESC_UXN);
  __asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" ::: "memory");
  user_mapped = 1;
}

uint64_t rt_run_user(void (*entry)(uint64_t), uint64_t arg) {
  if (!user_mapped) map_user();
  unsigned cpu = rt_cpu_index();
  user_running[cpu] = 1;
  uint64_t sp = RT_USER_STACK_TOP - (uint64_t)(RT_MAX_CPUS - 1 - cpu) * 4096;
  uint64_t rc = rt_user_enter(rt_user_va((const void*)entry), sp, arg);
  user_running[cpu] = 0;
  return rc;
}

uint64_t rt_user_fault_address(void) { return user_far[rt_cpu_index()]; }

int rt_user_exception(struct rt_frame* f, uint64_t esr) {
  unsigned cpu = rt_cpu_index();
  if (!user_running[cpu]) return 0;
  if (((esr >> 26) & 0x3f) != 0x15) {  // not an SVC: the program faulted
    user_far[cpu] = rt_read_far();
    rt_user_return(RT_USER_FAULT | esr);
  }
  switch (f->x[8]) {
    case RT_SYS_EXIT:
      rt_user_return(f->x[0]);
    case RT_SYS_WRITE: {
      // The kernel reads the program's buffer through TTBR0 (PAN is off).
      const char* s = (const char*)f->x[0];
      for (uint64_t i = 0; i < f->x[1]; i++) rt_putc(s[i]);
      f->x[0] = f->x[1];
      return 1;
    }
    default:
      f->x[0] = (uint64_t)-1;
      return 1;
  }
}
