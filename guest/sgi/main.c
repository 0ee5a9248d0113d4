// sgi: one CPU interrupts another with a software-generated interrupt (SGI) through the GIC.
//   a0 = the SGI's INTID (default 1, at most 15)
// CPU 0 starts CPU 1 (PSCI CPU_ON), which opens its virtual CPU interface (PMR, IGRPEN1) and
// waits in WFI; CPU 0 writes ICC_SGI1R_EL1 (TargetList = Aff0 1), which traps to the
// hypervisor; the hypervisor puts the SGI in CPU 1's list registers; CPU 1's IRQ handler
// acknowledges and ends it. Powers off with X1 = the INTID CPU 1 acknowledged, X2 = the CPU
// that took it (1), X3 = spurious acknowledges seen.
#include "rt.h"

static volatile uint64_t ready, taken_intid, taken_cpu, spurious;

void rt_exception(struct rt_frame* f, uint64_t kind) {
  if (kind != RT_VECTOR_IRQ_SPX) {
    rt_printf("sgi: unexpected exception %lu ESR 0x%lx at 0x%lx\n", kind, rt_read_esr(), f->elr);
    psci_system_off(0xdead, kind, rt_read_esr());
  }
  const uint64_t intid = rt_gic_ack();
  if (intid == RT_GIC_SPURIOUS) {
    spurious++;
    return;
  }
  rt_gic_eoi(intid);
  taken_cpu = rt_cpu_index();
  rt_dmb();
  taken_intid = intid;
}

void secondary_main(unsigned cpu, uint64_t context) {
  rt_gic_enable();
  ready = 1;
  rt_dmb();
  rt_wait_irq_until(&taken_intid, 0);
  (void)cpu;
  (void)context;
}

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  const uint64_t intid = a0 ? (a0 & 15) : 1;
  const int64_t on = psci_cpu_on(1, (uint64_t)_secondary_entry, 0);
  if (on != 0) {
    rt_printf("sgi: CPU_ON 1 -> %ld\n", on);
    psci_system_off(0xdead, 0, (uint64_t)on);
  }
  while (!ready) rt_dmb();
  rt_gic_send_sgi(intid, 1u << 1);  // TargetList: Aff0 1
  while (!taken_intid) rt_dmb();
  rt_printf("sgi: CPU %lu took SGI %lu\n", taken_cpu, taken_intid);
  (void)a1;
  (void)a2;
  (void)a3;
  psci_system_off(taken_intid, taken_cpu, spurious);
}
