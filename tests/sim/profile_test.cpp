#include "sim/profile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "sim/config_error.h"

using platform::ConfigError;
using platform::TimingProfile;

namespace {

// The shipped default profile's text: a profile declares every cost the models charge, so the
// tests start from a complete one and change one thing.
std::string default_text() {
  std::ifstream in(std::string(RMESIM_PROFILE_DIR) + "/default.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The default text with `from` replaced by `to` (once; `from` must be there).
std::string edited(const std::string& from, const std::string& to) {
  std::string t = default_text();
  const auto at = t.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? t : t.replace(at, from.size(), to);
}

// The ConfigError that parsing `text` throws (fails the test when there is none).
ConfigError parse_error(const std::string& text) {
  try {
    TimingProfile::parse(text, "p.yaml");
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return ConfigError("", 0, 0, "", "");
}

TEST(Profile, shipped_default_profile_loads_and_declares_every_cost_with_a_source) {
  const auto p = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml");
  EXPECT_EQ(p.name(), "default");
  EXPECT_GT(p.costs().size(), 8u);
  for (const auto& [name, c] : p.costs()) {
    EXPECT_FALSE(c.source.empty()) << name;
    EXPECT_LT(c.min, c.max) << name;
    EXPECT_TRUE(c.value >= c.min && c.value <= c.max) << name;
  }
}

TEST(Profile, every_shipped_profile_loads_with_every_cost_sourced) {
  for (const char* name : {"default", "neoverse-v2", "cortex-a720"}) {
    const auto p = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/" + name + ".yaml");
    EXPECT_EQ(p.name(), name);
    EXPECT_EQ(p.costs().size(), platform::kNumProfileCosts) << name;
    for (const auto& [cost, c] : p.costs()) EXPECT_GE(c.source.size(), 20u) << name << ": " << cost;
  }
}

// The SMC round trip through EL3 (two world switches) lies in the range TF-A measured with
// PSCI_VERSION (docs/perf/): 0.08-0.28 us on Neoverse N1, 520-720 ns on Cortex-A57.
TEST(Profile, server_and_mobile_smc_round_trips_lie_in_tf_a_measured_ranges) {
  auto round_trip_ns = [](const char* name) {
    return 2 * TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/" + name + ".yaml").number("smc.world_switch");
  };
  EXPECT_GE(round_trip_ns("neoverse-v2"), 80);
  EXPECT_LE(round_trip_ns("neoverse-v2"), 280);
  EXPECT_GE(round_trip_ns("cortex-a720"), 520);
  EXPECT_LE(round_trip_ns("cortex-a720"), 720);
}

TEST(Profile, cycles_convert_through_the_core_clock) {
  const auto p = TimingProfile::parse(default_text(), "t.yaml");
  EXPECT_EQ(p.duration("dram.latency"), sc_core::sc_time(90, sc_core::SC_NS));
  EXPECT_EQ(p.duration("cpu.fill"), sc_core::sc_time(10, sc_core::SC_NS));  // 20 cycles at 2 GHz
  EXPECT_DOUBLE_EQ(p.bytes_per_ns("dram.bandwidth"), 25.6);
  EXPECT_EQ((platform::RateCost{0, 4.0}.of(4096).time), sc_core::sc_time(1024, sc_core::SC_NS));
  EXPECT_EQ(p.rate("dram.bandwidth").id, TimingProfile::cost_id("dram.bandwidth"));
  EXPECT_EQ(p.charge("cpu.fill").time, p.duration("cpu.fill"));
  EXPECT_STREQ(platform::cost_category_name(TimingProfile::cost_id("cpu.fill")), "cpu.fill");
}

TEST(Profile, override_changes_one_cost_and_records_its_origin) {
  auto p = TimingProfile::parse(default_text(), "t.yaml");
  p.set("dram.latency", "7.5", "--set");
  EXPECT_EQ(p.duration("dram.latency"), sc_core::sc_time(7.5, sc_core::SC_NS));
  EXPECT_EQ(p.cost("dram.latency").declared, 90.0);
  EXPECT_EQ(p.cost("dram.latency").override_origin, "--set");
}

TEST(Profile, override_of_unknown_cost_or_bad_value_is_a_config_error) {
  auto p = TimingProfile::parse(default_text(), "t.yaml");
  EXPECT_THROW(p.set("nope", "1", "--set"), ConfigError);
  EXPECT_THROW(p.set("dram.latency", "abc", "--set"), ConfigError);
  EXPECT_THROW(p.set("dram.latency", "-1", "--set"), ConfigError);
  EXPECT_THROW(p.set("dram.bandwidth", "0", "--set"), ConfigError);
}

TEST(Profile, an_override_outside_the_costs_range_names_the_cost_and_the_range) {
  auto p = TimingProfile::parse(default_text(), "t.yaml");
  for (const char* v : {"1e-300", "-5", "nan", "inf", "-inf", "1e300", "20000"}) {
    try {
      p.set("core.clock", v, "--set profile.core.clock");
      ADD_FAILURE() << v << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "profile.core.clock") << v;
      const bool finite = std::string(v) != "nan" && std::string(v).find("inf") == std::string::npos;
      EXPECT_NE(std::string(e.what()).find(finite ? "from 1 to 10000 MHz" : "not a finite number"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(p.cost("core.clock").value, 2000.0) << "a refused override changes nothing";
  EXPECT_THROW(p.set("cpu.max_slice", "0", "--set"), ConfigError) << "a slice runs at least one instruction";
  EXPECT_NO_THROW(p.set("cpu.max_slice", "1000000", "--set"));
  EXPECT_NO_THROW(p.set("dram.latency", "0", "--set")) << "a free access is a valid what-if";
}

TEST(Profile, a_value_outside_its_range_in_the_file_names_line_cost_and_range) {
  const auto e = parse_error(edited("value: 2000\n", "value: 1e-300\n"));
  EXPECT_EQ(e.key(), "core.clock.value");
  EXPECT_EQ(e.line(), 12);
  EXPECT_NE(std::string(e.what()).find("from 1 to 10000 MHz"), std::string::npos) << e.what();
}

TEST(Profile, a_profile_missing_a_cost_is_refused_naming_it) {
  // Drop the core.cpi declaration (its key line and its indented fields).
  const std::string t = std::regex_replace(default_text(), std::regex("\n  core\\.cpi:\n(    [^\n]*\n)+"), "\n");
  ASSERT_EQ(t.find("core.cpi"), std::string::npos);
  EXPECT_EQ(parse_error(t).key(), "core.cpi");
}

TEST(Profile, a_cost_no_model_charges_or_in_another_unit_is_refused) {
  EXPECT_EQ(parse_error(edited("costs:\n", "costs:\n  core.clok: {unit: MHz, value: 1, source: s}\n")).key(), "core.clok");
  const auto e = parse_error(edited("    unit: ns\n    value: 90\n", "    unit: us\n    value: 90\n"));
  EXPECT_EQ(e.key(), "dram.latency.unit");
  EXPECT_NE(std::string(e.what()).find("in ns"), std::string::npos) << e.what();
}

TEST(Profile, a_sequence_or_map_as_a_key_or_a_value_is_a_config_error_with_its_line) {
  EXPECT_EQ(parse_error(edited("name: default\n", "name: [default]\n")).line(), 7);
  EXPECT_EQ(parse_error(edited("name: default\n", "[a, b]: 1\nname: default\n")).line(), 7);
  EXPECT_EQ(parse_error(edited("    value: 90\n", "    value: [90]\n")).key(), "dram.latency.value");
  EXPECT_EQ(parse_error(edited("    value: 90\n", "    [value]: 90\n")).key(), "dram.latency");
  EXPECT_EQ(parse_error(edited("  dram.latency:\n", "  [dram.latency]:\n")).key(), "costs");
}

TEST(Profile, cost_without_source_names_file_line_and_key) {
  const auto e = parse_error(edited("    source: \"JEDEC DDR4-3200: 3200 MT/s x 8 B = 25.6 GB/s per 64-bit channel\"\n", ""));
  EXPECT_EQ(e.file(), "p.yaml");
  EXPECT_EQ(e.line(), 21);
  EXPECT_EQ(e.key(), "dram.bandwidth");
}

TEST(Profile, unknown_unit_and_unknown_field_are_rejected_with_their_line) {
  const auto e = parse_error(edited("    unit: ns\n    value: 90\n", "    unit: parsecs\n    value: 90\n"));
  EXPECT_EQ(e.line(), 16);
  EXPECT_EQ(e.key(), "dram.latency.unit");
  EXPECT_EQ(parse_error(edited("    value: 90\n", "    value: 90\n    colour: red\n")).key(), "dram.latency.colour");
}

TEST(Profile, asking_for_an_undeclared_cost_or_wrong_unit_is_a_logic_error) {
  const auto p = TimingProfile::parse(default_text(), "t.yaml");
  EXPECT_THROW(p.duration("missing"), std::logic_error);
  EXPECT_THROW(p.duration("dram.bandwidth"), std::logic_error);
  EXPECT_THROW(p.bytes_per_ns("dram.latency"), std::logic_error);
}

}  // namespace
