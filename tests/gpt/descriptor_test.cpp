// GPT descriptor and GPI encodings (gpt.md §1.3, §1.4).
#include "gpt/descriptor.h"

#include <gtest/gtest.h>

#include "gpt/gpi.h"

namespace gpt {
namespace {

constexpr uint8_t kValidGpis[] = {0x0, 0x8, 0x9, 0xA, 0xB, 0xF};

bool is_listed_valid(uint8_t raw) {
  for (uint8_t v : kValidGpis)
    if (v == raw) return true;
  return false;
}

TEST(Gpi, only_no_access_secure_ns_root_realm_and_any_are_valid_in_base_rme) {
  for (unsigned raw = 0; raw < 16; ++raw)
    EXPECT_EQ(gpi_is_valid(raw), is_listed_valid(raw)) << "GPI " << raw;
  EXPECT_FALSE(gpi_is_valid(16));
}

TEST(Gpi, names_round_trip_and_accept_spelling_variants) {
  for (uint8_t raw : kValidGpis) {
    const Gpi gpi = static_cast<Gpi>(raw);
    EXPECT_EQ(gpi_from_string(to_string(gpi)), gpi);
  }
  EXPECT_EQ(gpi_from_string("non_secure"), Gpi::NonSecure);
  EXPECT_EQ(gpi_from_string("NonSecure"), Gpi::NonSecure);
  EXPECT_EQ(gpi_from_string("realm"), Gpi::Realm);
  EXPECT_EQ(gpi_from_string("no-access"), Gpi::NoAccess);
  EXPECT_FALSE(gpi_from_string("bogus").has_value());
  EXPECT_STREQ(to_string(static_cast<Gpi>(0x4)), "RESERVED");
}

TEST(L0Descriptor, block_round_trips_every_gpi_nibble) {
  for (unsigned raw = 0; raw < 16; ++raw) {
    const uint64_t d = encode_l0_block(static_cast<Gpi>(raw));
    EXPECT_EQ(d, 0x1u | raw << 4);
    const L0Desc l0 = decode_l0(d);
    EXPECT_EQ(l0.type, L0Type::Block);
    EXPECT_EQ(static_cast<unsigned>(l0.gpi), raw);
  }
}

TEST(L0Descriptor, block_with_any_res0_bit_above_bit_7_is_invalid) {
  for (unsigned bit = 8; bit < 64; ++bit)
    EXPECT_EQ(decode_l0(encode_l0_block(Gpi::Realm) | uint64_t{1} << bit).type, L0Type::Invalid)
        << "bit " << bit;
}

TEST(L0Descriptor, table_carries_the_l1_address) {
  const uint64_t l1 = 0x000F'FFFF'FFFF'F000ull;
  const uint64_t d = encode_l0_table(l1);
  EXPECT_EQ(d & 0xF, 0x3u);
  const L0Desc l0 = decode_l0(d);
  EXPECT_EQ(l0.type, L0Type::Table);
  EXPECT_EQ(l0.l1_base, l1);
}

TEST(L0Descriptor, every_other_type_nibble_is_invalid) {
  for (unsigned type = 0; type < 16; ++type) {
    if (type == 0x1 || type == 0x3) continue;
    EXPECT_EQ(decode_l0(0x8000'0000ull | type).type, L0Type::Invalid) << "type " << type;
  }
}

TEST(L1Descriptor, granules_hold_sixteen_gpis_lowest_granule_in_the_low_nibble) {
  uint64_t d = l1_fill(Gpi::NonSecure);
  EXPECT_EQ(d, 0x9999'9999'9999'9999ull);
  d = l1_set_gpi(d, 0, Gpi::Realm);
  d = l1_set_gpi(d, 15, Gpi::Root);
  EXPECT_EQ(d, 0xA999'9999'9999'999Bull);
  EXPECT_EQ(l1_gpi_nibble(d, 0), 0xB);
  EXPECT_EQ(l1_gpi_nibble(d, 1), 0x9);
  EXPECT_EQ(l1_gpi_nibble(d, 15), 0xA);
  EXPECT_EQ(decode_l1(d).type, L1Type::Granules);
  EXPECT_EQ(decode_l1(d).raw, d);
}

TEST(L1Descriptor, contiguous_round_trips_each_size_and_gpi) {
  const uint64_t sizes[] = {kContig2M, kContig32M, kContig512M};
  for (unsigned c = 1; c <= 3; ++c) {
    EXPECT_EQ(contig_bytes(c), sizes[c - 1]);
    for (uint8_t raw : kValidGpis) {
      const uint64_t d = encode_l1_contiguous(static_cast<Gpi>(raw), sizes[c - 1]);
      EXPECT_EQ(d, 0x1u | uint64_t{raw} << 4 | uint64_t{c} << 8);
      const L1Desc l1 = decode_l1(d);
      EXPECT_EQ(l1.type, L1Type::Contiguous);
      EXPECT_EQ(static_cast<uint8_t>(l1.contig_gpi), raw);
      EXPECT_EQ(l1.contig_size, sizes[c - 1]);
    }
  }
  EXPECT_EQ(contig_bytes(0), 0u);
}

TEST(L1Descriptor, contiguous_with_contig_field_zero_is_invalid) {
  EXPECT_EQ(decode_l1(0x1 | 0x9 << 4).type, L1Type::Invalid);
}

TEST(L1Descriptor, contiguous_with_any_res0_bit_above_bit_9_is_invalid) {
  for (unsigned bit = 10; bit < 64; ++bit)
    EXPECT_EQ(decode_l1(encode_l1_contiguous(Gpi::Realm, kContig2M) | uint64_t{1} << bit).type,
              L1Type::Invalid)
        << "bit " << bit;
}

TEST(L1Descriptor, a_reserved_gpi_in_granule_zero_other_than_0b0001_still_reads_as_granules) {
  // Only 0b0001 in bits[3:0] selects the contiguous form; other reserved nibbles are
  // granules whose GPI the walk rejects.
  EXPECT_EQ(decode_l1(0x9999'9999'9999'9992ull).type, L1Type::Granules);
}

}  // namespace
}  // namespace gpt
