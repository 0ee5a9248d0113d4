// The GICv3 virtual CPU interface of one vCPU (IHI0069 6.4 and 12.4): the ICH_*_EL2 state a
// hypervisor saves and restores (list registers, ICH_HCR, ICH_VMCR, active priorities), and
// the ICV_*_EL1 registers a guest reaches through the ICC_* encodings while HCR_EL2.IMO/FMO
// are set. Pure functions of that state: the CPU calls them on the guest's MRS/MSR, the RMM
// and the host read ICH_MISR/ICH_ELRSR from them.
#pragma once
#include <array>
#include <cstdint>

#include "platform/devices/gicv3/icc_regs.h"
#include "platform/devices/gicv3/irq_state.h"

namespace platform::gicv3 {

constexpr unsigned kListRegs = 4;  // ICH_VTR_EL2.ListRegs + 1 (QEMU's and FVP's default)

// ICH_LR<n>_EL2 fields.
namespace lr {
constexpr uint64_t kVintidMask = 0xFFFF'FFFF;
constexpr uint64_t kEoi = uint64_t{1} << 41;            // pINTID[9] with HW = 0: maintenance on EOI
constexpr uint64_t kPintidMask = uint64_t{0x1FFF} << 32;  // pINTID[44:32]
constexpr uint64_t kRes0Mask = uint64_t{0x7} << 45 | uint64_t{0xF} << 56;  // [47:45], [59:56]
constexpr unsigned kPriorityShift = 48;
constexpr uint64_t kGroup1 = uint64_t{1} << 60, kHw = uint64_t{1} << 61;
constexpr unsigned kStateShift = 62;
constexpr uint64_t kPending = uint64_t{1} << 62, kActive = uint64_t{1} << 63;
constexpr uint64_t kStateMask = kPending | kActive;
// ICH_VTR_EL2.IDbits = 0: 16-bit vINTIDs. Valid ones are SGIs, PPIs, SPIs (0..1019) and LPIs
// (8192 up); 1020..1023 are special and there is no extended INTID range (ICH_VTR.A3V only).
constexpr uint32_t kMaxSpiIntid = 1019, kMinLpiIntid = 8192, kMaxVintid = 0xFFFF;
inline uint64_t make(uint32_t vintid, uint8_t priority, bool group1, uint64_t state = kPending) {
  return vintid | uint64_t{priority} << kPriorityShift | (group1 ? kGroup1 : 0) | state;
}
inline unsigned vintid(uint64_t v) { return static_cast<unsigned>(v & kVintidMask); }
inline uint8_t priority(uint64_t v) { return static_cast<uint8_t>(v >> kPriorityShift); }
}  // namespace lr

// ICH_HCR_EL2, ICH_VMCR_EL2 and ICH_MISR_EL2 fields.
namespace hcr {
constexpr uint64_t kEn = 1, kUie = 1 << 1, kLrenpie = 1 << 2, kNpie = 1 << 3, kVgrp0eie = 1 << 4,
                   kVgrp0die = 1 << 5, kVgrp1eie = 1 << 6, kVgrp1die = 1 << 7;
constexpr unsigned kEoiCountShift = 27;
constexpr uint64_t kEoiCountMask = uint64_t{0x1F} << kEoiCountShift;
}  // namespace hcr
namespace vmcr {
constexpr uint64_t kVeng0 = 1, kVeng1 = 1 << 1, kVcbpr = 1 << 4, kVeoim = 1 << 9;
constexpr unsigned kVbpr1Shift = 18, kVbpr0Shift = 21, kVpmrShift = 24;
}  // namespace vmcr
namespace misr {
constexpr uint64_t kEoi = 1, kU = 1 << 1, kLrenp = 1 << 2, kNp = 1 << 3, kVgrp0e = 1 << 4,
                   kVgrp0d = 1 << 5, kVgrp1e = 1 << 6, kVgrp1d = 1 << 7;
}  // namespace misr

struct VgicState {
  uint64_t hcr = 0, vmcr = 0;
  std::array<uint64_t, kListRegs> lrs{};
  std::array<uint32_t, 4> ap0r{}, ap1r{};
};

// ICH_VTR_EL2: ListRegs, PREbits = PRIbits = 5, A3V.
uint64_t ich_vtr();
// ICH_MISR_EL2: which maintenance conditions hold (IHI0069 12.4.9).
uint64_t ich_misr(const VgicState& s);
// ICH_ELRSR_EL2: list registers with no interrupt (state invalid and no EOI maintenance due).
uint64_t ich_elrsr(const VgicState& s);
// ICH_EISR_EL2: list registers whose EOI maintenance is due.
uint64_t ich_eisr(const VgicState& s);

// Whether the virtual interface signals a virtual IRQ to the vCPU: ICH_HCR.En, the highest
// priority pending list register is of an enabled group, above VPMR and preempting the
// virtual running priority.
bool virtual_irq_signalled(const VgicState& s);

// The guest's ICV_*_EL1 accesses (the ICC_* encodings under IMO/FMO). SGI generation
// (ICC_SGI*R_EL1) is not here: with IMO set it traps to EL2 (IHI0069 12.2.21).
uint64_t icv_read(VgicState& s, IccReg r);
void icv_write(VgicState& s, IccReg r, uint64_t value);

}  // namespace platform::gicv3
