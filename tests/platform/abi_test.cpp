// The ABI declaration (platform/abi/rmm_abi_1_0.h) and its codec: register names, FIDs against
// the constants, and fields written and read through their declared offset and size.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "platform/abi/specs.h"

namespace {

namespace abi = platform::abi;
namespace rmi = platform::abi::rmi;
namespace rsi = platform::abi::rsi;
using abi::v1_0::kRealmParams;
using abi::v1_0::kRecRun;

TEST(AbiRegNames, count_index_and_find_registers_in_x1_order) {
  constexpr abi::RegNames r(" rd  data ipa ");
  static_assert(r.size() == 3);
  static_assert(r[1] == "data");
  static_assert(r.reg_of("ipa") == 3 && r.reg_of("rd") == 1 && r.reg_of("nope") == 0);
  EXPECT_EQ(abi::RegNames("").size(), 0u);
}

TEST(AbiDeclaration, rmi_1_0_has_every_command_with_the_spec_registers) {
  const abi::Spec& s = *abi::find_spec("1.0");
  EXPECT_EQ(s.rmi.count, rmi::kNumCommands);
  const abi::Command* rte = s.rmi_command(rmi::kRttReadEntry);
  ASSERT_NE(rte, nullptr);
  EXPECT_STREQ(rte->name, "RMI_RTT_READ_ENTRY");
  EXPECT_EQ(rte->args.size(), 3u);
  EXPECT_EQ(rte->results.reg_of("walk_level"), 1u);
  EXPECT_EQ(rte->results.reg_of("ripas"), 4u);
  EXPECT_EQ(s.rmi_command(rmi::kVersionFid)->results.reg_of("higher"), 2u);
  EXPECT_EQ(s.rmi_command(0xC4000156), nullptr);  // unused in 1.0
  EXPECT_EQ(s.rsi_command(rsi::kMeasurementRead)->results.size(), 8u);
  EXPECT_EQ(s.rsi_command(rsi::kMeasurementExtend)->args.size(), 10u);
  EXPECT_EQ(abi::find_spec("0.9"), nullptr);
}

TEST(AbiDeclaration, commands_are_found_by_name_in_any_case_with_or_without_prefix) {
  const auto& t = abi::kImplemented.rmi;
  ASSERT_NE(abi::find_command(t, "rtt_init_ripas", "RMI_"), nullptr);
  EXPECT_EQ(abi::find_command(t, "RMI_RTT_INIT_RIPAS", "RMI_")->fid, rmi::kRttInitRipas);
  EXPECT_EQ(abi::find_command(t, "RTT_INIT", "RMI_"), nullptr);
  EXPECT_EQ(abi::find_command(abi::kImplemented.rsi, "host_call", "RSI_")->fid, rsi::kHostCall);
}

TEST(AbiDeclaration, structures_have_their_fields_and_rec_run_nests_enter_and_exit) {
  static_assert(kRealmParams.field("rtt_num_start").offset == 0x818);
  static_assert(kRealmParams.field("rpv").count == 64);
  static_assert(kRecRun.nested("exit", "ripas_value").offset == rmi::rec_exit::kRipasValue);
  static_assert(kRecRun.nested("enter", "gicv3_lrs").offset == rmi::rec_enter::kGicv3Lrs);
  EXPECT_EQ(kRealmParams.find("vmidd"), nullptr);
  EXPECT_THROW(kRealmParams.field("vmidd"), std::logic_error);  // at run time; a compile error if constexpr
  EXPECT_NE(abi::kImplemented.structure("RsiHostCall"), nullptr);
  for (const abi::Struct* s : abi::kImplemented.structs) EXPECT_TRUE(abi::struct_valid(*s)) << s->name;
}

TEST(AbiCodec, a_field_is_written_and_read_with_its_declared_size_only) {
  std::array<uint8_t, 4096> b;
  b.fill(0xEE);
  abi::put(b.data(), kRealmParams, "s2sz", 0x1234'5628);  // a u8: only the low byte goes in
  EXPECT_EQ(b[0x008], 0x28);
  EXPECT_EQ(b[0x009], 0xEE) << "the slot's padding is not the field's";
  EXPECT_EQ(abi::get(b.data(), kRealmParams, "s2sz"), 0x28u);
  abi::put(b.data(), kRealmParams, "vmid", 0xBEEF);
  EXPECT_EQ(abi::get(b.data(), kRealmParams, "vmid"), 0xBEEFu);
  EXPECT_EQ(b[0x802], 0xEE);
  abi::put(b.data(), kRealmParams, "rtt_level_start", static_cast<uint64_t>(-1));
  EXPECT_EQ(static_cast<int64_t>(abi::get(b.data(), kRealmParams, "rtt_level_start")), -1);
  abi::put(b.data(), abi::v1_0::kRecParams, "aux", 0x8800'1000, 15);
  EXPECT_EQ(abi::get(b.data(), abi::v1_0::kRecParams, "aux", 15), 0x8800'1000u);
  uint64_t raw;
  std::memcpy(&raw, &b[rmi::rec_params::kAux + 15 * 8], 8);
  EXPECT_EQ(raw, 0x8800'1000u);
}

TEST(AbiCodec, fits_follows_size_and_sign) {
  constexpr abi::Field u8 = kRealmParams.field("s2sz"), s64 = kRealmParams.field("rtt_level_start");
  static_assert(abi::fits(u8, 255) && !abi::fits(u8, 256));
  static_assert(abi::fits(s64, static_cast<uint64_t>(-1)));
  constexpr abi::Field s8{"s8", 0, 1, 1, true, ""};
  static_assert(abi::fits(s8, static_cast<uint64_t>(-128)) && !abi::fits(s8, 128) && !abi::fits(s8, static_cast<uint64_t>(-129)));
}

}  // namespace
