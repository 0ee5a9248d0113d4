// The EL0 side of the runtime's system calls (user.c): SVC #0 with the number in X8, X0..X1
// in, X0 out. Only this header may be used by .user.text code: it must not call the kernel's
// functions, which are not mapped at EL0.
#pragma once
#include <stdint.h>

#define RT_SYS_EXIT 0   // x0 = value rt_run_user returns
#define RT_SYS_WRITE 1  // x0 = buffer, x1 = length; returns the length written

static inline uint64_t rt_syscall(uint64_t nr, uint64_t a0, uint64_t a1) {
  register uint64_t x8 __asm__("x8") = nr, x0 __asm__("x0") = a0, x1 __asm__("x1") = a1;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
  return x0;
}
