// The RMM 1.0 ABI (DEN0137 1.0-rel0) as data: every RMI and RSI command and every structure
// passed by address, in the form of platform/abi/abi.h. The numbers are rmi.h's and rsi.h's;
// this table adds what each register and field is. Cross-checked with TF-RMM
// rmm-spec-v1.0-rel0 (smc-rmi.h, smc-rsi.h, runtime/core/handler.c).
//
// A later version (2.0-bet1, ...) is one more file like this one, listed in specs.h.
#pragma once
#include "platform/abi/abi.h"
#include "platform/abi/rmi.h"
#include "platform/abi/rsi.h"

namespace platform::abi::v1_0 {

// --- RMI: X1.. arguments and X1.. results (TF-RMM's handler table counts). --------------------
inline constexpr Command kRmiCommands[] = {
    {"RMI_VERSION", rmi::kVersionFid, "version", "lower higher", "the interface versions the RMM implements"},
    {"RMI_GRANULE_DELEGATE", rmi::kGranuleDelegate, "addr", "", "Non-secure granule -> DELEGATED (GPT NS -> Realm)"},
    {"RMI_GRANULE_UNDELEGATE", rmi::kGranuleUndelegate, "addr", "", "DELEGATED granule -> Non-secure, scrubbed"},
    {"RMI_DATA_CREATE", rmi::kDataCreate, "rd data ipa src flags", "", "copy src into a DATA granule at ipa, measured when flags say"},
    {"RMI_DATA_CREATE_UNKNOWN", rmi::kDataCreateUnknown, "rd data ipa", "", "a zeroed DATA granule at ipa, RIPAS unchanged"},
    {"RMI_DATA_DESTROY", rmi::kDataDestroy, "rd ipa", "data top", "unmap the DATA granule at ipa; top: end of the non-live IPA range (hosts skip to it)"},
    {"RMI_REALM_ACTIVATE", rmi::kRealmActivate, "rd", "", "realm NEW -> ACTIVE"},
    {"RMI_REALM_CREATE", rmi::kRealmCreate, "rd params", "", "an RD from RmiRealmParams at params"},
    {"RMI_REALM_DESTROY", rmi::kRealmDestroy, "rd", "", "the RD and its starting-level RTTs back to DELEGATED"},
    {"RMI_REC_CREATE", rmi::kRecCreate, "rd rec params", "", "a REC from RmiRecParams at params"},
    {"RMI_REC_DESTROY", rmi::kRecDestroy, "rec", "", "the REC and its auxiliary granules back to DELEGATED"},
    {"RMI_REC_ENTER", rmi::kRecEnter, "rec run", "", "run the REC; entry and exit data in RmiRecRun at run"},
    {"RMI_RTT_CREATE", rmi::kRttCreate, "rd rtt ipa level", "", "a level RTT covering ipa"},
    {"RMI_RTT_DESTROY", rmi::kRttDestroy, "rd ipa level", "rtt top", "remove the non-live level RTT at ipa; top: end of the non-live IPA range"},
    {"RMI_RTT_MAP_UNPROTECTED", rmi::kRttMapUnprotected, "rd ipa level desc", "", "map a Non-secure page at an unprotected ipa"},
    {"RMI_RTT_READ_ENTRY", rmi::kRttReadEntry, "rd ipa level", "walk_level state desc ripas", "the RTT entry at ipa: level reached, RmiRttEntryState, descriptor, RmiRipas"},
    {"RMI_RTT_UNMAP_UNPROTECTED", rmi::kRttUnmapUnprotected, "rd ipa level", "top", "unmap an unprotected ipa; top: end of the non-live IPA range"},
    {"RMI_PSCI_COMPLETE", rmi::kPsciComplete, "calling_rec target_rec status", "", "complete a REC's PSCI request naming target_rec"},
    {"RMI_FEATURES", rmi::kFeatures, "index", "value", "feature register index (0: RmiFeatureRegister0)"},
    {"RMI_RTT_FOLD", rmi::kRttFold, "rd ipa level", "rtt", "fold a homogeneous RTT into its parent entry"},
    {"RMI_REC_AUX_COUNT", rmi::kRecAuxCount, "rd", "aux_count", "auxiliary granules each REC of the realm needs"},
    {"RMI_RTT_INIT_RIPAS", rmi::kRttInitRipas, "rd base top", "top", "RIPAS RAM over [base, top) of a NEW realm; top: how far it got"},
    {"RMI_RTT_SET_RIPAS", rmi::kRttSetRipas, "rd rec base top", "top", "apply a REC's pending RIPAS change; top: how far it got"},
};
static_assert(commands_valid(kRmiCommands, rmi::kFidFirst, rmi::kFidLast), "RMI 1.0 declaration");
static_assert(sizeof kRmiCommands / sizeof kRmiCommands[0] == rmi::kNumCommands, "every RMI 1.0 command");

// --- RSI. -----------------------------------------------------------------------------------
inline constexpr Command kRsiCommands[] = {
    {"RSI_VERSION", rsi::kVersionFid, "version", "lower higher", "the interface versions the RMM implements"},
    {"RSI_FEATURES", rsi::kFeatures, "index", "value", "feature register index (all zero in 1.0)"},
    {"RSI_MEASUREMENT_READ", rsi::kMeasurementRead, "index",
     "value0 value1 value2 value3 value4 value5 value6 value7", "measurement slot index (0 RIM, 1..4 REM), 64 bytes"},
    {"RSI_MEASUREMENT_EXTEND", rsi::kMeasurementExtend,
     "index size value0 value1 value2 value3 value4 value5 value6 value7", "", "extend REM index by size bytes of value"},
    {"RSI_ATTESTATION_TOKEN_INIT", rsi::kAttestationTokenInit,
     "challenge0 challenge1 challenge2 challenge3 challenge4 challenge5 challenge6 challenge7", "max_size",
     "start an attestation token for a 64-byte challenge"},
    {"RSI_ATTESTATION_TOKEN_CONTINUE", rsi::kAttestationTokenContinue, "addr offset size", "len",
     "copy the next piece of the token into the granule at addr"},
    {"RSI_REALM_CONFIG", rsi::kRealmConfig, "addr", "", "write RsiRealmConfig to the granule at addr"},
    {"RSI_IPA_STATE_SET", rsi::kIpaStateSet, "base top ripas flags", "new_base response",
     "ask the host to change the RIPAS of [base, top)"},
    {"RSI_IPA_STATE_GET", rsi::kIpaStateGet, "base top", "top ripas", "the RIPAS of the region from base"},
    {"RSI_HOST_CALL", rsi::kHostCall, "addr", "", "pass the RsiHostCall at addr to the host"},
};
static_assert(commands_valid(kRsiCommands, rsi::kFidFirst, rsi::kFidLast), "RSI 1.0 declaration");

// --- Structures. ----------------------------------------------------------------------------
namespace rp = rmi::realm_params;
inline constexpr Field kRealmParamsFields[] = {
    u64("flags", rp::kFlags, "RmiRealmFlags: bit 0 LPA2, bit 1 SVE, bit 2 PMU"),
    u8("s2sz", rp::kS2sz, "IPA width in bits"),
    u8("sve_vl", rp::kSveVl, "SVE vector length (VL = 128 * (sve_vl + 1) bits)"),
    u8("num_bps", rp::kNumBps, "breakpoints (0 is reserved)"),
    u8("num_wps", rp::kNumWps, "watchpoints (0 is reserved)"),
    u8("pmu_num_ctrs", rp::kPmuNumCtrs, "PMU counters"),
    u8("hash_algo", rp::kHashAlgo, "RmiHashAlgorithm: 0 SHA-256, 1 SHA-512"),
    bytes("rpv", rp::kRpv, rp::kRpvSize, "Realm Personalization Value"),
    u16("vmid", rp::kVmid, "VMID, unique among realms"),
    u64("rtt_base", rp::kRttBase, "PA of the first starting-level RTT"),
    s64("rtt_level_start", rp::kRttLevelStart, "RTT starting level"),
    u32("rtt_num_start", rp::kRttNumStart, "number of concatenated starting-level RTTs"),
};
inline constexpr Struct kRealmParams{"RmiRealmParams", "rmi_realm_params", rp::kSize, kRealmParamsFields,
                                     "REALM_CREATE's parameters"};

namespace cp = rmi::rec_params;
inline constexpr Field kRecParamsFields[] = {
    u64("flags", cp::kFlags, "RmiRecCreateFlags: bit 0 RUNNABLE"),
    u64("mpidr", cp::kMpidr, "RmiRecMpidr: Aff0[3:0], Aff1, Aff2, Aff3"),
    u64("pc", cp::kPc, "initial program counter"),
    u64s("gprs", cp::kGprs, cp::kNumGprs, "initial X0..X7"),
    u64("num_aux", cp::kNumAux, "auxiliary granules (RMI_REC_AUX_COUNT)"),
    u64s("aux", cp::kAux, cp::kMaxAux, "PAs of DELEGATED auxiliary granules"),
};
inline constexpr Struct kRecParams{"RmiRecParams", "rmi_rec_params", cp::kSize, kRecParamsFields,
                                   "REC_CREATE's parameters"};

// RmiRecEnter and RmiRecExit: offsets within each half of RmiRecRun (rmi.h counts from RecRun).
namespace re = rmi::rec_enter;
inline constexpr Field kRecEnterFields[] = {
    u64("flags", re::kFlags, "RmiRecEnterFlags: bit 0 EMUL_MMIO, 1 INJECT_SEA, 2 TRAP_WFI, 3 TRAP_WFE, 4 RIPAS_RESPONSE"),
    u64s("gprs", re::kGprs, rmi::rec_run::kNumGprs, "X0..X30 the host passes back"),
    u64("gicv3_hcr", re::kGicv3Hcr, "ICH_HCR_EL2 the host asks for"),
    u64s("gicv3_lrs", re::kGicv3Lrs, rmi::rec_run::kNumLrs, "ICH_LRn_EL2 the host asks for"),
};
inline constexpr Struct kRecEnter{"RmiRecEnter", "rmi_rec_enter", rmi::rec_run::kExit - rmi::rec_run::kEnter,
                                  kRecEnterFields, "the host's half of RmiRecRun"};

namespace rx = rmi::rec_exit;
constexpr uint32_t exit_off(uint64_t from_run) { return static_cast<uint32_t>(from_run - rmi::rec_run::kExit); }
inline constexpr Field kRecExitFields[] = {
    u8("exit_reason", exit_off(rx::kExitReason), "RmiRecExitReason"),
    u64("esr", exit_off(rx::kEsr), "ESR_EL2 of a SYNC exit (emulatable fields only)"),
    u64("far", exit_off(rx::kFar), "FAR_EL2, page-masked"),
    u64("hpfar", exit_off(rx::kHpfar), "HPFAR_EL2"),
    u64s("gprs", exit_off(rx::kGprs), rmi::rec_run::kNumGprs, "X0..X30 the exit reason exposes"),
    u64("gicv3_hcr", exit_off(rx::kGicv3Hcr), "ICH_HCR_EL2"),
    u64s("gicv3_lrs", exit_off(rx::kGicv3Lrs), rmi::rec_run::kNumLrs, "ICH_LRn_EL2"),
    u64("gicv3_misr", exit_off(rx::kGicv3Misr), "ICH_MISR_EL2"),
    u64("gicv3_vmcr", exit_off(rx::kGicv3Vmcr), "ICH_VMCR_EL2"),
    u64("cntp_ctl", exit_off(rx::kCntpCtl), "CNTP_CTL_EL0"),
    u64("cntp_cval", exit_off(rx::kCntpCval), "CNTP_CVAL_EL0"),
    u64("cntv_ctl", exit_off(rx::kCntvCtl), "CNTV_CTL_EL0"),
    u64("cntv_cval", exit_off(rx::kCntvCval), "CNTV_CVAL_EL0"),
    u64("ripas_base", exit_off(rx::kRipasBase), "RIPAS_CHANGE: base of the region"),
    u64("ripas_top", exit_off(rx::kRipasTop), "RIPAS_CHANGE: top of the region"),
    u8("ripas_value", exit_off(rx::kRipasValue), "RIPAS_CHANGE: the RmiRipas asked for"),
    u16("imm", exit_off(rx::kImm), "HOST_CALL: the immediate"),
    u64("pmu_ovf_status", exit_off(rx::kPmuOvfStatus), "PMU overflow status"),
};
inline constexpr Struct kRecExit{"RmiRecExit", "rmi_rec_exit", rmi::rec_run::kSize - rmi::rec_run::kExit,
                                 kRecExitFields, "the RMM's half of RmiRecRun"};

inline constexpr Field kRecRunFields[] = {
    {"enter", rmi::rec_run::kEnter, kRecEnter.size, 1, false, "RmiRecEnter: written by the host", &kRecEnter},
    {"exit", rmi::rec_run::kExit, kRecExit.size, 1, false, "RmiRecExit: written by the RMM", &kRecExit},
};
inline constexpr Struct kRecRun{"RmiRecRun", "rmi_rec_run", rmi::rec_run::kSize, kRecRunFields,
                                "REC_ENTER's entry and exit data"};

namespace rc = rsi::realm_config;
inline constexpr Field kRealmConfigFields[] = {
    u64("ipa_width", rc::kIpaWidth, "IPA width in bits"),
    u8("hash_algo", rc::kHashAlgo, "RsiHashAlgorithm: 0 SHA-256, 1 SHA-512"),
    bytes("rpv", rc::kRpv, 64, "Realm Personalization Value"),
};
inline constexpr Struct kRealmConfig{"RsiRealmConfig", "rsi_realm_config", rc::kSize, kRealmConfigFields,
                                     "RSI_REALM_CONFIG's answer"};

namespace hc = rsi::host_call;
inline constexpr Field kHostCallFields[] = {
    u16("imm", hc::kImm, "immediate"),
    u64s("gprs", hc::kGprs, hc::kNumGprs, "X0..X30 to and from the host"),
};
inline constexpr Struct kHostCall{"RsiHostCall", "rsi_host_call", hc::kSize, kHostCallFields, "RSI_HOST_CALL's data"};

inline constexpr const Struct* kStructs[] = {&kRealmParams, &kRecParams, &kRecEnter, &kRecExit,
                                             &kRecRun,      &kRealmConfig, &kHostCall};
static_assert(struct_valid(kRealmParams) && struct_valid(kRecParams) && struct_valid(kRecEnter) &&
                  struct_valid(kRecExit) && struct_valid(kRecRun) && struct_valid(kRealmConfig) &&
                  struct_valid(kHostCall),
              "1.0 structures: fields in order, inside, not overlapping");

// The fields models touch per call, as constants (a Field: offset, size, count), so the hot
// paths read them without a name lookup: v1_0::rec_exit::kEsr, v1_0::realm_params::kS2sz.
namespace realm_params {
inline constexpr Field kFlags = kRealmParams.field("flags"), kS2sz = kRealmParams.field("s2sz"),
                       kSveVl = kRealmParams.field("sve_vl"), kNumBps = kRealmParams.field("num_bps"),
                       kNumWps = kRealmParams.field("num_wps"), kPmuNumCtrs = kRealmParams.field("pmu_num_ctrs"),
                       kHashAlgo = kRealmParams.field("hash_algo"), kRpv = kRealmParams.field("rpv"),
                       kVmid = kRealmParams.field("vmid"), kRttBase = kRealmParams.field("rtt_base"),
                       kRttLevelStart = kRealmParams.field("rtt_level_start"),
                       kRttNumStart = kRealmParams.field("rtt_num_start");
}  // namespace realm_params
namespace rec_params {
inline constexpr Field kFlags = kRecParams.field("flags"), kPc = kRecParams.field("pc"),
                       kGprs = kRecParams.field("gprs");
}  // namespace rec_params
namespace rec_enter {
inline constexpr Field kFlags = kRecEnter.field("flags"), kGprs = kRecEnter.field("gprs"),
                       kGicv3Hcr = kRecEnter.field("gicv3_hcr"), kGicv3Lrs = kRecEnter.field("gicv3_lrs");
}  // namespace rec_enter
namespace rec_exit {
inline constexpr uint64_t kAt = kRecRun.field("exit").offset;  // where RmiRecExit starts in RmiRecRun
inline constexpr Field kExitReason = kRecExit.field("exit_reason"), kEsr = kRecExit.field("esr"),
                       kFar = kRecExit.field("far"), kHpfar = kRecExit.field("hpfar"), kGprs = kRecExit.field("gprs"),
                       kGicv3Hcr = kRecExit.field("gicv3_hcr"), kGicv3Lrs = kRecExit.field("gicv3_lrs"),
                       kGicv3Misr = kRecExit.field("gicv3_misr"), kGicv3Vmcr = kRecExit.field("gicv3_vmcr"),
                       kCntpCtl = kRecExit.field("cntp_ctl"), kCntpCval = kRecExit.field("cntp_cval"),
                       kCntvCtl = kRecExit.field("cntv_ctl"), kCntvCval = kRecExit.field("cntv_cval"),
                       kRipasBase = kRecExit.field("ripas_base"), kRipasTop = kRecExit.field("ripas_top"),
                       kRipasValue = kRecExit.field("ripas_value"), kImm = kRecExit.field("imm");
}  // namespace rec_exit

// --- Status codes (RmiStatusCode). -----------------------------------------------------------
inline constexpr StatusCode kStatuses[] = {
    {"RMI_SUCCESS", 0, "the command completed"},
    {"RMI_ERROR_INPUT", 1, "an input value is invalid"},
    {"RMI_ERROR_REALM", 2, "a realm attribute is wrong (REC_ENTER index: 0 NEW, 1 SYSTEM_OFF)"},
    {"RMI_ERROR_REC", 3, "a REC attribute is wrong"},
    {"RMI_ERROR_RTT", 4, "an RTT walk or entry is wrong (index: the RTT level)"},
};

inline constexpr Spec kSpec{"1.0", "RMM specification DEN0137 1.0-rel0", kRmiCommands, kRsiCommands, kStructs,
                            kStatuses, rmi::kVersion};

}  // namespace platform::abi::v1_0
