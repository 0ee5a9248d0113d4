// InsnTrace: see insn_trace.h.
#include "insn_trace.h"

#include <cstdio>

#include <capstone/capstone.h>

namespace cpu {

InsnTrace::InsnTrace(std::ostream& os) : os_(os) {
  csh h = 0;
  cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &h);
  handle_ = h;
}

InsnTrace::~InsnTrace() {
  csh h = handle_;
  cs_close(&h);
}

const std::string& InsnTrace::disassemble(uint64_t pc, uint32_t insn) {
  auto it = cache_.find(pc);
  if (it != cache_.end() && it->second.insn == insn) return it->second.text;
  cs_insn* ci = nullptr;
  std::string text;
  size_t n = cs_disasm(handle_, reinterpret_cast<const uint8_t*>(&insn), 4, pc, 1, &ci);
  if (n == 1) {
    text = ci->mnemonic;
    if (ci->op_str[0]) text += std::string(" ") + ci->op_str;
  } else {
    text = ".inst (undecoded)";
  }
  if (n) cs_free(ci, n);
  auto& e = cache_[pc];
  e.insn = insn;
  e.text = std::move(text);
  return e.text;
}

void InsnTrace::record(unsigned pe, const char* world, unsigned el, uint64_t pc, uint32_t insn) {
  const std::string& text = disassemble(pc, insn);
  char head[96];
  std::snprintf(head, sizeof head, "pe%u %-6s EL%u 0x%016llx: %08x  ", pe, world, el,
                static_cast<unsigned long long>(pc), insn);
  os_ << head << text << '\n';
}

}  // namespace cpu
