// Encoders and decoders of the SMMUv3 in-memory structures (structures.h); bit positions are
// the spec's, counted from bit 0 of the structure's first 64-bit word.
#include "platform/devices/smmuv3/structures.h"

#include <cstddef>

namespace platform::smmuv3 {

namespace {
// A field of a structure: which 64-bit word, its lowest bit and its width, each declared once
// and used by both the encoder and the decoder.
struct Field {
  uint8_t word, lo, width;
};
// A field given by the bits of its word that hold it, in place: an address, or a whole word.
struct WordBits {
  uint8_t word;
  uint64_t mask;
};
template <std::size_t N>
void put(std::array<uint64_t, N>& d, Field f, uint64_t v) {
  d[f.word] |= (v & ((uint64_t{1} << f.width) - 1)) << f.lo;
}
template <std::size_t N>
uint64_t get(const std::array<uint64_t, N>& d, Field f) {
  return (d[f.word] >> f.lo) & ((uint64_t{1} << f.width) - 1);
}
template <std::size_t N>
void put(std::array<uint64_t, N>& d, WordBits f, uint64_t v) { d[f.word] |= v & f.mask; }
template <std::size_t N>
uint64_t get(const std::array<uint64_t, N>& d, WordBits f) { return d[f.word] & f.mask; }

constexpr uint64_t kPa51_4 = 0x000F'FFFF'FFFF'FFF0ull;
constexpr uint64_t kPa51_6 = 0x000F'FFFF'FFFF'FFC0ull;
constexpr uint64_t kPa51_12 = 0x000F'FFFF'FFFF'F000ull;
constexpr uint64_t kPa55_3 = 0x00FF'FFFF'FFFF'FFF8ull;

namespace ste {
constexpr Field kV{0, 0, 1}, kConfig{0, 1, 3}, kS1Fmt{0, 4, 2}, kS1CdMax{0, 59, 5}, kS2Vmid{2, 0, 16},
    kS2T0sz{2, 32, 6}, kS2Sl0{2, 38, 2}, kS2Tg{2, 46, 2}, kS2Ps{2, 48, 3}, kS2Aa64{2, 51, 1}, kS2Affd{2, 53, 1},
    kS2R{2, 58, 1};
constexpr WordBits kS1ContextPtr{0, kPa51_6}, kS2Ttb{3, kPa51_4};
}  // namespace ste
namespace cd {
constexpr Field kT0sz{0, 0, 6}, kTg0{0, 6, 2}, kEpd0{0, 14, 1}, kEpd1{0, 30, 1}, kV{0, 31, 1}, kIps{0, 32, 3},
    kAffd{0, 35, 1}, kAa64{0, 41, 1}, kAsid{0, 48, 16};
constexpr WordBits kTtb0{1, kPa51_4}, kMair{3, ~uint64_t{0}};
}  // namespace cd
namespace cmd {
constexpr Field kOpcode{0, 0, 8}, kSsid{0, 12, 20}, kSid{0, 32, 32}, kVmid{0, 32, 16}, kSyncCs{0, 12, 2},
    kLeaf{1, 0, 1}, kRange{1, 0, 5};
}  // namespace cmd
namespace evt {
constexpr Field kType{0, 0, 8}, kSid{0, 32, 32}, kGpcf{1, 16, 1}, kRnw{1, 35, 1}, kS2{1, 39, 1}, kClass{1, 40, 2};
constexpr WordBits kInputAddr{2, ~uint64_t{0}}, kFetchAddr{3, kPa55_3}, kIpa{3, kPa51_12};
// Word 3 holds the fetch address of an SMMU-originated fetch that faulted, else the IPA.
constexpr bool has_fetch_addr(EventType t) {
  return t == EventType::F_STE_FETCH || t == EventType::F_CD_FETCH || t == EventType::F_WALK_EABT;
}
}  // namespace evt
}  // namespace

const char* to_string(SteConfig c) {
  switch (c) {
    case SteConfig::Abort: return "abort";
    case SteConfig::Bypass: return "bypass";
    case SteConfig::Stage1: return "stage 1";
    case SteConfig::Stage2: return "stage 2";
    case SteConfig::Nested: return "stage 1+2";
  }
  return "reserved";
}

const char* to_string(EventType t) {
  switch (t) {
    case EventType::C_BAD_STREAMID: return "C_BAD_STREAMID";
    case EventType::F_STE_FETCH: return "F_STE_FETCH";
    case EventType::C_BAD_STE: return "C_BAD_STE";
    case EventType::F_STREAM_DISABLED: return "F_STREAM_DISABLED";
    case EventType::F_CD_FETCH: return "F_CD_FETCH";
    case EventType::C_BAD_CD: return "C_BAD_CD";
    case EventType::F_WALK_EABT: return "F_WALK_EABT";
    case EventType::F_TRANSLATION: return "F_TRANSLATION";
    case EventType::F_ADDR_SIZE: return "F_ADDR_SIZE";
    case EventType::F_ACCESS: return "F_ACCESS";
    case EventType::F_PERMISSION: return "F_PERMISSION";
  }
  return "unknown event";
}

std::array<uint64_t, 8> Ste::encode() const {
  std::array<uint64_t, 8> d{};
  put(d, ste::kV, valid);
  put(d, ste::kConfig, config);
  put(d, ste::kS1Fmt, s1_fmt);
  put(d, ste::kS1ContextPtr, s1_context_ptr);
  put(d, ste::kS1CdMax, s1_cd_max);
  put(d, ste::kS2Vmid, s2_vmid);
  put(d, ste::kS2T0sz, s2_t0sz);
  put(d, ste::kS2Sl0, s2_sl0);
  put(d, ste::kS2Tg, s2_tg);
  put(d, ste::kS2Ps, s2_ps);
  put(d, ste::kS2Aa64, s2_aa64);
  put(d, ste::kS2Affd, s2_affd);
  put(d, ste::kS2R, s2_r);
  put(d, ste::kS2Ttb, s2_ttb);
  return d;
}

Ste Ste::decode(const std::array<uint64_t, 8>& d) {
  Ste s;
  s.valid = get(d, ste::kV);
  s.config = static_cast<uint8_t>(get(d, ste::kConfig));
  s.s1_fmt = static_cast<uint8_t>(get(d, ste::kS1Fmt));
  s.s1_context_ptr = get(d, ste::kS1ContextPtr);
  s.s1_cd_max = static_cast<uint8_t>(get(d, ste::kS1CdMax));
  s.s2_vmid = static_cast<uint16_t>(get(d, ste::kS2Vmid));
  s.s2_t0sz = static_cast<uint8_t>(get(d, ste::kS2T0sz));
  s.s2_sl0 = static_cast<uint8_t>(get(d, ste::kS2Sl0));
  s.s2_tg = static_cast<uint8_t>(get(d, ste::kS2Tg));
  s.s2_ps = static_cast<uint8_t>(get(d, ste::kS2Ps));
  s.s2_aa64 = get(d, ste::kS2Aa64);
  s.s2_affd = get(d, ste::kS2Affd);
  s.s2_r = get(d, ste::kS2R);
  s.s2_ttb = get(d, ste::kS2Ttb);
  return s;
}

std::array<uint64_t, 8> Cd::encode() const {
  std::array<uint64_t, 8> d{};
  put(d, cd::kT0sz, t0sz);
  put(d, cd::kTg0, tg0);
  put(d, cd::kEpd0, epd0);
  put(d, cd::kEpd1, epd1);
  put(d, cd::kV, valid);
  put(d, cd::kIps, ips);
  put(d, cd::kAffd, affd);
  put(d, cd::kAa64, aa64);
  put(d, cd::kAsid, asid);
  put(d, cd::kTtb0, ttb0);
  put(d, cd::kMair, mair);
  return d;
}

Cd Cd::decode(const std::array<uint64_t, 8>& d) {
  Cd c;
  c.t0sz = static_cast<uint8_t>(get(d, cd::kT0sz));
  c.tg0 = static_cast<uint8_t>(get(d, cd::kTg0));
  c.epd0 = get(d, cd::kEpd0);
  c.epd1 = get(d, cd::kEpd1);
  c.valid = get(d, cd::kV);
  c.ips = static_cast<uint8_t>(get(d, cd::kIps));
  c.affd = get(d, cd::kAffd);
  c.aa64 = get(d, cd::kAa64);
  c.asid = static_cast<uint16_t>(get(d, cd::kAsid));
  c.ttb0 = get(d, cd::kTtb0);
  c.mair = get(d, cd::kMair);
  return c;
}

std::array<uint64_t, 2> Command::encode() const {
  std::array<uint64_t, 2> d{};
  put(d, cmd::kOpcode, opcode);
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::CMD_CFGI_STE:
    case Opcode::CMD_CFGI_ALL:
      put(d, cmd::kSid, sid);
      put(d, cmd::kLeaf, leaf);
      put(d, cmd::kRange, range);
      break;
    case Opcode::CMD_CFGI_CD:
      put(d, cmd::kSsid, ssid);
      put(d, cmd::kSid, sid);
      put(d, cmd::kLeaf, leaf);
      break;
    case Opcode::CMD_TLBI_NH_ALL:
    case Opcode::CMD_TLBI_S12_VMALL: put(d, cmd::kVmid, vmid); break;
    case Opcode::CMD_SYNC: put(d, cmd::kSyncCs, sync_cs); break;
  }
  return d;
}

Command Command::decode(const std::array<uint64_t, 2>& d) {
  Command c;
  c.opcode = static_cast<uint8_t>(get(d, cmd::kOpcode));
  c.ssid = static_cast<uint32_t>(get(d, cmd::kSsid));
  c.sid = static_cast<uint32_t>(get(d, cmd::kSid));
  c.vmid = static_cast<uint16_t>(get(d, cmd::kVmid));
  c.sync_cs = static_cast<uint8_t>(get(d, cmd::kSyncCs));
  c.leaf = get(d, cmd::kLeaf);
  c.range = static_cast<uint8_t>(get(d, cmd::kRange));
  return c;
}

Command Command::cfgi_ste(uint32_t sid) {
  Command c;
  c.opcode = static_cast<uint8_t>(Opcode::CMD_CFGI_STE);
  c.sid = sid;
  c.leaf = true;
  return c;
}

Command Command::cfgi_cd(uint32_t sid, uint32_t ssid) {
  Command c;
  c.opcode = static_cast<uint8_t>(Opcode::CMD_CFGI_CD);
  c.sid = sid;
  c.ssid = ssid;
  c.leaf = true;
  return c;
}

Command Command::cfgi_all() {
  Command c;
  c.opcode = static_cast<uint8_t>(Opcode::CMD_CFGI_ALL);
  c.range = 31;
  return c;
}

Command Command::tlbi_nh_all(uint16_t vmid) {
  Command c;
  c.opcode = static_cast<uint8_t>(Opcode::CMD_TLBI_NH_ALL);
  c.vmid = vmid;
  return c;
}

Command Command::tlbi_s12_vmall(uint16_t vmid) {
  Command c;
  c.opcode = static_cast<uint8_t>(Opcode::CMD_TLBI_S12_VMALL);
  c.vmid = vmid;
  return c;
}

Command Command::sync() {
  Command c;
  c.opcode = static_cast<uint8_t>(Opcode::CMD_SYNC);
  return c;
}

std::array<uint64_t, 4> Event::encode() const {
  std::array<uint64_t, 4> d{};
  put(d, evt::kType, type);
  put(d, evt::kSid, sid);
  put(d, evt::kGpcf, gpcf);
  put(d, evt::kRnw, rnw);
  put(d, evt::kS2, s2);
  put(d, evt::kClass, clss);
  put(d, evt::kInputAddr, input_addr);
  if (evt::has_fetch_addr(static_cast<EventType>(type)))
    put(d, evt::kFetchAddr, fetch_addr);
  else
    put(d, evt::kIpa, ipa);
  return d;
}

Event Event::decode(const std::array<uint64_t, 4>& d) {
  Event e;
  e.type = static_cast<uint8_t>(get(d, evt::kType));
  e.sid = static_cast<uint32_t>(get(d, evt::kSid));
  e.gpcf = get(d, evt::kGpcf);
  e.rnw = get(d, evt::kRnw);
  e.s2 = get(d, evt::kS2);
  e.clss = static_cast<uint8_t>(get(d, evt::kClass));
  e.input_addr = get(d, evt::kInputAddr);
  if (evt::has_fetch_addr(static_cast<EventType>(e.type)))
    e.fetch_addr = get(d, evt::kFetchAddr);
  else
    e.ipa = get(d, evt::kIpa);
  return e;
}

}  // namespace platform::smmuv3
