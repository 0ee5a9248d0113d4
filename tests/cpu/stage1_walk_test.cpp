// The stage-1 walker against tables whose outcome was worked out by hand from the Arm ARM
// (D8.2 granules and levels, D8.3 descriptors, D8.4 access permissions): each row gives the
// translation registers, the descriptors in memory, the access, and the expected IPA and
// permissions or the fault and its level. Expected values are written out, never computed.
#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "stage1_walk.h"
#include "unicorn_engine.h"

namespace {

using cpu::Stage1Regs;
using cpu::Stage1Result;
using Fault = Stage1Result::Fault;
constexpr uint32_t R = cpu::kRead, W = cpu::kWrite, X = cpu::kExec;

// Descriptor bits.
constexpr uint64_t kValid = 1, kTable = 3, kPage = 3, kBlock = 1, kAf = 1u << 10;
constexpr uint64_t kApEl0 = 1u << 6, kApRo = 1u << 7, kPxn = 1ull << 53, kUxn = 1ull << 54;
constexpr uint64_t kPxnTable = 1ull << 59, kUxnTable = 1ull << 60, kApTableNoEl0 = 1ull << 61,
                   kApTableRo = 1ull << 62;

// TCR_EL1 fields.
constexpr uint64_t t0sz(uint64_t v) { return v; }
constexpr uint64_t t1sz(uint64_t v) { return v << 16; }
constexpr uint64_t kTg0_4k = 0, kTg0_64k = 1ull << 14, kTg0_16k = 2ull << 14, kTg1_4k = 2ull << 30;
constexpr uint64_t kEpd0 = 1u << 7, kEpd1 = 1u << 23, kTbi0 = 1ull << 37;
constexpr uint64_t kIps48 = 5ull << 32, kIps32 = 0;
constexpr uint64_t kSctlrM = 1, kSctlrWxn = 1u << 19;

enum Access { Read, Write, Fetch };

struct Row {
  const char* name;
  uint64_t tcr, ttbr0, ttbr1;
  std::vector<std::pair<uint64_t, uint64_t>> mem;  // descriptor address -> value
  uint64_t va;
  Access access;
  bool el0;
  Fault fault;
  int level;
  uint64_t ipa;    // when fault == None
  uint32_t perms;  // when fault == None
  uint64_t sctlr = kSctlrM;
  bool pan = false;
  uint64_t unreadable = ~uint64_t{0};  // a descriptor address the reader refuses
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.name; }

// A 39-bit, 4 KiB-granule walk used by many rows: L1 at 0x1000, L2 at 0x2000, L3 at 0x3000,
// for VA 0x4020_3123 (L1 index 1, L2 index 1, L3 index 3).
constexpr uint64_t kTcr39 = t0sz(25) | kTg0_4k | kEpd1 | kIps48;
std::vector<std::pair<uint64_t, uint64_t>> walk39(uint64_t leaf, uint64_t l1_extra = 0) {
  return {{0x1000 + 1 * 8, 0x2000 | kTable | l1_extra}, {0x2000 + 1 * 8, 0x3000 | kTable}, {0x3000 + 3 * 8, leaf}};
}

const std::vector<Row>& rows() {
  static const std::vector<Row> r = {
      {"4k_three_levels_to_a_page", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf), 0x40203123, Read, false,
       Fault::None, 3, 0x90000123, R | W | X},
      {"4k_level1_block_1g_read_only", kTcr39, 0x1000, 0, {{0x1000 + 8, 0xC0000000 | kBlock | kAf | kApRo}},
       0x41234567, Read, false, Fault::None, 1, 0xC1234567, R | X},
      {"4k_write_to_a_read_only_block_faults_at_its_level", kTcr39, 0x1000, 0,
       {{0x1000 + 8, 0xC0000000 | kBlock | kAf | kApRo}}, 0x41234567, Write, false, Fault::Permission, 1, 0, 0},
      {"4k_level2_block_2m", kTcr39, 0x1000, 0,
       {{0x1000 + 8, 0x2000 | kTable}, {0x2000 + 8, 0x88200000 | kBlock | kAf}}, 0x40345678, Read, false,
       Fault::None, 2, 0x88345678, R | W | X},
      {"4k_48bit_va_starts_at_level0_where_a_block_is_not_allowed", t0sz(16) | kEpd1 | kIps48, 0x1000, 0,
       {{0x1000 + 0, 0x0 | kBlock | kAf}}, 0x1000, Read, false, Fault::Translation, 0, 0, 0},
      {"4k_48bit_va_four_levels", t0sz(16) | kEpd1 | kIps48, 0x1000, 0,
       {{0x1000 + 1 * 8, 0x2000 | kTable}, {0x2000 + 0, 0x3000 | kTable}, {0x3000 + 0, 0x4000 | kTable},
        {0x4000 + 2 * 8, 0x7000 | kPage | kAf}},
       0x8000002abc, Read, false, Fault::None, 3, 0x7abc, R | W | X},
      {"invalid_descriptor_at_level2", kTcr39, 0x1000, 0, {{0x1000 + 8, 0x2000 | kTable}, {0x2000 + 8, 0}},
       0x40203123, Read, false, Fault::Translation, 2, 0, 0},
      {"level3_descriptor_with_bit1_clear_is_reserved", kTcr39, 0x1000, 0, walk39(0x90000000 | kValid | kAf),
       0x40203123, Read, false, Fault::Translation, 3, 0, 0},
      {"access_flag_clear", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage), 0x40203123, Read, false,
       Fault::AccessFlag, 3, 0, 0},
      {"output_address_beyond_ips", t0sz(25) | kEpd1 | kIps32, 0x1000, 0, walk39(0x100000000 | kPage | kAf),
       0x40203123, Read, false, Fault::AddressSize, 3, 0, 0},
      {"epd0_disables_ttbr0_walks", kTcr39 | kEpd0, 0x1000, 0, walk39(0x90000000 | kPage | kAf), 0x40203123,
       Read, false, Fault::Translation, 0, 0, 0},
      {"va_above_t0sz_faults_at_level0", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf), 0x8040203123,
       Read, false, Fault::Translation, 0, 0, 0},
      {"tbi0_ignores_the_top_byte", kTcr39 | kTbi0, 0x1000, 0, walk39(0x90000000 | kPage | kAf),
       0x5a00000040203123, Read, false, Fault::None, 3, 0x90000123, R | W | X},
      {"without_tbi0_a_tagged_va_faults", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf),
       0x5a00000040203123, Read, false, Fault::Translation, 0, 0, 0},
      {"an_unreadable_table_is_reported_with_its_level", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf),
       0x40203123, Read, false, Fault::TableRead, 3, 0, 0, kSctlrM, false, 0x3000 + 3 * 8},
      // TTBR1: VA[55] set; T1SZ 25 with a 4 KiB TG1. VA 0xffffff80_00001000: L1 0, L2 0, L3 1.
      {"ttbr1_kernel_va", t0sz(25) | t1sz(25) | kTg1_4k | kIps48, 0x1000, 0x5000,
       {{0x5000, 0x6000 | kTable}, {0x6000, 0x7000 | kTable}, {0x7000 + 8, 0x40080000 | kPage | kAf | kUxn}},
       0xffffff8000001abc, Fetch, false, Fault::None, 3, 0x40080abc, R | W | X},
      {"ttbr1_va_with_a_hole_in_its_top_bits", t0sz(25) | t1sz(25) | kTg1_4k | kIps48, 0x1000, 0x5000, {},
       0xfff0000000001000, Read, false, Fault::Translation, 0, 0, 0},
      {"epd1_disables_ttbr1_walks", t0sz(25) | t1sz(25) | kTg1_4k | kEpd1 | kIps48, 0x1000, 0x5000, {},
       0xffffff8000001000, Read, false, Fault::Translation, 0, 0, 0},
      // 16 KiB granule, T0SZ 17 (47-bit VA): three levels from 1 (11 index bits each).
      // VA 0x10_0200_4abc: L1 = VA[46:36] = 1, L2 = VA[35:25] = 1, L3 = VA[24:14] = 1.
      {"16k_three_levels_to_a_page", t0sz(17) | kTg0_16k | kEpd1 | kIps48, 0x4000, 0,
       {{0x4000 + 8, 0x8000 | kTable}, {0x8000 + 8, 0xC000 | kTable}, {0xC000 + 8, 0x90004000 | kPage | kAf}},
       0x1002004abc, Read, false, Fault::None, 3, 0x90004abc, R | W | X},
      {"16k_level2_block_32m", t0sz(17) | kTg0_16k | kEpd1 | kIps48, 0x4000, 0,
       {{0x4000 + 8, 0x8000 | kTable}, {0x8000 + 8, 0x92000000 | kBlock | kAf}}, 0x1003234567, Read, false,
       Fault::None, 2, 0x93234567, R | W | X},
      {"16k_level1_block_is_not_allowed", t0sz(17) | kTg0_16k | kEpd1 | kIps48, 0x4000, 0,
       {{0x4000 + 8, 0x0 | kBlock | kAf}}, 0x1002004abc, Read, false, Fault::Translation, 1, 0, 0},
      // 64 KiB granule, T0SZ 22 (42-bit VA): two levels from 2 (13 index bits each).
      // VA 0x2_2002_1234: L2 = VA[41:29] = 0x11, L3 = VA[28:16] = 2.
      {"64k_two_levels_to_a_page", t0sz(22) | kTg0_64k | kEpd1 | kIps48, 0x10000, 0,
       {{0x10000 + 0x11 * 8, 0x20000 | kTable}, {0x20000 + 2 * 8, 0x90010000 | kPage | kAf}}, 0x220021234,
       Read, false, Fault::None, 3, 0x90011234, R | W | X},
      {"64k_level2_block_512m", t0sz(22) | kTg0_64k | kEpd1 | kIps48, 0x10000, 0,
       {{0x10000 + 0x11 * 8, 0xA0000000 | kBlock | kAf}}, 0x220021234, Read, false, Fault::None, 2, 0xA0021234,
       R | W | X},
      // Access permissions (D8.4).
      {"el0_reads_a_page_ap_el0", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf | kApEl0 | kApRo),
       0x40203123, Read, true, Fault::None, 3, 0x90000123, R | X},
      {"el0_cannot_read_an_el1_only_page", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf), 0x40203123,
       Read, true, Fault::Permission, 3, 0, 0},
      {"el0_may_execute_an_execute_only_page", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf | kPxn),
       0x40203123, Fetch, true, Fault::None, 3, 0x90000123, X},
      {"el0_cannot_execute_with_uxn", kTcr39, 0x1000, 0,
       walk39(0x90000000 | kPage | kAf | kApEl0 | kUxn), 0x40203123, Fetch, true, Fault::Permission, 3, 0, 0},
      {"el1_cannot_execute_what_el0_may_write", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf | kApEl0),
       0x40203123, Fetch, false, Fault::Permission, 3, 0, 0},
      {"el1_cannot_execute_with_pxn", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf | kPxn), 0x40203123,
       Fetch, false, Fault::Permission, 3, 0, 0},
      {"aptable_no_el0_denies_el0_below_it", kTcr39, 0x1000, 0,
       walk39(0x90000000 | kPage | kAf | kApEl0, kApTableNoEl0), 0x40203123, Read, true, Fault::Permission, 3, 0,
       0},
      {"aptable_no_el0_leaves_el1_alone", kTcr39, 0x1000, 0,
       walk39(0x90000000 | kPage | kAf | kApEl0, kApTableNoEl0), 0x40203123, Write, false, Fault::None, 3,
       0x90000123, R | W | X},
      {"aptable_read_only_denies_writes_below_it", kTcr39, 0x1000, 0,
       walk39(0x90000000 | kPage | kAf, kApTableRo), 0x40203123, Write, false, Fault::Permission, 3, 0, 0},
      {"uxntable_denies_el0_execution_below_it", kTcr39, 0x1000, 0,
       walk39(0x90000000 | kPage | kAf | kApEl0 | kApRo, kUxnTable), 0x40203123, Fetch, true, Fault::Permission,
       3, 0, 0},
      {"pxntable_denies_el1_execution_below_it", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf, kPxnTable),
       0x40203123, Fetch, false, Fault::Permission, 3, 0, 0},
      {"wxn_makes_writable_memory_execute_never", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf),
       0x40203123, Fetch, false, Fault::Permission, 3, 0, 0, kSctlrM | kSctlrWxn},
      {"wxn_leaves_read_only_memory_executable", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf | kApRo),
       0x40203123, Fetch, false, Fault::None, 3, 0x90000123, R | X, kSctlrM | kSctlrWxn},
      {"pan_denies_el1_reads_of_el0_memory", kTcr39, 0x1000, 0,
       walk39(0x90000000 | kPage | kAf | kApEl0 | kApRo), 0x40203123, Read, false, Fault::Permission, 3, 0, 0,
       kSctlrM, true},
      {"pan_leaves_el1_fetches_alone", kTcr39, 0x1000, 0, walk39(0x90000000 | kPage | kAf | kApEl0 | kApRo),
       0x40203123, Fetch, false, Fault::None, 3, 0x90000123, X, kSctlrM, true},
      {"mmu_off_is_flat_and_allows_everything", kTcr39, 0x1000, 0, {}, 0x12345678, Write, false, Fault::None, 0,
       0x12345678, R | W | X, 0},
  };
  return r;
}

class Stage1WalkTable : public ::testing::TestWithParam<Row> {};

TEST_P(Stage1WalkTable, gives_the_translation_the_arm_arm_gives) {
  const Row& row = GetParam();
  std::map<uint64_t, uint64_t> mem(row.mem.begin(), row.mem.end());
  Stage1Regs regs;
  regs.sctlr = row.sctlr;
  regs.tcr = row.tcr;
  regs.ttbr0 = row.ttbr0;
  regs.ttbr1 = row.ttbr1;
  regs.pan = row.pan;
  const Stage1Result r = cpu::stage1_walk(regs, row.va, row.access == Write, row.access == Fetch, row.el0,
                                          [&](uint64_t ipa, uint64_t& v) {
                                            if (ipa == row.unreadable) return false;
                                            auto it = mem.find(ipa);
                                            v = it == mem.end() ? 0 : it->second;
                                            return true;
                                          });
  EXPECT_EQ(static_cast<int>(r.fault), static_cast<int>(row.fault));
  if (row.fault != Fault::None || row.sctlr & kSctlrM) EXPECT_EQ(r.level, row.level);
  if (row.fault == Fault::TableRead) EXPECT_EQ(r.ipa, row.unreadable);
  if (row.fault == Fault::None) {
    EXPECT_EQ(r.ipa, row.ipa);
    EXPECT_EQ(r.perms, row.perms);
  }
}

INSTANTIATE_TEST_SUITE_P(Arm, Stage1WalkTable, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& i) { return std::string(i.param.name); });

TEST(Stage1Walk, fault_status_codes_carry_the_level) {
  const struct { Fault fault; int level; uint32_t fsc; } cases[] = {
      {Fault::Permission, 3, 0x0f}, {Fault::Translation, 0, 0x04}, {Fault::AccessFlag, 2, 0x0a},
      {Fault::AddressSize, 1, 0x01}, {Fault::TableRead, 3, 0x17}};
  for (const auto& c : cases) {
    Stage1Result r;
    r.fault = c.fault;
    r.level = c.level;
    EXPECT_EQ(r.fsc(), c.fsc) << static_cast<int>(c.fault) << " at level " << c.level;
  }
}

}  // namespace
