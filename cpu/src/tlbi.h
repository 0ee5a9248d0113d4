// What a guest's TLBI instruction invalidates, decoded from its encoding (SYS with op0 1,
// CRn 8) and its Xt operand (Arm ARM C5.5, "TLB maintenance instructions").
#pragma once
#include <cstdint>

namespace cpu {

struct TlbiScope {
  bool by_va = false;  // false: every stage-1 entry of the PE (VMALLE1, ASIDE1, range forms, EL2/EL3 forms)
  uint64_t va = 0;     // by_va: the virtual address (Xt[43:0] = VA[55:12], sign-extended from bit 55)
};

// EL1 TLBIs by VA (VAE1, VAAE1, VALE1, VAALE1, and their IS and OS forms) name one address;
// an ASID in Xt[63:48] narrows the architectural effect further, which we ignore (invalidating
// more is always allowed). Everything else invalidates all stage-1 entries.
TlbiScope decode_tlbi(uint32_t op1, uint32_t crm, uint32_t op2, uint64_t xt);

}  // namespace cpu
