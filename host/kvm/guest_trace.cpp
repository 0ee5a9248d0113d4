#include "host/guest_trace.h"

#include <cstdio>

#include "platform/abi/psci.h"
#include "platform/abi/rsi.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace host {

namespace rsi = platform::abi::rsi;
namespace psci = platform::abi::psci;

std::string smc_call_name(uint32_t fid) {
  switch (fid) {
    case rsi::kVersionFid: return "RSI_VERSION";
    case rsi::kFeatures: return "RSI_FEATURES";
    case rsi::kMeasurementRead: return "RSI_MEASUREMENT_READ";
    case rsi::kMeasurementExtend: return "RSI_MEASUREMENT_EXTEND";
    case rsi::kAttestationTokenInit: return "RSI_ATTEST_TOKEN_INIT";
    case rsi::kAttestationTokenContinue: return "RSI_ATTEST_TOKEN_CONTINUE";
    case rsi::kRealmConfig: return "RSI_REALM_CONFIG";
    case rsi::kIpaStateSet: return "RSI_IPA_STATE_SET";
    case rsi::kIpaStateGet: return "RSI_IPA_STATE_GET";
    case rsi::kHostCall: return "RSI_HOST_CALL";
    case psci::kVersion: return "PSCI_VERSION";
    case psci::kCpuSuspend32: case psci::kCpuSuspend64: return "PSCI_CPU_SUSPEND";
    case psci::kCpuOff: return "PSCI_CPU_OFF";
    case psci::kCpuOn32: case psci::kCpuOn64: return "PSCI_CPU_ON";
    case psci::kAffinityInfo32: case psci::kAffinityInfo64: return "PSCI_AFFINITY_INFO";
    case psci::kSystemOff: return "PSCI_SYSTEM_OFF";
    case psci::kSystemReset: return "PSCI_SYSTEM_RESET";
    case psci::kFeatures: return "PSCI_FEATURES";
    case psci::kSmcccVersion: return "SMCCC_VERSION";
    default: break;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "SMC_0x%08x", fid);
  return buf;
}

namespace {
const char* exit_name(platform::GuestExitKind k) {
  using K = platform::GuestExitKind;
  switch (k) {
    case K::Hvc: return "hvc";
    case K::Smc: return "smc";
    case K::Stage2Abort: return "stage2_abort";
    case K::Mmio: return "mmio";
    case K::Gpf: return "gpf";
    case K::Wfi: return "wfi";
    case K::Wfe: return "wfe";
    case K::SysregTrap: return "sysreg_trap";
    case K::Irq: return "irq";
    case K::Fiq: return "fiq";
    case K::SError: return "serror";
    case K::Budget: return "budget";
    case K::Halted: return "halted";
  }
  return "?";
}
}  // namespace

GuestTracer::GuestTracer(platform::Soc& soc, platform::GuestCpu& inner)
    : soc_(soc), inner_(inner), open_(soc.num_pes()) {}

void GuestTracer::close_open_call(platform::Pe& pe) {
  Open& o = open_.at(pe.index());
  if (!o.active) return;
  o.active = false;
  const sc_core::sc_time end = pe.requester().now();
  rsi_[o.name].time_ns += (end - o.start).to_seconds() * 1e9;
  auto& t = soc_.trace();
  t.slice(t.track(pe.name(), "realm"), o.name, "rsi", o.start, end - o.start);
}

platform::GuestExit GuestTracer::run(platform::Pe& pe, platform::GuestState& state, platform::Stage2& s2,
                                     uint64_t max_instructions) {
  close_open_call(pe);
  const bool realm = nvm_.count(&s2) == 0;
  const char* world = realm ? "realm" : "non_secure";
  auto& req = pe.requester();
  const sc_core::sc_time start = req.now();
  platform::GuestExit e = inner_.run(pe, state, s2, max_instructions);
  const sc_core::sc_time end = req.now();
  instructions_ += e.instructions;
  auto& t = soc_.trace();
  const int track = t.track(pe.name(), world);
  if (end > start) t.slice(track, "guest", "guest", start, end - start, {{"exit", exit_name(e.kind)}});
  ++exits_[std::string(world) + "." + exit_name(e.kind)];
  if (e.kind == platform::GuestExitKind::Gpf) {
    ++gpfs_;
    char pa[32];
    std::snprintf(pa, sizeof pa, "0x%llx", static_cast<unsigned long long>(e.gpf.pa));
    t.instant(track, "GPF", "gpf", end, {{"pa", pa}, {"kind", gpt::to_string(e.gpf.kind)}});
  }
  if (realm && e.kind == platform::GuestExitKind::Smc) {
    const std::string name = smc_call_name(static_cast<uint32_t>(state.x[0]));
    ++rsi_[name].calls;
    Open& o = open_.at(pe.index());
    o.active = true;
    o.name = name;
    o.start = end;
  }
  return e;
}

}  // namespace host
