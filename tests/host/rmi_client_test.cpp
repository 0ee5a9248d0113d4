// The RMI commands the host and raw RMI steps take from the declaration: names, FIDs, arguments.
#include <gtest/gtest.h>

#include "host/rmi_client.h"

namespace {

namespace rmi = platform::abi::rmi;

TEST(RmiCommands, names_and_fids_round_trip_for_every_command) {
  const uint32_t fids[] = {rmi::kVersionFid, rmi::kGranuleDelegate, rmi::kGranuleUndelegate, rmi::kDataCreate,
                           rmi::kDataCreateUnknown, rmi::kDataDestroy, rmi::kRealmActivate, rmi::kRealmCreate,
                           rmi::kRealmDestroy, rmi::kRecCreate, rmi::kRecDestroy, rmi::kRecEnter, rmi::kRttCreate,
                           rmi::kRttDestroy, rmi::kRttMapUnprotected, rmi::kRttReadEntry, rmi::kRttUnmapUnprotected,
                           rmi::kPsciComplete, rmi::kFeatures, rmi::kRttFold, rmi::kRecAuxCount,
                           rmi::kRttInitRipas, rmi::kRttSetRipas};
  static_assert(sizeof fids / sizeof fids[0] == rmi::kNumCommands);
  for (uint32_t fid : fids) {
    const std::string name = host::rmi_command_name(fid);
    ASSERT_FALSE(name.empty()) << std::hex << fid;
    ASSERT_NE(host::rmi_command(name), nullptr) << name;
    EXPECT_EQ(host::rmi_command(name)->fid, fid);
    ASSERT_NE(host::rmi_command(name.substr(4)), nullptr) << "without the RMI_ prefix";
    EXPECT_EQ(host::rmi_command(name.substr(4))->fid, fid);
  }
  ASSERT_NE(host::rmi_command("data_create"), nullptr);
  EXPECT_EQ(host::rmi_command("data_create")->fid, rmi::kDataCreate);
  EXPECT_EQ(host::rmi_command("NO_SUCH_COMMAND"), nullptr);
  EXPECT_EQ(host::rmi_command("RSI_VERSION"), nullptr) << "an RSI command is not an RMI one";
}

TEST(RmiCommands, argument_lists_follow_the_register_order) {
  const auto& a = host::rmi_command(rmi::kDataCreate)->args;
  std::vector<std::string> v;
  for (unsigned i = 0; i < a.size(); ++i) v.emplace_back(a[i]);
  EXPECT_EQ(v, (std::vector<std::string>{"rd", "data", "ipa", "src", "flags"}));
  EXPECT_EQ(host::rmi_command(rmi::kRttSetRipas)->args.size(), 4u);
  EXPECT_EQ(host::rmi_command(0xC4000156), nullptr);  // unused FID
}

TEST(RmiCommands, statuses_parse_with_or_without_prefix) {
  rmi::Status s;
  ASSERT_TRUE(host::rmi_status_from_name("RMI_ERROR_RTT", s));
  EXPECT_EQ(s, rmi::Status::ErrorRtt);
  ASSERT_TRUE(host::rmi_status_from_name("error_realm", s));
  EXPECT_EQ(s, rmi::Status::ErrorRealm);
  EXPECT_FALSE(host::rmi_status_from_name("RMI_ERROR_BOGUS", s));
}

}  // namespace
