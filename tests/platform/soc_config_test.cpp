#include "platform/soc_config.h"

#include <gtest/gtest.h>

using platform::GiB;
using platform::MiB;
using platform::SocConfig;

TEST(SocConfig, defaults_are_valid) { EXPECT_EQ(SocConfig{}.validate(), ""); }

TEST(SocConfig, rejects_bad_sizes_and_geometry_naming_the_key) {
  SocConfig c;
  c.dram_size = 32 * MiB;
  EXPECT_NE(c.validate().find("platform.dram"), std::string::npos);
  c = SocConfig{};
  c.dram_size = 65 * GiB;
  EXPECT_NE(c.validate().find("platform.dram"), std::string::npos);
  c = SocConfig{};
  c.cores = 0;
  EXPECT_NE(c.validate().find("platform.cores"), std::string::npos);
  c = SocConfig{};
  c.gpt_pgs = static_cast<gpt::Pgs>(3);
  EXPECT_NE(c.validate().find("platform.gpt"), std::string::npos);
  c = SocConfig{};
  c.gpt_pps = 0;  // 4 GB of protected PA cannot cover DRAM ending at 4 GiB + 2 GiB
  c.dram_size = 4 * GiB;
  EXPECT_NE(c.validate().find("platform.gpt.pps"), std::string::npos);
}
