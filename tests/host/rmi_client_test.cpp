// The RMI command table the host and raw RMI steps use: names, FIDs, argument lists.
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
    EXPECT_EQ(host::rmi_command_fid(name), fid);
    EXPECT_EQ(host::rmi_command_fid(name.substr(4)), fid) << "without the RMI_ prefix";
  }
  EXPECT_EQ(host::rmi_command_fid("data_create"), rmi::kDataCreate);
  EXPECT_EQ(host::rmi_command_fid("NO_SUCH_COMMAND"), 0u);
}

TEST(RmiCommands, argument_lists_follow_the_register_order) {
  const auto& a = host::rmi_command_args(rmi::kDataCreate);
  std::vector<std::string> v(a.begin(), a.end());
  EXPECT_EQ(v, (std::vector<std::string>{"rd", "data", "ipa", "src", "flags"}));
  EXPECT_EQ(host::rmi_command_args(rmi::kRttSetRipas).size(), 4u);
  EXPECT_EQ(host::rmi_command_args(0xC4000156).size(), 0u);  // unused FID
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
