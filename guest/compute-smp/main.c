// compute-smp: the compute loop (compute/compute_loop.S, 8 instructions per iteration) on
// several CPUs at once, for the speed of a multi-vCPU realm.
//   a0 = iterations per CPU (default 1,000,000)
//   a1 = CPUs (default 4, at most RT_MAX_CPUS)
// CPU 0 brings the others up with PSCI CPU_ON, runs its share, waits for each to finish and
// to be off, and powers off with X1 = the XOR of every CPU's result, X2 = a0, X3 = a1.
#include "rt.h"

uint64_t compute_loop(uint64_t iterations, uint64_t seed);

static volatile uint64_t results[RT_MAX_CPUS];
static volatile uint64_t done[RT_MAX_CPUS];

void secondary_main(unsigned cpu, uint64_t iterations) {
  const uint64_t r = compute_loop(iterations, 0x1234567 + cpu);
  if (cpu < RT_MAX_CPUS) {
    results[cpu] = r;
    rt_dmb();
    done[cpu] = 1;
    rt_dmb();
  }
}

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  const uint64_t n = a0 ? a0 : 1000000;
  unsigned ncpus = a1 ? (unsigned)a1 : 4;
  if (ncpus > RT_MAX_CPUS) ncpus = RT_MAX_CPUS;
  rt_printf("compute-smp: %lu iterations on each of %u CPUs\n", n, ncpus);
  for (unsigned cpu = 1; cpu < ncpus; cpu++) {
    const int64_t rc = psci_cpu_on(cpu, (uint64_t)&_secondary_entry, n);
    if (rc != 0) {
      rt_printf("compute-smp: CPU_ON %u -> %ld\n", cpu, rc);
      psci_system_off(~0ull, n, ncpus);
    }
  }
  uint64_t result = compute_loop(n, 0x1234567);
  for (unsigned cpu = 1; cpu < ncpus; cpu++) {
    while (!done[cpu]) rt_dmb();
    while (psci_affinity_info(cpu) == 0) rt_dmb();  // 0 = ON, 1 = OFF
    result ^= results[cpu];
  }
  rt_printf("compute-smp: result 0x%016lx\n", result);
  (void)a2; (void)a3;
  psci_system_off(result, n, ncpus);
}
