// A guest TLBI's scope (tlbi.h) and what it leaves in the PE's architectural TLB
// (TlbContents::invalidate_va / invalidate_stage1). Encodings from the Arm ARM's TLBI table.
#include <gtest/gtest.h>

#include "tlb_contents.h"
#include "tlbi.h"

namespace {

using cpu::decode_tlbi;
using cpu::TlbContents;

TEST(Tlbi, el1_by_va_forms_name_one_address_and_everything_else_is_all) {
  struct Case { const char* name; uint32_t op1, crm, op2; bool by_va; };
  const Case cases[] = {
      {"VMALLE1", 0, 7, 0, false},  {"VMALLE1IS", 0, 3, 0, false}, {"VMALLE1OS", 0, 1, 0, false},
      {"VAE1", 0, 7, 1, true},      {"VAE1IS", 0, 3, 1, true},     {"VAE1OS", 0, 1, 1, true},
      {"ASIDE1", 0, 7, 2, false},   {"ASIDE1IS", 0, 3, 2, false},  {"VAAE1", 0, 7, 3, true},
      {"VAAE1IS", 0, 3, 3, true},   {"VALE1", 0, 7, 5, true},      {"VALE1IS", 0, 3, 5, true},
      {"VAALE1", 0, 7, 7, true},    {"VAALE1IS", 0, 3, 7, true},   {"RVAE1", 0, 6, 1, false},
      {"RVAE1IS", 0, 2, 1, false},  {"RVAE1OS", 0, 5, 1, false},   {"ALLE1", 4, 7, 4, false},
      {"VAE2", 4, 7, 1, false},     {"IPAS2E1", 4, 4, 1, false},   {"ALLE3", 6, 7, 0, false},
  };
  for (const Case& c : cases) EXPECT_EQ(decode_tlbi(c.op1, c.crm, c.op2, 0).by_va, c.by_va) << c.name;
}

TEST(Tlbi, xt_holds_va_55_12_sign_extended_and_an_asid_that_is_ignored) {
  EXPECT_EQ(decode_tlbi(0, 7, 1, 0x80100).va, 0x80100000u);
  EXPECT_EQ(decode_tlbi(0, 7, 1, (uint64_t{5} << 48) | 0x80100).va, 0x80100000u);  // ASID 5
  // A TTBR1 address: VA[55] set, so VA[63:56] are ones.
  EXPECT_EQ(decode_tlbi(0, 3, 1, 0xfff000080000ull).va, 0xffff000080000000ull);
}

TlbContents::Entry entry(uint64_t ipa, unsigned s1_shift) {
  TlbContents::Entry e;
  e.ipa = e.pa = ipa;
  e.s1_shift = static_cast<uint8_t>(s1_shift);
  return e;
}

TEST(Tlbi, by_va_drops_the_page_or_the_2mib_block_it_names_and_keeps_the_rest) {
  TlbContents t;
  t.record(0x400000, entry(0x80000000, 12));  // two 4 KiB pages
  t.record(0x401000, entry(0x80001000, 12));
  t.record(0x600000, entry(0x80200000, 21));  // two pieces of one 2 MiB block
  t.record(0x7ff000, entry(0x803ff000, 21));
  t.record(0x800000, entry(0x80400000, 21));  // the next block
  t.invalidate_va(0x400010);
  EXPECT_FALSE(t.find(0x400000));
  EXPECT_TRUE(t.find(0x401000));
  t.invalidate_va(0x600000);
  EXPECT_FALSE(t.find(0x600000));
  EXPECT_FALSE(t.find(0x7ff000));
  EXPECT_TRUE(t.find(0x800000));
  EXPECT_TRUE(t.find(0x401000));
  t.invalidate_va(0x12345000);  // nothing held there: nothing else goes
  EXPECT_EQ(t.entries(), 2u);
}

TEST(Tlbi, by_va_in_a_block_above_2mib_and_vmalle1_drop_every_stage1_entry_but_not_the_walk_cache) {
  TlbContents t;
  t.record(0x40000000, entry(0x40000000, 30));  // a 1 GiB block
  t.record(0x400000, entry(0x80000000, 12));
  t.record_table(entry(0x80010000, 12));
  t.invalidate_va(0x40000000);
  EXPECT_EQ(t.entries(), 0u);
  EXPECT_TRUE(t.find_table(0x80010000));  // stage-2 translation of a table page: not the guest's TLBI's
  t.record(0x400000, entry(0x80000000, 12));
  t.invalidate_stage1();
  EXPECT_FALSE(t.find(0x400000));
  EXPECT_TRUE(t.find_table(0x80010000));
}

}  // namespace
