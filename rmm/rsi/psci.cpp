// PSCI for realms (RMM spec 1.0, "PSCI"): the RMM answers what it can itself and exits to the
// host (RMI_EXIT_PSCI) for what changes the realm's vCPUs; calls naming another REC wait for
// RMI_PSCI_COMPLETE before the caller runs again. Each exit forwards only what the host needs,
// as TF-RMM's forward_args_to_host does: the FID, and the target MPIDR for CPU_ON and
// AFFINITY_INFO; every other rec_exit.gprs is zero, so a realm's registers (SYSTEM_OFF's
// X1..X3 included) never reach the host this way. A realm reports results by RSI_HOST_CALL.
#include "platform/abi/psci.h"
#include "rsi/rsi.h"

namespace rmm {
namespace {

namespace psci = platform::abi::psci;
namespace rp = rmi::rec_params;

// RMI_EXIT_PSCI with the caller's X0..X<count-1> in rec_exit.gprs and zeros above.
RsiOutcome exit_psci(RsiCall& call, unsigned count) {
  call.exit.reason = rmi::ExitReason::Psci;
  call.exit.gprs = {};
  for (unsigned i = 0; i < count; ++i) call.exit.gprs[i] = call.arg(i);
  return RsiOutcome::ExitToHost;
}
constexpr unsigned kFidOnly = 1, kFidAndTarget = 2;

// A target MPIDR names a REC of this realm: only affinity fields, index below rec_count.
bool target_valid(const RsiCall& call, uint64_t mpidr) {
  const uint64_t m = mpidr & ~(uint64_t{1} << 31);
  return !(m & ~rp::kMpidrMask) && rp::mpidr_to_index(m) < call.realm.rec_count;
}

}  // namespace

const char* psci_function_name(uint32_t fid) {
  switch (fid) {
    case psci::kVersion: return "PSCI_VERSION";
    case psci::kCpuSuspend32: case psci::kCpuSuspend64: return "PSCI_CPU_SUSPEND";
    case psci::kCpuOff: return "PSCI_CPU_OFF";
    case psci::kCpuOn32: case psci::kCpuOn64: return "PSCI_CPU_ON";
    case psci::kAffinityInfo32: case psci::kAffinityInfo64: return "PSCI_AFFINITY_INFO";
    case psci::kSystemOff: return "PSCI_SYSTEM_OFF";
    case psci::kSystemReset: return "PSCI_SYSTEM_RESET";
    case psci::kFeatures: return "PSCI_FEATURES";
    case psci::kSmcccVersion: return "SMCCC_VERSION";
    default: return nullptr;
  }
}

RsiOutcome psci_handle(RsiCall& call) {
  const uint32_t fid = static_cast<uint32_t>(call.arg(0));
  auto result = [&](int64_t v) {
    call.ret(0, psci::ret(v));
    return RsiOutcome::Resume;
  };
  switch (fid) {
    case psci::kVersion:
      call.ret(0, psci::kPsciVersion);
      return RsiOutcome::Resume;
    case psci::kSmcccVersion:
      call.ret(0, psci::kSmcccVersionValue);
      return RsiOutcome::Resume;
    case psci::kFeatures:
      return result(psci_function_name(static_cast<uint32_t>(call.arg(1))) ? psci::kSuccess : psci::kNotSupported);
    case psci::kCpuSuspend32:
    case psci::kCpuSuspend64: {
      const RsiOutcome out = exit_psci(call, kFidOnly);
      call.ret(0, psci::ret(psci::kSuccess));  // a suspend that returns at once is valid PSCI
      return out;
    }
    case psci::kCpuOff:
      call.rec.runnable = false;
      return exit_psci(call, kFidOnly);
    case psci::kCpuOn32:
    case psci::kCpuOn64: {
      const uint64_t target = call.arg(1), entry = call.arg(2), context = call.arg(3);
      if (!call.realm.in_par(entry)) return result(psci::kInvalidAddress);
      if (!target_valid(call, target)) return result(psci::kInvalidParameters);
      if ((target & rp::kMpidrMask) == call.rec.mpidr) return result(psci::kAlreadyOn);
      call.rec.psci = {true, fid, target & rp::kMpidrMask, entry, context};
      return exit_psci(call, kFidAndTarget);
    }
    case psci::kAffinityInfo32:
    case psci::kAffinityInfo64: {
      const uint64_t target = call.arg(1), lowest = call.arg(2);
      if (lowest != 0 || !target_valid(call, target)) return result(psci::kInvalidParameters);
      if ((target & rp::kMpidrMask) == call.rec.mpidr) return result(psci::kAffinityOn);
      call.rec.psci = {true, fid, target & rp::kMpidrMask, 0, 0};
      return exit_psci(call, kFidAndTarget);
    }
    case psci::kSystemOff:
    case psci::kSystemReset: {
      GranuleLocks lock(call.ctx.granules);
      lock.lock_sorted({call.realm.rd});
      call.realm.state = RealmState::SystemOff;
      return exit_psci(call, kFidOnly);
    }
    default:
      return result(psci::kNotSupported);
  }
}

}  // namespace rmm
