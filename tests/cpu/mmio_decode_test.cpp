// decode_data_access: the syndrome fields from the encoding; access_address: the VA.
#include "mmio_decode.h"

#include <gtest/gtest.h>

namespace {

TEST(MmioDecode, single_register_loads_and_stores_have_a_valid_syndrome) {
  auto a = cpu::decode_data_access(0x39400023);  // ldrb w3, [x1]
  EXPECT_TRUE(a.isv);
  EXPECT_EQ(a.size, 1u);
  EXPECT_EQ(a.srt, 3u);
  EXPECT_FALSE(a.write);
  a = cpu::decode_data_access(0xf9000437);  // str x23, [x1, #8]
  EXPECT_TRUE(a.isv);
  EXPECT_TRUE(a.write);
  EXPECT_EQ(a.size, 8u);
  EXPECT_EQ(a.srt, 23u);
  EXPECT_TRUE(a.sf);
  a = cpu::decode_data_access(0xb9800429);  // ldrsw x9, [x1, #4]
  EXPECT_TRUE(a.isv && a.sse && a.sf);
  EXPECT_EQ(a.size, 4u);
  a = cpu::decode_data_access(0xc8dffc22);  // ldar x2, [x1]
  EXPECT_TRUE(a.isv && a.ar && !a.write);
}

TEST(MmioDecode, pairs_and_writeback_have_no_valid_syndrome) {
  EXPECT_FALSE(cpu::decode_data_access(0xa9402c2a).isv);  // ldp x10, x11, [x1]
  EXPECT_FALSE(cpu::decode_data_access(0xf8408427).isv);  // ldr x7, [x1], #8
}

TEST(MmioDecode, the_access_address_comes_from_base_offset_and_index) {
  auto x = [](unsigned n) -> uint64_t { return n == 1 ? 0x1000 : n == 2 ? 3 : 0; };
  EXPECT_EQ(cpu::access_address(0xf9400422, 0, x), 0x1008u);  // ldr x2, [x1, #8]
  EXPECT_EQ(cpu::access_address(0xf8627820, 0, x), 0x1018u);  // ldr x0, [x1, x2, lsl #3]
  EXPECT_FALSE(cpu::access_address(0xd503201f, 0, x));        // nop
}
}  // namespace
