// Building and updating a GPT: layout, contiguous runs, shattering, and the firmware rules.
#include "gpt/table.h"

#include <gtest/gtest.h>

#include "gpt/descriptor.h"
#include "test_memory.h"

namespace gpt {
namespace {

using test::TestMemory;

constexpr uint64_t GiB = uint64_t{1} << 30, MiB = uint64_t{1} << 20, KiB = 1024;

// 4 GB PPS, 4 KB granules, 1 GB L0 entries: L0 is 4 entries, an L1 table 128 KB, an L1
// entry covers 64 KB.
class Table : public ::testing::Test {
 protected:
  static constexpr uint64_t kL0 = 0xF000'0000, kPool = 0xF010'0000;

  Table() {
    cfg.pps = 0;
    cfg.pgs = Pgs::K4;
    cfg.l0gptsz = 0;
    cfg.l0_base = kL0;
  }

  GptTable build(std::vector<PasRegion> granular, Gpi def, std::vector<PasRegion> regions = {}) {
    GptTable table(cfg, mem);
    const std::string err = table.build(kPool, granular, def, regions);
    EXPECT_EQ(err, "");
    return table;
  }

  uint64_t l0(unsigned i) { return mem.peek(kL0 + 8 * i); }
  // L1 entry of `pa` in the k-th L1 table of the pool.
  uint64_t l1(unsigned k, uint64_t pa) {
    return mem.peek(kPool + k * cfg.l1_table_bytes() + ((pa % GiB) >> 16) * 8);
  }
  GptWalk walk(uint64_t pa) {
    GpcConfig on = cfg;
    on.enabled = true;
    return gpt_walk(on, pa, Pas::NonSecure, mem);
  }

  GpcConfig cfg;
  TestMemory mem;
};

// --- build -------------------------------------------------------------------------------

TEST_F(Table, build_without_granular_memory_writes_every_l0_entry_as_a_block_of_the_default_gpi) {
  GptTable table = build({}, Gpi::NonSecure);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(l0(i), encode_l0_block(Gpi::NonSecure));
  EXPECT_EQ(table.l1_pool_bytes(), 0u);
  EXPECT_EQ(table.granule_gpi(3 * GiB + 5), Gpi::NonSecure);
}

TEST_F(Table, build_places_one_l1_table_per_granular_l0_entry_upwards_from_the_pool_base) {
  GptTable table = build({{1 * GiB - 4 * KiB, 8 * KiB, Gpi::Realm}, {3 * GiB, 4 * KiB, Gpi::Root}},
                         Gpi::NoAccess);
  EXPECT_EQ(l0(0), encode_l0_table(kPool));
  EXPECT_EQ(l0(1), encode_l0_table(kPool + 128 * KiB));
  EXPECT_EQ(l0(2), encode_l0_block(Gpi::NoAccess));
  EXPECT_EQ(l0(3), encode_l0_table(kPool + 256 * KiB));
  EXPECT_EQ(table.l1_pool_bytes(), 3 * 128 * KiB);
  EXPECT_EQ(table.l1_pool_bytes(),
            GptTable::l1_bytes_for(cfg, {{1 * GiB - 4 * KiB, 8 * KiB, Gpi::Realm},
                                         {3 * GiB, 4 * KiB, Gpi::Root}}));
}

TEST_F(Table, build_fills_fresh_l1_tables_with_the_default_gpi_as_512m_contiguous_runs) {
  build({{0, 4 * KiB, Gpi::NoAccess}}, Gpi::NonSecure);
  // The one granule set to NO_ACCESS shattered its runs; far away the fresh runs remain.
  EXPECT_EQ(l1(0, 768 * MiB), encode_l1_contiguous(Gpi::NonSecure, kContig512M));
  EXPECT_EQ(l1(0, GiB - 64 * KiB), encode_l1_contiguous(Gpi::NonSecure, kContig512M));
}

TEST_F(Table, build_applies_granular_gpis_then_regions_in_order) {
  GptTable table = build({{0, 1 * GiB, Gpi::NonSecure}}, Gpi::NoAccess,
                         {{16 * MiB, 4 * MiB, Gpi::Realm}, {17 * MiB, 4 * KiB, Gpi::Root}});
  EXPECT_EQ(table.granule_gpi(16 * MiB - 4 * KiB), Gpi::NonSecure);
  EXPECT_EQ(table.granule_gpi(16 * MiB), Gpi::Realm);
  EXPECT_EQ(table.granule_gpi(17 * MiB), Gpi::Root);
  EXPECT_EQ(table.granule_gpi(17 * MiB + 4 * KiB), Gpi::Realm);
  EXPECT_EQ(table.granule_gpi(20 * MiB - 4 * KiB), Gpi::Realm);
  EXPECT_EQ(table.granule_gpi(20 * MiB), Gpi::NonSecure);
  EXPECT_EQ(table.granule_gpi(2 * GiB), Gpi::NoAccess);
}

TEST_F(Table, build_lets_a_region_cover_whole_l0_blocks) {
  build({}, Gpi::NoAccess, {{1 * GiB, 2 * GiB, Gpi::NonSecure}});
  EXPECT_EQ(l0(0), encode_l0_block(Gpi::NoAccess));
  EXPECT_EQ(l0(1), encode_l0_block(Gpi::NonSecure));
  EXPECT_EQ(l0(2), encode_l0_block(Gpi::NonSecure));
  EXPECT_EQ(l0(3), encode_l0_block(Gpi::NoAccess));
}

TEST_F(Table, build_refuses_a_region_that_covers_part_of_an_l0_block) {
  GptTable table(cfg, mem);
  const std::string err = table.build(kPool, {}, Gpi::NoAccess, {{0, 2 * MiB, Gpi::Root}});
  EXPECT_NE(err.find("L0 block"), std::string::npos) << err;
}

TEST_F(Table, build_refuses_an_l0_table_not_aligned_to_its_size) {
  cfg.pps = 2;  // 1 TB: an 8 KB L0 table
  cfg.l0_base = kL0 + 4 * KiB;
  GptTable table(cfg, mem);
  EXPECT_NE(table.build(kPool, {}, Gpi::Any, {}).find("aligned"), std::string::npos);
}

TEST_F(Table, build_refuses_an_l1_pool_not_aligned_to_the_l1_table_size) {
  GptTable table(cfg, mem);
  const std::string err = table.build(kPool + 64 * KiB, {{0, 4 * KiB, Gpi::Any}}, Gpi::Any, {});
  EXPECT_NE(err.find("aligned"), std::string::npos) << err;
}

TEST_F(Table, build_refuses_an_l1_pool_overlapping_the_l0_table) {
  GptTable table(cfg, mem);
  const std::string err = table.build(kL0, {{0, 4 * KiB, Gpi::Any}}, Gpi::Any, {});
  EXPECT_NE(err.find("overlaps"), std::string::npos) << err;
}

TEST_F(Table, build_refuses_tables_outside_the_pps) {
  cfg.l0_base = 4 * GiB;
  GptTable table(cfg, mem);
  EXPECT_NE(table.build(kPool, {}, Gpi::Any, {}).find("PPS"), std::string::npos);
}

TEST_F(Table, build_refuses_unaligned_reserved_or_out_of_range_regions) {
  GptTable table(cfg, mem);
  EXPECT_NE(table.build(kPool, {{0x800, 4 * KiB, Gpi::Any}}, Gpi::Any, {}).find("aligned"),
            std::string::npos);
  EXPECT_NE(table.build(kPool, {{0, 4 * KiB, static_cast<Gpi>(4)}}, Gpi::Any, {}).find("reserved"),
            std::string::npos);
  EXPECT_NE(table.build(kPool, {}, Gpi::Any, {{4 * GiB - 4 * KiB, 8 * KiB, Gpi::Any}}).find("PPS"),
            std::string::npos);
  EXPECT_NE(table.build(kPool, {}, static_cast<Gpi>(1), {}).find("reserved"), std::string::npos);
}

TEST_F(Table, build_refuses_an_invalid_configuration) {
  cfg.l0gptsz = 2;
  GptTable table(cfg, mem);
  EXPECT_NE(table.build(kPool, {}, Gpi::Any, {}).find("L0GPTSZ"), std::string::npos);
}

TEST_F(Table, l1_bytes_for_counts_each_l0_entry_once) {
  EXPECT_EQ(GptTable::l1_bytes_for(cfg, 0, 0), 0u);
  EXPECT_EQ(GptTable::l1_bytes_for(cfg, 0, 1), 128 * KiB);
  EXPECT_EQ(GptTable::l1_bytes_for(cfg, GiB - 1, 2), 256 * KiB);
  EXPECT_EQ(GptTable::l1_bytes_for(cfg, {{0, GiB, Gpi::Any}, {GiB / 2, GiB, Gpi::Any}}),
            256 * KiB);
}

// --- set_range ---------------------------------------------------------------------------

TEST_F(Table, set_range_uses_contiguous_descriptors_for_naturally_aligned_runs) {
  GptTable table = build({{0, GiB, Gpi::NoAccess}}, Gpi::NoAccess);
  ASSERT_TRUE(table.set_range(30 * MiB, 36 * MiB, Gpi::Realm));  // [30M, 66M)
  EXPECT_EQ(l1(0, 30 * MiB), encode_l1_contiguous(Gpi::Realm, kContig2M));
  EXPECT_EQ(l1(0, 32 * MiB), encode_l1_contiguous(Gpi::Realm, kContig32M));
  EXPECT_EQ(l1(0, 64 * MiB - 64 * KiB), encode_l1_contiguous(Gpi::Realm, kContig32M));
  EXPECT_EQ(l1(0, 64 * MiB), encode_l1_contiguous(Gpi::Realm, kContig2M));
  EXPECT_EQ(l1(0, 66 * MiB), encode_l1_contiguous(Gpi::NoAccess, kContig2M));
  EXPECT_EQ(l1(0, 96 * MiB), encode_l1_contiguous(Gpi::NoAccess, kContig32M));
  EXPECT_EQ(walk(40 * MiB).range_size, kContig32M);
  EXPECT_EQ(walk(65 * MiB).range_size, kContig2M);
}

TEST_F(Table, set_range_writes_granules_at_unaligned_edges) {
  GptTable table = build({{0, GiB, Gpi::NoAccess}}, Gpi::NoAccess);
  ASSERT_TRUE(table.set_range(2 * MiB - 12 * KiB, 100 * KiB, Gpi::Root));  // 25 granules
  EXPECT_EQ(table.granule_gpi(2 * MiB - 16 * KiB), Gpi::NoAccess);
  for (uint64_t pa = 2 * MiB - 12 * KiB; pa < 2 * MiB + 88 * KiB; pa += 4 * KiB)
    EXPECT_EQ(table.granule_gpi(pa), Gpi::Root) << std::hex << pa;
  EXPECT_EQ(table.granule_gpi(2 * MiB + 88 * KiB), Gpi::NoAccess);
  EXPECT_EQ(l1(0, 2 * MiB), l1_fill(Gpi::Root));                       // a whole entry
  EXPECT_EQ(l1(0, 2 * MiB + 64 * KiB), 0x0000'0000'00AA'AAAAull);
  EXPECT_EQ(walk(2 * MiB - 4 * KiB).range_size, 4 * KiB);
}

TEST_F(Table, set_range_inside_a_larger_run_keeps_the_rest_of_that_run) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  ASSERT_TRUE(table.set_range(34 * MiB, 2 * MiB, Gpi::Realm));
  EXPECT_EQ(walk(34 * MiB).range_size, kContig2M);
  EXPECT_EQ(walk(34 * MiB).gpi, Gpi::Realm);
  EXPECT_EQ(walk(32 * MiB).range_size, kContig2M);  // rest of its 32M run: 2M runs
  EXPECT_EQ(walk(32 * MiB).gpi, Gpi::NonSecure);
  EXPECT_EQ(walk(0).range_size, kContig32M);        // rest of its 512M run: 32M runs
  EXPECT_EQ(walk(511 * MiB).range_size, kContig32M);
  EXPECT_EQ(walk(512 * MiB).range_size, kContig512M);  // the other 512M run is untouched
}

TEST_F(Table, set_range_covering_part_of_an_l0_block_fails_and_writes_nothing) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  const uint64_t writes = mem.writes;
  EXPECT_FALSE(table.set_range(GiB - 4 * KiB, 8 * KiB, Gpi::Realm));  // crosses into a block
  EXPECT_EQ(mem.writes, writes);
  EXPECT_EQ(table.granule_gpi(GiB - 4 * KiB), Gpi::NonSecure);
}

TEST_F(Table, set_range_covering_a_whole_l0_block_rewrites_the_block) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  ASSERT_TRUE(table.set_range(GiB - 4 * KiB, GiB + 4 * KiB, Gpi::Realm));
  EXPECT_EQ(l0(1), encode_l0_block(Gpi::Realm));
  EXPECT_EQ(table.granule_gpi(GiB - 4 * KiB), Gpi::Realm);
  EXPECT_EQ(table.granule_gpi(GiB - 8 * KiB), Gpi::NonSecure);
}

TEST_F(Table, set_range_refuses_unaligned_or_out_of_range_input) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  EXPECT_FALSE(table.set_range(0x100, 4 * KiB, Gpi::Realm));
  EXPECT_FALSE(table.set_range(0, 4 * KiB + 1, Gpi::Realm));
  EXPECT_FALSE(table.set_range(4 * GiB, 4 * KiB, Gpi::NonSecure));
  EXPECT_FALSE(table.set_range(0, 4 * KiB, static_cast<Gpi>(0xD)));
  EXPECT_TRUE(table.set_range(0, 0, Gpi::Realm));
}

// --- set_granule -------------------------------------------------------------------------

TEST_F(Table, set_granule_on_a_contiguous_block_shatters_it_and_neighbours_keep_their_gpi) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  const uint64_t pa = 291 * MiB + 20 * KiB;  // in 32M run [288M, 320M), 2M run [290M, 292M)
  ASSERT_EQ(l1(0, pa), encode_l1_contiguous(Gpi::NonSecure, kContig512M));
  ASSERT_TRUE(table.set_granule(pa, Gpi::Realm));

  for (uint64_t a = 0; a < 512 * MiB; a += 64 * KiB) {
    const uint64_t d = l1(0, a);
    if (a >= 290 * MiB && a < 292 * MiB) {
      const uint64_t expect = a == (pa & ~(64 * KiB - 1))
                                  ? l1_set_gpi(l1_fill(Gpi::NonSecure), 5, Gpi::Realm)
                                  : l1_fill(Gpi::NonSecure);
      ASSERT_EQ(d, expect) << std::hex << a;
    } else if (a >= 288 * MiB && a < 320 * MiB) {
      ASSERT_EQ(d, encode_l1_contiguous(Gpi::NonSecure, kContig2M)) << std::hex << a;
    } else {
      ASSERT_EQ(d, encode_l1_contiguous(Gpi::NonSecure, kContig32M)) << std::hex << a;
    }
  }
  // Every granule of the old run but one keeps NS (sampled at every 4 KB of the 2M run).
  for (uint64_t a = 290 * MiB; a < 292 * MiB; a += 4 * KiB)
    EXPECT_EQ(table.granule_gpi(a), a == pa ? Gpi::Realm : Gpi::NonSecure) << std::hex << a;
  EXPECT_EQ(l1(0, 512 * MiB), encode_l1_contiguous(Gpi::NonSecure, kContig512M));
}

TEST_F(Table, set_granule_refuses_a_granule_under_an_l0_block) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  const uint64_t writes = mem.writes;
  EXPECT_FALSE(table.set_granule(2 * GiB, Gpi::Realm));
  EXPECT_EQ(mem.writes, writes);
  EXPECT_EQ(table.granule_gpi(2 * GiB), Gpi::NoAccess);
}

TEST_F(Table, set_granule_refuses_a_reserved_gpi_or_a_pa_outside_the_pps) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  EXPECT_FALSE(table.set_granule(0x1000, static_cast<Gpi>(0x4)));
  EXPECT_FALSE(table.set_granule(4 * GiB, Gpi::NonSecure));
}

TEST_F(Table, set_granule_to_the_gpi_a_run_already_has_keeps_the_run_whole) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  ASSERT_TRUE(table.set_granule(0x5000, Gpi::NonSecure));
  EXPECT_EQ(l1(0, 0), encode_l1_contiguous(Gpi::NonSecure, kContig512M));
}

TEST_F(Table, set_granule_then_back_changes_only_that_granule_each_time) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess);
  ASSERT_TRUE(table.set_granule(0x7000, Gpi::Realm));
  ASSERT_TRUE(table.set_granule(0x8000, Gpi::Realm));
  EXPECT_EQ(table.granule_gpi(0x7000), Gpi::Realm);
  EXPECT_EQ(table.granule_gpi(0x8000), Gpi::Realm);
  ASSERT_TRUE(table.set_granule(0x7000, Gpi::NonSecure));
  EXPECT_EQ(table.granule_gpi(0x7000), Gpi::NonSecure);
  EXPECT_EQ(table.granule_gpi(0x8000), Gpi::Realm);
  EXPECT_EQ(table.granule_gpi(0x6000), Gpi::NonSecure);
}

TEST_F(Table, granule_gpi_of_a_faulting_walk_is_no_access) {
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::Any);
  mem.poke(kL0 + 8 * 3, 0);  // invalid L0 entry
  EXPECT_EQ(table.granule_gpi(3 * GiB), Gpi::NoAccess);
  EXPECT_EQ(table.granule_gpi(2 * GiB), Gpi::Any);
}

TEST_F(Table, the_check_sees_what_the_table_says) {
  cfg.enabled = true;
  GptTable table = build({{0, GiB, Gpi::NonSecure}}, Gpi::NoAccess, {{GiB, GiB, Gpi::Root}});
  ASSERT_TRUE(table.set_granule(0x10000, Gpi::Realm));
  EXPECT_TRUE(granule_protection_check(cfg, 0x10000, Pas::Realm, mem).ok());
  EXPECT_EQ(granule_protection_check(cfg, 0x10000, Pas::NonSecure, mem).kind, GpfKind::Fail);
  EXPECT_TRUE(granule_protection_check(cfg, 0x11000, Pas::NonSecure, mem).ok());
  EXPECT_TRUE(granule_protection_check(cfg, GiB + 5, Pas::Root, mem).ok());
  const GpcResult r = granule_protection_check(cfg, 2 * GiB, Pas::Root, mem);
  EXPECT_EQ(r.kind, GpfKind::Fail);
  EXPECT_EQ(r.level, 0);
}

}  // namespace
}  // namespace gpt

namespace gpt {
namespace {

// RMM 2.0's GPT_L1_CREATE, done by EL3: an L0 block becomes a table of the block's GPI.
class TableL1Create : public Table {};

TEST_F(TableL1Create, create_l1_gives_a_block_a_table_of_its_gpi_and_granules_become_settable) {
  GptTable t = build({}, Gpi::NonSecure);
  EXPECT_FALSE(t.set_granule(2 * GiB + 4 * KiB, Gpi::Realm));  // an L0 block: no transitions
  const uint64_t l1 = kPool + 4 * cfg.l1_table_bytes();
  ASSERT_TRUE(t.create_l1(2 * GiB, l1));
  EXPECT_EQ(decode_l0(l0(2)).type, L0Type::Table);
  EXPECT_EQ(decode_l0(l0(2)).l1_base, l1);
  EXPECT_EQ(walk(2 * GiB + 123 * 4 * KiB).level, 1);
  EXPECT_EQ(walk(2 * GiB + 123 * 4 * KiB).gpi, Gpi::NonSecure);
  EXPECT_EQ(decode_l0(l0(1)).type, L0Type::Block);  // its neighbours keep their blocks
  EXPECT_TRUE(t.set_granule(2 * GiB + 4 * KiB, Gpi::Realm));
  EXPECT_EQ(walk(2 * GiB + 4 * KiB).gpi, Gpi::Realm);
  EXPECT_EQ(walk(2 * GiB + 8 * KiB).gpi, Gpi::NonSecure);
}

TEST_F(TableL1Create, create_l1_fails_on_a_table_a_misaligned_pool_or_outside_the_pps) {
  GptTable t = build({{0, GiB, Gpi::NonSecure}}, Gpi::NonSecure);
  const uint64_t before = l0(0);
  EXPECT_FALSE(t.create_l1(0, kPool + 4 * cfg.l1_table_bytes()));  // a table exists
  EXPECT_EQ(l0(0), before);
  EXPECT_FALSE(t.create_l1(GiB, kPool + 4 * cfg.l1_table_bytes() + 4 * KiB));
  EXPECT_EQ(decode_l0(l0(1)).type, L0Type::Block);
  EXPECT_FALSE(t.create_l1(8 * GiB, kPool + 4 * cfg.l1_table_bytes()));
}

}  // namespace
}  // namespace gpt
