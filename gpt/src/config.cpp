#include "gpt/config.h"

namespace gpt {

uint64_t GpcConfig::gpccr() const {
  using namespace gpccr;
  return (uint64_t{pps} & 7) << kPpsShift | (uint64_t{irgn} & 3) << kIrgnShift |
         (uint64_t{orgn} & 3) << kOrgnShift | (uint64_t{sh} & 3) << kShShift |
         (uint64_t{static_cast<uint8_t>(pgs)} & 3) << kPgsShift |
         uint64_t{enabled} << kGpcShift | (uint64_t{l0gptsz} & 0xF) << kL0gptszShift;
}

bool GpcConfig::decode(uint64_t gpccr, uint64_t gptbr, GpcConfig& out, std::string* err) {
  using namespace gpccr;
  const uint8_t parange = out.parange;  // a property of the requester, not of the registers
  out = GpcConfig{};
  out.parange = parange;
  out.pps = (gpccr >> kPpsShift) & 7;
  out.irgn = (gpccr >> kIrgnShift) & 3;
  out.orgn = (gpccr >> kOrgnShift) & 3;
  out.sh = (gpccr >> kShShift) & 3;
  out.pgs = static_cast<Pgs>((gpccr >> kPgsShift) & 3);
  out.enabled = (gpccr >> kGpcShift) & 1;
  out.l0gptsz = (gpccr >> kL0gptszShift) & 0xF;
  out.l0_base = (gptbr & kGptbrBaddrMask) << 12;
  std::string why = out.validate();
  if (why.empty()) return true;
  if (err) *err = why;
  return false;
}

std::string GpcConfig::validate() const {
  if (t() == 0) return "GPCCR_EL3.PPS " + std::to_string(pps) + " is reserved";
  if (pps > parange)
    return "GPCCR_EL3.PPS " + std::to_string(pps) + " exceeds ID_AA64MMFR0_EL1.PARANGE " +
           std::to_string(parange);
  if (p() == 0)
    return "GPCCR_EL3.PGS " + std::to_string(static_cast<unsigned>(pgs)) + " is reserved";
  if (s() == 0) return "GPCCR_EL3.L0GPTSZ " + std::to_string(l0gptsz) + " is reserved";
  if (sh == 1 || sh > 3) return "GPCCR_EL3.SH " + std::to_string(sh) + " is reserved";
  if (sh != 2 && irgn == 0 && orgn == 0)
    return "GPCCR_EL3: Non-cacheable GPT fetches (IRGN = ORGN = 0) need SH Outer Shareable";
  if (irgn > 3 || orgn > 3) return "GPCCR_EL3.IRGN/ORGN out of range";
  return {};
}

}  // namespace gpt
