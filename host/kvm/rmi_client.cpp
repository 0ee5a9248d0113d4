#include "host/rmi_client.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "platform/abi/specs.h"
#include "platform/monitor.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace host {
namespace {

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

const platform::abi::Command* rmi_command(uint32_t fid, const platform::abi::Spec& abi) { return abi.rmi_command(fid); }

const platform::abi::Command* rmi_command(const std::string& name, const platform::abi::Spec& abi) {
  return platform::abi::find_command(abi.rmi, name, "RMI_");
}

const char* rmi_command_name(uint32_t fid, const platform::abi::Spec& abi) {
  const platform::abi::Command* c = rmi_command(fid, abi);
  return c ? c->name : "";
}

bool rmi_status_from_name(const std::string& name, rmi::Status& out, const platform::abi::Spec& abi) {
  std::string n = upper(name);
  if (n.rfind("RMI_", 0) != 0) n = "RMI_" + n;
  for (const platform::abi::StatusCode& s : abi.statuses) {
    if (n == s.name) {
      out = static_cast<rmi::Status>(s.value);
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
