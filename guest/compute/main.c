// compute: a CPU-bound loop of known instruction count (for speed measurements).
//   a0 = iterations (default 10,000,000)
// The loop (compute_loop.S) runs COMPUTE_INSNS_PER_ITER instructions per iteration.
// Powers off with X1 = result, X2 = iterations.
#include "rt.h"

uint64_t compute_loop(uint64_t iterations, uint64_t seed);

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  uint64_t iterations = a0 ? a0 : 10000000;
  rt_printf("compute: %lu iterations\n", iterations);
  uint64_t result = compute_loop(iterations, 0x1234567);
  rt_printf("compute: result 0x%016lx\n", result);
  (void)a1; (void)a2; (void)a3;
  psci_system_off(result, iterations, 0);
}
