// The granule protection check: every fault kind with its level, the GPC priorities, and
// every access PAS against every raw GPI value, on hand-written descriptors.
#include "gpt/check.h"

#include <gtest/gtest.h>

#include "gpt/descriptor.h"
#include "test_memory.h"

namespace gpt {
namespace {

using test::TestMemory;

constexpr uint64_t GiB = uint64_t{1} << 30, MiB = uint64_t{1} << 20;
constexpr Pas kAllPas[] = {Pas::Secure, Pas::NonSecure, Pas::Root, Pas::Realm};

// The architecture's GPI table written out independently of gpi_permits(): for each raw
// value, whether base FEAT_RME defines it, and which PAS it admits {S, NS, Root, Realm}.
struct GpiRule {
  bool valid;
  bool admits[4];  // indexed by Pas
};
constexpr GpiRule kRules[16] = {
    /*0x0 NO_ACCESS*/ {true, {false, false, false, false}},
    /*0x1*/ {false, {}}, /*0x2*/ {false, {}}, /*0x3*/ {false, {}},
    /*0x4 SA (GDI)*/ {false, {}}, /*0x5 NSP (GDI)*/ {false, {}},
    /*0x6*/ {false, {}}, /*0x7*/ {false, {}},
    /*0x8 SECURE*/ {true, {true, false, false, false}},
    /*0x9 NS*/ {true, {false, true, false, false}},
    /*0xA ROOT*/ {true, {false, false, true, false}},
    /*0xB REALM*/ {true, {false, false, false, true}},
    /*0xC*/ {false, {}}, /*0xD NSO (GPC2)*/ {false, {}}, /*0xE*/ {false, {}},
    /*0xF ANY*/ {true, {true, true, true, true}},
};

// A 4 GB PPS, 4 KB granules, 1 GB per L0 entry: L0 entry 0 is a table, 1..3 as each test
// writes them.
class Check : public ::testing::Test {
 protected:
  static constexpr uint64_t kL0 = 0xF000'0000, kL1 = 0xF010'0000;

  Check() {
    cfg.pps = 0;
    cfg.pgs = Pgs::K4;
    cfg.l0gptsz = 0;
    cfg.enabled = true;
    cfg.l0_base = kL0;
    mem.poke(kL0 + 0 * 8, encode_l0_table(kL1));
    for (uint64_t i = 0; i < cfg.l1_table_bytes() / 8; ++i) mem.poke(kL1 + i * 8, l1_fill(Gpi::NonSecure));
    mem.poke(kL0 + 1 * 8, encode_l0_block(Gpi::Realm));
    mem.poke(kL0 + 2 * 8, encode_l0_block(Gpi::Root));
    mem.poke(kL0 + 3 * 8, encode_l0_block(Gpi::Any));
  }
  // The L1 entry for `pa` in L0 entry 0 (64 KB per entry).
  uint64_t l1_entry(uint64_t pa) const { return kL1 + (pa >> 16) * 8; }

  GpcResult check(uint64_t pa, Pas pas) { return granule_protection_check(cfg, pa, pas, mem); }
  GptWalk walk(uint64_t pa, Pas pas = Pas::NonSecure) { return gpt_walk(cfg, pa, pas, mem); }

  void expect_fault(uint64_t pa, GpfKind kind, int level) {
    for (Pas pas : kAllPas) {
      const GpcResult r = check(pa, pas);
      EXPECT_EQ(r.kind, kind) << to_string(pas) << " at " << std::hex << pa;
      EXPECT_EQ(r.level, level) << to_string(pas);
      EXPECT_EQ(r.pa, pa);
      EXPECT_EQ(r.pas, pas);
    }
  }

  GpcConfig cfg;
  TestMemory mem;
};

// --- GPC disabled and priority 1 ---------------------------------------------------------

TEST_F(Check, gpc_disabled_passes_every_access_without_reading_the_table) {
  cfg.enabled = false;
  cfg.pgs = static_cast<Pgs>(3);  // even an invalid configuration is not looked at
  for (Pas pas : kAllPas) EXPECT_TRUE(check(1 * GiB, pas).ok());
  EXPECT_EQ(mem.reads, 0u);
  const GptWalk w = walk(5 * GiB);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.gpi, Gpi::Any);
  EXPECT_EQ(w.range_base, 0u);
  EXPECT_EQ(w.range_size, kPaLimit);
}

TEST_F(Check, invalid_configuration_is_a_walk_fault_at_level_0_for_every_pas) {
  cfg.pgs = static_cast<Pgs>(3);
  expect_fault(0x1000, GpfKind::Walk, 0);
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(Check, invalid_configuration_takes_priority_over_a_pa_beyond_the_pps) {
  cfg.sh = 1;
  expect_fault(8 * GiB, GpfKind::Walk, 0);  // even the Non-secure access faults
}

TEST_F(Check, pps_beyond_the_implemented_pa_range_is_an_invalid_configuration) {
  cfg.pps = 6;
  cfg.parange = 5;
  expect_fault(0x1000, GpfKind::Walk, 0);
}

// --- Priority 3: PA outside the PPS ------------------------------------------------------

TEST_F(Check, non_secure_access_beyond_the_pps_passes_without_a_walk_R_CPDSB) {
  const GpcResult r = check(4 * GiB, Pas::NonSecure);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(Check, secure_root_and_realm_accesses_beyond_the_pps_are_a_gpf_at_level_0_R_JFFHB) {
  for (Pas pas : {Pas::Secure, Pas::Root, Pas::Realm}) {
    const GpcResult r = check(4 * GiB + 0x1000, pas);
    EXPECT_EQ(r.kind, GpfKind::Fail) << to_string(pas);
    EXPECT_EQ(r.level, 0);
  }
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(Check, walk_beyond_the_pps_reads_as_gpi_ns_up_to_the_pa_limit) {
  const GptWalk w = walk((uint64_t{1} << 40) + 5, Pas::Realm);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.gpi, Gpi::NonSecure);
  EXPECT_EQ(w.level, 0);
  EXPECT_EQ(w.range_base, 4 * GiB);
  EXPECT_EQ(w.range_base + w.range_size, kPaLimit);
  EXPECT_EQ(w.reads, 0u);
}

TEST_F(Check, a_pa_beyond_the_pps_is_decided_before_the_gptbr_range_check) {
  cfg.l0_base = 8 * GiB;
  EXPECT_TRUE(check(4 * GiB, Pas::NonSecure).ok());
  EXPECT_EQ(check(4 * GiB, Pas::Realm).kind, GpfKind::Fail);
}

// --- Priority 4: GPTBR_EL3 outside the PPS -----------------------------------------------

TEST_F(Check, gptbr_outside_the_pps_is_an_address_size_fault_at_level_0) {
  cfg.l0_base = 4 * GiB;
  expect_fault(0x1000, GpfKind::AddressSize, 0);
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(Check, gptbr_bits_below_the_l0_table_size_are_ignored) {
  cfg.l0_base = kL0 + 0x800;  // the 4 KB L0 table is read from kL0
  EXPECT_EQ(walk(1 * GiB).gpi, Gpi::Realm);
}

// --- Level 0 -----------------------------------------------------------------------------

TEST_F(Check, external_abort_on_the_l0_fetch_is_an_eabt_fault_at_level_0) {
  mem.aborts.insert(kL0 + 2 * 8);
  expect_fault(2 * GiB, GpfKind::ExternalAbort, 0);
  const GptWalk w = walk(2 * GiB);
  EXPECT_EQ(w.reads, 1u);
  EXPECT_EQ(w.range_size, 0u);
}

TEST_F(Check, invalid_l0_descriptor_is_a_walk_fault_at_level_0) {
  for (uint64_t bad : {uint64_t{0}, uint64_t{0x2}, uint64_t{0x7}, uint64_t{0xF}}) {
    mem.poke(kL0 + 2 * 8, bad);
    expect_fault(2 * GiB, GpfKind::Walk, 0);
  }
}

TEST_F(Check, l0_block_with_a_res0_bit_set_is_a_walk_fault_at_level_0_R_XNKFZ) {
  mem.poke(kL0 + 2 * 8, encode_l0_block(Gpi::Any) | uint64_t{1} << 40);
  expect_fault(2 * GiB, GpfKind::Walk, 0);
}

TEST_F(Check, reserved_gpi_in_an_l0_block_is_a_walk_fault_at_level_0) {
  mem.poke(kL0 + 2 * 8, encode_l0_block(static_cast<Gpi>(0x5)));
  expect_fault(2 * GiB, GpfKind::Walk, 0);
}

TEST_F(Check, l0_table_with_a_misaligned_l1_address_is_a_walk_fault_at_level_0) {
  mem.poke(kL0, encode_l0_table(kL1 + 0x1000));  // L1 tables here are 128 KB aligned
  expect_fault(0x1000, GpfKind::Walk, 0);
}

TEST_F(Check, l0_table_with_res0_bits_in_the_address_field_is_a_walk_fault_at_level_0) {
  mem.poke(kL0, encode_l0_table(kL1) | 0x10);
  expect_fault(0x1000, GpfKind::Walk, 0);
}

TEST_F(Check, l0_table_pointing_outside_the_pps_is_a_walk_fault_at_level_0) {
  mem.poke(kL0, encode_l0_table(8 * GiB));
  expect_fault(0x1000, GpfKind::Walk, 0);
}

TEST_F(Check, gpi_mismatch_in_an_l0_block_is_a_gpf_at_level_0) {
  const GpcResult r = check(1 * GiB + 0x5000, Pas::NonSecure);  // Realm block
  EXPECT_EQ(r.kind, GpfKind::Fail);
  EXPECT_EQ(r.level, 0);
  EXPECT_EQ(r.gpi, Gpi::Realm);
  EXPECT_TRUE(check(1 * GiB + 0x5000, Pas::Realm).ok());
}

// --- Level 1 -----------------------------------------------------------------------------

TEST_F(Check, external_abort_on_the_l1_fetch_is_an_eabt_fault_at_level_1) {
  mem.aborts.insert(l1_entry(0x30000));
  expect_fault(0x30000, GpfKind::ExternalAbort, 1);
  EXPECT_EQ(walk(0x30000).reads, 2u);
  EXPECT_TRUE(check(0x40000, Pas::NonSecure).ok());  // the next entry reads fine
}

TEST_F(Check, reserved_gpi_of_the_accessed_granule_is_a_walk_fault_at_level_1) {
  mem.poke(l1_entry(0x30000), l1_set_gpi(l1_fill(Gpi::NonSecure), 3, static_cast<Gpi>(0xC)));
  expect_fault(0x33000, GpfKind::Walk, 1);
  EXPECT_TRUE(check(0x34000, Pas::NonSecure).ok());  // only the accessed nibble matters
}

TEST_F(Check, contiguous_descriptor_with_contig_0_is_a_walk_fault_at_level_1) {
  mem.poke(l1_entry(0x30000), 0x1 | 0x9 << 4);
  expect_fault(0x30000, GpfKind::Walk, 1);
}

TEST_F(Check, contiguous_descriptor_with_a_res0_bit_set_is_a_walk_fault_at_level_1) {
  mem.poke(l1_entry(0x30000), encode_l1_contiguous(Gpi::NonSecure, kContig2M) | 1u << 12);
  expect_fault(0x30000, GpfKind::Walk, 1);
}

TEST_F(Check, reserved_gpi_in_a_contiguous_descriptor_is_a_walk_fault_at_level_1) {
  mem.poke(l1_entry(0x30000), 0x1 | 0x6 << 4 | 1 << 8);
  expect_fault(0x30000, GpfKind::Walk, 1);
}

TEST_F(Check, gpi_mismatch_in_an_l1_granule_is_a_gpf_at_level_1) {
  mem.poke(l1_entry(0x30000), l1_set_gpi(l1_fill(Gpi::NonSecure), 2, Gpi::Realm));
  const GpcResult r = check(0x32000, Pas::NonSecure);
  EXPECT_EQ(r.kind, GpfKind::Fail);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.gpi, Gpi::Realm);
  EXPECT_EQ(r.pa, 0x32000u);
  EXPECT_EQ(r.pas, Pas::NonSecure);
}

// --- What a walk reports for a cache ------------------------------------------------------

TEST_F(Check, walk_of_an_l1_granule_reports_the_granule_and_two_reads) {
  const GptWalk w = walk(0x12345);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.level, 1);
  EXPECT_EQ(w.gpi, Gpi::NonSecure);
  EXPECT_EQ(w.range_base, 0x12000u);
  EXPECT_EQ(w.range_size, 0x1000u);
  EXPECT_EQ(w.reads, 2u);
}

TEST_F(Check, walk_of_an_l0_block_reports_the_whole_l0_entry_and_one_read) {
  const GptWalk w = walk(2 * GiB + 0x12345);
  EXPECT_EQ(w.level, 0);
  EXPECT_EQ(w.gpi, Gpi::Root);
  EXPECT_EQ(w.range_base, 2 * GiB);
  EXPECT_EQ(w.range_size, 1 * GiB);
  EXPECT_EQ(w.reads, 1u);
}

TEST_F(Check, walk_of_a_contiguous_descriptor_reports_its_naturally_aligned_run) {
  for (uint64_t size : {kContig2M, kContig32M, kContig512M}) {
    const uint64_t base = 512 * MiB;  // aligned for every size
    for (uint64_t pa = base; pa < base + size; pa += 64 * 1024)
      mem.poke(l1_entry(pa), encode_l1_contiguous(Gpi::Realm, size));
    const uint64_t pa = base + size - 0x1001;
    const GptWalk w = walk(pa);
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.level, 1);
    EXPECT_EQ(w.gpi, Gpi::Realm);
    EXPECT_EQ(w.range_base, base) << size;
    EXPECT_EQ(w.range_size, size);
  }
}

TEST_F(Check, walk_result_does_not_depend_on_the_access_pas) {
  for (uint64_t pa : {uint64_t{0x5000}, 1 * GiB, 4 * GiB + 1}) {
    const GptWalk a = walk(pa, Pas::Secure);
    for (Pas pas : kAllPas) {
      const GptWalk b = walk(pa, pas);
      EXPECT_EQ(a.gpi, b.gpi);
      EXPECT_EQ(a.range_base, b.range_base);
      EXPECT_EQ(a.range_size, b.range_size);
    }
  }
}

TEST_F(Check, faulting_walks_report_nothing_to_cache) {
  mem.poke(kL0 + 2 * 8, 0);
  const GptWalk w = walk(2 * GiB);
  EXPECT_EQ(w.fault, GpfKind::Walk);
  EXPECT_EQ(w.range_size, 0u);
}

// --- Every access PAS against every raw GPI value -----------------------------------------

void expect_rule(const GpcResult& r, unsigned raw, Pas pas, int level, const char* where) {
  const GpiRule& rule = kRules[raw];
  SCOPED_TRACE(std::string(where) + " GPI " + std::to_string(raw) + " PAS " + to_string(pas));
  EXPECT_EQ(r.level, level);
  if (!rule.valid) {
    EXPECT_EQ(r.kind, GpfKind::Walk);
  } else if (rule.admits[static_cast<unsigned>(pas)]) {
    EXPECT_EQ(r.kind, GpfKind::None);
    EXPECT_EQ(static_cast<unsigned>(r.gpi), raw);
  } else {
    EXPECT_EQ(r.kind, GpfKind::Fail);
    EXPECT_EQ(static_cast<unsigned>(r.gpi), raw);
  }
}

TEST_F(Check, every_raw_gpi_in_an_l0_block_admits_exactly_the_pas_the_architecture_lists) {
  for (unsigned raw = 0; raw < 16; ++raw) {
    mem.poke(kL0 + 3 * 8, 0x1 | raw << 4);
    for (Pas pas : kAllPas) expect_rule(check(3 * GiB + 0x7000, pas), raw, pas, 0, "L0 block");
  }
}

TEST_F(Check, every_raw_gpi_in_an_l1_granule_admits_exactly_the_pas_the_architecture_lists) {
  for (unsigned raw = 0; raw < 16; ++raw) {
    mem.poke(l1_entry(0x50000), l1_set_gpi(l1_fill(Gpi::Any), 5, static_cast<Gpi>(raw)));
    for (Pas pas : kAllPas) expect_rule(check(0x55000, pas), raw, pas, 1, "L1 granule");
  }
}

TEST_F(Check, every_raw_gpi_in_an_l1_contiguous_run_admits_exactly_the_pas_the_architecture_lists) {
  for (unsigned raw = 0; raw < 16; ++raw) {
    for (uint64_t pa = 0; pa < kContig2M; pa += 64 * 1024)
      mem.poke(l1_entry(pa), 0x1 | raw << 4 | 1 << 8);
    for (Pas pas : kAllPas) expect_rule(check(0x15000, pas), raw, pas, 1, "L1 contiguous");
  }
}

// --- The prepared form ----------------------------------------------------------------------

TEST_F(Check, a_prepared_geometry_answers_as_the_configuration_does) {
  mem.poke(l1_entry(0x20000), l1_set_gpi(l1_fill(Gpi::Root), 7, Gpi::Realm));
  mem.poke(kL0 + 2 * 8, 0x7);  // invalid
  mem.aborts.insert(l1_entry(0x40000));
  const uint64_t pas_to_try[] = {0, 0x27000, 0x28000, 0x40000, 1 * GiB, 2 * GiB, 4 * GiB};
  auto same = [&](const GpcConfig& c) {
    const GpcGeometry g(c);
    for (uint64_t pa : pas_to_try) {
      for (Pas pas : kAllPas) {
        const GpcResult a = granule_protection_check(c, pa, pas, mem);
        const GpcResult b = granule_protection_check(g, pa, pas, mem);
        EXPECT_EQ(a.kind, b.kind) << std::hex << pa;
        EXPECT_EQ(a.level, b.level);
        EXPECT_EQ(a.gpi, b.gpi);
      }
      const GptWalk a = gpt_walk(c, pa, Pas::Root, mem), b = gpt_walk(g, pa, Pas::Root, mem);
      EXPECT_EQ(a.fault, b.fault);
      EXPECT_EQ(a.range_base, b.range_base);
      EXPECT_EQ(a.range_size, b.range_size);
      EXPECT_EQ(a.reads, b.reads);
    }
  };
  same(cfg);
  GpcConfig c = cfg;
  c.enabled = false;
  same(c);
  c = cfg;
  c.pps = 7;
  same(c);
  c = cfg;
  c.l0_base = 4 * GiB;
  same(c);
}

TEST_F(Check, a_default_geometry_is_a_disabled_gpc) {
  EXPECT_TRUE(granule_protection_check(GpcGeometry{}, 0x1000, Pas::Realm, mem).ok());
  EXPECT_EQ(mem.reads, 0u);
}

TEST(GpfKindNames, every_kind_has_a_name) {
  EXPECT_STREQ(to_string(GpfKind::None), "None");
  EXPECT_STREQ(to_string(GpfKind::AddressSize), "AddressSize");
  EXPECT_STREQ(to_string(GpfKind::Walk), "Walk");
  EXPECT_STREQ(to_string(GpfKind::Fail), "Fail");
  EXPECT_STREQ(to_string(GpfKind::ExternalAbort), "ExternalAbort");
}

}  // namespace
}  // namespace gpt
