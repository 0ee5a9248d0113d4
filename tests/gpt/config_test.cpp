// GPCCR_EL3 / GPTBR_EL3 decoding, validation and geometry (gpt.md §1.1, §1.2).
#include "gpt/config.h"

#include <gtest/gtest.h>

namespace gpt {
namespace {

TEST(GpcConfig, pps_encodings_give_32_to_52_protected_bits_and_7_is_reserved) {
  const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
  for (uint8_t pps = 0; pps < 7; ++pps) EXPECT_EQ(pps_bits(pps), bits[pps]);
  EXPECT_EQ(pps_bits(7), 0u);
}

TEST(GpcConfig, pgs_encodings_are_4k_64k_16k_in_that_order_and_3_is_reserved) {
  EXPECT_EQ(pgs_bits(Pgs::K4), 12u);
  EXPECT_EQ(pgs_bits(Pgs::K64), 16u);
  EXPECT_EQ(pgs_bits(Pgs::K16), 14u);
  EXPECT_EQ(pgs_bits(static_cast<Pgs>(3)), 0u);
}

TEST(GpcConfig, l0gptsz_encodings_are_30_34_36_39_bits_and_others_are_reserved) {
  for (uint8_t v = 0; v < 16; ++v) {
    const unsigned expect = v == 0 ? 30 : v == 4 ? 34 : v == 6 ? 36 : v == 9 ? 39 : 0;
    EXPECT_EQ(l0gptsz_bits(v), expect) << "L0GPTSZ " << unsigned(v);
  }
}

TEST(GpcConfig, fvp_defaults_give_an_8k_l0_of_1024_entries_and_128k_l1_tables) {
  GpcConfig cfg;  // PPS 1 TB, 4 KB granules, L0GPTSZ 1 GB
  EXPECT_EQ(cfg.t(), 40u);
  EXPECT_EQ(cfg.s(), 30u);
  EXPECT_EQ(cfg.p(), 12u);
  EXPECT_EQ(cfg.l0_entries(), 1024u);
  EXPECT_EQ(cfg.l0_table_bytes(), 8192u);
  EXPECT_EQ(cfg.l1_table_bytes(), 128u * 1024);
  EXPECT_EQ(cfg.l1_used_bytes(), 128u * 1024);
  EXPECT_EQ(cfg.l1_entry_span(), 64u * 1024);
  EXPECT_TRUE(cfg.validate().empty());
}

TEST(GpcConfig, a_small_l0_table_still_takes_4k) {
  GpcConfig cfg;
  cfg.pps = 0;  // 4 GB, 4 entries of 1 GB
  EXPECT_EQ(cfg.l0_entries(), 4u);
  EXPECT_EQ(cfg.l0_table_bytes(), 4096u);
}

TEST(GpcConfig, l0gptsz_at_or_above_pps_gives_one_l0_entry_and_a_partly_used_l1_table) {
  GpcConfig cfg;
  cfg.pps = 0;       // t = 32
  cfg.l0gptsz = 9;   // s = 39
  EXPECT_EQ(cfg.l0_entries(), 1u);
  EXPECT_EQ(cfg.l0_table_bytes(), 4096u);
  EXPECT_EQ(cfg.l1_table_bytes(), uint64_t{1} << (39 - 12 - 1));
  EXPECT_EQ(cfg.l1_used_bytes(), uint64_t{1} << (32 - 12 - 1));
  EXPECT_TRUE(cfg.valid());
}

TEST(GpcConfig, register_images_round_trip_through_decode) {
  GpcConfig cfg;
  cfg.pps = 5;
  cfg.pgs = Pgs::K16;
  cfg.l0gptsz = 6;
  cfg.enabled = true;
  cfg.sh = 2;
  cfg.irgn = 3;
  cfg.orgn = 2;
  cfg.l0_base = 0x0000'1234'5678'0000ull;
  EXPECT_EQ(cfg.gpccr(), 0x5u | 3u << 8 | 2u << 10 | 2u << 12 | 2u << 14 | 1u << 16 | 6u << 20);
  EXPECT_EQ(cfg.gptbr(), cfg.l0_base >> 12);
  GpcConfig back;
  std::string err;
  ASSERT_TRUE(GpcConfig::decode(cfg.gpccr(), cfg.gptbr(), back, &err)) << err;
  EXPECT_EQ(back.pps, cfg.pps);
  EXPECT_EQ(back.pgs, cfg.pgs);
  EXPECT_EQ(back.l0gptsz, cfg.l0gptsz);
  EXPECT_EQ(back.enabled, cfg.enabled);
  EXPECT_EQ(back.sh, cfg.sh);
  EXPECT_EQ(back.irgn, cfg.irgn);
  EXPECT_EQ(back.orgn, cfg.orgn);
  EXPECT_EQ(back.l0_base, cfg.l0_base);
}

TEST(GpcConfig, decode_keeps_an_invalid_configuration_and_says_why) {
  GpcConfig out;
  std::string err;
  EXPECT_FALSE(GpcConfig::decode(3u << 14 | 1u << 16 | 3u << 12 | 1u << 8, 0, out, &err));
  EXPECT_EQ(static_cast<unsigned>(out.pgs), 3u);
  EXPECT_TRUE(out.enabled);
  EXPECT_NE(err.find("PGS"), std::string::npos) << err;
}

struct Invalid {
  const char* what;
  void (*apply)(GpcConfig&);
};

TEST(GpcConfig, each_priority_1_rule_makes_the_configuration_invalid) {
  const Invalid cases[] = {
      {"PPS", [](GpcConfig& c) { c.pps = 7; }},
      {"PARANGE", [](GpcConfig& c) { c.pps = 5, c.parange = 4; }},
      {"PGS", [](GpcConfig& c) { c.pgs = static_cast<Pgs>(3); }},
      {"L0GPTSZ", [](GpcConfig& c) { c.l0gptsz = 1; }},
      {"SH", [](GpcConfig& c) { c.sh = 1; }},
      {"Non-cacheable", [](GpcConfig& c) { c.sh = 3, c.irgn = 0, c.orgn = 0; }},
      {"Non-cacheable", [](GpcConfig& c) { c.sh = 0, c.irgn = 0, c.orgn = 0; }},
  };
  for (const Invalid& inv : cases) {
    GpcConfig cfg;
    inv.apply(cfg);
    EXPECT_FALSE(cfg.valid()) << inv.what;
    const std::string why = cfg.validate();
    EXPECT_NE(why.find(inv.what), std::string::npos) << inv.what << ": " << why;
  }
}

TEST(GpcConfig, non_cacheable_fetches_are_valid_when_outer_shareable) {
  GpcConfig cfg;
  cfg.sh = 2;
  cfg.irgn = 0;
  cfg.orgn = 0;
  EXPECT_TRUE(cfg.valid());
  EXPECT_TRUE(cfg.validate().empty());
}

}  // namespace
}  // namespace gpt
