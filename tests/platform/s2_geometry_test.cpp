// The VMSAv8-64 stage-2 geometry of each translation granule and the VTCR_EL2 fields that
// select it, against values worked out by hand from the Arm ARM's translation tables.
#include "platform/s2_geometry.h"

#include <gtest/gtest.h>

namespace s2 = platform::s2;

TEST(S2Geometry, entries_per_table_are_a_granule_of_8_byte_descriptors) {
  EXPECT_EQ(s2::k4K.entries(), 512u);
  EXPECT_EQ(s2::k16K.entries(), 2048u);
  EXPECT_EQ(s2::k64K.entries(), 8192u);
  EXPECT_EQ(s2::k16K.granule(), 16384u);
}

TEST(S2Geometry, level_shifts_follow_each_granule) {
  // 4K: 39, 30, 21, 12; 16K: 47, 36, 25, 14; 64K: 42, 29, 16 (levels 1..3).
  EXPECT_EQ(s2::k4K.level_shift(0), 39u);
  EXPECT_EQ(s2::k4K.level_shift(2), 21u);
  EXPECT_EQ(s2::k4K.level_shift(-1), 48u);
  EXPECT_EQ(s2::k16K.level_shift(0), 47u);
  EXPECT_EQ(s2::k16K.level_shift(1), 36u);
  EXPECT_EQ(s2::k16K.level_shift(2), 25u);
  EXPECT_EQ(s2::k16K.level_shift(3), 14u);
  EXPECT_EQ(s2::k64K.level_shift(1), 42u);
  EXPECT_EQ(s2::k64K.level_shift(2), 29u);
  EXPECT_EQ(s2::k64K.level_shift(3), 16u);
  EXPECT_EQ(s2::k16K.entry_size(2), uint64_t{32} << 20);   // 32 MiB blocks
  EXPECT_EQ(s2::k64K.entry_size(2), uint64_t{512} << 20);  // 512 MiB blocks
}

TEST(S2Geometry, table_index_takes_the_levels_bits) {
  const uint64_t ipa = 0x12'3456'7000;
  EXPECT_EQ(s2::k4K.table_index(ipa, 3), (ipa >> 12) & 511);
  EXPECT_EQ(s2::k16K.table_index(ipa, 3), (ipa >> 14) & 2047);
  EXPECT_EQ(s2::k16K.table_index(ipa, 2), (ipa >> 25) & 2047);
  EXPECT_EQ(s2::k64K.table_index(ipa, 2), (ipa >> 29) & 8191);
  EXPECT_TRUE(s2::k16K.aligned(0x4000, 3));
  EXPECT_FALSE(s2::k16K.aligned(0x1000, 3));
  EXPECT_FALSE(s2::k64K.aligned(0x4000, 3));
}

TEST(S2Geometry, start_and_block_levels_per_granule) {
  EXPECT_EQ(s2::k4K.min_start_level(false), 0);
  EXPECT_EQ(s2::k4K.min_start_level(true), -1);
  EXPECT_EQ(s2::k16K.min_start_level(false), 0);
  EXPECT_EQ(s2::k64K.min_start_level(false), 1);
  EXPECT_EQ(s2::k4K.min_block_level(), 1);
  EXPECT_EQ(s2::k16K.min_block_level(), 2);
  EXPECT_EQ(s2::k64K.min_block_level(), 2);
  EXPECT_FALSE(s2::k16K.block_level(1));
  EXPECT_TRUE(s2::k16K.block_level(2));
  EXPECT_FALSE(s2::k64K.block_level(3));
}

TEST(S2Geometry, root_tables_concatenate_up_to_16) {
  // 4K: 40 bits at level 1 = 10 bits = 2 tables; 48 bits at level 0 = 1; at level 1 = 512: invalid.
  EXPECT_EQ(s2::k4K.num_root_tables(40, 1), 2u);
  EXPECT_EQ(s2::k4K.num_root_tables(48, 0), 1u);
  EXPECT_EQ(s2::k4K.num_root_tables(48, 1), 0u);
  EXPECT_EQ(s2::k4K.num_root_tables(39, 0), 0u);  // level 0 would resolve no bit
  // 16K: 48 bits at level 0 resolves 1 bit (one table); at level 1, 12 bits = 2 tables;
  // 40 bits at level 2, 15 bits = 16 tables; at level 1 only 4 bits.
  EXPECT_EQ(s2::k16K.num_root_tables(48, 0), 1u);
  EXPECT_EQ(s2::k16K.num_root_tables(48, 1), 2u);
  EXPECT_EQ(s2::k16K.num_root_tables(40, 2), 16u);
  EXPECT_EQ(s2::k16K.num_root_tables(41, 2), 0u);
  EXPECT_EQ(s2::k16K.num_root_tables(40, 1), 1u);
  // 64K: 48 bits at level 1 = 6 bits; 40 bits at level 2 = 11 bits; 46 bits at level 2 = 17: 16 tables.
  EXPECT_EQ(s2::k64K.num_root_tables(48, 1), 1u);
  EXPECT_EQ(s2::k64K.num_root_tables(40, 2), 1u);
  EXPECT_EQ(s2::k64K.num_root_tables(46, 2), 16u);
  EXPECT_EQ(s2::k64K.num_root_tables(47, 2), 0u);
}

TEST(S2Geometry, kvm_start_level_is_the_fewest_levels_16_tables_allow) {
  EXPECT_EQ(s2::k4K.start_level_for(40), 1);
  EXPECT_EQ(s2::k4K.start_level_for(48), 0);
  EXPECT_EQ(s2::k16K.start_level_for(48), 1);  // 2 tables at level 1, not level 0
  EXPECT_EQ(s2::k16K.start_level_for(40), 2);
  EXPECT_EQ(s2::k64K.start_level_for(48), 1);
  EXPECT_EQ(s2::k64K.start_level_for(40), 2);
  for (const s2::Geometry g : {s2::k4K, s2::k16K, s2::k64K})
    for (unsigned bits = 32; bits <= 48; ++bits)
      EXPECT_NE(g.num_root_tables(bits, g.start_level_for(bits)), 0u) << g.granule() << " " << bits;
}

TEST(S2Geometry, geometry_of_a_granule_size) {
  EXPECT_EQ(s2::geometry_of(16384), s2::k16K);
  EXPECT_EQ(s2::geometry_of(65536), s2::k64K);
  EXPECT_FALSE(s2::geometry_of(8192));
}

TEST(Vtcr, tg0_encodes_4k_0_64k_1_16k_2) {
  EXPECT_EQ(s2::vtcr::tg0(s2::k4K), 0u);
  EXPECT_EQ(s2::vtcr::tg0(s2::k64K), 1u);
  EXPECT_EQ(s2::vtcr::tg0(s2::k16K), 2u);
}

TEST(Vtcr, sl0_per_granule) {
  // 4K: level 0 = 2, 1 = 1, 2 = 0, 3 = 3; 16K and 64K: 3 - level; 64K has no level 0.
  EXPECT_EQ(*s2::vtcr::sl0(s2::k4K, 0), 2u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k4K, 1), 1u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k4K, 2), 0u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k4K, 3), 3u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k16K, 0), 3u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k16K, 1), 2u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k16K, 2), 1u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k16K, 3), 0u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k64K, 1), 2u);
  EXPECT_EQ(*s2::vtcr::sl0(s2::k64K, 3), 0u);
  EXPECT_FALSE(s2::vtcr::sl0(s2::k64K, 0));
}

TEST(Vtcr, encode_then_decode_gives_the_walk) {
  // 16K, 40-bit IPA, start level 2: T0SZ 24, SL0 0b01, TG0 0b10.
  const uint64_t v = *s2::vtcr::encode(s2::k16K, 40, 2);
  EXPECT_EQ(v, 24u | 1u << 6 | 2u << 14);
  const auto w = s2::vtcr::decode(v);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->geometry, s2::k16K);
  EXPECT_EQ(w->start_level, 2);
  EXPECT_EQ(w->ipa_bits, 40u);
  EXPECT_EQ(w->num_root, 16u);
  // 4K with LPA2, 52 bits from level -1: SL2 = 1, SL0 = 0.
  const uint64_t l = *s2::vtcr::encode(s2::k4K, 52, -1);
  EXPECT_EQ(l, 12u | uint64_t{1} << 33);
  EXPECT_EQ(s2::vtcr::decode(l)->start_level, -1);
  // 64K, 48 bits from level 1: SL0 0b10, TG0 0b01.
  EXPECT_EQ(*s2::vtcr::encode(s2::k64K, 48, 1), 16u | 2u << 6 | 1u << 14);
}

TEST(Vtcr, decode_refuses_what_no_walk_can_use) {
  EXPECT_FALSE(s2::vtcr::decode(24u | 3u << 14));             // TG0 reserved
  EXPECT_FALSE(s2::vtcr::decode(16u | 3u << 6 | 1u << 14));   // 64K SL0 0b11
  EXPECT_FALSE(s2::vtcr::decode(16u | 0u << 6 | 2u << 14));   // 16K, 48 bits from level 3: too many tables
  EXPECT_FALSE(s2::vtcr::encode(s2::k64K, 48, 0));
}
