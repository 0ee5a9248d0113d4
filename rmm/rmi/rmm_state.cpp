// RMI_RMM_CONFIG_SET and RMI_RMM_ACTIVATE (RMM spec 2.0-bet1): the RMM's global state. A 2.0 RMM
// boots in state INIT with an RMI granule of the GPT's PGS (A2.3.1); the host configures it once
// (RmiRmmConfig: the RMI granule size, the tracking region size) and activates it, and only then
// may make realms (the dispatcher answers RMI_ERROR_GLOBAL before that).
//
// This RMM implements RMI granules of 4, 16 and 64 KiB (TF-RMM main: 4 KiB only), each with its
// first tracking region size (tracking_region_size 0), and none smaller than the GPT's PGS. From
// a successful RMM_CONFIG_SET on, every granule the RMM tracks, delegates and holds is that size
// and realms' RTTs use the translation granule of that size (core/s2tt.h): the v14 host of a 16
// or 64 KiB kernel asks for its PAGE_SIZE (docs/rmm.md).
#include <array>

#include "core/context.h"
#include "platform/abi/rmm_abi_2_0.h"
#include "platform/requester.h"

namespace rmm {

namespace {
namespace mc = platform::abi::v2_0::rmm_config;

// RmmConfigIsSupported: a granule size RMI_FEATURES offers, and a tracking region size code
// valid for it. Code 0 is each granule's first size (4 KiB: 1 GiB; 16 KiB: 32 MiB; 64 KiB:
// 512 MiB), code 1 its second (16 KiB: 64 GiB; 64 KiB: 4 TiB); this RMM tracks in the first.
bool config_supported(const Context& ctx, uint64_t granule_size, uint64_t tracking_size) {
  if (granule_size > 2 || !(ctx.rmi_granule_sizes() >> granule_size & 1)) return false;
  return tracking_size == 0;
}
}  // namespace

uint64_t rmi_rmm_config_set(Context& ctx, RmiCall& call) {
  const uint64_t config = call.arg(1);
  // rmm_state: configuration only before RMM_ACTIVATE.
  if (ctx.rmm_state != Context::RmmState::Init) return err(rmi::Status::ErrorGlobal);
  // cfg_align: aligned to the current RMI granule (the PGS: nothing has configured another).
  if (config & (ctx.boot_rmi_granule_size() - 1)) return err(rmi::Status::ErrorInput);
  // cfg_pas: Non-secure memory the RMM can read.
  std::array<uint8_t, 16> c{};
  if (!ctx.read_ns(call.req, config, c.data(), c.size())) return err(rmi::Status::ErrorInput);
  // cfg_supp
  if (!config_supported(ctx, platform::abi::get(c.data(), mc::kRmiGranuleSize),
                        platform::abi::get(c.data(), mc::kTrackingRegionSize)))
    return err(rmi::Status::ErrorInput);
  // tracked: no tracking region has been made tracked by GRANULE_TRACKING_SET (not modelled:
  // DRAM is tracked FINE from boot), so the count is always 0.
  const uint64_t size_code = platform::abi::get(c.data(), mc::kRmiGranuleSize);
  ctx.granules.set_granule_shift(12 + 2 * static_cast<unsigned>(size_code));  // 4K, 16K, 64K
  ctx.configured = true;
  return ok();
}

uint64_t rmi_rmm_activate(Context& ctx, RmiCall&) {
  // rmm_state: INIT only (activating twice is an error).
  if (ctx.rmm_state != Context::RmmState::Init) return err(rmi::Status::ErrorGlobal);
  // rmm_config: RMM_CONFIG_SET has succeeded.
  if (!ctx.configured) return err(rmi::Status::ErrorGlobal);
  ctx.rmm_state = Context::RmmState::Active;
  return ok();
}

}  // namespace rmm
