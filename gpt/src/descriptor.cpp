#include "gpt/descriptor.h"

#include <cassert>

namespace gpt {

namespace {
constexpr uint64_t kL0TypeBlock = 0x1, kL0TypeTable = 0x3, kL1TypeContig = 0x1;
}  // namespace

L0Desc decode_l0(uint64_t raw) {
  L0Desc d;
  switch (raw & 0xF) {
    case kL0TypeBlock:
      if ((raw >> 8) != 0) return d;  // RES0 bits set (R_XNKFZ)
      d.type = L0Type::Block;
      d.gpi = static_cast<Gpi>((raw >> 4) & 0xF);
      return d;
    case kL0TypeTable:
      d.type = L0Type::Table;
      d.l1_base = raw & ~uint64_t{0xF};
      return d;
    default:
      return d;
  }
}

uint64_t encode_l0_block(Gpi gpi) {
  return kL0TypeBlock | uint64_t{static_cast<uint8_t>(gpi) & 0xFu} << 4;
}

uint64_t encode_l0_table(uint64_t l1_base) {
  assert((l1_base & 0xFFF) == 0 && (l1_base >> 52) == 0);
  return l1_base | kL0TypeTable;
}

L1Desc decode_l1(uint64_t raw) {
  L1Desc d;
  d.raw = raw;
  if ((raw & 0xF) != kL1TypeContig) {
    d.type = L1Type::Granules;
    return d;
  }
  const unsigned contig = (raw >> 8) & 3;
  if ((raw >> 10) != 0 || contig == 0) return d;  // RES0 bits, or the reserved Contig 0
  d.type = L1Type::Contiguous;
  d.contig_gpi = static_cast<Gpi>((raw >> 4) & 0xF);
  d.contig_size = contig_bytes(contig);
  return d;
}

uint64_t encode_l1_contiguous(Gpi gpi, uint64_t size_bytes) {
  unsigned contig = 0;
  for (unsigned c = 1; c <= 3; ++c)
    if (contig_bytes(c) == size_bytes) contig = c;
  assert(contig != 0 && "contiguous size must be 2M, 32M or 512M");
  return kL1TypeContig | uint64_t{static_cast<uint8_t>(gpi) & 0xFu} << 4 | uint64_t{contig} << 8;
}

}  // namespace gpt
