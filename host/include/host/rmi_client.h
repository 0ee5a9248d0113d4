// The host's RMI calls: one typed wrapper per RMM 1.0 and 2.0-bet1 command, each an SMC from
// the Non-secure world on the calling PE (platform::Monitor::smc), built from platform/abi/rmi.h
// only. The RMM counts, times and draws each call (the host does not count them again).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>

#include "platform/abi/abi.h"
#include "platform/abi/rmi.h"
#include "platform/abi/smccc.h"
#include "platform/abi/specs.h"

namespace platform {
class Pe;
class Soc;
}  // namespace platform

namespace host {

namespace rmi = platform::abi::rmi;

// The PE whose SystemC thread is running (every model job runs on one).
platform::Pe& current_pe(platform::Soc& soc);

// The declaration (platform/abi/rmm_abi_*.h) of an RMI command of `abi`, by FID or by name
// ("DATA_CREATE" or "RMI_DATA_CREATE", any case); nullptr when there is none.
const platform::abi::Command* rmi_command(uint32_t fid, const platform::abi::Spec& abi = platform::abi::kImplemented);
const platform::abi::Command* rmi_command(const std::string& name,
                                          const platform::abi::Spec& abi = platform::abi::kImplemented);
// Command name ("RMI_DATA_CREATE") of a function ID, or "" when not a command of `abi`.
const char* rmi_command_name(uint32_t fid, const platform::abi::Spec& abi = platform::abi::kImplemented);
// Status of `abi` by name ("RMI_ERROR_RTT" or "ERROR_RTT"); false when unknown.
bool rmi_status_from_name(const std::string& name, rmi::Status& out,
                          const platform::abi::Spec& abi = platform::abi::kImplemented);

struct RmiResult {
  uint64_t x[5] = {};  // X0 (packed status) .. X4
  rmi::Status status() const { return rmi::status_of(x[0]); }
  unsigned index() const { return rmi::index_of(x[0]); }
  bool ok() const { return status() == rmi::Status::Success; }
};

class RmiClient {
 public:
  explicit RmiClient(platform::Soc& soc) : soc_(soc) {}

  // Raw call: FID and X1.. on the current PE.
  RmiResult call(uint32_t fid, std::initializer_list<uint64_t> args);
  RmiResult call_regs(platform::abi::SmcRegs& regs);

  RmiResult version(uint64_t req) { return call(rmi::kVersionFid, {req}); }
  RmiResult features(uint64_t index) { return call(rmi::kFeatures, {index}); }
  RmiResult granule_delegate(uint64_t pa) { return call(rmi::kGranuleDelegate, {pa}); }
  RmiResult granule_undelegate(uint64_t pa) { return call(rmi::kGranuleUndelegate, {pa}); }
  RmiResult realm_create(uint64_t rd, uint64_t params) { return call(rmi::kRealmCreate, {rd, params}); }
  RmiResult realm_activate(uint64_t rd) { return call(rmi::kRealmActivate, {rd}); }
  RmiResult realm_destroy(uint64_t rd) { return call(rmi::kRealmDestroy, {rd}); }
  RmiResult rec_aux_count(uint64_t rd) { return call(rmi::kRecAuxCount, {rd}); }
  RmiResult rec_create(uint64_t rd, uint64_t rec, uint64_t params) { return call(rmi::kRecCreate, {rd, rec, params}); }
  RmiResult rec_destroy(uint64_t rec) { return call(rmi::kRecDestroy, {rec}); }
  RmiResult rec_enter(uint64_t rec, uint64_t run) { return call(rmi::kRecEnter, {rec, run}); }
  RmiResult psci_complete(uint64_t calling, uint64_t target, uint64_t status) {
    return call(rmi::kPsciComplete, {calling, target, status});
  }
  RmiResult rtt_create(uint64_t rd, uint64_t rtt, uint64_t ipa, int level) {
    return call(rmi::kRttCreate, {rd, rtt, ipa, static_cast<uint64_t>(level)});
  }
  RmiResult rtt_destroy(uint64_t rd, uint64_t ipa, int level) {
    return call(rmi::kRttDestroy, {rd, ipa, static_cast<uint64_t>(level)});
  }
  RmiResult rtt_fold(uint64_t rd, uint64_t ipa, int level) { return call(rmi::kRttFold, {rd, ipa, static_cast<uint64_t>(level)}); }
  RmiResult rtt_read_entry(uint64_t rd, uint64_t ipa, int level) {
    return call(rmi::kRttReadEntry, {rd, ipa, static_cast<uint64_t>(level)});
  }
  RmiResult rtt_map_unprotected(uint64_t rd, uint64_t ipa, int level, uint64_t desc) {
    return call(rmi::kRttMapUnprotected, {rd, ipa, static_cast<uint64_t>(level), desc});
  }
  RmiResult rtt_unmap_unprotected(uint64_t rd, uint64_t ipa, int level) {
    return call(rmi::kRttUnmapUnprotected, {rd, ipa, static_cast<uint64_t>(level)});
  }
  RmiResult rtt_init_ripas(uint64_t rd, uint64_t base, uint64_t top) { return call(rmi::kRttInitRipas, {rd, base, top}); }
  RmiResult rtt_set_ripas(uint64_t rd, uint64_t rec, uint64_t base, uint64_t top) {
    return call(rmi::kRttSetRipas, {rd, rec, base, top});
  }
  RmiResult data_create(uint64_t rd, uint64_t data, uint64_t ipa, uint64_t src, uint64_t flags) {
    return call(rmi::kDataCreate, {rd, data, ipa, src, flags});
  }
  RmiResult data_create_unknown(uint64_t rd, uint64_t data, uint64_t ipa) {
    return call(rmi::kDataCreateUnknown, {rd, data, ipa});
  }
  RmiResult data_destroy(uint64_t rd, uint64_t ipa) { return call(rmi::kDataDestroy, {rd, ipa}); }

  // RMM 2.0-bet1.
  RmiResult rmm_config_set(uint64_t config) { return call(rmi::kRmmConfigSet, {config}); }
  RmiResult rmm_activate() { return call(rmi::kRmmActivate, {}); }
  RmiResult granule_tracking_get(uint64_t base, uint64_t top) { return call(rmi::kGranuleTrackingGet, {base, top}); }
  RmiResult gpt_l1_create(uint64_t pa) { return call(rmi::kGptL1Create, {pa}); }
  RmiResult granule_range_delegate(uint64_t base, uint64_t top) { return call(rmi::kGranuleRangeDelegate, {base, top}); }
  RmiResult granule_range_undelegate(uint64_t base, uint64_t top) { return call(rmi::kGranuleRangeUndelegate, {base, top}); }
  RmiResult rtt_data_map_init(uint64_t rd, uint64_t data, uint64_t ipa, uint64_t src, uint64_t flags) {
    return call(rmi::kRttDataMapInit, {rd, data, ipa, src, flags});
  }
  RmiResult rtt_data_map(uint64_t rd, uint64_t base, uint64_t top, uint64_t flags, uint64_t oaddr) {
    return call(rmi::kRttDataMap, {rd, base, top, flags, oaddr});
  }
  RmiResult rtt_data_unmap(uint64_t rd, uint64_t base, uint64_t top, uint64_t flags) {
    return call(rmi::kRttDataUnmap, {rd, base, top, flags, 0});
  }
  RmiResult rtt_unprot_map(uint64_t rd, uint64_t base, uint64_t top, uint64_t flags, uint64_t oaddr) {
    return call(rmi::kRttUnprotMap, {rd, base, top, flags, oaddr});
  }
  RmiResult rtt_unprot_unmap(uint64_t rd, uint64_t base, uint64_t top, uint64_t flags) {
    return call(rmi::kRttUnprotUnmap, {rd, base, top, flags, 0});
  }
  RmiResult realm_terminate(uint64_t rd) { return call(rmi::kRealmTerminate, {rd}); }
  RmiResult op_continue(uint64_t handle, uint64_t flags) { return call(rmi::kOpContinue, {handle, flags}); }
  RmiResult op_mem_donate(uint64_t handle, uint64_t list, uint64_t count) { return call(rmi::kOpMemDonate, {handle, list, count}); }
  RmiResult op_mem_reclaim(uint64_t handle, uint64_t list, uint64_t capacity) {
    return call(rmi::kOpMemReclaim, {handle, list, capacity});
  }
  RmiResult op_cancel(uint64_t handle) { return call(rmi::kOpCancel, {handle}); }

 private:
  platform::Soc& soc_;
};

}  // namespace host
