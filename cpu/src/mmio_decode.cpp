// mmio_decode: see mmio_decode.h.
#include "mmio_decode.h"

#include <unordered_map>

#include <capstone/capstone.h>

namespace cpu {

uint32_t DataAccess::iss() const {
  uint32_t iss = write ? 1u << 6 : 0;
  if (!isv) return iss;
  unsigned sas = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  iss |= 1u << 24 | sas << 22 | (sse ? 1u << 21 : 0) | (srt & 31) << 16 | (sf ? 1u << 15 : 0) |
         (ar ? 1u << 14 : 0);
  return iss;
}

DataAccess decode_data_access(uint32_t insn) {
  DataAccess a;
  unsigned size_field = insn >> 30;
  a.size = 1u << size_field;
  a.srt = insn & 31;
  // Load/store register: op0 = xx11 (bits 29:27 = 111), V (bit 26) = 0 for general registers.
  if (((insn >> 27) & 7) == 7 && !((insn >> 26) & 1)) {
    unsigned opc = (insn >> 22) & 3;
    bool unsigned_imm = ((insn >> 24) & 3) == 1;
    bool other = ((insn >> 24) & 3) == 0;
    unsigned idx = (insn >> 10) & 3;
    bool reg_offset = other && ((insn >> 21) & 1) && idx == 2;
    bool imm9 = other && !((insn >> 21) & 1);
    bool writeback = imm9 && (idx == 1 || idx == 3);
    if (!(unsigned_imm || reg_offset || imm9)) return a;
    if (size_field == 3 && opc >= 2) return a;  // PRFM / unallocated
    if (size_field == 2 && opc == 3) return a;
    a.write = opc == 0;
    a.sse = opc >= 2;
    a.sf = size_field == 3 || opc == 2;
    a.isv = !writeback;
    return a;
  }
  // Load-acquire / store-release (LDAR, STLR, LDAPR...): bits 29:24 = 001000, o2 (bit 23) = 1.
  if (((insn >> 24) & 0x3f) == 0x08 && ((insn >> 23) & 1) && !((insn >> 21) & 1)) {
    a.write = !((insn >> 22) & 1);
    a.sf = size_field == 3;
    a.ar = true;
    a.isv = true;
    return a;
  }
  // Anything else (pairs, exclusives, SIMD): no valid syndrome.
  a.write = false;
  return a;
}

namespace {

// Capstone register -> X register number (31 = SP/ZR as the operand's role says).
int xnum(unsigned reg) {
  if (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28) return static_cast<int>(reg - ARM64_REG_X0);
  if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30) return static_cast<int>(reg - ARM64_REG_W0);
  if (reg == ARM64_REG_X29) return 29;
  if (reg == ARM64_REG_X30) return 30;
  if (reg == ARM64_REG_SP || reg == ARM64_REG_WSP || reg == ARM64_REG_XZR || reg == ARM64_REG_WZR) return 31;
  return -1;
}

struct Capstone {
  csh handle = 0;
  Capstone() {
    cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &handle);
    cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
  }
  ~Capstone() { cs_close(&handle); }
};

}  // namespace

namespace {

// How a load/store forms its address: base + disp (+ index, extended and shifted). It depends
// on the instruction word alone, so Capstone decodes each word once (a guest faults on the
// same few stores again and again: one disassembly with detail costs microseconds).
struct AddressForm {
  bool memory = false;  // a memory operand with a general-purpose base register
  int base = 0, index = -1;
  int64_t disp = 0;
  arm64_extender ext = ARM64_EXT_INVALID;
  unsigned lsl = 0;
};

AddressForm decode_form(uint32_t insn, uint64_t pc) {
  static Capstone cs;
  AddressForm f;
  cs_insn* ci = nullptr;
  const size_t n = cs_disasm(cs.handle, reinterpret_cast<const uint8_t*>(&insn), 4, pc, 1, &ci);
  if (n != 1) return f;
  const cs_arm64& d = ci->detail->arm64;
  for (unsigned i = 0; i < d.op_count; ++i) {
    const cs_arm64_op& op = d.operands[i];
    if (op.type != ARM64_OP_MEM) continue;
    f.base = xnum(op.mem.base);
    if (f.base < 0) break;
    f.memory = true;
    f.disp = op.mem.disp;
    if (op.mem.index != ARM64_REG_INVALID) {
      f.index = xnum(op.mem.index);
      f.ext = op.ext;
      if (op.shift.type == ARM64_SFT_LSL) f.lsl = op.shift.value;
    }
    break;
  }
  cs_free(ci, n);
  return f;
}

}  // namespace

std::optional<uint64_t> access_address(uint32_t insn, uint64_t pc,
                                       const std::function<uint64_t(unsigned)>& xreg) {
  static std::unordered_map<uint32_t, AddressForm> forms;
  auto it = forms.find(insn);
  if (it == forms.end()) it = forms.emplace(insn, decode_form(insn, pc)).first;
  const AddressForm& f = it->second;
  if (!f.memory) return std::nullopt;
  uint64_t addr = xreg(static_cast<unsigned>(f.base)) + static_cast<uint64_t>(f.disp);
  if (f.index >= 0) {
    uint64_t v = f.index == 31 ? 0 : xreg(static_cast<unsigned>(f.index));
    switch (f.ext) {
      case ARM64_EXT_UXTW: v = static_cast<uint32_t>(v); break;
      case ARM64_EXT_SXTW: v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); break;
      default: break;
    }
    addr += v << f.lsl;
  }
  return addr;
}

}  // namespace cpu
