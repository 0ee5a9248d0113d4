// Realm Execution Context (REC): a realm vCPU (RMM spec 1.0, "REC"). Keyed by the REC
// granule's PA; its REC_AUX granules hold nothing the model needs but are owned by it.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "core/s2tt.h"
#include "platform/guest_cpu.h"

namespace rmm {

class Realm;

struct Rec {
  uint64_t pa = 0;
  Realm* realm = nullptr;
  uint64_t rd = 0;
  uint64_t index = 0;            // from the MPIDR: order of creation
  uint64_t mpidr = 0;            // RmiRecMpidr as the host gave it
  bool runnable = false;         // RecRunnable: PSCI CPU_ON/CPU_OFF change it
  bool running = false;          // REC_ENTER in progress (the granule's refcount is 1)
  std::vector<uint64_t> aux;     // REC_AUX granules
  platform::GuestState state;    // the vCPU's EL1/EL0 state

  // RSI_IPA_STATE_SET waiting for the host (RMI_EXIT_RIPAS_CHANGE .. RMI_REC_ENTER).
  struct RipasChange {
    bool active = false;
    uint64_t base = 0, top = 0, addr = 0;  // addr: how far the host has got
    s2tt::Ripas value = s2tt::Ripas::Empty;
    bool change_destroyed = false;
  } ripas;

  // RSI_HOST_CALL waiting for the host.
  struct HostCall {
    bool active = false;
    uint64_t ipa = 0;
  } host_call;

  // A PSCI request naming another REC, waiting for RMI_PSCI_COMPLETE.
  struct Psci {
    bool pending = false;
    uint32_t fid = 0;
    uint64_t target_mpidr = 0, entry = 0, context = 0;
  } psci;

  // What the last REC exit was, for the next REC_ENTER to complete.
  struct LastExit {
    bool emulatable_abort = false;  // data abort at an unprotected IPA with ISV = 1
    bool data_abort = false;        // a data abort at an unprotected IPA (the host may inject an SEA)
    bool is_write = false;
    unsigned rt = 0, size_log2 = 0;
    bool sign_extend = false, sf = false;
    uint64_t far = 0;
  } last;

  // GICv3 virtual CPU interface state exchanged with the host through RecRun.
  struct Gic {
    uint64_t hcr = 0, misr = 0, vmcr = 0;
    std::array<uint64_t, 16> lrs{};
  } gic;

  // RSI_ATTESTATION_TOKEN_INIT/CONTINUE.
  struct Attest {
    bool in_progress = false;
    std::array<uint8_t, 64> challenge{};
    std::vector<uint8_t> token;     // built on the first CONTINUE
    bool built = false;
    uint64_t copied = 0;            // bytes already handed to the realm
  } attest;

  // Traps requested for this entry.
  bool trap_wfi = false, trap_wfe = false;
};

}  // namespace rmm
