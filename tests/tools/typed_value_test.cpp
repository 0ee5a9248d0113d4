// Typed write values: the bytes each form stands for (typed_value.h).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "platform/abi/rmm_abi_1_0.h"
#include "sim/config_error.h"
#include "typed_value.h"

namespace {

std::vector<uint8_t> bytes_of(const char* yaml) { return rmesim::parse_typed_value("t.yaml", YAML::Load(yaml), "v"); }

TEST(TypedValue, byte_lists_and_integers_are_little_endian) {
  EXPECT_EQ(bytes_of("[1, 0x22, 255]"), (std::vector<uint8_t>{1, 0x22, 0xFF}));
  EXPECT_EQ(bytes_of("{u16: 0x1234}"), (std::vector<uint8_t>{0x34, 0x12}));
  EXPECT_EQ(bytes_of("{u32: [1, 0x80000000]}"), (std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0, 0x80}));
  const auto u64 = bytes_of("{u64: 0x0102030405060708}");
  EXPECT_EQ(u64, (std::vector<uint8_t>{8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST(TypedValue, a_structure_by_field_lands_at_the_declared_offsets) {
  const auto b = bytes_of("{RealmParams: {s2sz: 40, vmid: 0x1234, rtt_level_start: -1, rpv: [9, 8]}}");
  ASSERT_EQ(b.size(), 4096u);
  EXPECT_EQ(b[0x008], 40);
  EXPECT_EQ(b[0x800], 0x34);
  EXPECT_EQ(b[0x801], 0x12);
  EXPECT_EQ(b[0x802], 0) << "vmid is a u16";
  int64_t sl;
  std::memcpy(&sl, &b[0x810], 8);
  EXPECT_EQ(sl, -1);
  EXPECT_EQ(b[0x400], 9);
  EXPECT_EQ(b[0x401], 8);
  size_t nonzero = 0;
  for (uint8_t x : b) nonzero += x != 0;
  EXPECT_EQ(nonzero, 1u + 2u + 8u + 2u) << "unset fields are zero";
}

TEST(TypedValue, a_nested_structure_takes_a_map) {
  const auto b = bytes_of("{RmiRecRun: {exit: {imm: 0x55, gprs: [0, 7]}, enter: {flags: 1}}}");
  ASSERT_EQ(b.size(), 4096u);
  EXPECT_EQ(b[platform::abi::rmi::rec_exit::kImm], 0x55);
  EXPECT_EQ(b[platform::abi::rmi::rec_exit::kGprs + 8], 7);
  EXPECT_EQ(b[platform::abi::rmi::rec_enter::kFlags], 1);
}

TEST(TypedValue, bad_forms_are_config_errors_at_their_key) {
  for (const auto& [yaml, key] : std::vector<std::pair<const char*, const char*>>{
           {"{u8: 256}", "v.u8"}, {"{RealmParams: {nope: 1}}", "v.RealmParams.nope"}, {"{Nope: {}}", "v.Nope"},
           {"{RealmParams: {rpv: 1}}", "v.RealmParams.rpv"}, {"[]", "v"}, {"{u8: 1, u16: 1}", "v"}}) {
    try {
      bytes_of(yaml);
      ADD_FAILURE() << yaml << " was accepted";
    } catch (const platform::ConfigError& e) {
      EXPECT_EQ(e.key(), key) << yaml << ": " << e.what();
    }
  }
}

}  // namespace
