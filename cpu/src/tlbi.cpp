// decode_tlbi: see tlbi.h.
#include "tlbi.h"

namespace cpu {

TlbiScope decode_tlbi(uint32_t op1, uint32_t crm, uint32_t op2, uint64_t xt) {
  TlbiScope s;
  // op1 0 = EL1 regime; CRm 1 = outer shareable, 3 = inner shareable, 7 = this PE; op2 odd =
  // VAE1 (1), VAAE1 (3), VALE1 (5), VAALE1 (7). CRm 2, 5 and 6 are the range forms.
  const bool va_form = op1 == 0 && (crm == 1 || crm == 3 || crm == 7) && (op2 & 1);
  if (!va_form) return s;
  uint64_t va = (xt & ((uint64_t{1} << 44) - 1)) << 12;
  if (va & (uint64_t{1} << 55)) va |= ~((uint64_t{1} << 56) - 1);
  s.by_va = true;
  s.va = va;
  return s;
}

}  // namespace cpu
