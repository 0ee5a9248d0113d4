// A 64-bit register of the SMMU seen through a 4- or 8-byte access: the spec allows 32-bit
// accesses to either word of a 64-bit register (IHI 0070 §6.2). Private to the model.
#pragma once
#include <cstdint>

namespace platform::smmuv3 {

// The value a read at `offset` returns from the register at `base`.
inline uint64_t register_word(uint64_t reg, uint64_t offset, uint64_t base, unsigned size) {
  if (size == 8) return reg;
  return offset == base ? reg & 0xFFFF'FFFF : reg >> 32;
}
// The register after a write of `v` at `offset`.
inline uint64_t with_register_word(uint64_t reg, uint64_t offset, uint64_t base, uint64_t v, unsigned size) {
  if (size == 8) return v;
  return offset == base ? (reg & ~0xFFFF'FFFFull) | (v & 0xFFFF'FFFF) : (reg & 0xFFFF'FFFF) | (v << 32);
}

}  // namespace platform::smmuv3
