// Realm Management Interface (RMI), RMM specification DEN0137 1.0: the calls a Non-secure
// hypervisor makes to the RMM through SMC. Function IDs, argument and result registers,
// status codes and their X0 packing, enumerations, and the byte offsets of every structure the
// host passes by physical address (RmiRealmParams, RmiRecParams, RmiRecRun).
//
// Shared by the RMM model (rmm/) and the host model (host/): both include this and nothing of
// each other. Values are cross-checked with TF-RMM (tag rmm-spec-v1.0-rel0, smc-rmi.h) and the
// Linux CCA host headers of the same era.
#pragma once
#include <cstddef>
#include <cstdint>

#include "platform/abi/smccc.h"

namespace platform::abi::rmi {

// ---------------------------------------------------------------------------------------------
// Versions: (major << 16) | minor.
constexpr uint64_t version(uint64_t major, uint64_t minor) { return (major << 16) | minor; }
constexpr uint64_t version_major(uint64_t v) { return (v >> 16) & 0x7FFF; }
constexpr uint64_t version_minor(uint64_t v) { return v & 0xFFFF; }
constexpr uint64_t kVersion = version(1, 0);  // RMM 1.0's interface
constexpr uint64_t kVersion2_0 = version(2, 0);  // RMM 2.0-bet1's (RMI_VERSION reports 2.0)

// ---------------------------------------------------------------------------------------------
// Function IDs (SMC64, fast call, Standard Secure Service; fnum 0x150..0x18F). Comments give
// the arguments in X1.. and the results in X1.. (X0 is always the packed status).
constexpr uint32_t kVersionFid = 0xC4000150;             // (req_version) -> lower, higher
constexpr uint32_t kGranuleDelegate = 0xC4000151;        // (addr)
constexpr uint32_t kGranuleUndelegate = 0xC4000152;      // (addr)
constexpr uint32_t kDataCreate = 0xC4000153;             // (rd, data, ipa, src, flags)
constexpr uint32_t kDataCreateUnknown = 0xC4000154;      // (rd, data, ipa)
constexpr uint32_t kDataDestroy = 0xC4000155;            // (rd, ipa) -> data, top
constexpr uint32_t kRealmActivate = 0xC4000157;          // (rd)
constexpr uint32_t kRealmCreate = 0xC4000158;            // (rd, params_ptr)
constexpr uint32_t kRealmDestroy = 0xC4000159;           // (rd)
constexpr uint32_t kRecCreate = 0xC400015A;              // (rd, rec, params_ptr)
constexpr uint32_t kRecDestroy = 0xC400015B;             // (rec)
constexpr uint32_t kRecEnter = 0xC400015C;               // (rec, run_ptr)
constexpr uint32_t kRttCreate = 0xC400015D;              // (rd, rtt, ipa, level)
constexpr uint32_t kRttDestroy = 0xC400015E;             // (rd, ipa, level) -> rtt, top
constexpr uint32_t kRttMapUnprotected = 0xC400015F;      // (rd, ipa, level, desc)
constexpr uint32_t kRttReadEntry = 0xC4000161;           // (rd, ipa, level) -> walk_level, state, desc, ripas
constexpr uint32_t kRttUnmapUnprotected = 0xC4000162;    // (rd, ipa, level) -> top
constexpr uint32_t kPsciComplete = 0xC4000164;           // (calling_rec, target_rec, status)
constexpr uint32_t kFeatures = 0xC4000165;               // (index) -> value
constexpr uint32_t kRttFold = 0xC4000166;                // (rd, ipa, level) -> rtt
constexpr uint32_t kRecAuxCount = 0xC4000167;            // (rd) -> aux_count
constexpr uint32_t kRttInitRipas = 0xC4000168;           // (rd, base, top) -> out_top
constexpr uint32_t kRttSetRipas = 0xC4000169;            // (rd, rec, base, top) -> out_top

// RMM 2.0 (DEN0137 2.0-bet1; TF-RMM main smc-rmi.h): new commands, in range 1 and range 2.
// 2.0 reuses 0x153 for RTT_DATA_MAP_INIT and removes 0x151, 0x152, 0x154, 0x155, 0x15F, 0x162
// and 0x167 (their FIDs answer SMC_UNKNOWN under 2.0).
constexpr uint32_t kRttDataMapInit = 0xC4000153;         // (rd, data, ipa, src, flags)
constexpr uint32_t kRmmConfigSet = 0xC400016E;           // (config_ptr)
constexpr uint32_t kGranuleTrackingGet = 0xC40001E1;     // (base, top) -> category, state, top
constexpr uint32_t kGranuleRangeDelegate = 0xC40001F1;   // (base, top) -> top reached
constexpr uint32_t kGranuleRangeUndelegate = 0xC40001F2; // (base, top) -> top reached
constexpr uint32_t kGptL1Create = 0xC40001F3;            // (pa)
constexpr uint32_t kRttDataMap = 0xC40001F5;             // (rd, base, top, flags, oaddr) -> top
constexpr uint32_t kRttDataUnmap = 0xC40001F6;           // (rd, base, top, flags, oaddr) -> top, range, count
constexpr uint32_t kRttUnprotMap = 0xC40001FB;           // (rd, base, top, flags, oaddr) -> top
constexpr uint32_t kRttUnprotUnmap = 0xC40001FC;         // (rd, base, top, flags, oaddr) -> top, range, count
constexpr uint32_t kRealmTerminate = 0xC4000201;         // (rd)
constexpr uint32_t kRmmActivate = 0xC4000202;            // ()
constexpr uint32_t kOpContinue = 0xC4000203;             // (handle, flags) -> handle, donate_req
constexpr uint32_t kOpMemDonate = 0xC4000208;            // (handle, list, count) -> consumed, donate_req
constexpr uint32_t kOpMemReclaim = 0xC4000209;           // (handle, list, capacity) -> written
constexpr uint32_t kOpCancel = 0xC400020A;               // (handle)

constexpr uint32_t kFidFirst = kRmiFidFirst;  // 0xC4000150
constexpr uint32_t kFidLast = kRmiFidLast;    // 0xC400018F
constexpr uint32_t kFid2First = kRmi2FidFirst;  // 0xC40001D0
constexpr uint32_t kFid2Last = kRmi2FidLast;    // 0xC400020A
constexpr unsigned kNumCommands = 23;         // v1.0 commands in [kFidFirst, kFidLast]
constexpr unsigned kNumCommands2_0 = 31;      // v2.0-bet1 commands the model implements
constexpr bool is_rmi_fid(uint32_t fid) { return is_rmi_range(fid); }
// A dense index over both ranges (dispatch tables): range 1 first, then range 2.
constexpr unsigned kNumFids = (kFidLast - kFidFirst + 1) + (kFid2Last - kFid2First + 1);
constexpr unsigned fid_index(uint32_t fid) {
  return fid <= kFidLast ? fid - kFidFirst : (kFidLast - kFidFirst + 1) + (fid - kFid2First);
}

// ---------------------------------------------------------------------------------------------
// Status codes (RmiStatusCode) and the command return value: X0 = status[7:0] | index[15:8].
enum class Status : uint8_t {
  Success = 0,
  ErrorInput = 1,  // an input value is invalid
  ErrorRealm = 2,  // a realm attribute is wrong (index: REC_ENTER 0 = NEW, 1 = SYSTEM_OFF)
  ErrorRec = 3,    // a REC attribute is wrong
  ErrorRtt = 4,    // an RTT walk or entry is wrong (index: the RTT level)
  // RMM 2.0 (5..9 are the device, plane and SMMU families this model does not implement).
  Busy = 10,        // a resource is in use by another command: retry
  ErrorGlobal = 11, // the RMM's global state (RMM_CONFIG_SET / RMM_ACTIVATE) forbids the command
  ErrorTracking = 12,  // the memory is not tracked at the granularity the command needs
  Incomplete = 13,  // a stateful operation (SRO) is in progress: X0[9:8] memory request, X1 handle
  Blocked = 14,     // the command must wait for another operation: retry
  ErrorGpt = 15,    // the GPT cannot do it (GPT_L1_CREATE: the L1 table exists)
  ErrorGranule = 16,  // a granule named in a list or range is in the wrong state
};
constexpr unsigned kNumStatus = 5;      // RMM 1.0's statuses: 0..4
constexpr unsigned kMaxStatus = 17;     // every status value of any version: 0..16

constexpr uint64_t pack(Status s, unsigned index = 0) {
  return static_cast<uint64_t>(s) | (static_cast<uint64_t>(index & 0xFF) << 8);
}
constexpr Status status_of(uint64_t x0) { return static_cast<Status>(x0 & 0xFF); }
constexpr unsigned index_of(uint64_t x0) { return static_cast<unsigned>((x0 >> 8) & 0xFF); }
// RMI_ERROR_RTT carries a level that may be -1 (LPA2): the index byte holds it two's complement.
constexpr int rtt_level_of(uint64_t x0) { return static_cast<int8_t>(index_of(x0)); }
inline const char* to_string(Status s) {
  switch (s) {
    case Status::Success: return "RMI_SUCCESS";
    case Status::ErrorInput: return "RMI_ERROR_INPUT";
    case Status::ErrorRealm: return "RMI_ERROR_REALM";
    case Status::ErrorRec: return "RMI_ERROR_REC";
    case Status::ErrorRtt: return "RMI_ERROR_RTT";
    case Status::Busy: return "RMI_BUSY";
    case Status::ErrorGlobal: return "RMI_ERROR_GLOBAL";
    case Status::ErrorTracking: return "RMI_ERROR_TRACKING";
    case Status::Incomplete: return "RMI_INCOMPLETE";
    case Status::Blocked: return "RMI_BLOCKED";
    case Status::ErrorGpt: return "RMI_ERROR_GPT";
    case Status::ErrorGranule: return "RMI_ERROR_GRANULE";
  }
  return "RMI_ERROR_?";
}

// RMI_INCOMPLETE (2.0): X0[9:8] the memory the operation needs next, X0[10] whether the host
// may cancel it; X1 the SRO handle, X2 a donation request.
enum class MemReq : uint8_t { None = 0, Donate = 1, Reclaim = 2 };
constexpr uint64_t pack_incomplete(MemReq m, bool can_cancel) {
  return static_cast<uint64_t>(Status::Incomplete) | (static_cast<uint64_t>(m) << 8) |
         (static_cast<uint64_t>(can_cancel) << 10);
}
constexpr MemReq memreq_of(uint64_t x0) { return static_cast<MemReq>((x0 >> 8) & 3); }
constexpr bool can_cancel_of(uint64_t x0) { return (x0 >> 10) & 1; }
// RmiOpMemDonateReq: BLK_SIZE[1:0] (0 a page), COUNT[15:2], CONTIG[16], STATE[17] (0 DELEGATED).
namespace donate_req {
constexpr uint64_t make(uint64_t count, bool contig, bool undelegated) {
  return ((count & 0x3FFF) << 2) | (uint64_t{contig} << 16) | (uint64_t{undelegated} << 17);
}
constexpr unsigned blk_size(uint64_t r) { return r & 3; }
constexpr uint64_t count(uint64_t r) { return (r >> 2) & 0x3FFF; }
constexpr bool contig(uint64_t r) { return (r >> 16) & 1; }
constexpr bool undelegated(uint64_t r) { return (r >> 17) & 1; }
}  // namespace donate_req
// OP_CONTINUE flags: bit 0 STOP (0 keep going).
constexpr uint64_t kOpContinueStop = 1;

// RmiAddrRangeDesc: SZ[1:0] (0 granule, 1 level-2 block, ...), CNT[G-1:2], ADDR[51:G],
// STATE[63] (0 DELEGATED), G being the RMI granule's shift (`shift`: 12, 14 or 16), so a 16 KiB
// granule's descriptor counts up to 4095 where a 4 KiB one's counts up to 1023.
namespace addr_range {
constexpr uint64_t count_mask(unsigned shift) { return (uint64_t{1} << (shift - 2)) - 1; }
constexpr uint64_t pa_mask(unsigned shift) { return 0x000F'FFFF'FFFF'FFFFull & ~((uint64_t{1} << shift) - 1); }
constexpr uint64_t make(uint64_t pa, uint64_t count, unsigned size = 0, unsigned shift = 12) {
  return (size & 3) | ((count & count_mask(shift)) << 2) | (pa & pa_mask(shift));
}
constexpr unsigned size(uint64_t d) { return d & 3; }
constexpr uint64_t count(uint64_t d, unsigned shift = 12) { return (d >> 2) & count_mask(shift); }
constexpr uint64_t pa(uint64_t d, unsigned shift = 12) { return d & pa_mask(shift); }
constexpr bool undelegated(uint64_t d) { return d >> 63; }
}  // namespace addr_range
// RTT_DATA_MAP / RTT_UNPROT_MAP flags: OADDR_TYPE[1:0] (0 none, 1 SINGLE descriptor in oaddr,
// 2 LIST at oaddr), LIST_COUNT[15:2]; UNPROT_MAP adds MEMATTR[18:16] and S2AP[22:19].
namespace map_flags {
constexpr uint64_t kOaddrNone = 0, kOaddrSingle = 1, kOaddrList = 2;
constexpr uint64_t oaddr_type(uint64_t f) { return f & 3; }
constexpr uint64_t list_count(uint64_t f) { return (f >> 2) & 0x3FFF; }
constexpr uint64_t memattr(uint64_t f) { return (f >> 16) & 7; }
constexpr uint64_t s2ap(uint64_t f) { return (f >> 19) & 0xF; }
constexpr uint64_t make_unprot(uint64_t memattr, uint64_t s2ap) {
  return kOaddrSingle | ((memattr & 7) << 16) | ((s2ap & 0xF) << 19);
}
constexpr uint64_t kS2apW = 1, kS2apR = 2;  // direct S2AP: bit 0 write, bit 1 read
}  // namespace map_flags
// RmiRmmConfig (2.0): tracking_region_size at 0x0, rmi_granule_size at 0x8 (0 4K, 1 16K, 2 64K).
namespace rmm_config {
constexpr uint64_t kTrackingRegionSize = 0x0, kRmiGranuleSize = 0x8;
constexpr size_t kSize = 0x1000;
}  // namespace rmm_config
// GRANULE_TRACKING_GET results: RmiMemCategory and RmiTrackingRegionState.
enum class MemCategory : uint8_t { Conventional = 0, DevNcoh = 1, DevCoh = 2 };
enum class TrackingState : uint8_t { Reserved = 0, None = 1, Fine = 2, Coarse = 3 };

// ---------------------------------------------------------------------------------------------
// Enumerations.
enum class Ripas : uint8_t { Empty = 0, Ram = 1, Destroyed = 2 };          // RmiRipas
enum class RttEntryState : uint8_t { Unassigned = 0, Assigned = 1, Table = 2 };  // RmiRttEntryState
enum class HashAlgorithm : uint8_t { Sha256 = 0, Sha512 = 1 };           // RmiHashAlgorithm
enum class Response : uint8_t { Accept = 0, Reject = 1 };                // RmiResponse
enum class ExitReason : uint8_t {                                        // RmiRecExitReason
  Sync = 0, Irq = 1, Fiq = 2, Psci = 3, RipasChange = 4, HostCall = 5, Serror = 6,
};
inline const char* to_string(ExitReason r) {
  switch (r) {
    case ExitReason::Sync: return "RMI_EXIT_SYNC";
    case ExitReason::Irq: return "RMI_EXIT_IRQ";
    case ExitReason::Fiq: return "RMI_EXIT_FIQ";
    case ExitReason::Psci: return "RMI_EXIT_PSCI";
    case ExitReason::RipasChange: return "RMI_EXIT_RIPAS_CHANGE";
    case ExitReason::HostCall: return "RMI_EXIT_HOST_CALL";
    case ExitReason::Serror: return "RMI_EXIT_SERROR";
  }
  return "RMI_EXIT_?";
}

// RMI_DATA_CREATE flags (RmiDataFlags).
constexpr uint64_t kDataNoMeasureContent = 0;
constexpr uint64_t kDataMeasureContent = 1;

// ---------------------------------------------------------------------------------------------
// RMI_FEATURES register 0 (RmiFeatureRegister0). Other indices read as zero.
namespace feat0 {
constexpr unsigned kS2szShift = 0, kS2szWidth = 8;           // max IPA width
constexpr unsigned kLpa2Shift = 8;                           // FEAT_LPA2 for realms
constexpr unsigned kSveEnShift = 9;
constexpr unsigned kSveVlShift = 10, kSveVlWidth = 4;
constexpr unsigned kNumBpsShift = 14, kNumBpsWidth = 6;
constexpr unsigned kNumWpsShift = 20, kNumWpsWidth = 6;
constexpr unsigned kPmuEnShift = 26;
constexpr unsigned kPmuNumCtrsShift = 27, kPmuNumCtrsWidth = 5;
constexpr unsigned kHashSha256Shift = 32;
constexpr unsigned kHashSha512Shift = 33;
constexpr unsigned kGicv3NumLrsShift = 34, kGicv3NumLrsWidth = 4;
constexpr unsigned kMaxRecsOrderShift = 38, kMaxRecsOrderWidth = 4;
constexpr uint64_t field(uint64_t reg, unsigned shift, unsigned width = 1) {
  return (reg >> shift) & ((uint64_t{1} << width) - 1);
}
constexpr uint64_t kMask2_0 = 0xFFFF'FFFF;  // 2.0 keeps [31:0]; the hash, LR and REC fields move to register 1
}  // namespace feat0

// RMM 2.0 RMI_FEATURES register 1 (RmiFeatureRegister1).
namespace feat1 {
constexpr unsigned kGranSz4kShift = 0, kGranSz16kShift = 1, kGranSz64kShift = 2;
constexpr unsigned kHashSha256Shift = 3, kHashSha384Shift = 4, kHashSha512Shift = 5;
constexpr unsigned kMaxRecsOrderShift = 6, kMaxRecsOrderWidth = 4;
constexpr unsigned kL0gptszShift = 10, kL0gptszWidth = 4;  // L0 GPT block = 1 << (30 + field)
constexpr unsigned kPpsShift = 14, kPpsWidth = 3;
}  // namespace feat1

// ---------------------------------------------------------------------------------------------
// Structures passed by PA (each one 4 KiB granule of Non-secure memory). Offsets in bytes.

// RmiRealmParams.
namespace realm_params {
constexpr uint64_t kFlags = 0x000;          // u64 RmiRealmFlags
constexpr uint64_t kFlagLpa2 = 1u << 0;
constexpr uint64_t kFlagSve = 1u << 1;
constexpr uint64_t kFlagPmu = 1u << 2;
constexpr uint64_t kS2sz = 0x008;           // u8 in a u64 slot: IPA width
constexpr uint64_t kSveVl = 0x010;          // u8
constexpr uint64_t kNumBps = 0x018;         // u8
constexpr uint64_t kNumWps = 0x020;         // u8
constexpr uint64_t kPmuNumCtrs = 0x028;     // u8
constexpr uint64_t kHashAlgo = 0x030;       // u8 RmiHashAlgorithm
constexpr uint64_t kRpv = 0x400;            // 64 bytes, Realm Personalization Value
constexpr size_t kRpvSize = 64;
constexpr uint64_t kVmid = 0x800;           // u16
constexpr uint64_t kRttBase = 0x808;        // u64 PA of the first starting-level RTT
constexpr uint64_t kRttLevelStart = 0x810;  // s64
constexpr uint64_t kRttNumStart = 0x818;    // u32 in a u64 slot: concatenated starting-level RTTs
constexpr size_t kSize = 0x1000;
}  // namespace realm_params

// RmiRecParams.
namespace rec_params {
constexpr uint64_t kFlags = 0x000;          // u64 RmiRecCreateFlags
constexpr uint64_t kFlagRunnable = 1u << 0;
constexpr uint64_t kMpidr = 0x100;          // u64 RmiRecMpidr
constexpr uint64_t kPc = 0x200;             // u64
constexpr uint64_t kGprs = 0x300;           // u64[8]: X0..X7
constexpr unsigned kNumGprs = 8;
constexpr uint64_t kNumAux = 0x800;         // u64
constexpr uint64_t kAux = 0x808;            // u64[16]: PAs of DELEGATED granules
constexpr unsigned kMaxAux = 16;
constexpr size_t kSize = 0x1000;
// RmiRecMpidr: only Aff0[3:0], Aff1, Aff2, Aff3 may be set.
constexpr uint64_t kMpidrMask = 0xFF'00FF'FF0Full;
constexpr uint64_t mpidr_to_index(uint64_t mpidr) {
  return (mpidr & 0xF) | (((mpidr >> 8) & 0xFF) << 4) | (((mpidr >> 16) & 0xFF) << 12) |
         (((mpidr >> 32) & 0xFF) << 20);
}
constexpr uint64_t index_to_mpidr(uint64_t index) {
  return (index & 0xF) | (((index >> 4) & 0xFF) << 8) | (((index >> 12) & 0xFF) << 16) |
         (((index >> 20) & 0xFF) << 32);
}
}  // namespace rec_params

// RmiRecRun = RmiRecEnter at 0x000 + RmiRecExit at 0x800.
namespace rec_run {
constexpr uint64_t kEnter = 0x000;
constexpr uint64_t kExit = 0x800;
constexpr unsigned kNumGprs = 31;      // X0..X30 (the RMM exposes what the exit reason needs)
constexpr unsigned kNumLrs = 16;
constexpr size_t kSize = 0x1000;
}  // namespace rec_run

namespace rec_enter {  // offsets from the start of RmiRecRun
constexpr uint64_t kFlags = 0x000;
constexpr uint64_t kFlagEmulatedMmio = 1u << 0;  // complete an emulated MMIO read / skip the write
constexpr uint64_t kFlagInjectSea = 1u << 1;     // inject a synchronous external abort
constexpr uint64_t kFlagTrapWfi = 1u << 2;
constexpr uint64_t kFlagTrapWfe = 1u << 3;
constexpr uint64_t kFlagRipasResponse = 1u << 4;  // 1 = REJECT the pending RIPAS change
constexpr uint64_t kFlagsKnown = 0x1F;
constexpr uint64_t kGprs = 0x200;        // u64[31]
constexpr uint64_t kGicv3Hcr = 0x300;    // u64
constexpr uint64_t kGicv3Lrs = 0x308;    // u64[16]
}  // namespace rec_enter

namespace rec_exit {  // offsets from the start of RmiRecRun
constexpr uint64_t kExitReason = 0x800;  // u8 in a u64 slot
constexpr uint64_t kEsr = 0x900;
constexpr uint64_t kFar = 0x908;
constexpr uint64_t kHpfar = 0x910;
constexpr uint64_t kGprs = 0xA00;        // u64[31]
constexpr uint64_t kGicv3Hcr = 0xB00;
constexpr uint64_t kGicv3Lrs = 0xB08;    // u64[16]
constexpr uint64_t kGicv3Misr = 0xB88;
constexpr uint64_t kGicv3Vmcr = 0xB90;
constexpr uint64_t kCntpCtl = 0xC00;
constexpr uint64_t kCntpCval = 0xC08;
constexpr uint64_t kCntvCtl = 0xC10;
constexpr uint64_t kCntvCval = 0xC18;
constexpr uint64_t kRipasBase = 0xD00;
constexpr uint64_t kRipasTop = 0xD08;
constexpr uint64_t kRipasValue = 0xD10;  // u8
constexpr uint64_t kImm = 0xE00;         // u16 host call immediate
constexpr uint64_t kPmuOvfStatus = 0xF00;
}  // namespace rec_exit

// ICH_HCR_EL2 bits a host may set in RmiRecEnter.gicv3_hcr (the rest must be zero).
constexpr uint64_t kGicv3HcrAllowed =
    (1u << 1) |   // UIE
    (1u << 2) |   // LRENPIE
    (1u << 3) |   // NPIE
    (1u << 4) |   // VGrp0EIE
    (1u << 5) |   // VGrp0DIE
    (1u << 6) |   // VGrp1EIE
    (1u << 7) |   // VGrp1DIE
    (1u << 13);   // TDIR
constexpr uint64_t kGicv3LrHw = uint64_t{1} << 61;  // ICH_LR<n>_EL2.HW: not allowed from the host

// ---------------------------------------------------------------------------------------------
// Stage-2 translation table entry fields a host passes to RTT_MAP_UNPROTECTED (desc) and reads
// back from RTT_READ_ENTRY: output address, MemAttr[5:2], S2AP[7:6] (and SH[9:8] without LPA2).
namespace s2tte_host {
constexpr uint64_t kMemAttrMask = uint64_t{0xF} << 2;
constexpr uint64_t kS2apMask = uint64_t{0x3} << 6;
constexpr uint64_t kS2apRead = uint64_t{1} << 6;
constexpr uint64_t kS2apWrite = uint64_t{1} << 7;
constexpr uint64_t kShMask = uint64_t{0x3} << 8;
constexpr uint64_t kMemAttrNormalWb = uint64_t{0x6} << 2;  // FWB: Normal, Write-Back
constexpr uint64_t kMemAttrDevice = uint64_t{0x1} << 2;    // FWB: Device-nGnRE
}  // namespace s2tte_host

}  // namespace platform::abi::rmi
