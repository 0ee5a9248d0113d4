// RMI_RTT_CREATE, RMI_RTT_DESTROY, RMI_RTT_FOLD, RMI_RTT_READ_ENTRY, RMI_RTT_INIT_RIPAS,
// RMI_RTT_MAP_UNPROTECTED, RMI_RTT_UNMAP_UNPROTECTED. (RMI_RTT_SET_RIPAS: rec_enter_test.)
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

class RttTest : public RmmTest {
 protected:
  Realm r;
  void SetUp() override { r = make_realm(); }
  static constexpr uint64_t kL2 = uint64_t{1} << 21, kL1 = uint64_t{1} << 30;
  static constexpr uint64_t kUnprot = uint64_t{1} << 39;
};

TEST_F(RttTest, rtt_create_links_a_table_and_read_entry_reports_it) {
  const uint64_t rtt = delegated();
  EXPECT_RMI_OK(call(rmi::kRttCreate, {r.rd, rtt, 0, 2}));
  EXPECT_EQ(rmm->granule_state(rtt), GranuleState::Rtt);
  EXPECT_EQ(rmm->granule_refcount(r.rtt_base), 1u);
  const auto e = read_entry(r.rd, 0, 1);
  EXPECT_EQ(e.state, rmi::RttEntryState::Table);
  EXPECT_EQ(e.desc, rtt);
  const auto c = read_entry(r.rd, 0, 2);
  EXPECT_EQ(c.level, 2);
  EXPECT_EQ(c.state, rmi::RttEntryState::Unassigned);
}

TEST_F(RttTest, rtt_create_level_bound_fails_input_for_start_level_and_4) {
  const uint64_t rtt = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, 0, 1}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, 0, 4}), Status::ErrorInput, 0);
}

TEST_F(RttTest, rtt_create_ipa_align_and_ipa_bound_fail_input) {
  const uint64_t rtt = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, 0x1000, 2}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, uint64_t{1} << 40, 2}), Status::ErrorInput, 0);
}

TEST_F(RttTest, rtt_create_rd_state_and_rtt_state_fail_input) {
  const uint64_t rtt = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {rtt, rtt, 0, 2}), Status::ErrorInput, 0);
  const uint64_t ns = alloc();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, ns, 0, 2}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt + 8, 0, 2}), Status::ErrorInput, 0);
}

TEST_F(RttTest, rtt_create_rtt_walk_fails_rtt_with_the_level_reached) {
  const uint64_t rtt = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, 0, 3}), Status::ErrorRtt, 1);
}

TEST_F(RttTest, rtt_create_rtte_state_fails_rtt_when_the_table_exists) {
  make_rtts(r.rd, 0, 2);
  const uint64_t rtt = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, 0, 2}), Status::ErrorRtt, 1);
}

TEST_F(RttTest, rtt_create_level_bound_before_rtt_walk) {
  const uint64_t rtt = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttCreate, {r.rd, rtt, 0, 5}), Status::ErrorInput, 0);
}

TEST_F(RttTest, rtt_destroy_returns_the_rtt_and_leaves_destroyed_ripas) {
  const auto rtts = make_rtts(r.rd, 0, 2);
  const SmcRegs d = smc(rmi::kRttDestroy, {r.rd, 0, 2});
  EXPECT_EQ(d.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(d.x[1], rtts[0]);
  EXPECT_EQ(d.x[2], uint64_t{1} << 39);  // nothing live after it in the starting-level RTTs
  EXPECT_EQ(rmm->granule_state(rtts[0]), GranuleState::Delegated);
  const auto e = read_entry(r.rd, 0, 1);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Destroyed);
}

TEST_F(RttTest, rtt_destroy_rtt_walk_fails_rtt_and_reports_the_next_live_entry) {
  make_rtts(r.rd, 4 * kL1, 2);
  const SmcRegs d = smc(rmi::kRttDestroy, {r.rd, 0, 3});
  EXPECT_EQ(rmi::status_of(d.x[0]), Status::ErrorRtt);
  EXPECT_EQ(rmi::index_of(d.x[0]), 1u);
  EXPECT_EQ(d.x[2], 4 * kL1);
}

TEST_F(RttTest, rtt_destroy_rtte_state_fails_rtt_when_not_a_table) {
  EXPECT_RMI_FAIL(call(rmi::kRttDestroy, {r.rd, 0, 2}), Status::ErrorRtt, 1);
}

TEST_F(RttTest, rtt_destroy_rtt_live_fails_rtt_at_level) {
  make_rtts(r.rd, 0, 3);
  const SmcRegs d = smc(rmi::kRttDestroy, {r.rd, 0, 2});
  EXPECT_EQ(d.x[0], rmi::pack(Status::ErrorRtt, 2));
  EXPECT_EQ(d.x[2], 0u);
}

TEST_F(RttTest, rtt_destroy_level_bound_ipa_align_fail_input) {
  make_rtts(r.rd, 0, 2);
  EXPECT_RMI_FAIL(call(rmi::kRttDestroy, {r.rd, 0, 1}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttDestroy, {r.rd, 0x1000, 2}), Status::ErrorInput, 0);
}

TEST_F(RttTest, rtt_fold_unassigned_table_into_parent_entry) {
  const auto rtts = make_rtts(r.rd, 0, 3);
  ASSERT_EQ(call(rmi::kRttInitRipas, {r.rd, 0, kL2}), rmi::pack(Status::Success));
  const SmcRegs fr = smc(rmi::kRttFold, {r.rd, 0, 3});
  EXPECT_EQ(fr.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(fr.x[1], rtts[1]);
  const auto e = read_entry(r.rd, 0, 3);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.ripas, rmi::Ripas::Ram);
}

TEST_F(RttTest, rtt_fold_rtt_homo_fails_rtt_for_mixed_entries) {
  make_rtts(r.rd, 0, 3);
  ASSERT_EQ(call(rmi::kRttInitRipas, {r.rd, 0, G}), rmi::pack(Status::Success));
  EXPECT_RMI_FAIL(call(rmi::kRttFold, {r.rd, 0, 3}), Status::ErrorRtt, 3);
}

TEST_F(RttTest, rtt_fold_rtte_state_fails_rtt_at_parent_level) {
  make_rtts(r.rd, 0, 2);
  EXPECT_RMI_FAIL(call(rmi::kRttFold, {r.rd, 0, 3}), Status::ErrorRtt, 2);
}

TEST_F(RttTest, rtt_fold_and_unfold_an_assigned_2mib_block) {
  make_rtts(r.rd, 0, 3);
  const uint64_t data = delegated(512, kL2);
  for (uint64_t i = 0; i < 512; ++i)
    ASSERT_EQ(call(rmi::kDataCreateUnknown, {r.rd, data + i * G, i * G}), rmi::pack(Status::Success));
  EXPECT_RMI_OK(call(rmi::kRttFold, {r.rd, 0, 3}));
  auto e = read_entry(r.rd, 0, 3);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc, data);
  // DATA_DESTROY needs a page: the walk stops at the block.
  EXPECT_RMI_FAIL(call(rmi::kDataDestroy, {r.rd, 0}), Status::ErrorRtt, 2);
  // Unfold with RTT_CREATE: 512 pages of the block again.
  const uint64_t rtt = delegated();
  EXPECT_RMI_OK(call(rmi::kRttCreate, {r.rd, rtt, 0, 3}));
  EXPECT_EQ(rmm->granule_refcount(rtt), 512u);
  e = read_entry(r.rd, 5 * G, 3);
  EXPECT_EQ(e.level, 3);
  EXPECT_EQ(e.desc, data + 5 * G);
}

TEST_F(RttTest, read_entry_level_bound_and_ipa_align_fail_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0, 4}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0x1000, 2}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, uint64_t{1} << 40, 1}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rtt_base, 0, 1}), Status::ErrorInput, 0);
}

TEST_F(RttTest, init_ripas_sets_ram_per_entry_and_returns_top) {
  make_rtts(r.rd, 0, 3);
  const SmcRegs s = smc(rmi::kRttInitRipas, {r.rd, 0, 4 * G});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], 4 * G);
  EXPECT_EQ(read_entry(r.rd, 3 * G, 3).ripas, rmi::Ripas::Ram);
  EXPECT_EQ(read_entry(r.rd, 4 * G, 3).ripas, rmi::Ripas::Empty);
}

TEST_F(RttTest, init_ripas_stops_at_the_end_of_the_rtt) {
  make_rtts(r.rd, 0, 3);
  const SmcRegs s = smc(rmi::kRttInitRipas, {r.rd, 510 * G, 3 * kL2});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], kL2);
}

TEST_F(RttTest, init_ripas_size_valid_and_top_bound_fail_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttInitRipas, {r.rd, G, G}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttInitRipas, {r.rd, 0, kUnprot + G}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttInitRipas, {r.rd, 0x10, G}), Status::ErrorInput, 0);
}

TEST_F(RttTest, init_ripas_realm_state_fails_realm_when_active) {
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  EXPECT_RMI_FAIL(call(rmi::kRttInitRipas, {r.rd, 0, kL1}), Status::ErrorRealm, 0);
}

TEST_F(RttTest, init_ripas_base_align_fails_rtt_with_walk_level) {
  EXPECT_RMI_FAIL(call(rmi::kRttInitRipas, {r.rd, G, 2 * G}), Status::ErrorRtt, 1);
}

TEST_F(RttTest, init_ripas_no_progress_fails_rtt_when_the_entry_crosses_top) {
  EXPECT_RMI_FAIL(call(rmi::kRttInitRipas, {r.rd, 0, G}), Status::ErrorRtt, 1);
}

TEST_F(RttTest, init_ripas_whole_1gib_entry_at_level_1) {
  const SmcRegs s = smc(rmi::kRttInitRipas, {r.rd, 0, kL1});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], kL1);
  EXPECT_EQ(read_entry(r.rd, 0, 1).ripas, rmi::Ripas::Ram);
}

TEST_F(RttTest, map_unprotected_and_unmap_round_trip) {
  make_rtts(r.rd, kUnprot, 3);
  const uint64_t ns = alloc();
  const uint64_t desc = ns | rmi::s2tte_host::kMemAttrNormalWb | rmi::s2tte_host::kS2apRead | rmi::s2tte_host::kS2apWrite;
  EXPECT_RMI_OK(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 3, desc}));
  const auto e = read_entry(r.rd, kUnprot, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc, desc);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
  // rtte_state: already mapped
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 3, desc}), Status::ErrorRtt, 3);
  const SmcRegs u = smc(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 3});
  EXPECT_EQ(u.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(u.x[1], kUnprot + kL2);
  EXPECT_EQ(read_entry(r.rd, kUnprot, 3).state, rmi::RttEntryState::Unassigned);
}

TEST_F(RttTest, map_unprotected_level_bound_ipa_bound_desc_valid_fail_input) {
  make_rtts(r.rd, kUnprot, 3);
  const uint64_t ns = alloc();
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 0, ns}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 4, ns}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, 0, 3, ns}), Status::ErrorInput, 0);          // protected IPA
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot + 8, 3, ns}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 3, ns | 1}), Status::ErrorInput, 0);  // desc bits
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 3, ns | (1u << 5)}), Status::ErrorInput, 0);  // MemAttr[3]
}

TEST_F(RttTest, map_unprotected_rtt_walk_fails_rtt_with_walk_level) {
  EXPECT_RMI_FAIL(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 3, alloc()}), Status::ErrorRtt, 1);
}

TEST_F(RttTest, unmap_unprotected_rtte_state_fails_rtt_and_reports_top) {
  make_rtts(r.rd, kUnprot, 3);
  const SmcRegs u = smc(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 3});
  EXPECT_EQ(u.x[0], rmi::pack(Status::ErrorRtt, 3));
  EXPECT_EQ(u.x[1], kUnprot + kL2);
}

// ---------------------------------------------------------------------------------------------
// RMI_RTT_READ_ENTRY: failure conditions and what each entry state reads as.

TEST_F(RttTest, read_entry_rd_align_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd + 8, 0, 1}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_rd_bound_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {0x1000, 0, 1}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_rd_state_fails_input_for_an_rtt) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rtt_base, 0, 1}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_level_bound_fails_input_above_the_starting_level) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0, static_cast<uint64_t>(-1)}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_level_bound_fails_input_below_level_3) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0, 4}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_ipa_align_fails_input_for_an_ipa_not_aligned_to_the_level) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, kL2, 1}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, 0x800, 3}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_ipa_bound_fails_input_at_two_to_the_s2sz) {
  EXPECT_RMI_FAIL(call(rmi::kRttReadEntry, {r.rd, uint64_t{1} << 40, 1}), Status::ErrorInput, 0);
}
TEST_F(RttTest, read_entry_reports_the_level_the_walk_reached) {
  make_rtts(r.rd, 0, 2);
  const auto e = read_entry(r.rd, 5 * G, 3);
  EXPECT_EQ(e.x0, rmi::pack(Status::Success));
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.desc, 0u);
}
TEST_F(RttTest, read_entry_unassigned_reports_its_ripas_and_no_address) {
  make_rtts(r.rd, 0, 3);
  ASSERT_EQ(call(rmi::kRttInitRipas, {r.rd, 0, G}), rmi::pack(Status::Success));
  auto e = read_entry(r.rd, 0, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Ram);
  EXPECT_EQ(e.desc, 0u);
  e = read_entry(r.rd, G, 3);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
  // DESTROYED: an RTT destroyed at level 2 leaves its parent entry UNASSIGNED DESTROYED.
  make_rtts(r.rd, kL1, 2);
  ASSERT_EQ(smc(rmi::kRttDestroy, {r.rd, kL1, 2}).x[0], rmi::pack(Status::Success));
  e = read_entry(r.rd, kL1, 2);
  EXPECT_EQ(e.level, 1);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Destroyed);
}
TEST_F(RttTest, read_entry_assigned_reports_the_pa_and_ripas) {
  make_rtts(r.rd, 0, 3);
  const uint64_t data = delegated();
  ASSERT_EQ(call(rmi::kDataCreateUnknown, {r.rd, data, 3 * G}), rmi::pack(Status::Success));
  auto e = read_entry(r.rd, 3 * G, 3);
  EXPECT_EQ(e.level, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc, data);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
  const uint64_t data2 = delegated();
  std::array<uint8_t, 4096> zero{};
  ASSERT_EQ(call(rmi::kDataCreate, {r.rd, data2, 4 * G, ns_page(zero), 0}), rmi::pack(Status::Success));
  e = read_entry(r.rd, 4 * G, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc, data2);
  EXPECT_EQ(e.ripas, rmi::Ripas::Ram);
}
TEST_F(RttTest, read_entry_table_reports_the_rtt_address_and_ripas_empty) {
  const auto rtts = make_rtts(r.rd, 0, 3);
  const auto e = read_entry(r.rd, 0, 2);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Table);
  EXPECT_EQ(e.desc, rtts[1]);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
}
TEST_F(RttTest, read_entry_assigned_ns_reports_host_attributes_and_ripas_empty) {
  make_rtts(r.rd, kUnprot, 2);
  const uint64_t ns = alloc(512, kL2);
  const uint64_t desc = ns | rmi::s2tte_host::kMemAttrNormalWb | rmi::s2tte_host::kS2apRead;
  ASSERT_EQ(call(rmi::kRttMapUnprotected, {r.rd, kUnprot + kL2, 2, desc}), rmi::pack(Status::Success));
  const auto e = read_entry(r.rd, kUnprot + kL2, 2);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc, desc);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
  const auto u = read_entry(r.rd, kUnprot, 2);  // UNASSIGNED_NS
  EXPECT_EQ(u.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(u.desc, 0u);
  EXPECT_EQ(u.ripas, rmi::Ripas::Empty);
}

// ---------------------------------------------------------------------------------------------
// RMI_RTT_UNMAP_UNPROTECTED failure conditions (and the top the host is told).

TEST_F(RttTest, unmap_unprotected_rd_align_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd + 8, kUnprot, 3}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_rd_bound_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {0x1000, kUnprot, 3}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_rd_state_fails_input_for_an_rtt) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rtt_base, kUnprot, 3}), Status::ErrorInput, 0);
}
// Blocks exist from level 1 (S2TT_MIN_BLOCK_LEVEL in TF-RMM rmm-spec-v1.0-rel0).
TEST_F(RttTest, unmap_unprotected_level_bound_fails_input_above_level_1) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 0}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_rtte_state_fails_rtt_1_for_an_unmapped_level_1_entry) {
  const SmcRegs u = smc(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 1});
  EXPECT_EQ(u.x[0], rmi::pack(Status::ErrorRtt, 1));
  EXPECT_EQ(u.x[1], uint64_t{1} << 40);  // nothing live up to the end of the IPA space
}
TEST_F(RttTest, unmap_unprotected_level_bound_fails_input_below_level_3) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 4}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_ipa_align_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, kUnprot + G, 2}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_ipa_bound_fails_input_at_two_to_the_s2sz) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, uint64_t{1} << 40, 3}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_ipa_bound_fails_input_for_a_protected_ipa) {
  make_rtts(r.rd, 0, 3);
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, 0, 3}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_rtt_walk_fails_rtt_with_the_walk_level_and_top) {
  make_rtts(r.rd, kUnprot + 4 * kL1, 2);
  const auto before = census();
  const SmcRegs u = smc(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 3});
  EXPECT_EQ(u.x[0], rmi::pack(Status::ErrorRtt, 1));
  EXPECT_EQ(u.x[1], kUnprot + 4 * kL1);  // the next live entry of the level-1 RTT
  EXPECT_EQ(census(), before);
}
TEST_F(RttTest, unmap_unprotected_rtt_walk_at_a_block_reports_top_equal_to_ipa) {
  make_rtts(r.rd, kUnprot, 2);
  const uint64_t ns = alloc(512, kL2);
  ASSERT_EQ(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 2, ns}), rmi::pack(Status::Success));
  const auto before = census();
  const SmcRegs u = smc(rmi::kRttUnmapUnprotected, {r.rd, kUnprot + 5 * G, 3});
  EXPECT_EQ(u.x[0], rmi::pack(Status::ErrorRtt, 2));
  EXPECT_EQ(u.x[1], kUnprot + 5 * G);  // "mapped at a lower level": top == ipa
  EXPECT_EQ(census(), before);
  EXPECT_EQ(read_entry(r.rd, kUnprot, 2).state, rmi::RttEntryState::Assigned);
}
TEST_F(RttTest, unmap_unprotected_2mib_block_at_level_2) {
  make_rtts(r.rd, kUnprot, 2);
  const uint64_t ns = alloc(512, kL2);
  ASSERT_EQ(call(rmi::kRttMapUnprotected, {r.rd, kUnprot, 2, ns}), rmi::pack(Status::Success));
  const SmcRegs u = smc(rmi::kRttUnmapUnprotected, {r.rd, kUnprot, 2});
  EXPECT_EQ(u.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(u.x[1], kUnprot + kL1);  // nothing live after it in the level-2 RTT
  EXPECT_EQ(read_entry(r.rd, kUnprot, 2).state, rmi::RttEntryState::Unassigned);
}
TEST_F(RttTest, unmap_unprotected_level_bound_is_reported_before_rtt_walk) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, kUnprot + G, 4}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_ipa_bound_is_reported_before_rtt_walk) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {r.rd, G, 3}), Status::ErrorInput, 0);
}
TEST_F(RttTest, unmap_unprotected_rd_state_is_reported_before_rtt_walk) {
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttUnmapUnprotected, {d, kUnprot, 3}), Status::ErrorInput, 0);
}

}  // namespace
}  // namespace rmmtest
