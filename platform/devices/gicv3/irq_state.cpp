#include "platform/devices/gicv3/irq_state.h"

namespace platform::gicv3 {
namespace {

// One bit per INTID: register n of a family covers INTIDs 32n..32n+31.
enum class Bit { Group, Enable, Pending, Active, Grpmod };

bool get(const IrqState& s, Bit b) {
  switch (b) {
    case Bit::Group: return s.group1;
    case Bit::Enable: return s.enabled;
    case Bit::Pending: return s.pending();
    case Bit::Active: return s.active;
    case Bit::Grpmod: return s.grpmod;
  }
  return false;
}

void put(IrqState& s, Bit b, bool value) {
  bool* field = nullptr;
  switch (b) {
    case Bit::Group: field = &s.group1; break;
    case Bit::Enable: field = &s.enabled; break;
    case Bit::Pending: field = &s.latch; break;  // ICPENDR of a level interrupt with its line high: stays pending
    case Bit::Active: field = &s.active; break;
    case Bit::Grpmod: field = &s.grpmod; break;
  }
  *field = value;
}

IrqState* at(const IrqBank& bank, unsigned intid) {
  return intid >= bank.first && intid < bank.first + bank.count ? &bank.irqs[intid - bank.first] : nullptr;
}

struct Family { uint64_t base; Bit bit; enum { Rw, Set, Clear } kind; };
constexpr Family kFamilies[] = {
    {kIgroupr, Bit::Group, Family::Rw},      {kIgrpmodr, Bit::Grpmod, Family::Rw},
    {kIsenabler, Bit::Enable, Family::Set},  {kIcenabler, Bit::Enable, Family::Clear},
    {kIspendr, Bit::Pending, Family::Set},   {kIcpendr, Bit::Pending, Family::Clear},
    {kIsactiver, Bit::Active, Family::Set},  {kIcactiver, Bit::Active, Family::Clear},
};
constexpr uint64_t kFamilySpan = 0x80;     // 32 registers of 32 INTIDs each
constexpr uint64_t kPrioritySpan = 0x400;  // 1020 priority bytes
constexpr uint64_t kCfgSpan = 0x100;       // 2 bits per INTID

const Family* family_of(uint64_t offset) {
  for (const Family& f : kFamilies)
    if (offset >= f.base && offset < f.base + kFamilySpan) return &f;
  return nullptr;
}

}  // namespace

bool read_irq_regs(const IrqBank& bank, uint64_t offset, unsigned size, uint64_t& value) {
  value = 0;
  if (offset >= kIpriorityr && offset < kIpriorityr + kPrioritySpan) {
    if (size != 1 && size != 4) return false;
    const unsigned first = static_cast<unsigned>(offset - kIpriorityr);
    for (unsigned i = 0; i < size; ++i)
      if (const IrqState* s = at(bank, first + i)) value |= uint64_t{s->priority} << (8 * i);
    return true;
  }
  if (size != 4) return false;
  if (offset >= kIcfgr && offset < kIcfgr + kCfgSpan) {
    const unsigned first = static_cast<unsigned>(offset - kIcfgr) * 4;
    for (unsigned i = 0; i < 16; ++i)
      if (const IrqState* s = at(bank, first + i); s && s->edge) value |= uint64_t{2} << (2 * i);
    return true;
  }
  const Family* f = family_of(offset);
  if (!f) return false;
  const unsigned first = static_cast<unsigned>(offset - f->base) * 8;
  for (unsigned i = 0; i < 32; ++i)
    if (const IrqState* s = at(bank, first + i); s && get(*s, f->bit)) value |= uint64_t{1} << i;
  return true;
}

bool write_irq_regs(IrqBank& bank, uint64_t offset, unsigned size, uint64_t value) {
  if (offset >= kIpriorityr && offset < kIpriorityr + kPrioritySpan) {
    if (size != 1 && size != 4) return false;
    const unsigned first = static_cast<unsigned>(offset - kIpriorityr);
    for (unsigned i = 0; i < size; ++i)
      if (IrqState* s = at(bank, first + i)) s->priority = static_cast<uint8_t>(value >> (8 * i)) & kPriorityMask;
    return true;
  }
  if (size != 4) return false;
  if (offset >= kIcfgr && offset < kIcfgr + kCfgSpan) {
    // Int_config[1] of each 2-bit field; bit 0 is RES0. SGIs stay edge-triggered (RO).
    const unsigned first = static_cast<unsigned>(offset - kIcfgr) * 4;
    for (unsigned i = 0; i < 16; ++i)
      if (IrqState* s = at(bank, first + i); s && first + i >= bank.first + bank.edge_fixed)
        s->edge = (value >> (2 * i + 1)) & 1;
    return true;
  }
  const Family* f = family_of(offset);
  if (!f) return false;
  const unsigned first = static_cast<unsigned>(offset - f->base) * 8;
  for (unsigned i = 0; i < 32; ++i) {
    IrqState* s = at(bank, first + i);
    if (!s) continue;
    const bool bit = (value >> i) & 1;
    if (f->kind == Family::Rw) put(*s, f->bit, bit);
    else if (bit) put(*s, f->bit, f->kind == Family::Set);  // set/clear registers: 0 has no effect
  }
  return true;
}

}  // namespace platform::gicv3
