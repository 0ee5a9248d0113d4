// GPT descriptors in the architectural format: encode and decode, no memory access.
// Checks that need the geometry (L1 table address alignment and range) live in the walk.
#pragma once
#include <cstdint>

#include "gpt/gpi.h"

namespace gpt {

// Level 0: bits[3:0] = 0b0001 block (GPI in [7:4], bits[63:8] RES0),
//          bits[3:0] = 0b0011 table (L1 table address in [51:12], its low bits RES0).
// RES0 bits that are set make the descriptor invalid (R_XNKFZ).
enum class L0Type : uint8_t { Invalid, Block, Table };
struct L0Desc {
  L0Type type = L0Type::Invalid;
  Gpi gpi = Gpi::NoAccess;  // Block: raw nibble, may be reserved (gpi_is_valid)
  uint64_t l1_base = 0;     // Table: raw & ~0xF; the walk checks its alignment and range
};
L0Desc decode_l0(uint64_t raw);
uint64_t encode_l0_block(Gpi gpi);
uint64_t encode_l0_table(uint64_t l1_base);  // l1_base 4 KiB aligned, below 2^52

// Level 1: either 16 GPIs (one nibble per granule, granule i of the entry in bits
// [4i+3:4i]), or a contiguous descriptor (bits[3:0] = 0b0001, GPI [7:4], Contig [9:8]:
// 1 = 2 MiB, 2 = 32 MiB, 3 = 512 MiB; 0 reserved; bits[63:10] RES0). 0b0001 is a reserved
// GPI, so a granules descriptor never starts with it and the two forms cannot be confused.
// Every L1 entry inside a contiguous block holds the same contiguous descriptor.
enum class L1Type : uint8_t { Granules, Contiguous, Invalid };
struct L1Desc {
  L1Type type = L1Type::Invalid;
  uint64_t raw = 0;
  Gpi contig_gpi = Gpi::NoAccess;  // Contiguous: raw nibble, may be reserved
  uint64_t contig_size = 0;        // Contiguous: bytes
};
L1Desc decode_l1(uint64_t raw);

constexpr uint64_t kContig2M = uint64_t{2} << 20;
constexpr uint64_t kContig32M = uint64_t{32} << 20;
constexpr uint64_t kContig512M = uint64_t{512} << 20;
// Bytes for a Contig field value 1..3 (2M, 32M, 512M: x16 per step), 0 for the reserved 0.
constexpr uint64_t contig_bytes(unsigned contig) {
  return contig == 0 || contig > 3 ? 0 : uint64_t{1} << (17 + 4 * contig);
}
uint64_t encode_l1_contiguous(Gpi gpi, uint64_t size_bytes);  // size: 2M, 32M or 512M

// GPI nibble `index` (0..15) of a granules descriptor; raw value (may be reserved).
constexpr uint8_t l1_gpi_nibble(uint64_t raw, unsigned index) { return (raw >> (4 * index)) & 0xF; }
constexpr uint64_t l1_set_gpi(uint64_t raw, unsigned index, Gpi gpi) {
  const unsigned sh = 4 * index;
  return (raw & ~(uint64_t{0xF} << sh)) | (uint64_t{static_cast<uint8_t>(gpi)} << sh);
}
// A granules descriptor giving all 16 granules `gpi`.
constexpr uint64_t l1_fill(Gpi gpi) { return 0x1111111111111111ull * static_cast<uint8_t>(gpi); }

}  // namespace gpt
