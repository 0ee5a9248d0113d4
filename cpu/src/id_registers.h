// The feature ID registers (ID_AA64*_EL1) as a guest at EL1 reads them: Unicorn's MAX CPU
// values, with what the model cannot give a guest hidden and what it adds reported, as a
// hypervisor sanitises them (KVM's read_sanitised_id_*; Arm ARM D19.2 for the fields).
#pragma once
#include <cstdint>

namespace cpu {

namespace id_field {
// (register CRm, op2, field shift)
struct Field { unsigned crm, op2, shift; };
constexpr Field kPfr0El0{4, 0, 0};   // ID_AA64PFR0_EL1.EL0: 1 = AArch64 only
constexpr Field kPfr0El1{4, 0, 4};   // .EL1
constexpr Field kPfr0Gic{4, 0, 24};  // .GIC: 1 = GICv3 system registers
constexpr Field kPfr0Sve{4, 0, 32};  // .SVE
constexpr Field kPfr1Bt{4, 1, 0};    // ID_AA64PFR1_EL1.BT
constexpr Field kMmfr1Pan{7, 1, 20}; // ID_AA64MMFR1_EL1.PAN
}  // namespace id_field

// `value` is what Unicorn holds for ID_AA64*_EL1 (S3_0_C0_<crm>_<op2>).
constexpr uint64_t guest_id_register(unsigned crm, unsigned op2, uint64_t value) {
  auto set = [&](id_field::Field f, uint64_t v) {
    if (f.crm == crm && f.op2 == op2) value = (value & ~(uint64_t{0xf} << f.shift)) | (v << f.shift);
  };
  // AArch32 at EL0/EL1: exceptions are delivered to the AArch64 vectors only (core.cpp).
  set(id_field::kPfr0El0, 1);
  set(id_field::kPfr0El1, 1);
  // The GIC CPU interface's system registers are emulated (sysreg_trap.cpp).
  set(id_field::kPfr0Gic, 1);
  // SVE: Unicorn 2.1.1 cannot run it (unicorn_engine.cpp, CPTR_EL3.EZ); its instructions and
  // ZCR_EL1 stay UNDEFINED, as on a PE without SVE.
  set(id_field::kPfr0Sve, 0);
  // BTI: a TLB entry the filler returns carries no guarded-page attribute, so BTI would never
  // be enforced.
  set(id_field::kPfr1Bt, 0);
  // PAN: the TLB filler cannot tell an unprivileged load/store at EL1 (LDTR/STTR, which check
  // EL0's permissions and ignore PSTATE.PAN) from an ordinary one: Unicorn's TLB-fill hook
  // carries no MMU index. With PAN set, every uaccess of a kernel that uses LDTR/STTR (Linux
  // since 5.11) would take a permission fault; without PAN, EL1's permissions cover EL0's
  // data accesses, so LDTR/STTR work as they do on a PE without PAN.
  set(id_field::kMmfr1Pan, 0);
  return value;
}

}  // namespace cpu
