// attacker-nvm: a normal VM that reads a physical page the host delegated after mapping it.
//   a0 = target IPA (default 0x80200000)
//   a1 = virtual-counter ticks to sleep first, on the virtual timer (0: read at once), so that
//        the read lands while another VM runs
// The read must fault (the host sees a GPF and, as KVM does, injects an abort or stops the
// VM); the data must never reach the guest. Powers off with X1 = 0xab (aborted) and X2 = ESR,
// or X1 = 0x1eaced with X2 = the value read if the read returned.
#include "rt.h"

static volatile int reading;
static volatile uint64_t woken;

void rt_exception(struct rt_frame* f, uint64_t kind) {
  if (kind == RT_VECTOR_IRQ_SPX && !reading) {  // the timer ending the sleep
    const uint64_t intid = rt_gic_ack();
    __asm__ volatile("msr cntv_ctl_el0, xzr; isb");
    rt_gic_eoi(intid);
    if (intid != RT_GIC_SPURIOUS) woken = 1;
    return;
  }
  uint64_t esr = rt_read_esr();
  rt_printf("attacker-nvm: exception kind %u esr 0x%lx far 0x%lx elr 0x%lx\n",
            (unsigned)kind, esr, rt_read_far(), f->elr);
  psci_system_off(reading ? 0xab : 0xdead, esr, rt_read_far());
}

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  uint64_t target = a0 ? a0 : 0x80200000ull;
  if (a1) {
    rt_gic_enable();
    __asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(a1), "r"(1ull));
    rt_wait_irq_until(&woken, 0);
  }
  rt_printf("attacker-nvm: reading 0x%lx\n", target);
  reading = 1;
  uint64_t v = *(volatile uint64_t*)rt_ipa_to_va(target);
  reading = 0;
  rt_printf("attacker-nvm: read 0x%016lx\n", v);
  (void)a2; (void)a3;
  psci_system_off(0x1eaced, v, 0);
}
