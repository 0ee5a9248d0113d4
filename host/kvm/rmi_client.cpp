#include "host/rmi_client.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "platform/monitor.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace host {
namespace {

struct CommandRow {
  const char* name;
  uint32_t fid;
  std::initializer_list<const char*> args;
};

// RMM 1.0 commands (platform/abi/rmi.h) with their argument names in X1.. order.
const CommandRow kCommands[] = {
    {"RMI_VERSION", rmi::kVersionFid, {"version"}},
    {"RMI_GRANULE_DELEGATE", rmi::kGranuleDelegate, {"addr"}},
    {"RMI_GRANULE_UNDELEGATE", rmi::kGranuleUndelegate, {"addr"}},
    {"RMI_DATA_CREATE", rmi::kDataCreate, {"rd", "data", "ipa", "src", "flags"}},
    {"RMI_DATA_CREATE_UNKNOWN", rmi::kDataCreateUnknown, {"rd", "data", "ipa"}},
    {"RMI_DATA_DESTROY", rmi::kDataDestroy, {"rd", "ipa"}},
    {"RMI_REALM_ACTIVATE", rmi::kRealmActivate, {"rd"}},
    {"RMI_REALM_CREATE", rmi::kRealmCreate, {"rd", "params"}},
    {"RMI_REALM_DESTROY", rmi::kRealmDestroy, {"rd"}},
    {"RMI_REC_CREATE", rmi::kRecCreate, {"rd", "rec", "params"}},
    {"RMI_REC_DESTROY", rmi::kRecDestroy, {"rec"}},
    {"RMI_REC_ENTER", rmi::kRecEnter, {"rec", "run"}},
    {"RMI_RTT_CREATE", rmi::kRttCreate, {"rd", "rtt", "ipa", "level"}},
    {"RMI_RTT_DESTROY", rmi::kRttDestroy, {"rd", "ipa", "level"}},
    {"RMI_RTT_MAP_UNPROTECTED", rmi::kRttMapUnprotected, {"rd", "ipa", "level", "desc"}},
    {"RMI_RTT_READ_ENTRY", rmi::kRttReadEntry, {"rd", "ipa", "level"}},
    {"RMI_RTT_UNMAP_UNPROTECTED", rmi::kRttUnmapUnprotected, {"rd", "ipa", "level"}},
    {"RMI_PSCI_COMPLETE", rmi::kPsciComplete, {"calling_rec", "target_rec", "status"}},
    {"RMI_FEATURES", rmi::kFeatures, {"index"}},
    {"RMI_RTT_FOLD", rmi::kRttFold, {"rd", "ipa", "level"}},
    {"RMI_REC_AUX_COUNT", rmi::kRecAuxCount, {"rd"}},
    {"RMI_RTT_INIT_RIPAS", rmi::kRttInitRipas, {"rd", "base", "top"}},
    {"RMI_RTT_SET_RIPAS", rmi::kRttSetRipas, {"rd", "rec", "base", "top"}},
};
static_assert(sizeof kCommands / sizeof kCommands[0] == rmi::kNumCommands, "one row per RMI 1.0 command");

const CommandRow* row_of(uint32_t fid) {
  for (const auto& r : kCommands)
    if (r.fid == fid) return &r;
  return nullptr;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

platform::Pe& current_pe(platform::Soc& soc) {
  auto h = sc_core::sc_get_current_process_handle();
  if (h.valid())
    for (sc_core::sc_object* o = h.get_parent_object(); o; o = o->get_parent_object())
      if (auto* pe = dynamic_cast<platform::Pe*>(o)) return *pe;
  throw std::logic_error("host: called outside a PE's thread");
}

const char* rmi_command_name(uint32_t fid) {
  const CommandRow* r = row_of(fid);
  return r ? r->name : "";
}

uint32_t rmi_command_fid(const std::string& name) {
  std::string n = upper(name);
  if (n.rfind("RMI_", 0) != 0) n = "RMI_" + n;
  for (const auto& r : kCommands)
    if (n == r.name) return r.fid;
  return 0;
}

const std::initializer_list<const char*>& rmi_command_args(uint32_t fid) {
  static const std::initializer_list<const char*> none = {};
  const CommandRow* r = row_of(fid);
  return r ? r->args : none;
}

bool rmi_status_from_name(const std::string& name, rmi::Status& out) {
  std::string n = upper(name);
  if (n.rfind("RMI_", 0) != 0) n = "RMI_" + n;
  for (unsigned s = 0; s < rmi::kNumStatus; ++s) {
    if (n == rmi::to_string(static_cast<rmi::Status>(s))) {
      out = static_cast<rmi::Status>(s);
      return true;
    }
  }
  return false;
}

RmiResult RmiClient::call(uint32_t fid, std::initializer_list<uint64_t> args) {
  platform::abi::SmcRegs regs;
  regs.x[0] = fid;
  unsigned i = 1;
  for (uint64_t a : args) regs.x[i++] = a;
  return call_regs(regs);
}

RmiResult RmiClient::call_regs(platform::abi::SmcRegs& regs) {
  soc_.monitor().smc(current_pe(soc_).requester(), platform::World::NonSecure, regs);
  RmiResult r;
  for (unsigned k = 0; k < 5; ++k) r.x[k] = regs.x[k];
  return r;
}

}  // namespace host
