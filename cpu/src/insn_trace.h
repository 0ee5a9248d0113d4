// The instruction trace (--trace-insn): one line per executed guest instruction with the PE,
// the world, the exception level, the PC, the encoding and its disassembly. Capstone output is
// cached per PC (decoding every executed instruction would cap the simulator near 2 MIPS); a
// cached line is reused only while the encoding at that PC is unchanged.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>

namespace cpu {

class InsnTrace {
 public:
  explicit InsnTrace(std::ostream& os);
  ~InsnTrace();
  InsnTrace(const InsnTrace&) = delete;
  InsnTrace& operator=(const InsnTrace&) = delete;

  void record(unsigned pe, const char* world, unsigned el, uint64_t pc, uint32_t insn);
  // Disassembly of one instruction ("mnemonic operands"), cached.
  const std::string& disassemble(uint64_t pc, uint32_t insn);

 private:
  struct Entry {
    uint32_t insn;
    std::string text;
  };
  std::ostream& os_;
  size_t handle_ = 0;
  std::unordered_map<uint64_t, Entry> cache_;
};

}  // namespace cpu
