// The RMM 2.0-bet1 ABI (DEN0137 2.0-bet1) as data, in the form of platform/abi/abi.h: the RMI
// commands the Linux CCA v14 host calls (the model implements exactly these), the structures
// whose layout differs from 1.0, and the status codes. The numbers are rmi.h's. Cross-checked
// with TF-RMM main (smc-rmi.h, runtime/core/handler.c) and the v14 series' rmi_smc.h.
//
// What changes from 1.0: per-granule delegation, DATA_* and RTT_(UN)MAP_UNPROTECTED and
// REC_AUX_COUNT are gone (their FIDs answer SMC_UNKNOWN); RTT_DATA_MAP_INIT takes DATA_CREATE's
// FID; the RMM is configured and activated once (RMM_CONFIG_SET, RMM_ACTIVATE), tracks memory
// (GRANULE_TRACKING_GET, GPT_L1_CREATE), delegates ranges, maps IPA ranges, allocates VMIDs,
// terminates a realm before teardown, and runs long commands as stateful operations (SRO:
// RMI_INCOMPLETE, then OP_*). RSI is unchanged for the commands this model implements.
#pragma once
#include "platform/abi/rmm_abi_1_0.h"

namespace platform::abi::v2_0 {

// --- RMI. ------------------------------------------------------------------------------------
inline constexpr Command kRmiCommands[] = {
    {"RMI_VERSION", rmi::kVersionFid, "version", "lower higher", "the interface versions the RMM implements"},
    {"RMI_RTT_DATA_MAP_INIT", rmi::kRttDataMapInit, "rd data ipa src flags", "",
     "copy src into a DATA granule mapped at ipa of a NEW realm, measured when flags say"},
    {"RMI_REALM_ACTIVATE", rmi::kRealmActivate, "rd", "", "realm NEW -> ACTIVE"},
    {"RMI_REALM_CREATE", rmi::kRealmCreate, "rd params", "", "an RD from RmiRealmParams at params; the RMM picks the VMID"},
    {"RMI_REALM_DESTROY", rmi::kRealmDestroy, "rd", "", "a ZOMBIE realm's RD and starting-level RTTs back to DELEGATED"},
    {"RMI_REC_CREATE", rmi::kRecCreate, "rd rec params", "handle donate_req",
     "a REC from RmiRecParams; RMI_INCOMPLETE asks the host to donate the REC's auxiliary memory"},
    {"RMI_REC_DESTROY", rmi::kRecDestroy, "rec", "handle donate_req",
     "the REC back to DELEGATED; RMI_INCOMPLETE hands its auxiliary memory back (OP_MEM_RECLAIM)"},
    {"RMI_REC_ENTER", rmi::kRecEnter, "rec run", "", "run the REC; entry and exit data in RmiRecRun at run"},
    {"RMI_RTT_CREATE", rmi::kRttCreate, "rd rtt ipa level", "", "a level RTT covering ipa"},
    {"RMI_RTT_DESTROY", rmi::kRttDestroy, "rd ipa level", "rtt top", "remove the non-live level RTT at ipa; top: end of the non-live IPA range"},
    {"RMI_RTT_READ_ENTRY", rmi::kRttReadEntry, "rd ipa level", "walk_level state desc ripas", "the RTT entry at ipa"},
    {"RMI_PSCI_COMPLETE", rmi::kPsciComplete, "calling_rec target_rec status", "", "complete a REC's PSCI request naming target_rec (bet1)"},
    {"RMI_FEATURES", rmi::kFeatures, "index", "value", "feature register index (0 and 1)"},
    {"RMI_RTT_FOLD", rmi::kRttFold, "rd ipa level", "rtt", "fold a homogeneous RTT into its parent entry"},
    {"RMI_RTT_INIT_RIPAS", rmi::kRttInitRipas, "rd base top", "top", "RIPAS RAM over [base, top) of a NEW realm (no RIM extension in 2.0)"},
    {"RMI_RTT_SET_RIPAS", rmi::kRttSetRipas, "rd rec base top", "top", "apply a REC's pending RIPAS change; top: how far it got"},
    {"RMI_RMM_CONFIG_SET", rmi::kRmmConfigSet, "config", "", "configure the RMM from RmiRmmConfig at config (before RMM_ACTIVATE)"},
    {"RMI_GRANULE_TRACKING_GET", rmi::kGranuleTrackingGet, "base top", "category state top",
     "RmiMemCategory and RmiTrackingRegionState of the region from base; top: where they stop holding"},
    {"RMI_GRANULE_RANGE_DELEGATE", rmi::kGranuleRangeDelegate, "base top", "top",
     "Non-secure granules [base, top) -> DELEGATED; top: how far it got (partial progress)"},
    {"RMI_GRANULE_RANGE_UNDELEGATE", rmi::kGranuleRangeUndelegate, "base top", "top",
     "DELEGATED granules [base, top) -> Non-secure, scrubbed; top: how far it got"},
    {"RMI_GPT_L1_CREATE", rmi::kGptL1Create, "pa", "", "the level-1 GPT table of the L0GPTSZ block at pa (RMI_ERROR_GPT: it exists)"},
    {"RMI_RTT_DATA_MAP", rmi::kRttDataMap, "rd base top flags oaddr", "top",
     "map DELEGATED granules (oaddr: an RmiAddrRangeDesc; SIZE 0 level-3 pages, 1 level-2 blocks) zeroed at [base, top) of the protected half"},
    {"RMI_RTT_DATA_UNMAP", rmi::kRttDataUnmap, "rd base top flags oaddr", "top range count",
     "unmap [base, top) of the protected half (pages, whole blocks); range: what was freed, as an RmiAddrRangeDesc; count: its granules"},
    {"RMI_RTT_UNPROT_MAP", rmi::kRttUnprotMap, "rd base top flags oaddr", "top",
     "map Non-secure memory at [base, top) of the unprotected half, MEMATTR and S2AP from flags"},
    {"RMI_RTT_UNPROT_UNMAP", rmi::kRttUnprotUnmap, "rd base top flags oaddr", "top range count",
     "unmap [base, top) of the unprotected half"},
    {"RMI_REALM_TERMINATE", rmi::kRealmTerminate, "rd", "", "realm -> ZOMBIE: it never runs again; RTT teardown and REALM_DESTROY may follow"},
    {"RMI_RMM_ACTIVATE", rmi::kRmmActivate, "", "", "RMM state INIT -> ACTIVE: realms may be made"},
    {"RMI_OP_CONTINUE", rmi::kOpContinue, "handle flags", "handle donate_req", "continue (flags 0) or stop (1) the SRO named by handle"},
    {"RMI_OP_MEM_DONATE", rmi::kOpMemDonate, "handle list count", "consumed donate_req",
     "give the SRO count granules listed at list (PAs, one u64 each)"},
    {"RMI_OP_MEM_RECLAIM", rmi::kOpMemReclaim, "handle list capacity", "written",
     "take back granules the SRO released: their PAs written at list, at most capacity"},
    {"RMI_OP_CANCEL", rmi::kOpCancel, "handle", "", "abandon the SRO named by handle, undoing what it did"},
};
constexpr bool in_rmi_ranges(Table<Command> t) {
  for (const Command& c : t)
    if (!is_rmi_range(c.fid)) return false;
  return true;
}
static_assert(commands_valid(kRmiCommands, rmi::kFidFirst, rmi::kFid2Last) && in_rmi_ranges(kRmiCommands),
              "RMI 2.0-bet1 declaration");
static_assert(sizeof kRmiCommands / sizeof kRmiCommands[0] == rmi::kNumCommands2_0, "every RMI 2.0-bet1 command");

// --- Structures that differ from 1.0. ----------------------------------------------------------
namespace v1 = v1_0::realm_params;
// RmiRealmParams without vmid: the RMM allocates VMIDs in 2.0.
inline constexpr Field kRealmParamsFields[] = {
    v1::kFlags, v1::kS2sz, v1::kSveVl, v1::kNumBps, v1::kNumWps, v1::kPmuNumCtrs, v1::kHashAlgo, v1::kRpv,
    v1::kRttBase, v1::kRttLevelStart, v1::kRttNumStart,
};
inline constexpr Struct kRealmParams{"RmiRealmParams", "rmi_realm_params", v1_0::kRealmParams.size, kRealmParamsFields,
                                     "REALM_CREATE's parameters (no VMID: the RMM allocates it)"};

// RmiRecParams without num_aux and aux[]: the RMM asks for its memory by SRO donation.
inline constexpr Field kRecParamsFields[] = {
    v1_0::kRecParams.field("flags"), v1_0::kRecParams.field("mpidr"), v1_0::kRecParams.field("pc"),
    v1_0::kRecParams.field("gprs"),
};
inline constexpr Struct kRecParams{"RmiRecParams", "rmi_rec_params", v1_0::kRecParams.size, kRecParamsFields,
                                   "REC_CREATE's parameters (auxiliary memory is donated, not named)"};

namespace mc = rmi::rmm_config;
inline constexpr Field kRmmConfigFields[] = {
    u64("tracking_region_size", mc::kTrackingRegionSize, "tracking region size code (0: 1 GiB with 4 KiB granules)"),
    u64("rmi_granule_size", mc::kRmiGranuleSize, "RMI granule size: 0 4 KiB, 1 16 KiB, 2 64 KiB"),
};
inline constexpr Struct kRmmConfig{"RmiRmmConfig", "rmi_rmm_config", mc::kSize, kRmmConfigFields,
                                   "RMM_CONFIG_SET's configuration"};

inline constexpr const Struct* kStructs[] = {&kRealmParams,      &kRecParams,          &v1_0::kRecEnter,
                                             &v1_0::kRecExit,    &v1_0::kRecRun,       &v1_0::kRealmConfig,
                                             &v1_0::kHostCall,   &kRmmConfig};
static_assert(struct_valid(kRealmParams) && struct_valid(kRecParams) && struct_valid(kRmmConfig),
              "2.0 structures: fields in order, inside, not overlapping");

namespace rmm_config {
inline constexpr Field kTrackingRegionSize = kRmmConfig.field("tracking_region_size"),
                       kRmiGranuleSize = kRmmConfig.field("rmi_granule_size");
}  // namespace rmm_config

// --- Status codes: 1.0's and the ones 2.0 adds. ---------------------------------------------------
inline constexpr StatusCode kStatuses[] = {
    v1_0::kStatuses[0], v1_0::kStatuses[1], v1_0::kStatuses[2], v1_0::kStatuses[3], v1_0::kStatuses[4],
    {"RMI_BUSY", 10, "a resource is in use by another command: retry"},
    {"RMI_ERROR_GLOBAL", 11, "the RMM's global state (configuration, activation) forbids the command"},
    {"RMI_ERROR_TRACKING", 12, "the memory is not tracked at the granularity the command needs"},
    {"RMI_INCOMPLETE", 13, "a stateful operation is in progress: X0[9:8] memory request, X0[10] can cancel, X1 handle"},
    {"RMI_BLOCKED", 14, "the command waits for another operation: retry"},
    {"RMI_ERROR_GPT", 15, "the GPT cannot do it (GPT_L1_CREATE: the level-1 table exists)"},
    {"RMI_ERROR_GRANULE", 16, "a granule of a range or list is in the wrong state"},
};

inline constexpr Spec kSpec{"2.0-bet1", "RMM specification DEN0137 2.0-bet1", kRmiCommands, v1_0::kRsiCommands,
                            kStructs, kStatuses, rmi::kVersion2_0};

}  // namespace platform::abi::v2_0
