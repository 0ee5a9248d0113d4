// Scenario loading: strict, and every error names the file, line, column and key.
#include "scenario.h"

#include <gtest/gtest.h>

using platform::ConfigError;
using rmesim::Override;
using rmesim::parse_scenario;

namespace {

const char* kValid = R"(name: ok
platform:
  cores: 2
  dram: 512MiB
  gpt: {pps: 1TB, pgs: 64KiB, l0gptsz: 16GiB}
steps:
  - delegate: {base: dram+0x100000, count: 2}
  - read: {pa: 0x80100000, pas: non_secure, expect: gpf_fail}
)";

TEST(Scenario, valid_scenario_fills_platform_and_steps) {
  const auto s = parse_scenario(kValid, "ok.yaml", {});
  EXPECT_EQ(s.name, "ok");
  EXPECT_EQ(s.platform.cores, 2u);
  EXPECT_EQ(s.platform.dram_size, 512ull << 20);
  EXPECT_EQ(s.platform.gpt_pgs, gpt::Pgs::K64);
  EXPECT_EQ(s.platform.gpt_l0gptsz, 4);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0]->kind, "delegate");
  EXPECT_EQ(s.steps[1]->where, "ok.yaml:8");
}

TEST(Scenario, overrides_replace_fields_and_profile_overrides_are_kept_aside) {
  const auto s = parse_scenario(kValid, "ok.yaml",
                                {{"platform.dram", "1GiB"}, {"seed", "9"}, {"profile.dram.latency", "120"}});
  EXPECT_EQ(s.platform.dram_size, 1ull << 30);
  EXPECT_EQ(s.platform.seed, 9u) << "the seed reaches the SoC, which derives the attestation keys from it";
  ASSERT_EQ(s.profile_overrides.size(), 1u);
  EXPECT_EQ(s.profile_overrides[0].key, "dram.latency");
  uint64_t seed = 3;
  EXPECT_EQ(parse_scenario(kValid, "ok.yaml", {{"seed", "9"}}, &seed).platform.seed, 3u) << "--seed wins";
}

struct BadCase {
  const char* what;
  const char* yaml;
  int line;         // expected line (0: an override, no line)
  const char* key;  // expected key
};

class ScenarioErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioErrors, names_file_line_and_key) {
  const BadCase& c = GetParam();
  try {
    parse_scenario(c.yaml, "bad.yaml", {});
    FAIL() << "no error for: " << c.what;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "bad.yaml") << e.what();
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_EQ(e.key(), c.key) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.yaml:" + std::to_string(c.line)), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ScenarioErrors,
    ::testing::Values(
        BadCase{"unknown top-level key", "name: x\nplatfrom: {}\n", 2, "platfrom"},
        BadCase{"unknown platform key", "name: x\nplatform:\n  cores: 2\n  ram: 1GiB\n", 4, "platform.ram"},
        BadCase{"wrong type for cores", "name: x\nplatform:\n  cores: four\n", 3, "platform.cores"},
        BadCase{"cores out of range", "name: x\nplatform:\n  cores: 0\n", 3, "platform.cores"},
        BadCase{"bad size", "name: x\nplatform:\n  dram: 2 gigs\n", 3, "platform.dram"},
        BadCase{"dram too small", "name: x\nplatform:\n  dram: 1MiB\n", 3, "platform.dram"},
        BadCase{"dram too big", "name: x\nplatform:\n  dram: 128GiB\n", 3, "platform.dram"},
        BadCase{"bad pgs", "name: x\nplatform:\n  gpt: {pgs: 8KiB}\n", 3, "platform.gpt.pgs"},
        BadCase{"bad pps", "name: x\nplatform:\n  gpt: {pps: 2TB}\n", 3, "platform.gpt.pps"},
        BadCase{"pps too small for dram", "name: x\nplatform:\n  dram: 4GiB\n  gpt: {pps: 4GB}\n", 4, "platform.gpt"},
        BadCase{"missing name", "platform: {cores: 1}\n", 1, "name"},
        BadCase{"steps not a list", "name: x\nsteps: {read: 1}\n", 2, "steps"},
        BadCase{"unknown step", "name: x\nsteps:\n  - fly: {}\n", 3, "steps[0].fly"},
        BadCase{"two keys in a step", "name: x\nsteps:\n  - {read: {pa: 0}, write: {pa: 0}}\n", 3, "steps[0]"},
        BadCase{"unknown step field", "name: x\nsteps:\n  - read: {pa: 0, colour: red}\n", 3, "steps[0].read.colour"},
        BadCase{"missing step field", "name: x\nsteps:\n  - delegate: {count: 1}\n", 3, "steps[0].delegate.base"},
        BadCase{"bad pas", "name: x\nsteps:\n  - read: {pa: 0, pas: world}\n", 3, "steps[0].read.pas"},
        BadCase{"bad expectation", "name: x\nsteps:\n  - read: {pa: 0, expect: maybe}\n", 3, "steps[0].read.expect"},
        BadCase{"bad address", "name: x\nsteps:\n  - read: {pa: dram+lots}\n", 3, "steps[0].read.pa"},
        BadCase{"vcpus beyond the cores", "name: x\nrealms:\n  r0:\n    image: realm-hello\n    vcpus: 4\n", 5, "realms.r0.vcpus"},
        BadCase{"realm with 64 KiB GPT granules", "name: x\nplatform:\n  gpt: {pgs: 64KiB}\nrealms:\n  r0:\n    image: realm-hello\n", 6, "realms.r0"},
        BadCase{"unknown guest image", "name: x\nrealms:\n  r0:\n    image: nosuch\n", 4, "realms.r0.image"},
        BadCase{"yaml syntax", "name: x\nsteps: [\n", 3, ""}),
    [](const ::testing::TestParamInfo<BadCase>& i) {
      std::string n = i.param.what;
      for (char& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST(Scenario, bad_override_value_names_the_override) {
  try {
    parse_scenario(kValid, "ok.yaml", {{"platform.cores", "many"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "--set");
    EXPECT_EQ(e.key(), "platform.cores");
  }
  EXPECT_THROW(parse_scenario(kValid, "ok.yaml", {{"platform.nonsense", "1"}}), ConfigError);
  EXPECT_THROW(rmesim::parse_override("novalue"), ConfigError);
}

}  // namespace

namespace {

TEST(Scenario, an_override_may_be_a_flow_list_or_map_and_its_errors_name_the_override) {
  const auto s = parse_scenario(kValid, "ok.yaml", {{"platform.gpt", "{pgs: 16KiB, l0gptsz: 1GiB}"}});
  EXPECT_EQ(s.platform.gpt_pgs, gpt::Pgs::K16);
  try {
    parse_scenario(kValid, "ok.yaml", {{"platform.gpt", "{pgs: 8KiB}"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "--set");
    EXPECT_EQ(e.key(), "platform.gpt.pgs");
  }
  EXPECT_THROW(parse_scenario(kValid, "ok.yaml", {{"platform.gpt", "{pgs: [}"}}), ConfigError);
}

}  // namespace

namespace {

// "[&a [x,...], &b [*a,...], ...]": `levels` lists of ten, each made of ten of the one before.
std::string alias_bomb(int levels) {
  std::string v = "[&l0 [x,x,x,x,x,x,x,x,x,x]";
  for (int i = 1; i < levels; ++i) {
    v += ", &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) v += (j ? ",*l" : "*l") + std::to_string(i - 1);
    v += "]";
  }
  return v + "]";
}

TEST(Scenario, an_override_that_expands_aliases_past_the_node_cap_is_refused_naming_it) {
  // Nine levels are 10^9 nodes once expanded: this must end at the cap, not run out of memory.
  try {
    parse_scenario(kValid, "ok.yaml", {{"description", alias_bomb(9)}});
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "--set");
    EXPECT_EQ(e.key(), "description");
    EXPECT_NE(std::string(e.what()).find("more than 10000 YAML nodes"), std::string::npos) << e.what();
  }
  // Under the cap an alias is plain YAML: it reaches the field, which wants a string.
  try {
    parse_scenario(kValid, "ok.yaml", {{"description", alias_bomb(2)}});
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("must be a string"), std::string::npos) << e.what();
  }
}

TEST(Scenario, a_scenario_that_is_not_a_regular_file_is_refused_at_load) {
  EXPECT_THROW(rmesim::load_scenario("/dev/zero", {}), ConfigError);
  EXPECT_THROW(rmesim::load_scenario("/", {}), ConfigError);
}

}  // namespace
