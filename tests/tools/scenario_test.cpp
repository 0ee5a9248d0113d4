// Scenario loading: strict, and every error names the file, line, column and key.
#include "rmesim/scenario.h"

#include <sstream>

#include <gtest/gtest.h>

#include "host/rmi_client.h"
#include "rmesim/steps.h"

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
        BadCase{"host page size not a kernel page size", "name: x\nhost:\n  page_size: 8KiB\n", 3, "host.page_size"},
        BadCase{"16 KiB host pages under RMM 1.0", "name: x\nhost:\n  page_size: 16KiB\n", 3, "host.page_size"},
        BadCase{"64 KiB host pages with the v12 host", "name: x\nhost:\n  abi: v12\n  page_size: 64KiB\n", 4, "host.page_size"},
        BadCase{"a realm under 16 KiB host pages on a 4 KiB GPT (the PGS must be the host page)",
                "name: x\nhost:\n  page_size: 16KiB\nrmm:\n  version: 2.0-bet1\nrealms:\n  r0:\n    image: realm-hello\n", 8, "realms.r0"},
        BadCase{"a realm under 64 KiB host pages on a 16 KiB GPT",
                "name: x\nplatform:\n  gpt: {pgs: 16KiB}\nhost:\n  page_size: 64KiB\nrmm:\n  version: 2.0-bet1\nrealms:\n  r0:\n    image: realm-hello\n", 10, "realms.r0"},
        BadCase{"a 2.0 realm with 4 KiB host pages on a 16 KiB GPT (the granule is smaller than the PGS)",
                "name: x\nplatform:\n  gpt: {pgs: 16KiB}\nrmm:\n  version: 2.0-bet1\nrealms:\n  r0:\n    image: realm-hello\n", 8, "realms.r0"},
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

// Under 2.0 a scenario without realms may run a 16 KiB host: its RMM_CONFIG_SET is refused and
// KVM has no realms (tests/host/rmm2_scenarios_test.sh runs it).
TEST(Scenario, a_realm_under_16k_or_64k_host_pages_loads_on_a_gpt_of_that_pgs) {
  for (const char* ps : {"16KiB", "64KiB"}) {
    const auto s = parse_scenario(std::string("name: x\nplatform:\n  gpt: {pgs: ") + ps + "}\nhost:\n  page_size: " + ps +
                                      "\nrmm:\n  version: 2.0-bet1\nrealms:\n  r0:\n    image: realm-hello\n",
                                  "ok.yaml", {});
    EXPECT_EQ(s.vms.size(), 1u);
  }
}

TEST(Scenario, host_page_size_is_the_kernel_page_and_defaults_to_4k) {
  EXPECT_EQ(parse_scenario("name: x\n", "ok.yaml", {}).host.page_size, 4096u);
  const auto s = parse_scenario("name: x\nhost:\n  page_size: 16KiB\nrmm:\n  version: 2.0-bet1\n", "ok.yaml", {});
  EXPECT_EQ(s.host.page_size, 16384u);
  EXPECT_EQ(parse_scenario("name: x\nrmm:\n  version: 2.0-bet1\n", "ok.yaml", {{"host.page_size", "64KiB"}}).host.page_size, 65536u);
}

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

// `rmesim help steps` is generated from the declarations the loader checks keys against.
namespace {

std::vector<std::string> kinds() {
  std::vector<std::string> out;
  std::stringstream s(rmesim::known_step_kinds());
  for (std::string k; std::getline(s, k, ',');) out.push_back(k.substr(k.find_first_not_of(' ')));
  return out;
}

// The part of the help about `kind`: from its heading to the blank line after it.
std::string help_section(const std::string& help, const std::string& kind) {
  const auto at = help.find("\n  " + kind + ": ");
  if (at == std::string::npos) return "";
  return help.substr(at, help.find("\n\n", at + 1) - at);
}

const char* kTwoVms = "name: x\nrealms: {r0: {image: realm-hello}}\nvms: {vm0: {image: compute}}\nsteps:\n";

TEST(StepHelp, every_step_kind_is_listed_with_its_short_form_and_every_field) {
  const std::string help = rmesim::steps_help();
  ASSERT_GE(kinds().size(), 15u);
  for (const auto& k : kinds()) {
    const rmesim::StepKind* sk = rmesim::find_step_kind(k);
    ASSERT_NE(sk, nullptr) << k;
    const std::string section = help_section(help, k);
    ASSERT_FALSE(section.empty()) << k << " is not in the help";
    if (sk->scalar) {
      EXPECT_NE(section.find(k + ": " + sk->scalar), std::string::npos) << k;
    }
    for (const auto& f : sk->fields) {
      EXPECT_NE(section.find("      " + std::string(f.name) + " (" + f.type), std::string::npos) << k << "." << f.name;
    }
  }
}

TEST(StepHelp, every_rmi_command_is_listed_with_its_arguments_and_results) {
  const std::string help = rmesim::steps_help();
  unsigned commands = 0;
  for (uint32_t fid = 0xC4000150; fid < 0xC4000190; ++fid) {
    const std::string name = host::rmi_command_name(fid);
    if (name.empty()) continue;
    ++commands;
    std::string line = "  " + name + ":";
    const auto& args = host::rmi_command(fid)->args;
    for (unsigned i = 0; i < args.size(); ++i) line += " " + std::string(args[i]);
    const auto& results = host::rmi_command(fid)->results;
    if (results.size()) line += " ->";
    for (unsigned i = 0; i < results.size(); ++i) line += " " + std::string(results[i]);
    EXPECT_NE(help.find(line + "\n"), std::string::npos) << line;
  }
  EXPECT_EQ(commands, 23u);
}

TEST(StepHelp, a_key_outside_a_kinds_declaration_is_refused) {
  for (const auto& k : kinds()) {
    const rmesim::StepKind* sk = rmesim::find_step_kind(k);
    if (sk->fields.empty() || k == "rmi") continue;
    try {
      parse_scenario(std::string(kTwoVms) + "  - " + k + ": {undeclared: 1}\n", "bad.yaml", {});
      ADD_FAILURE() << k << " accepted an undeclared key";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "steps[0]." + k + ".undeclared") << e.what();
    }
  }
}

TEST(StepHelp, every_declared_field_is_accepted_by_the_loader) {
  for (const auto& k : kinds()) {
    for (const auto& f : rmesim::find_step_kind(k)->fields) {
      // The value may be wrong for the field; the key itself must never be "unknown".
      const std::string step = k == "rmi" ? "{rmi: RMI_VERSION, version: 0, " + std::string(f.name) + ": 0}"
                                          : k + ": {" + f.name + ": 0}";
      try {
        parse_scenario(std::string(kTwoVms) + "  - " + step + "\n", "x.yaml", {});
      } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()).find("unknown key"), std::string::npos) << k << "." << f.name << ": " << e.what();
      }
    }
  }
}

TEST(Scenario, an_rmi_value_that_starts_with_a_digit_or_minus_is_a_number_never_a_page_name) {
  EXPECT_NO_THROW(parse_scenario(std::string(kTwoVms) + "  - {rmi: RTT_DESTROY, rd: r0, ipa: 0x1000, level: -1}\n", "x.yaml", {}));
  for (const char* bad : {"0x9000_0000", "18446744073709551616", "-", "-5x", "1e3", "0x"}) {
    try {
      parse_scenario(std::string(kTwoVms) + "  - {rmi: RTT_DESTROY, rd: r0, ipa: " + bad + ", level: 3}\n", "x.yaml", {});
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "steps[0].rmi.ipa") << e.what();
    }
  }
}

TEST(Scenario, one_duration_syntax_for_quantum_pause_and_run) {
  const auto s = parse_scenario(std::string(kTwoVms) + "  - pause: 1.5us\n  - run: {vm: r0, timeout: 2s}\n", "x.yaml",
                                {{"platform.quantum", "250ns"}});
  EXPECT_EQ(s.platform.quantum_ns, 250u);
  for (const char* bad : {"nans", "infs", "1e300s", "2e19ns", "1e-9ns", "0ns", "1.0000000001s", "3601s", "5 ms", "-1us", ".5us", "5."}) {
    EXPECT_THROW(parse_scenario(std::string(kTwoVms) + "  - pause: " + bad + "\n", "x.yaml", {}), ConfigError) << bad;
    EXPECT_THROW(parse_scenario(kValid, "ok.yaml", {{"platform.quantum", bad}}), ConfigError) << bad;
  }
}

TEST(Scenario, a_duplicate_key_in_an_override_map_is_refused) {
  EXPECT_THROW(parse_scenario(kValid, "ok.yaml", {{"platform.gpt", "{pgs: 4KiB, pgs: 64KiB}"}}), ConfigError);
}

}  // namespace

// rmm.version: the RMM's specification, and the pairs of host ABI and RMM version.
namespace {

TEST(ScenarioRmm, the_rmm_is_1_0_unless_the_scenario_asks_for_2_0_bet1) {
  EXPECT_STREQ(parse_scenario("name: x\n", "x.yaml", {}).rmm->version, "1.0");
  const auto s = parse_scenario("name: x\nrmm:\n  version: 2.0-bet1\n", "x.yaml", {});
  EXPECT_STREQ(s.rmm->version, "2.0-bet1");
  EXPECT_STREQ(parse_scenario("name: x\n", "x.yaml", {{"rmm.version", "2.0-bet1"}}).rmm->version, "2.0-bet1");
}

void expect_error(const std::string& yaml, const std::vector<Override>& o, const std::string& file, int line,
                  const std::string& key, const std::string& says) {
  try {
    parse_scenario(yaml, "x.yaml", o);
    FAIL() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), file);
    EXPECT_EQ(e.line(), line);
    EXPECT_EQ(e.key(), key);
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
  }
}

TEST(ScenarioRmm, an_undeclared_version_is_refused_listing_the_declared_ones) {
  expect_error("name: x\nrmm:\n  version: 2.0\n", {}, "x.yaml", 3, "rmm.version", "1.0, 2.0-bet1");
  expect_error("name: x\nrmm:\n  flavour: tf\n", {}, "x.yaml", 3, "rmm.flavour", "");
}

TEST(ScenarioRmm, a_v12_host_on_a_2_0_rmm_is_refused_the_v14_host_negotiates_1_0) {
  expect_error("name: x\nhost:\n  abi: v12\nrmm:\n  version: 2.0-bet1\n", {}, "x.yaml", 5, "rmm.version", "v12 speaks RMI 1.0 only");
  expect_error("name: x\nrmm:\n  version: 2.0-bet1\n", {{"host.abi", "v12"}}, "x.yaml", 3, "rmm.version", "host.abi: v14");
  EXPECT_STREQ(parse_scenario("name: x\nhost:\n  abi: v14\nrmm:\n  version: 1.0\n", "x.yaml", {}).rmm->version, "1.0");
}

TEST(ScenarioRmm, rmi_steps_take_the_commands_and_statuses_of_the_version) {
  const std::string v2 = "name: x\nrmm:\n  version: 2.0-bet1\nsteps:\n";
  EXPECT_NO_THROW(parse_scenario(v2 + "  - {rmi: RTT_DATA_MAP, rd: 0, base: 0, top: 0, flags: 0, oaddr: 0, expect: RMI_ERROR_GLOBAL}\n", "x.yaml", {}));
  expect_error(v2 + "  - {rmi: DATA_DESTROY, rd: 0, ipa: 0}\n", {}, "x.yaml", 5, "steps[0].rmi", "RMM 2.0-bet1");
  expect_error("name: x\nsteps:\n  - {rmi: RTT_DATA_MAP, rd: 0}\n", {}, "x.yaml", 3, "steps[0].rmi", "RMM 1.0");
  expect_error("name: x\nsteps:\n  - {rmi: VERSION, version: 0, expect: RMI_BUSY}\n", {}, "x.yaml", 3, "steps[0].rmi.expect", "RMI_ERROR_RTT, any");
}

}  // namespace

namespace {

TEST(ScenarioRmm, gpt_l1_tables_on_demand_needs_rmm_2_0) {
  const std::string gpt = "name: x\nplatform:\n  gpt: {l1_tables: on_demand}\n";
  EXPECT_TRUE(parse_scenario(gpt + "rmm: {version: 2.0-bet1}\n", "x.yaml", {}).platform.gpt_l1_on_demand);
  EXPECT_FALSE(parse_scenario("name: x\n", "x.yaml", {}).platform.gpt_l1_on_demand);
  expect_error(gpt, {}, "x.yaml", 3, "platform.gpt.l1_tables", "needs rmm.version: 2.0-bet1");
  expect_error("name: x\nplatform:\n  gpt: {l1_tables: lazy}\n", {}, "x.yaml", 3, "platform.gpt.l1_tables", "on_demand");
}

}  // namespace

namespace {

TEST(StepHelp, the_2_0_bet1_commands_are_listed_after_1_0s_with_their_registers) {
  const std::string help = rmesim::steps_help();
  const size_t v2 = help.find(" RMM 2.0-bet1 (rmm.version: 2.0-bet1):\n");
  ASSERT_NE(v2, std::string::npos);
  for (const char* line : {"  RMI_GRANULE_RANGE_DELEGATE: base top -> top\n", "  RMI_OP_MEM_DONATE: handle list count -> consumed donate_req\n",
                           "  RMI_REC_CREATE: rd rec params -> handle donate_req\n", "  RMI_RTT_DATA_MAP_INIT: rd data ipa src flags\n"})
    EXPECT_NE(help.find(line, v2), std::string::npos) << line;
  EXPECT_EQ(help.find("  RMI_REC_ENTER:", v2), std::string::npos) << "unchanged commands are listed once";
}

}  // namespace
