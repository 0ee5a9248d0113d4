// Encoders and decoders of the SMMUv3 in-memory structures (structures.h); bit positions are
// the spec's, counted from bit 0 of the structure's first 64-bit word.
#include "platform/devices/smmuv3/structures.h"

namespace platform::smmuv3 {

namespace {
constexpr uint64_t bits(uint64_t v, unsigned lo, unsigned n) { return (v >> lo) & ((uint64_t{1} << n) - 1); }
constexpr uint64_t field(uint64_t v, unsigned lo, unsigned n) { return (v & ((uint64_t{1} << n) - 1)) << lo; }
constexpr uint64_t kPa51_4 = 0x000F'FFFF'FFFF'FFF0ull;
constexpr uint64_t kPa51_6 = 0x000F'FFFF'FFFF'FFC0ull;
constexpr uint64_t kPa51_12 = 0x000F'FFFF'FFFF'F000ull;
constexpr uint64_t kPa55_3 = 0x00FF'FFFF'FFFF'FFF8ull;
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
  d[0] = field(valid, 0, 1) | field(config, 1, 3) | field(s1_fmt, 4, 2) | (s1_context_ptr & kPa51_6) |
         field(s1_cd_max, 59, 5);
  d[2] = field(s2_vmid, 0, 16) | field(s2_t0sz, 32, 6) | field(s2_sl0, 38, 2) | field(s2_tg, 46, 2) |
         field(s2_ps, 48, 3) | field(s2_aa64, 51, 1) | field(s2_affd, 53, 1) | field(s2_r, 58, 1);
  d[3] = s2_ttb & kPa51_4;
  return d;
}

Ste Ste::decode(const std::array<uint64_t, 8>& d) {
  Ste s;
  s.valid = bits(d[0], 0, 1);
  s.config = static_cast<uint8_t>(bits(d[0], 1, 3));
  s.s1_fmt = static_cast<uint8_t>(bits(d[0], 4, 2));
  s.s1_context_ptr = d[0] & kPa51_6;
  s.s1_cd_max = static_cast<uint8_t>(bits(d[0], 59, 5));
  s.s2_vmid = static_cast<uint16_t>(bits(d[2], 0, 16));
  s.s2_t0sz = static_cast<uint8_t>(bits(d[2], 32, 6));
  s.s2_sl0 = static_cast<uint8_t>(bits(d[2], 38, 2));
  s.s2_tg = static_cast<uint8_t>(bits(d[2], 46, 2));
  s.s2_ps = static_cast<uint8_t>(bits(d[2], 48, 3));
  s.s2_aa64 = bits(d[2], 51, 1);
  s.s2_affd = bits(d[2], 53, 1);
  s.s2_r = bits(d[2], 58, 1);
  s.s2_ttb = d[3] & kPa51_4;
  return s;
}

std::array<uint64_t, 8> Cd::encode() const {
  std::array<uint64_t, 8> d{};
  d[0] = field(t0sz, 0, 6) | field(tg0, 6, 2) | field(epd0, 14, 1) | field(epd1, 30, 1) | field(valid, 31, 1) |
         field(ips, 32, 3) | field(affd, 35, 1) | field(aa64, 41, 1) | field(asid, 48, 16);
  d[1] = ttb0 & kPa51_4;
  d[3] = mair;
  return d;
}

Cd Cd::decode(const std::array<uint64_t, 8>& d) {
  Cd c;
  c.t0sz = static_cast<uint8_t>(bits(d[0], 0, 6));
  c.tg0 = static_cast<uint8_t>(bits(d[0], 6, 2));
  c.epd0 = bits(d[0], 14, 1);
  c.epd1 = bits(d[0], 30, 1);
  c.valid = bits(d[0], 31, 1);
  c.ips = static_cast<uint8_t>(bits(d[0], 32, 3));
  c.affd = bits(d[0], 35, 1);
  c.aa64 = bits(d[0], 41, 1);
  c.asid = static_cast<uint16_t>(bits(d[0], 48, 16));
  c.ttb0 = d[1] & kPa51_4;
  c.mair = d[3];
  return c;
}

std::array<uint64_t, 2> Command::encode() const {
  std::array<uint64_t, 2> d{};
  d[0] = field(opcode, 0, 8);
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::CMD_CFGI_STE:
    case Opcode::CMD_CFGI_ALL:
      d[0] |= field(sid, 32, 32);
      d[1] = field(leaf, 0, 1) | field(range, 0, 5);
      break;
    case Opcode::CMD_CFGI_CD:
      d[0] |= field(ssid, 12, 20) | field(sid, 32, 32);
      d[1] = field(leaf, 0, 1);
      break;
    case Opcode::CMD_TLBI_NH_ALL:
    case Opcode::CMD_TLBI_S12_VMALL: d[0] |= field(vmid, 32, 16); break;
    case Opcode::CMD_SYNC: d[0] |= field(sync_cs, 12, 2); break;
  }
  return d;
}

Command Command::decode(const std::array<uint64_t, 2>& d) {
  Command c;
  c.opcode = static_cast<uint8_t>(bits(d[0], 0, 8));
  c.ssid = static_cast<uint32_t>(bits(d[0], 12, 20));
  c.sid = static_cast<uint32_t>(bits(d[0], 32, 32));
  c.vmid = static_cast<uint16_t>(bits(d[0], 32, 16));
  c.sync_cs = static_cast<uint8_t>(bits(d[0], 12, 2));
  c.leaf = bits(d[1], 0, 1);
  c.range = static_cast<uint8_t>(bits(d[1], 0, 5));
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
  d[0] = field(type, 0, 8) | field(sid, 32, 32);
  d[1] = field(gpcf, 16, 1) | field(rnw, 35, 1) | field(s2, 39, 1) | field(clss, 40, 2);
  d[2] = input_addr;
  switch (static_cast<EventType>(type)) {
    case EventType::F_STE_FETCH:
    case EventType::F_CD_FETCH:
    case EventType::F_WALK_EABT: d[3] = fetch_addr & kPa55_3; break;
    default: d[3] = ipa & kPa51_12; break;
  }
  return d;
}

Event Event::decode(const std::array<uint64_t, 4>& d) {
  Event e;
  e.type = static_cast<uint8_t>(bits(d[0], 0, 8));
  e.sid = static_cast<uint32_t>(bits(d[0], 32, 32));
  e.gpcf = bits(d[1], 16, 1);
  e.rnw = bits(d[1], 35, 1);
  e.s2 = bits(d[1], 39, 1);
  e.clss = static_cast<uint8_t>(bits(d[1], 40, 2));
  e.input_addr = d[2];
  switch (static_cast<EventType>(e.type)) {
    case EventType::F_STE_FETCH:
    case EventType::F_CD_FETCH:
    case EventType::F_WALK_EABT: e.fetch_addr = d[3] & kPa55_3; break;
    default: e.ipa = d[3] & kPa51_12; break;
  }
  return e;
}

}  // namespace platform::smmuv3
