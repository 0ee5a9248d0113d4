// Every geometry the architecture allows: PPS 0..6 x PGS 4K/16K/64K x L0GPTSZ 30/34/36/39.
// Each builds a table with granular and block regions, contiguous runs and single granules,
// then walks PAs at every region edge (and the first and last PA) against a reference
// model: the last region that contains a PA gives its GPI.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "gpt/check.h"
#include "gpt/descriptor.h"
#include "gpt/table.h"
#include "test_memory.h"

namespace gpt {

// Readable parameters in gtest output (found by ADL, so in namespace gpt).
void PrintTo(Pgs pgs, std::ostream* os) { *os << (1u << pgs_bits(pgs)) / 1024 << "K"; }

namespace {

using test::TestMemory;

constexpr uint64_t MiB = uint64_t{1} << 20;
constexpr Pas kAllPas[] = {Pas::Secure, Pas::NonSecure, Pas::Root, Pas::Realm};

using Param = std::tuple<unsigned, Pgs, unsigned>;  // PPS, PGS, L0GPTSZ encodings

class Geometry : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    cfg.pps = static_cast<uint8_t>(std::get<0>(GetParam()));
    cfg.pgs = std::get<1>(GetParam());
    cfg.l0gptsz = static_cast<uint8_t>(std::get<2>(GetParam()));
    cfg.enabled = true;
    ASSERT_TRUE(cfg.valid()) << cfg.validate();
    t = cfg.t();
    top = uint64_t{1} << t;
    R = uint64_t{1} << std::min(cfg.s(), t);
    G = cfg.granule_size();
    // The GPT itself sits in the middle of the PPS; the test memory keeps it apart from the
    // GPIs it describes, so overlapping the regions below does not matter.
    cfg.l0_base = top / 2;
    pool = (cfg.l0_base + cfg.l0_table_bytes() + cfg.l1_table_bytes() - 1) &
           ~(cfg.l1_table_bytes() - 1);
  }

  // Reference model: the last applied region that contains pa gives its GPI.
  Gpi expected(uint64_t pa) const {
    Gpi gpi = default_gpi;
    for (const PasRegion& r : applied)
      if (pa >= r.base && pa - r.base < r.size) gpi = r.gpi;
    return gpi;
  }
  bool granular(uint64_t pa) const {
    for (const PasRegion& r : granular_regions)
      if (pa / R >= r.base / R && pa / R <= (r.base + r.size - 1) / R) return true;
    return false;
  }

  // The walk for pa agrees with the model, at the right level, over a range that is
  // naturally aligned, holds pa, has a size the format allows, and has one GPI throughout.
  void expect_walk(uint64_t pa) {
    SCOPED_TRACE(::testing::Message() << "pa 0x" << std::hex << pa);
    const GptWalk w = gpt_walk(cfg, pa, Pas::NonSecure, mem);
    ASSERT_TRUE(w.ok()) << to_string(w.fault) << " level " << int(w.level);
    EXPECT_EQ(w.gpi, expected(pa));
    const bool l1 = granular(pa);
    EXPECT_EQ(w.level, l1 ? 1 : 0);
    EXPECT_EQ(w.reads, l1 ? 2 : 1);
    const std::set<uint64_t> sizes =
        l1 ? std::set<uint64_t>{G, kContig2M, kContig32M, kContig512M} : std::set<uint64_t>{R};
    EXPECT_TRUE(sizes.count(w.range_size)) << "range size 0x" << std::hex << w.range_size;
    EXPECT_EQ(w.range_base & (w.range_size - 1), 0u);
    EXPECT_LE(w.range_base, pa);
    EXPECT_LT(pa - w.range_base, w.range_size);
    EXPECT_EQ(expected(w.range_base), w.gpi);
    for (const PasRegion& r : applied)
      for (uint64_t edge : {r.base, r.base + r.size})
        if (edge > w.range_base && edge - w.range_base < w.range_size) {
          EXPECT_EQ(expected(edge), w.gpi) << "edge 0x" << std::hex << edge;
        }
    for (Pas pas : kAllPas) {
      const GpcResult c = granule_protection_check(cfg, pa, pas, mem);
      EXPECT_EQ(c.ok(), gpi_permits(w.gpi, pas)) << to_string(pas);
      if (!c.ok()) {
        EXPECT_EQ(c.kind, GpfKind::Fail);
        EXPECT_EQ(c.level, w.level);
      }
    }
  }

  // Walks at and around every edge the regions make, plus the first and last PA.
  void expect_edges() {
    std::set<uint64_t> points{0, top - 1};
    for (const PasRegion& r : applied)
      for (uint64_t edge : {r.base, r.base + r.size})
        for (uint64_t pa : {edge - G, edge - 1, edge, edge + G - 1, edge + G})
          if (pa < top) points.insert(pa);
    for (uint64_t pa : points) expect_walk(pa);
  }

  void apply_range(uint64_t base, uint64_t size, Gpi gpi) {
    ASSERT_TRUE(table->set_range(base, size, gpi));
    applied.push_back({base, size, gpi});
  }
  void apply_granule(uint64_t pa, Gpi gpi) {
    ASSERT_TRUE(table->set_granule(pa, gpi)) << std::hex << pa;
    applied.push_back({pa & ~(G - 1), G, gpi});
  }

  GpcConfig cfg;
  TestMemory mem;
  unsigned t = 0;
  uint64_t top = 0, R = 0, G = 0, pool = 0;
  Gpi default_gpi = Gpi::NoAccess;
  std::vector<PasRegion> granular_regions, applied;
  std::unique_ptr<GptTable> table;
};

TEST_P(Geometry, registers_sizes_and_descriptors_encode_and_decode_in_this_geometry) {
  const unsigned s = cfg.s(), p = cfg.p();
  // GPCCR_EL3 / GPTBR_EL3 images decode to the same geometry.
  GpcConfig back;
  std::string err;
  ASSERT_TRUE(GpcConfig::decode(cfg.gpccr(), cfg.gptbr(), back, &err)) << err;
  EXPECT_EQ(back.t(), t);
  EXPECT_EQ(back.s(), s);
  EXPECT_EQ(back.p(), p);
  EXPECT_EQ(back.l0_base, cfg.l0_base);
  // Sizes as gpt.md 1.2 gives them.
  EXPECT_EQ(cfg.l0_entries(), s >= t ? 1u : uint64_t{1} << (t - s));
  EXPECT_EQ(cfg.l0_table_bytes(), std::max<uint64_t>(4096, 8 * cfg.l0_entries()));
  EXPECT_EQ(cfg.l1_table_bytes(), (uint64_t{1} << (s - p - 4)) * 8);
  EXPECT_EQ(cfg.l0_entries() * R, top);
  // An L0 table descriptor for an L1 table at the pool decodes back to it.
  EXPECT_EQ(pool & (cfg.l1_table_bytes() - 1), 0u);
  const L0Desc d = decode_l0(encode_l0_table(pool));
  EXPECT_EQ(d.type, L0Type::Table);
  EXPECT_EQ(d.l1_base, pool);
  // Each contiguous size is a whole number of L1 entries (16 granules each).
  for (uint64_t size : {kContig2M, kContig32M, kContig512M}) {
    EXPECT_EQ(size % cfg.l1_entry_span(), 0u);
    EXPECT_EQ(decode_l1(encode_l1_contiguous(Gpi::Realm, size)).contig_size, size);
  }
  // After a build, the L0 entries are the descriptors the layout asks for.
  table = std::make_unique<GptTable>(cfg, mem);
  ASSERT_EQ(table->build(pool, {{0, G, Gpi::Root}, {top - G, G, Gpi::Realm}}, Gpi::NonSecure, {}),
            "");
  const uint64_t n0 = cfg.l0_entries();
  EXPECT_EQ(decode_l0(mem.peek(cfg.l0_base)).l1_base, pool);
  if (n0 >= 2) {
    EXPECT_EQ(decode_l0(mem.peek(cfg.l0_base + 8 * (n0 - 1))).l1_base, pool + cfg.l1_table_bytes());
    EXPECT_EQ(table->l1_pool_bytes(), 2 * cfg.l1_table_bytes());
  } else {
    EXPECT_EQ(table->l1_pool_bytes(), cfg.l1_used_bytes());
  }
  if (n0 >= 3) {
    const L0Desc mid = decode_l0(mem.peek(cfg.l0_base + 8 * (n0 / 2)));
    EXPECT_EQ(mid.type, L0Type::Block);
    EXPECT_EQ(mid.gpi, Gpi::NonSecure);
  }
  EXPECT_EQ(table->granule_gpi(0), Gpi::Root);
  EXPECT_EQ(table->granule_gpi(G), Gpi::NonSecure);
  EXPECT_EQ(table->granule_gpi(top - G), Gpi::Realm);
  EXPECT_EQ(table->granule_gpi(top - 2 * G), Gpi::NonSecure);
}

TEST_P(Geometry, a_table_without_granular_memory_is_one_level_of_l0_blocks) {
  table = std::make_unique<GptTable>(cfg, mem);
  default_gpi = Gpi::NonSecure;
  ASSERT_EQ(table->build(pool, {}, default_gpi, {}), "");
  EXPECT_EQ(table->l1_pool_bytes(), 0u);
  for (uint64_t pa : {uint64_t{0}, top / 3, top - 1}) {
    const GptWalk w = gpt_walk(cfg, pa, Pas::Realm, mem);
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.level, 0);
    EXPECT_EQ(w.gpi, Gpi::NonSecure);
    EXPECT_EQ(w.range_size, R);
    EXPECT_EQ(w.range_base, pa & ~(R - 1));
  }
}

TEST_P(Geometry, walks_agree_with_the_regions_at_every_edge_and_at_the_first_and_last_pa) {
  const uint64_t n0 = cfg.l0_entries();
  granular_regions.push_back({0, R, Gpi::NonSecure});  // first L0 entry
  if (n0 >= 2) granular_regions.push_back({top - R, R, Gpi::NonSecure});  // last L0 entry
  table = std::make_unique<GptTable>(cfg, mem);
  ASSERT_EQ(table->build(pool, granular_regions, default_gpi, {}), "");
  EXPECT_EQ(table->l1_pool_bytes(), GptTable::l1_bytes_for(cfg, granular_regions));
  applied = granular_regions;

  if (n0 >= 3) apply_range(R, R, Gpi::Realm);            // a whole L0 entry: a block
  apply_range(0, 2 * MiB, Gpi::Root);                    // a 2M run at PA 0
  apply_range(32 * MiB, 32 * MiB, Gpi::Realm);           // a 32M run
  apply_range(512 * MiB - 3 * G, 8 * G, Gpi::Secure);    // granules across a 512M edge
  apply_range(R - 512 * MiB, 512 * MiB - 2 * MiB, Gpi::Any);  // 32M and 2M runs up to R-2M
  apply_granule(R - G, Gpi::Root);                       // last granule of the first entry
  apply_granule(top - G, Gpi::Realm);                    // the last PA
  if (n0 >= 2) apply_granule(top - R + G, Gpi::Secure);  // second granule of the last entry

  if (n0 >= 3) {
    EXPECT_FALSE(table->set_granule(R + G, Gpi::Root));  // under an L0 block
  }
  expect_edges();

  // The runs the format allows are the runs the table used.
  EXPECT_EQ(gpt_walk(cfg, 1 * MiB, Pas::Root, mem).range_size, kContig2M);
  EXPECT_EQ(gpt_walk(cfg, 40 * MiB, Pas::Root, mem).range_size, kContig32M);
  EXPECT_EQ(gpt_walk(cfg, 512 * MiB - G, Pas::Root, mem).range_size, G);
}

TEST_P(Geometry, pas_beyond_the_pps_pass_only_for_non_secure) {
  table = std::make_unique<GptTable>(cfg, mem);
  ASSERT_EQ(table->build(pool, {{0, R, Gpi::Any}}, Gpi::Any, {}), "");
  if (t >= kPaLimitBits) GTEST_SKIP();
  EXPECT_TRUE(granule_protection_check(cfg, top, Pas::NonSecure, mem).ok());
  for (Pas pas : {Pas::Secure, Pas::Root, Pas::Realm}) {
    const GpcResult r = granule_protection_check(cfg, top, pas, mem);
    EXPECT_EQ(r.kind, GpfKind::Fail);
    EXPECT_EQ(r.level, 0);
  }
  EXPECT_TRUE(granule_protection_check(cfg, top - 1, Pas::Realm, mem).ok());
}

std::string name(const ::testing::TestParamInfo<Param>& info) {
  const uint8_t pps = static_cast<uint8_t>(std::get<0>(info.param));
  const uint8_t l0gptsz = static_cast<uint8_t>(std::get<2>(info.param));
  const unsigned pgs = pgs_bits(std::get<1>(info.param));
  return "pa" + std::to_string(pps_bits(pps)) + "_granule" +
         std::to_string((1u << pgs) / 1024) + "k_l0entry" + std::to_string(l0gptsz_bits(l0gptsz));
}

INSTANTIATE_TEST_SUITE_P(EveryPpsPgsL0gptsz, Geometry,
                         ::testing::Combine(::testing::Values(0u, 1u, 2u, 3u, 4u, 5u, 6u),
                                            ::testing::Values(Pgs::K4, Pgs::K16, Pgs::K64),
                                            ::testing::Values(0u, 4u, 6u, 9u)),
                         name);

}  // namespace
}  // namespace gpt
