// vtimer: sleeps on its EL1 virtual timer through the GIC virtual CPU interface.
//   a0 = ticks to take (default 3), a1 = timer period in counter ticks (default 100000)
// Each tick: CNTV_TVAL = period, CNTV_CTL = ENABLE, WFI until the IRQ handler has run; the
// handler acknowledges (ICC_IAR1_EL1), stops the timer (CNTV_CTL = 0) and ends the interrupt
// (ICC_EOIR1_EL1). Powers off with X1 = ticks taken, X2 = the last INTID acknowledged (27),
// X3 = counter ticks slept in all.
#include "rt.h"

static volatile uint64_t ticks, last_intid;

void rt_exception(struct rt_frame* f, uint64_t kind) {
  if (kind != RT_VECTOR_IRQ_SPX) {
    rt_printf("vtimer: unexpected exception %lu ESR 0x%lx at 0x%lx\n", kind, rt_read_esr(), f->elr);
    psci_system_off(0xdead, kind, rt_read_esr());
  }
  const uint64_t intid = rt_gic_ack();
  __asm__ volatile("msr cntv_ctl_el0, xzr; isb");
  rt_gic_eoi(intid);
  if (intid != RT_GIC_SPURIOUS) {
    last_intid = intid;
    ticks++;
  }
}

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  const uint64_t want = a0 ? a0 : 3, period = a1 ? a1 : 100000;
  rt_gic_enable();
  const uint64_t start = rt_read_cntvct();
  for (uint64_t i = 0; i < want; i++) {
    const uint64_t seen = ticks;
    __asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(period), "r"(1ull));
    rt_wait_irq_until(&ticks, seen);
  }
  const uint64_t slept = rt_read_cntvct() - start;
  rt_printf("vtimer: %lu ticks of %lu, last INTID %lu, %lu counter ticks\n", ticks, period, last_intid, slept);
  (void)a2;
  (void)a3;
  psci_system_off(ticks, last_intid, slept);
}
