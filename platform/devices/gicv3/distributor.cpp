#include "platform/devices/gicv3/distributor.h"

namespace platform::gicv3 {

Distributor::Distributor(std::function<void()> changed) : changed_(std::move(changed)) { reset(); }

void Distributor::reset() {
  ctlr_ = kCtlrAre | kCtlrDs;
  spis_.fill(IrqState{});
  irouter_.fill(0);
}

bool Distributor::read(uint64_t offset, unsigned size, uint64_t& value) const {
  value = 0;
  if (offset >= GICD_IROUTER + 8 * kSpiBase && offset < GICD_IROUTER + 8 * kIntidCount) {
    if (size != 8 && size != 4) return false;
    const uint64_t r = irouter_[(offset - GICD_IROUTER) / 8 - kSpiBase];
    value = size == 8 ? r : (offset & 4) ? r >> 32 : r & 0xFFFF'FFFF;
    return true;
  }
  if (read_irq_regs(bank(), offset, size, value)) return true;
  if (size != 4) return false;
  switch (offset) {
    case GICD_CTLR: value = ctlr_; break;
    case GICD_TYPER: value = kTyper; break;
    case GICD_IIDR: value = kIidrArm; break;
    case GICD_PIDR2: value = kPidr2Gicv3; break;
    default: break;  // reserved or not implemented: RAZ/WI
  }
  return true;
}

bool Distributor::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset >= GICD_IROUTER + 8 * kSpiBase && offset < GICD_IROUTER + 8 * kIntidCount) {
    if (size != 8 && size != 4) return false;
    uint64_t& r = irouter_[(offset - GICD_IROUTER) / 8 - kSpiBase];
    if (size == 8) r = value;
    else if (offset & 4) r = (r & 0xFFFF'FFFF) | (value << 32);
    else r = (r & ~uint64_t{0xFFFF'FFFF}) | (value & 0xFFFF'FFFF);
    r &= kIrouterAffinity;  // IRM is RAZ/WI with No1N = 1
  } else {
    IrqBank b = bank();
    if (!write_irq_regs(b, offset, size, value)) {
      if (size != 4) return false;
      // GICD_CTLR: EnableGrp0/1 are RW; ARE and DS are RAO/WI; RWP reads 0 (writes take
      // effect at once). TYPER, IIDR and PIDR2 are RO; the rest is reserved (WI).
      if (offset == GICD_CTLR) ctlr_ = kCtlrAre | kCtlrDs | (value & (kCtlrEnableGrp0 | kCtlrEnableGrp1));
    }
  }
  changed_();
  return true;
}

void Distributor::set_spi_level(unsigned intid, bool level) {
  spi(intid).set_line(level);
  changed_();
}

}  // namespace platform::gicv3
