#include "platform/devices/gicv3/virtual_cpu_interface.h"

#include <algorithm>

namespace platform::gicv3 {
namespace {

uint64_t state_of(uint64_t v) { return v & lr::kStateMask; }
bool group_enabled(const VgicState& s, bool group1) { return s.vmcr & (group1 ? vmcr::kVeng1 : vmcr::kVeng0); }
uint8_t vpmr(const VgicState& s) { return static_cast<uint8_t>(s.vmcr >> vmcr::kVpmrShift); }
unsigned vbpr(const VgicState& s, bool group1) {
  if (group1 && !(s.vmcr & vmcr::kVcbpr)) return std::max<unsigned>((s.vmcr >> vmcr::kVbpr1Shift) & 7, kMinBpr1);
  return std::max<unsigned>((s.vmcr >> vmcr::kVbpr0Shift) & 7, kMinBpr0);
}
uint8_t mask_of(const VgicState& s, bool group1) {
  return group1 && (s.vmcr & vmcr::kVcbpr) ? group_priority_mask(vbpr(s, false), false)
                                           : group_priority_mask(vbpr(s, group1), group1);
}
uint8_t vrpr(const VgicState& s) { return running_priority(s.ap0r[0], s.ap1r[0]); }

// The list register holding the highest-priority pending interrupt (ties: lowest index), or -1.
int hppi(const VgicState& s) {
  int best = -1;
  for (unsigned i = 0; i < kListRegs; ++i) {
    const uint64_t v = s.lrs[i];
    if (state_of(v) != lr::kPending) continue;
    if (best < 0 || lr::priority(v) < lr::priority(s.lrs[best])) best = static_cast<int>(i);
  }
  return best;
}

// The pending list register the guest may acknowledge now for `group1`, or -1.
int deliverable(const VgicState& s, bool group1) {
  if (!(s.hcr & hcr::kEn)) return -1;
  const int i = hppi(s);
  if (i < 0) return -1;
  const uint64_t v = s.lrs[i];
  const bool g1 = v & lr::kGroup1;
  if (g1 != group1 || !group_enabled(s, g1)) return -1;
  const uint8_t p = lr::priority(v);
  if (p >= vpmr(s) || (p & mask_of(s, g1)) >= vrpr(s)) return -1;
  return i;
}

uint64_t acknowledge(VgicState& s, bool group1) {
  const int i = deliverable(s, group1);
  if (i < 0) return kSpurious;
  uint64_t& v = s.lrs[i];
  v = (v & ~lr::kStateMask) | lr::kActive;
  (group1 ? s.ap1r : s.ap0r)[0] |= active_priority_bit(lr::priority(v) & mask_of(s, group1));
  return lr::vintid(v);
}

void deactivate(VgicState& s, unsigned vintid) {
  for (uint64_t& v : s.lrs) {
    if (lr::vintid(v) != vintid || !(v & lr::kActive)) continue;
    v &= ~lr::kActive;  // active -> invalid, pending and active -> pending
    return;
  }
  // No list register holds it: the hypervisor counts it (ICH_HCR.EOIcount, LRENP maintenance).
  const uint64_t n = ((s.hcr & hcr::kEoiCountMask) >> hcr::kEoiCountShift) + 1;
  s.hcr = (s.hcr & ~hcr::kEoiCountMask) | ((n << hcr::kEoiCountShift) & hcr::kEoiCountMask);
}

void end_of_interrupt(VgicState& s, bool group1, unsigned vintid) {
  // Priority drop of the highest active priority (either group: the architecture drops the
  // group of the interrupt; with one group in use they are the same).
  uint32_t& ap = (group1 ? s.ap1r : s.ap0r)[0];
  if (ap) ap &= ap - 1;
  if (!(s.vmcr & vmcr::kVeoim)) deactivate(s, vintid);
}

void set_field(uint64_t& reg, unsigned shift, uint64_t width_mask, uint64_t v) {
  reg = (reg & ~(width_mask << shift)) | ((v & width_mask) << shift);
}

}  // namespace

uint64_t ich_vtr() {
  return (kListRegs - 1) | (uint64_t{kPriorityBits - 1} << 26) | (uint64_t{kPriorityBits - 1} << 29) | (1u << 21);
}

uint64_t ich_elrsr(const VgicState& s) {
  uint64_t r = 0;
  for (unsigned i = 0; i < kListRegs; ++i) {
    const uint64_t v = s.lrs[i];
    if (state_of(v) == 0 && ((v & lr::kHw) || !(v & lr::kEoi))) r |= uint64_t{1} << i;
  }
  return r;
}

uint64_t ich_eisr(const VgicState& s) {
  uint64_t r = 0;
  for (unsigned i = 0; i < kListRegs; ++i) {
    const uint64_t v = s.lrs[i];
    if (state_of(v) == 0 && !(v & lr::kHw) && (v & lr::kEoi)) r |= uint64_t{1} << i;
  }
  return r;
}

uint64_t ich_misr(const VgicState& s) {
  uint64_t m = 0;
  unsigned valid = 0;
  bool pending = false;
  for (uint64_t v : s.lrs) {
    if (state_of(v)) ++valid;
    if (v & lr::kPending) pending = true;
  }
  if (ich_eisr(s)) m |= misr::kEoi;
  if ((s.hcr & hcr::kUie) && valid <= 1) m |= misr::kU;
  if ((s.hcr & hcr::kLrenpie) && (s.hcr & hcr::kEoiCountMask)) m |= misr::kLrenp;
  if ((s.hcr & hcr::kNpie) && !pending) m |= misr::kNp;
  const bool g0 = s.vmcr & vmcr::kVeng0, g1 = s.vmcr & vmcr::kVeng1;
  if ((s.hcr & hcr::kVgrp0eie) && g0) m |= misr::kVgrp0e;
  if ((s.hcr & hcr::kVgrp0die) && !g0) m |= misr::kVgrp0d;
  if ((s.hcr & hcr::kVgrp1eie) && g1) m |= misr::kVgrp1e;
  if ((s.hcr & hcr::kVgrp1die) && !g1) m |= misr::kVgrp1d;
  return (s.hcr & hcr::kEn) ? m : 0;
}

bool virtual_irq_signalled(const VgicState& s) {
  // VFIQEn = 0 (the only value with DS = 1 in AArch64): both groups signal vIRQ.
  return deliverable(s, true) >= 0 || deliverable(s, false) >= 0;
}

uint64_t icv_read(VgicState& s, IccReg r) {
  switch (r) {
    case IccReg::Pmr: return vpmr(s);
    case IccReg::Iar0: return acknowledge(s, false);
    case IccReg::Iar1: return acknowledge(s, true);
    case IccReg::Hppir0:
    case IccReg::Hppir1: {
      const int i = hppi(s);
      const bool g1 = r == IccReg::Hppir1;
      return i >= 0 && ((s.lrs[i] & lr::kGroup1) != 0) == g1 ? lr::vintid(s.lrs[i]) : kSpurious;
    }
    case IccReg::Bpr0: return vbpr(s, false);
    case IccReg::Bpr1: return vbpr(s, true);
    case IccReg::Ap0r0: return s.ap0r[0];
    case IccReg::Ap1r0: return s.ap1r[0];
    case IccReg::Rpr: return vrpr(s);
    case IccReg::Ctlr:
      return kCtlrFixed | (s.vmcr & vmcr::kVcbpr ? kCtlrCbpr : 0) | (s.vmcr & vmcr::kVeoim ? kCtlrEoiMode : 0);
    case IccReg::Sre: return kSreFixed;
    case IccReg::Igrpen0: return (s.vmcr & vmcr::kVeng0) ? 1 : 0;
    case IccReg::Igrpen1: return (s.vmcr & vmcr::kVeng1) ? 1 : 0;
    default: return 0;
  }
}

void icv_write(VgicState& s, IccReg r, uint64_t v) {
  switch (r) {
    case IccReg::Pmr: set_field(s.vmcr, vmcr::kVpmrShift, 0xFF, v & kPriorityMask); break;
    case IccReg::Bpr0: set_field(s.vmcr, vmcr::kVbpr0Shift, 7, std::max<uint64_t>(v & 7, kMinBpr0)); break;
    case IccReg::Bpr1: set_field(s.vmcr, vmcr::kVbpr1Shift, 7, std::max<uint64_t>(v & 7, kMinBpr1)); break;
    case IccReg::Ap0r0: s.ap0r[0] = static_cast<uint32_t>(v); break;
    case IccReg::Ap1r0: s.ap1r[0] = static_cast<uint32_t>(v); break;
    case IccReg::Ctlr:
      set_field(s.vmcr, 4, 1, v & kCtlrCbpr);
      set_field(s.vmcr, 9, 1, (v & kCtlrEoiMode) ? 1 : 0);
      break;
    case IccReg::Igrpen0: set_field(s.vmcr, 0, 1, v & 1); break;
    case IccReg::Igrpen1: set_field(s.vmcr, 1, 1, v & 1); break;
    case IccReg::Eoir0: end_of_interrupt(s, false, static_cast<unsigned>(v & 0xFFFFFF)); break;
    case IccReg::Eoir1: end_of_interrupt(s, true, static_cast<unsigned>(v & 0xFFFFFF)); break;
    case IccReg::Dir:
      if (s.vmcr & vmcr::kVeoim) deactivate(s, static_cast<unsigned>(v & 0xFFFFFF));
      break;
    default: break;  // read-only registers, AP*R1..3, SGI generation (trapped before this)
  }
}

}  // namespace platform::gicv3
