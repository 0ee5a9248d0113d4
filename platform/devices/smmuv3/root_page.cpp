// The SMMU's Root register page (IHI 0070 §3.25, §6.3.110-6.3.119): GPC enable and
// configuration, the fault address registers and GPT TLB maintenance by register. Only Root
// accesses reach it; any other access is RAZ/WI.
#include <cstdio>

#include "devices/smmuv3/register_word.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "sim/log.h"

namespace platform::smmuv3 {

namespace {
constexpr uint32_t kRootIdr0 = ROOT_IDR0_ROOT_IMPL | ROOT_IDR0_BGPTM | ROOT_IDR0_RGPTM;
constexpr uint32_t kRootIidr = 0x43B;
constexpr uint32_t kRootCr0Mask = ROOT_CR0_ACCESSEN | ROOT_CR0_GPCEN;
constexpr uint8_t kOasPps = 5;  // SMMU_IDR5.OAS 48 bits: a larger PPS is an invalid configuration
// SMMU_ROOT_TLBI.SIZE: 4K, 16K, 64K, 2M, 32M, 512M, 1G, 16G, 64G, 512G.
constexpr unsigned kTlbiSizeBits[] = {12, 14, 16, 21, 25, 29, 30, 34, 36, 39};


// SMMU_ROOT_GPT_CFG_FAR.CFG_ERR for a GPT lookup error.
GptCfgErr cfg_err(const gpt::GpcResult& r, const gpt::GpcConfig& cfg) {
  if (r.kind == gpt::GpfKind::ExternalAbort) return GptCfgErr::FetchAbort;
  if (r.kind == gpt::GpfKind::AddressSize)
    return (cfg.l0_base >> cfg.t()) ? GptCfgErr::BaseAddressSize : GptCfgErr::NextLevelAddressSize;
  return cfg.valid() ? GptCfgErr::InvalidEntry : GptCfgErr::InvalidConfig;
}
}  // namespace

uint64_t Smmuv3::read_root(uint64_t offset, unsigned size, bool root) {
  if (!root) return 0;
  switch (offset & ~uint64_t{7}) {
    case SMMU_ROOT_GPT_BASE: return register_word(root_gpt_base_, offset, SMMU_ROOT_GPT_BASE, size);
    case SMMU_ROOT_GPT_BASE_CFG: return register_word(root_gpt_base_cfg_, offset, SMMU_ROOT_GPT_BASE_CFG, size);
    case SMMU_ROOT_GPF_FAR: return register_word(root_gpf_far_, offset, SMMU_ROOT_GPF_FAR, size);
    case SMMU_ROOT_GPT_CFG_FAR: return register_word(root_gpt_cfg_far_, offset, SMMU_ROOT_GPT_CFG_FAR, size);
    case SMMU_ROOT_TLBI: return register_word(root_tlbi_, offset, SMMU_ROOT_TLBI, size);
    default: break;
  }
  if (size != 4) return 0;
  switch (offset) {
    case SMMU_ROOT_IDR0: return kRootIdr0;
    case SMMU_ROOT_IIDR: return kRootIidr;
    case SMMU_ROOT_CR0:
    case SMMU_ROOT_CR0ACK: return root_cr0_;  // updates complete at once
    case SMMU_ROOT_TLBI_CTRL: return root_tlbi_ctrl_;  // RUN reads 0: the TLBI completed
    default: return 0;
  }
}

void Smmuv3::write_root(uint64_t offset, uint64_t value, unsigned size, bool root) {
  if (!root) return;
  const bool gpc_on = root_cr0_ & ROOT_CR0_GPCEN;
  switch (offset & ~uint64_t{7}) {
    case SMMU_ROOT_GPT_BASE:
      if (!gpc_on) root_gpt_base_ = with_register_word(root_gpt_base_, offset, SMMU_ROOT_GPT_BASE, value, size) & ROOT_GPT_BASE_ADDR_MASK;
      return;
    case SMMU_ROOT_GPT_BASE_CFG: {
      if (gpc_on) return;  // RO while GPCEN is 1
      const uint64_t v = with_register_word(root_gpt_base_cfg_, offset, SMMU_ROOT_GPT_BASE_CFG, value, size);
      root_gpt_base_cfg_ = (v & ROOT_GPT_BASE_CFG_RW_MASK) | (uint64_t{l0gptsz_} << gpt::gpccr::kL0gptszShift);
      return;
    }
    case SMMU_ROOT_GPF_FAR:
      // Writes are ignored unless they clear FAULT, which clears the whole register.
      if (offset == SMMU_ROOT_GPF_FAR && !(value & FAR_FAULT)) root_gpf_far_ = 0;
      return;
    case SMMU_ROOT_GPT_CFG_FAR:
      if (offset == SMMU_ROOT_GPT_CFG_FAR && !(value & FAR_FAULT)) root_gpt_cfg_far_ = 0;
      return;
    case SMMU_ROOT_TLBI:
      root_tlbi_ = with_register_word(root_tlbi_, offset, SMMU_ROOT_TLBI, value, size) & (ROOT_TLBI_ADDR_MASK | 0xF3);
      return;
    default: break;
  }
  if (size != 4) return;
  const uint32_t v = static_cast<uint32_t>(value);
  switch (offset) {
    case SMMU_ROOT_CR0: {
      const uint32_t was = root_cr0_;
      root_cr0_ = v & kRootCr0Mask;
      if ((was ^ root_cr0_) & ROOT_CR0_GPCEN) program_gpc();
      break;
    }
    case SMMU_ROOT_TLBI_CTRL: {
      if (!(v & ROOT_TLBI_CTRL_RUN)) break;
      // The invalidation completes before RUN reads as 0 again.
      if (root_tlbi_ & ROOT_TLBI_ALL) {
        gpc_.tlbi_paall();
      } else {
        const unsigned sz = (root_tlbi_ >> ROOT_TLBI_SIZE_SHIFT) & 0xF;
        if (sz < std::size(kTlbiSizeBits)) {
          const uint64_t size_bytes = uint64_t{1} << kTlbiSizeBits[sz];
          gpc_.tlbi_rpa((root_tlbi_ & ROOT_TLBI_ADDR_MASK) & ~(size_bytes - 1), size_bytes);
        }
      }
      break;
    }
    default: break;  // IDR0, IIDR, CR0ACK: RO
  }
}

void Smmuv3::program_gpc() {
  // GPT_BASE_CFG is GPCCR_EL3 without GPC; GPCEN supplies it. An invalid configuration is
  // kept: every check then fails as a GPT lookup error (GPT_CFG_FAR.CFG_ERR 0).
  gpt::GpcConfig cfg;
  cfg.parange = kOasPps;
  const uint64_t gpccr = root_gpt_base_cfg_ | (uint64_t{(root_cr0_ & ROOT_CR0_GPCEN) != 0} << gpt::gpccr::kGpcShift);
  gpt::GpcConfig::decode(gpccr, root_gpt_base_ >> 12, cfg, nullptr);
  gpc_.program(cfg);
}

void Smmuv3::record_gpf(const gpt::GpcResult& r, uint32_t sid, FarReason reason, uint8_t faultcode,
                        const sc_core::sc_time& now) {
  // A GPF proper (the GPI forbids the PAS, or a non-NS PA beyond the PPS) goes to GPF_FAR;
  // anything wrong with the GPT or its configuration to GPT_CFG_FAR.
  const gpt::GpcConfig& cfg = gpc_.config();
  const bool beyond_pps = cfg.t() && (r.pa >> cfg.t()) != 0;
  const bool gpt_cfg = !(r.kind == gpt::GpfKind::Fail || (r.kind == gpt::GpfKind::AddressSize && beyond_pps));
  uint64_t& far = gpt_cfg ? root_gpt_cfg_far_ : root_gpf_far_;
  GpfRecord rec{now, sid, reason, faultcode, r, gpt_cfg, false};
  if (!(far & FAR_FAULT)) {  // first fault wins until software clears FAULT
    far = FAR_FAULT | (uint64_t{static_cast<uint8_t>(reason)} << FAR_REASON_SHIFT) |
          (uint64_t{faultcode} << FAR_FAULTCODE_SHIFT) | (r.pa & FAR_FADDR_MASK) |
          (uint64_t{static_cast<uint8_t>(r.pas)} << FAR_FPAS_SHIFT);
    if (gpt_cfg) far |= uint64_t{static_cast<uint8_t>(cfg_err(r, cfg))} << FAR_CFG_ERR_SHIFT;
    rec.latched = true;
    pulse(gpt_cfg ? Irq::GptCfgFar : Irq::GpfFar);
  }
  if (gpt_cfg) ++stats_.gpt_cfg_errors;
  gpf_log_.push_back(rec);
  static const char* const kReason[] = {"", "translation", "gerror", "transaction"};
  trace_instant(gpt_cfg ? "GPT lookup error" : "GPF", now, &r,
                {{"sid", std::to_string(sid)}, {"reason", kReason[static_cast<uint8_t>(reason) & 3]},
                 {"far", rec.latched ? (gpt_cfg ? "GPT_CFG_FAR" : "GPF_FAR") : "not latched (FAULT already set)"}});
  RMESIM_LOG(LogLevel::Debug, name(), (gpt_cfg ? "GPT lookup error" : "GPF") << " at PA 0x" << std::hex << r.pa
             << " (" << gpt::to_string(r.kind) << "), StreamID " << std::dec << sid);
}

}  // namespace platform::smmuv3
