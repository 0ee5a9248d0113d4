// compute: CPU-bound loops of known instruction count (for speed measurements).
//   a0 = iterations of the compute loop (default 10,000,000), or passes of the load/store loop
//   a1 = 0: the compute loop (compute_loop.S, 8 instructions per iteration)
//        1: the load/store loop (ldst_loop.S) over a 1 MiB buffer at the first MiB boundary
//           after the image
// Powers off with X1 = result, X2 = a0.
#include "rt.h"

extern uint8_t __guest_end[];

uint64_t compute_loop(uint64_t iterations, uint64_t seed);
uint64_t ldst_loop(uint64_t passes, uint64_t* buffer, uint64_t bytes);

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  uint64_t n = a0 ? a0 : 10000000, result;
  if (a1 == 1) {
    uint64_t* buffer = (uint64_t*)(((uint64_t)__guest_end + (1u << 20) - 1) & ~((1ull << 20) - 1));
    rt_printf("compute: %lu load/store passes over 1 MiB at %p\n", n, buffer);
    result = ldst_loop(n, buffer, 1u << 20);
  } else {
    rt_printf("compute: %lu iterations\n", n);
    result = compute_loop(n, 0x1234567);
  }
  rt_printf("compute: result 0x%016lx\n", result);
  (void)a2; (void)a3;
  psci_system_off(result, n, 0);
}
