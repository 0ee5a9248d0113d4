#include "platform/profile.h"

#include <gtest/gtest.h>

#include "platform/config_error.h"

using platform::ConfigError;
using platform::TimingProfile;

namespace {

const char* kGood = R"(name: t
costs:
  core.clock: {unit: MHz, value: 2000, source: "assumption: test"}
  x.ns: {unit: ns, value: 5, source: "assumption: test"}
  x.cyc: {unit: cycles, value: 10, source: "assumption: test"}
  x.bw: {unit: GB/s, value: 4, source: "assumption: test"}
)";

TEST(Profile, shipped_default_profile_loads_and_declares_every_cost_with_a_source) {
  const auto p = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml");
  EXPECT_EQ(p.name(), "default");
  EXPECT_GT(p.costs().size(), 8u);
  for (const auto& [name, c] : p.costs()) EXPECT_FALSE(c.source.empty()) << name;
}

TEST(Profile, cycles_convert_through_the_core_clock) {
  const auto p = TimingProfile::parse(kGood, "t.yaml");
  EXPECT_EQ(p.duration("x.ns"), sc_core::sc_time(5, sc_core::SC_NS));
  EXPECT_EQ(p.duration("x.cyc"), sc_core::sc_time(5, sc_core::SC_NS));  // 10 cycles at 2 GHz
  EXPECT_DOUBLE_EQ(p.bytes_per_ns("x.bw"), 4.0);
  EXPECT_EQ(TimingProfile::transfer(4.0, 4096), sc_core::sc_time(1024, sc_core::SC_NS));
}

TEST(Profile, override_changes_one_cost_and_records_its_origin) {
  auto p = TimingProfile::parse(kGood, "t.yaml");
  p.set("x.ns", "7.5", "--set");
  EXPECT_EQ(p.duration("x.ns"), sc_core::sc_time(7.5, sc_core::SC_NS));
  EXPECT_EQ(p.cost("x.ns").declared, 5.0);
  EXPECT_EQ(p.cost("x.ns").override_origin, "--set");
}

TEST(Profile, override_of_unknown_cost_or_bad_value_is_a_config_error) {
  auto p = TimingProfile::parse(kGood, "t.yaml");
  EXPECT_THROW(p.set("nope", "1", "--set"), ConfigError);
  EXPECT_THROW(p.set("x.ns", "abc", "--set"), ConfigError);
  EXPECT_THROW(p.set("x.ns", "-1", "--set"), ConfigError);
  EXPECT_THROW(p.set("x.bw", "0", "--set"), ConfigError);
}

TEST(Profile, cost_without_source_names_file_line_and_key) {
  const char* bad = "name: t\ncosts:\n  a: {unit: ns, value: 1}\n";
  try {
    TimingProfile::parse(bad, "bad.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "a");
  }
}

TEST(Profile, unknown_unit_and_unknown_field_are_rejected_with_their_line) {
  try {
    TimingProfile::parse("name: t\ncosts:\n  a: {unit: ns, value: 1, source: s}\n  b: {unit: parsecs, value: 1, source: s}\n", "u.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.key(), "b.unit");
  }
  EXPECT_THROW(TimingProfile::parse("name: t\ncosts:\n  a: {unit: ns, value: 1, source: s, colour: red}\n", "u.yaml"), ConfigError);
}

TEST(Profile, asking_for_an_undeclared_cost_or_wrong_unit_is_a_logic_error) {
  const auto p = TimingProfile::parse(kGood, "t.yaml");
  EXPECT_THROW(p.duration("missing"), std::logic_error);
  EXPECT_THROW(p.duration("x.bw"), std::logic_error);
  EXPECT_THROW(p.bytes_per_ns("x.ns"), std::logic_error);
}

}  // namespace
