// el0-user: the kernel runs at its high VA (TTBR1) and runs a program at EL0 through TTBR0.
//   a0 = n for the EL0 program's sum of squares 1..n (default 1000)
// Steps, each checked by the kernel; X1 = 0 when all pass, else the number of the step that
// failed (it prints "step N failed: ..."):
//   1 the kernel's code is not at a TTBR1 address;
//   2 the EL0 program's result (sum of squares, written to its data page and returned by exit;
//     on the way it prints "hello from EL0" with an SVC write);
//   3 an EL0 load of a kernel address takes a permission fault (EL1-only linear map, level 1);
//   4 an EL0 load of an unmapped TTBR0 address takes a translation fault at level 2;
//   5 an EL0 store to its own code page takes a permission fault (read-only, level 3).
// X2 = the sum, X3 = the instructions' EL (from CurrentEL) seen by the kernel.
#include "rt.h"
#include "user_syscall.h"

// ---- the EL0 program: PC-relative code, its own data, only user_syscall.h ------------------
RT_USER_DATA static volatile uint64_t user_result;
RT_USER_DATA static char user_message[] = "el0-user: hello from EL0\n";

RT_USER_TEXT static void user_sum_of_squares(uint64_t n) {
  uint64_t sum = 0;
  for (uint64_t i = 1; i <= n; i++) sum += i * i;
  user_result = sum;
  rt_syscall(RT_SYS_WRITE, (uint64_t)user_message, sizeof user_message - 1);
  rt_syscall(RT_SYS_EXIT, user_result, 0);
}

// Loads from, or stores to, the address it is given: the kernel checks the fault it takes.
RT_USER_TEXT static void user_load(uint64_t address) {
  uint64_t v = *(volatile uint64_t*)address;
  rt_syscall(RT_SYS_EXIT, v, 0);
}
RT_USER_TEXT static void user_store(uint64_t address) {
  *(volatile uint64_t*)address = 1;
  rt_syscall(RT_SYS_EXIT, 0, 0);
}

// ---- the kernel ---------------------------------------------------------------------------
static int failed(int step, const char* what, uint64_t value) {
  rt_printf("el0-user: step %d failed: %s (0x%lx)\n", step, what, value);
  return step;
}

// ESR of a data abort from EL0 (EC 0x24) with the fault status code `dfsc`.
static int is_data_abort(uint64_t rc, unsigned dfsc) {
  uint64_t esr = rc & ~RT_USER_FAULT;
  return (rc & RT_USER_FAULT) && ((esr >> 26) & 0x3f) == 0x24 && (esr & 0x3f) == dfsc;
}

static uint64_t kernel_word = 0x5ec12e7;

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  uint64_t n = a0 ? a0 : 1000, el;
  __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
  uint64_t pc = (uint64_t)&main;
  rt_printf("el0-user: kernel at VA 0x%lx (IPA 0x%lx), EL%lu\n", pc, rt_virt_to_ipa(&main), el >> 2);
  if (pc < RT_KERNEL_VA) return failed(1, "kernel code below the TTBR1 range", pc);

  uint64_t expect = n * (n + 1) * (2 * n + 1) / 6;
  uint64_t sum = rt_run_user(user_sum_of_squares, n);
  rt_printf("el0-user: EL0 sum of squares 1..%lu = %lu\n", n, sum);
  if (sum != expect || user_result != expect) return failed(2, "EL0 sum", sum);

  uint64_t rc = rt_run_user(user_load, (uint64_t)&kernel_word);
  rt_printf("el0-user: EL0 load of kernel VA 0x%lx -> 0x%lx far 0x%lx\n", (uint64_t)&kernel_word, rc, rt_user_fault_address());
  if (!is_data_abort(rc, 0x0d) || rt_user_fault_address() != (uint64_t)&kernel_word)
    return failed(3, "EL0 read of a kernel page", rc);

  rc = rt_run_user(user_load, 0x1000);
  rt_printf("el0-user: EL0 load of unmapped VA 0x1000 -> 0x%lx\n", rc);
  if (!is_data_abort(rc, 0x06) || rt_user_fault_address() != 0x1000) return failed(4, "EL0 read of an unmapped page", rc);

  uint64_t code = rt_user_va((const void*)user_load);
  rc = rt_run_user(user_store, code);
  rt_printf("el0-user: EL0 store to its code at VA 0x%lx -> 0x%lx\n", code, rc);
  if (!is_data_abort(rc, 0x0f) || rt_user_fault_address() != code) return failed(5, "EL0 write to its code", rc);

  rt_printf("el0-user: all steps passed\n");
  (void)a1; (void)a2; (void)a3;
  psci_system_off(0, sum, el >> 2);
}
