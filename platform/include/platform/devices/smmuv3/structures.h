// SMMUv3 in-memory structures (Arm IHI 0070 chapters 4, 5 and 7): Stream Table Entries,
// Context Descriptors, commands and event records, each as its fields with an encoder (what
// a driver writes) and a decoder (what the SMMU reads). One source for the model, the host's
// driver and the tests. Only the fields rmesim uses; the rest stay zero (RES0 or defaults).
#pragma once
#include <array>
#include <cstdint>

namespace platform::smmuv3 {

// --- Stream Table Entry (§5.2), 64 bytes -------------------------------------------------
constexpr uint64_t kSteBytes = 64;
// STE.Config [3:1]: 0b000 abort, 0b100 bypass, 0b101 stage 1, 0b110 stage 2, 0b111 both.
// 0b001..0b011 are reserved (C_BAD_STE).
enum class SteConfig : uint8_t { Abort = 0, Bypass = 4, Stage1 = 5, Stage2 = 6, Nested = 7 };
const char* to_string(SteConfig c);

struct Ste {
  bool valid = false;             // V, bit 0
  uint8_t config = 0;             // Config [3:1], raw (may be reserved)
  uint64_t s1_context_ptr = 0;    // S1ContextPtr [51:6]: the CD (stage 1 and nested)
  uint8_t s1_fmt = 0;             // S1Fmt [5:4]: 0 = a single CD (the only one modelled)
  uint8_t s1_cd_max = 0;          // S1CDMax [63:59]
  uint16_t s2_vmid = 0;           // S2VMID [143:128]
  uint8_t s2_t0sz = 0;            // S2T0SZ [165:160]
  uint8_t s2_sl0 = 0;             // S2SL0 [167:166]: 4 KiB granule: 0 level 2, 1 level 1, 2 level 0
  uint8_t s2_tg = 0;              // S2TG [175:174]: 0 = 4 KiB (the only one modelled)
  uint8_t s2_ps = 0;              // S2PS [178:176]
  bool s2_aa64 = false;           // S2AA64, bit 179
  bool s2_affd = false;           // S2AFFD, bit 181: an access flag of 0 does not fault
  bool s2_r = false;              // S2R, bit 186: record stage-2 faults (the model always does)
  uint64_t s2_ttb = 0;            // S2TTB [243:196] (PA[51:4])

  std::array<uint64_t, 8> encode() const;
  static Ste decode(const std::array<uint64_t, 8>& d);
};

// --- Context Descriptor (§5.4), 64 bytes ----------------------------------------------------
constexpr uint64_t kCdBytes = 64;
struct Cd {
  bool valid = false;     // V, bit 31
  uint8_t t0sz = 0;       // T0SZ [5:0]
  uint8_t tg0 = 0;        // TG0 [7:6]: 0 = 4 KiB (the only one modelled)
  bool epd0 = false;      // EPD0, bit 14: TTB0 walks disabled
  bool epd1 = true;       // EPD1, bit 30: TTB1 walks disabled (TTB1 is not modelled)
  uint8_t ips = 0;        // IPS [34:32]
  bool aa64 = false;      // AA64, bit 41
  bool affd = false;      // AFFD, bit 35
  uint16_t asid = 0;      // ASID [63:48]
  uint64_t ttb0 = 0;      // TTB0 [115:68] (PA[51:4], an IPA when stage 2 also translates)
  uint64_t mair = 0;      // MAIR0/MAIR1 [255:192]

  std::array<uint64_t, 8> encode() const;
  static Cd decode(const std::array<uint64_t, 8>& d);
};

// --- Commands (§4), 16 bytes ----------------------------------------------------------------
constexpr uint64_t kCmdBytes = 16;
enum class Opcode : uint8_t {
  CMD_CFGI_STE = 0x03, CMD_CFGI_ALL = 0x04,  // CFGI_ALL is CFGI_STE_RANGE with Range 31
  CMD_CFGI_CD = 0x05, CMD_TLBI_NH_ALL = 0x10, CMD_TLBI_S12_VMALL = 0x28, CMD_SYNC = 0x46,
};
struct Command {
  uint8_t opcode = 0;      // [7:0]
  uint32_t ssid = 0;       // CFGI_CD SubstreamID [31:12]
  uint32_t sid = 0;        // CFGI_STE/CFGI_CD StreamID [63:32]
  uint16_t vmid = 0;       // TLBI_* VMID [47:32]
  bool leaf = false;       // CFGI_* Leaf, bit 64
  uint8_t range = 0;       // CFGI_STE_RANGE Range [68:64] (31: all)
  uint8_t sync_cs = 0;     // CMD_SYNC CS [13:12]: 0 SIG_NONE, 1 SIG_IRQ, 2 SIG_SEV

  std::array<uint64_t, 2> encode() const;
  static Command decode(const std::array<uint64_t, 2>& d);
  static Command cfgi_ste(uint32_t sid);
  static Command cfgi_cd(uint32_t sid, uint32_t ssid = 0);
  static Command cfgi_all();
  static Command tlbi_nh_all(uint16_t vmid);
  static Command tlbi_s12_vmall(uint16_t vmid);
  static Command sync();
};

// --- Event records (§7.3), 32 bytes ---------------------------------------------------------
constexpr uint64_t kEventBytes = 32;
enum class EventType : uint8_t {
  C_BAD_STREAMID = 0x02, F_STE_FETCH = 0x03, C_BAD_STE = 0x04, F_STREAM_DISABLED = 0x06,
  F_CD_FETCH = 0x09, C_BAD_CD = 0x0A, F_WALK_EABT = 0x0B, F_TRANSLATION = 0x10,
  F_ADDR_SIZE = 0x11, F_ACCESS = 0x12, F_PERMISSION = 0x13,
};
const char* to_string(EventType t);

struct Event {
  uint8_t type = 0;          // [7:0]
  uint32_t sid = 0;          // StreamID [63:32]
  bool rnw = false;          // RnW, bit 99 (the access was a read)
  bool s2 = false;           // S2, bit 103: the fault came from stage 2
  uint8_t clss = 0;          // CLASS [105:104]: 0 CD, 1 TT (a walk's own fetch), 2 IN (the input address)
  bool gpcf = false;         // GPCF, bit 80: the fetch took a granule protection fault
  uint64_t input_addr = 0;   // InputAddr [191:128]
  uint64_t ipa = 0;          // IPA [247:204] of a stage-2 fault (F_TRANSLATION ..)
  uint64_t fetch_addr = 0;   // FetchAddr [247:195] of F_STE_FETCH, F_CD_FETCH, F_WALK_EABT

  std::array<uint64_t, 4> encode() const;
  static Event decode(const std::array<uint64_t, 4>& d);
};
constexpr uint8_t kClassCd = 0, kClassTt = 1, kClassIn = 2;

// --- VMSAv8-64 descriptors with a 4 KiB granule, as the SMMU's walks read them --------------
namespace desc {
constexpr uint64_t kValid = 1, kTable = 2, kPage = 2;  // bit 1: table (levels 0-2) or page (3)
constexpr uint64_t kAf = 1ull << 10;
constexpr uint64_t kOaMask = 0x0000'FFFF'FFFF'F000ull;
// Stage 1: AP[2:1] bits [7:6]: AP[2] read-only, AP[1] EL0 access. Stage 2: S2AP [7:6]: bit 6 read,
// bit 7 write.
constexpr uint64_t kS1ApRo = 1ull << 7, kS1ApUser = 1ull << 6;
constexpr uint64_t kS2apRead = 1ull << 6, kS2apWrite = 1ull << 7;
}  // namespace desc

}  // namespace platform::smmuv3
