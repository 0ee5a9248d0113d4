// The Event queue (IHI 0070 §7): records written at EVENTQ_PROD while the queue is enabled and
// not full; a full queue sets EVENTQ_PROD.OVFLG (toggles it against EVENTQ_CONS.OVACKFLG) and
// the record is lost. A write that fails (a GPF on the queue itself) is GERROR.EVENTQ_ABT_ERR.
#include <array>

#include "platform/devices/smmuv3/smmuv3.h"

namespace platform::smmuv3 {

void Smmuv3::record_event(const Event& e, const sc_core::sc_time& now) {
  trace_instant(to_string(static_cast<EventType>(e.type)), now, nullptr,
                {{"sid", std::to_string(e.sid)}, {"gpcf", e.gpcf ? "1" : "0"}});
  if (!(cr0_ & CR0_EVENTQEN) || gerror_active(GERROR_EVENTQ_ABT_ERR)) {
    ++stats_.events_lost;
    return;
  }
  const unsigned log2 = static_cast<unsigned>(eventq_base_ & Q_BASE_LOG2SIZE_MASK);
  const uint32_t mask = (1u << log2) - 1, wrap = 1u << log2;
  const uint32_t prod = eventq_prod_ & (mask | wrap), cons = eventq_cons_ & (mask | wrap);
  if ((prod & mask) == (cons & mask) && (prod & wrap) != (cons & wrap)) {  // full
    // OVFLG differs from OVACKFLG while an overflow is unacknowledged.
    if (((eventq_prod_ ^ eventq_cons_) & Q_OVFLG) == 0) eventq_prod_ ^= Q_OVFLG;
    ++stats_.events_lost;
    return;
  }
  std::array<uint64_t, 4> raw = e.encode();
  Delay delay;  // the record is posted: the transaction that caused it does not wait for it
  const Access a = access((eventq_base_ & Q_BASE_ADDR_MASK) + (prod & mask) * kEventBytes, raw.data(),
                          kEventBytes, true, delay);
  if (!a.ok()) {
    if (!a.gpf.ok()) record_gpf(a.gpf, e.sid, FarReason::Gerror, 0x02 /* EVENTQ_GPF */, now);
    raise_gerror(GERROR_EVENTQ_ABT_ERR);
    ++stats_.events_lost;
    return;
  }
  eventq_prod_ = (eventq_prod_ & Q_OVFLG) | ((prod + 1) & (mask | wrap));
  ++stats_.events;
  if (irq_ctrl_ & IRQ_CTRL_EVENTQ_IRQEN) pulse(Irq::Eventq);
}

}  // namespace platform::smmuv3
