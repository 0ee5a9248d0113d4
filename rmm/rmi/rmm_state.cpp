// RMI_RMM_CONFIG_SET and RMI_RMM_ACTIVATE (RMM spec 2.0-bet1): the RMM's global state. A 2.0 RMM
// boots in state INIT; the host configures it once (RmiRmmConfig) and activates it, and only
// then may make realms (the dispatcher answers RMI_ERROR_GLOBAL before that).
//
// Like TF-RMM main, this RMM tracks memory in 4 KiB granules with 1 GiB tracking regions, so it
// accepts rmi_granule_size 4 KiB and tracking_region_size 0 only.
#include <array>

#include "core/context.h"
#include "platform/abi/rmm_abi_2_0.h"
#include "platform/requester.h"

namespace rmm {

namespace {
namespace mc = platform::abi::v2_0::rmm_config;
constexpr uint64_t kGranuleSize4K = 0;  // RmiGranuleSize
}  // namespace

uint64_t rmi_rmm_config_set(Context& ctx, RmiCall& call) {
  const uint64_t config = call.arg(1);
  // rmm_state: configuration only before RMM_ACTIVATE.
  if (ctx.rmm_state != Context::RmmState::Init) return err(rmi::Status::ErrorGlobal);
  // config_align, config_pas: a Non-secure granule the RMM can read.
  std::array<uint8_t, 16> c{};
  if (!granule_aligned(config) || !ctx.read_ns(call.req, config, c.data(), c.size()))
    return err(rmi::Status::ErrorInput);
  // granule_size_supp: the RMI granule size this RMM implements.
  if (platform::abi::get(c.data(), mc::kRmiGranuleSize) != kGranuleSize4K) return err(rmi::Status::ErrorInput);
  // tracking_size_supp: 1 GiB tracking regions (code 0).
  if (platform::abi::get(c.data(), mc::kTrackingRegionSize) != 0) return err(rmi::Status::ErrorInput);
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
