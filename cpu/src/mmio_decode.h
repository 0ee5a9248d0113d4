// Decoding a faulting data access for the syndrome a hypervisor sees (ESR_EL2.ISS for a data
// abort: ISV, SAS, SSE, SRT, SF, AR, WnR), and its virtual address (Unicorn's TLB filler is
// told only the page).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

namespace cpu {

struct DataAccess {
  bool isv = false;      // a single general-purpose register load/store without writeback
  bool write = false;
  unsigned size = 0;     // bytes
  unsigned srt = 0;      // Rt (31 = XZR)
  bool sse = false;      // sign-extend the loaded value
  bool sf = false;       // Rt is a 64-bit register
  bool ar = false;       // acquire/release semantics
  // ESR ISS bits [24:14] and WnR (bit 6), ready to OR into a data-abort syndrome.
  uint32_t iss() const;
};

// From the instruction word (Arm ARM C4.1.66 "Loads and Stores" encodings).
DataAccess decode_data_access(uint32_t insn);

// The virtual address a load/store accesses, computed from its operands with Capstone;
// `xreg(n)` reads Xn (n = 31 is SP for a base register). Empty when not a load/store.
std::optional<uint64_t> access_address(uint32_t insn, uint64_t pc,
                                       const std::function<uint64_t(unsigned)>& xreg);

}  // namespace cpu
