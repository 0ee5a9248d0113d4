// RMM 2.0-bet1 range mapping: RMI_RTT_DATA_MAP_INIT, RMI_RTT_DATA_MAP / _UNMAP (protected half),
// RMI_RTT_UNPROT_MAP / _UNMAP (unprotected half). One test per failure condition, in order.
#include "rmm2_fixture.h"

namespace rmmtest {
namespace {

#define ASSERT_RMI_OK(expr) ASSERT_EQ((expr), rmi::pack(Status::Success))

namespace ar = rmi::addr_range;
namespace mf = rmi::map_flags;

class Rmm2Rtt : public Rmm2Test {
 protected:
  Realm r = make_realm();
  uint64_t unprot = uint64_t{1} << 39;  // s2sz 40: the unprotected half starts here
  static constexpr uint64_t kBlock = 512 * G;  // a level-2 entry
  void SetUp() override {
    make_rtts(r.rd, 0);
    make_rtts(r.rd, unprot, 3, 2);
  }
  SmcRegs data_map(uint64_t base, uint64_t top, uint64_t desc, uint64_t flags = mf::kOaddrSingle) {
    return smc(rmi::kRttDataMap, {r.rd, base, top, flags, desc});
  }
  // `n` contiguous DELEGATED granules aligned to a block (RANGE_DELEGATE does 512 a call).
  uint64_t delegated_blocks(uint64_t n) {
    const uint64_t pa = alloc(n, kBlock);
    for (uint64_t at = pa; at < pa + n * G;) {
      const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {at, pa + n * G});
      EXPECT_RMI_OK(r.x[0]);
      if (r.x[0] || r.x[1] <= at) break;
      at = r.x[1];
    }
    return pa;
  }
  uint64_t unprot_flags() const { return mf::make_unprot(6, mf::kS2apR | mf::kS2apW); }
};

TEST_F(Rmm2Rtt, data_map_init_copies_and_measures_like_data_create) {
  std::array<uint8_t, 4096> src{};
  src[0] = 0x5A;
  const uint64_t data = delegated();
  const auto before = rmm->measurement(r.rd, 0);
  EXPECT_RMI_OK(call(rmi::kRttDataMapInit, {r.rd, data, 0, ns_page(src), rmi::kDataMeasureContent}));
  EXPECT_EQ(rmm->granule_state(data), GranuleState::Data);
  EXPECT_EQ(read_realm(data, 1)[0], 0x5A);
  EXPECT_NE(rmm->measurement(r.rd, 0), before);
  EXPECT_EQ(read_entry(r.rd, 0, 3).ripas, rmi::Ripas::Ram);
}

TEST_F(Rmm2Rtt, data_map_init_realm_state_fails_once_active) {
  uint64_t rec = 0;
  EXPECT_RMI_OK(make_rec2(r.rd, {}, &rec));
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  std::array<uint8_t, 4096> src{};
  const uint64_t data = delegated(), s = ns_page(src);
  EXPECT_RMI_FAIL(call(rmi::kRttDataMapInit, {r.rd, data, 0, s, 0}), Status::ErrorRealm, 0);
}

// --- RTT_DATA_MAP. ---------------------------------------------------------------------------

TEST_F(Rmm2Rtt, data_map_maps_zeroed_delegated_granules_and_reports_top) {
  const uint64_t g = delegated(4);
  const SmcRegs x = data_map(0x10000, 0x14000, ar::make(g, 4));
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 0x14000u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(rmm->granule_state(g + i * G), GranuleState::Data);
    const ReadEntry e = read_entry(r.rd, 0x10000 + i * G, 3);
    EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
    EXPECT_EQ(e.desc & ~uint64_t{0xFFF}, g + i * G);
  }
}
TEST_F(Rmm2Rtt, data_map_rd_state_fails_on_a_delegated_granule) {
  const uint64_t not_rd = delegated(), g = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttDataMap, {not_rd, 0, G, mf::kOaddrSingle, ar::make(g, 1)}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_base_align_fails) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(0x10, G, ar::make(g, 1)).x[0], Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_size_valid_fails_for_an_empty_range) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(G, G, ar::make(g, 1)).x[0], Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_top_bound_fails_in_the_unprotected_half) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(unprot, unprot + G, ar::make(g, 1)).x[0], Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_realm_state_fails_on_a_zombie) {
  const uint64_t g = delegated();
  EXPECT_RMI_OK(call(rmi::kRealmTerminate, {r.rd}));
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(g, 1)).x[0], Status::ErrorRealm, 0);
}
TEST_F(Rmm2Rtt, data_map_oaddr_type_fails_for_none_and_the_reserved_type) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(g, 1), mf::kOaddrNone).x[0], Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(g, 1), 3).x[0], Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_oaddr_single_fails_for_undelegated_state_or_no_count) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(g, 1) | uint64_t{1} << 63).x[0], Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(g, 0)).x[0], Status::ErrorInput, 0);
}

// A descriptor of more than one granule: COUNT units of SIZE. SIZE 0 with a COUNT of 512 maps
// 512 level-3 pages; it never makes a block, however aligned.
TEST_F(Rmm2Rtt, data_map_maps_512_granules_of_a_4k_descriptor_as_level_3_pages) {
  const uint64_t g = delegated(512, kBlock);
  const SmcRegs x = data_map(0, kBlock, ar::make(g, 512));
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], kBlock);
  for (uint64_t i : {0u, 1u, 255u, 511u}) {
    EXPECT_EQ(rmm->granule_state(g + i * G), GranuleState::Data) << i;
    const ReadEntry e = read_entry(r.rd, i * G, 3);
    EXPECT_EQ(e.level, 3) << i;
    EXPECT_EQ(e.desc & ~uint64_t{0xFFF}, g + i * G) << i;
  }
}

// --- Blocks: a descriptor of SIZE 1 maps level-2 entries of 2 MiB each. ---------------------

TEST_F(Rmm2Rtt, data_map_maps_an_aligned_2mib_descriptor_as_a_level_2_block) {
  const uint64_t g = delegated(512, kBlock);
  const SmcRegs x = data_map(kBlock, 2 * kBlock, ar::make(g, 1, 1));
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 2 * kBlock);
  const ReadEntry e = read_entry(r.rd, kBlock, 2);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);  // RIPAS unchanged
  EXPECT_EQ(e.desc & ~uint64_t{0xFFF}, g);
  EXPECT_EQ(read_entry(r.rd, kBlock + 5 * G, 3).level, 2);  // no level-3 RTT below it
  for (uint64_t i : {0u, 1u, 511u}) EXPECT_EQ(rmm->granule_state(g + i * G), GranuleState::Data) << i;
}
TEST_F(Rmm2Rtt, data_map_maps_blocks_until_the_range_or_the_descriptor_ends) {
  const uint64_t g = delegated_blocks(3 * 512);
  // Three blocks offered, two and a page of range: two blocks mapped, X1 at their end.
  const SmcRegs x = data_map(kBlock, 3 * kBlock + G, ar::make(g, 3, 1));
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 3 * kBlock);
  EXPECT_EQ(ar::pa(read_entry(r.rd, 2 * kBlock, 2).desc), g + kBlock);
  EXPECT_EQ(rmm->granule_state(g + 2 * kBlock), GranuleState::Delegated);
}
TEST_F(Rmm2Rtt, data_map_stops_at_a_list_descriptor_of_another_size) {
  const uint64_t b = delegated(512, kBlock), p = delegated();
  const SmcRegs x = data_map(kBlock, 3 * kBlock, list_page({ar::make(b, 1, 1), ar::make(p, 1)}), mf::kOaddrList | 2 << 2);
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 2 * kBlock);
  EXPECT_EQ(rmm->granule_state(p), GranuleState::Delegated);
}
// The block conditions, each with the one after it also failing (their order).
TEST_F(Rmm2Rtt, data_map_oaddr_level_fails_for_a_level_0_descriptor) {
  const uint64_t g = delegated(512, kBlock);
  EXPECT_RMI_FAIL(data_map(0, kBlock, ar::make(g, 1, 3)).x[0], Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_base_level_align_fails_before_size_fits) {
  const uint64_t g = delegated(512, kBlock);
  EXPECT_RMI_FAIL(data_map(kBlock + G, 2 * kBlock, ar::make(g, 1, 1)).x[0], Status::ErrorInput, 0);  // also too small
  EXPECT_EQ(rmm->granule_state(g), GranuleState::Delegated);
}
TEST_F(Rmm2Rtt, data_map_size_fits_fails_before_oaddr_block_align) {
  const uint64_t g = delegated_blocks(1024);
  EXPECT_RMI_FAIL(data_map(kBlock, 2 * kBlock - G, ar::make(g + G, 1, 1)).x[0], Status::ErrorRtt, 2);
}
TEST_F(Rmm2Rtt, data_map_oaddr_block_align_fails_before_out_state) {
  const uint64_t g = alloc(1024, kBlock);  // Non-secure as well as misaligned at g + G
  EXPECT_RMI_FAIL(data_map(kBlock, 2 * kBlock, ar::make(g + G, 1, 1)).x[0], Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_map_out_state_fails_for_a_block_with_one_undelegated_granule_before_rtt_walk) {
  const uint64_t g = alloc(512, kBlock);
  const SmcRegs d = smc(rmi::kGranuleRangeDelegate, {g, g + 511 * G});
  ASSERT_RMI_OK(d.x[0]);
  ASSERT_EQ(d.x[1], g + 511 * G);
  // At 1 GiB no level-2 RTT exists: the walk would fail too.
  EXPECT_RMI_FAIL(data_map(uint64_t{1} << 30, (uint64_t{1} << 30) + kBlock, ar::make(g, 1, 1)).x[0], Status::ErrorGranule, 0);
  EXPECT_EQ(rmm->granule_state(g), GranuleState::Delegated);  // nothing taken
}
TEST_F(Rmm2Rtt, data_map_rtt_walk_fails_for_a_block_without_a_level_2_rtt) {
  const uint64_t g = delegated(512, kBlock);
  EXPECT_RMI_FAIL(data_map(uint64_t{1} << 30, (uint64_t{1} << 30) + kBlock, ar::make(g, 1, 1)).x[0], Status::ErrorRtt, 1);
}
TEST_F(Rmm2Rtt, data_map_rtte_state_fails_for_a_block_over_a_level_3_rtt_or_a_mapped_block) {
  const uint64_t g = delegated(512, kBlock);
  EXPECT_RMI_FAIL(data_map(0, kBlock, ar::make(g, 1, 1)).x[0], Status::ErrorRtt, 2);  // [0, 2 MiB) has one
  EXPECT_RMI_OK(data_map(kBlock, 2 * kBlock, ar::make(g, 1, 1)).x[0]);
  const uint64_t h = delegated(512, kBlock);
  EXPECT_RMI_FAIL(data_map(kBlock, 2 * kBlock, ar::make(h, 1, 1)).x[0], Status::ErrorRtt, 2);
  EXPECT_EQ(rmm->granule_state(h), GranuleState::Delegated);
}

// What the other RTT commands do with a block RTT_DATA_MAP made.
TEST_F(Rmm2Rtt, a_mapped_block_unfolds_with_rtt_create_and_folds_back) {
  const uint64_t g = delegated(512, kBlock);
  ASSERT_RMI_OK(data_map(kBlock, 2 * kBlock, ar::make(g, 1, 1)).x[0]);
  const uint64_t rtt = delegated();
  ASSERT_RMI_OK(call(rmi::kRttCreate, {r.rd, rtt, kBlock, 3}));
  const ReadEntry e = read_entry(r.rd, kBlock + 7 * G, 3);
  EXPECT_EQ(e.level, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc & ~uint64_t{0xFFF}, g + 7 * G);
  EXPECT_RMI_FAIL(call(rmi::kRttDestroy, {r.rd, kBlock, 3}), Status::ErrorRtt, 3);  // 512 pages live in it
  const SmcRegs f = smc(rmi::kRttFold, {r.rd, kBlock, 3});
  EXPECT_RMI_OK(f.x[0]);
  EXPECT_EQ(f.x[1], rtt);
  EXPECT_EQ(read_entry(r.rd, kBlock, 2).state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(read_entry(r.rd, kBlock, 2).level, 2);
}
TEST_F(Rmm2Rtt, init_ripas_makes_a_mapped_block_ram_at_level_2) {
  const uint64_t g = delegated(512, kBlock);
  ASSERT_RMI_OK(data_map(kBlock, 2 * kBlock, ar::make(g, 1, 1)).x[0]);
  const SmcRegs x = smc(rmi::kRttInitRipas, {r.rd, kBlock, 2 * kBlock});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 2 * kBlock);
  EXPECT_EQ(read_entry(r.rd, kBlock, 2).ripas, rmi::Ripas::Ram);
  EXPECT_EQ(read_entry(r.rd, kBlock, 2).state, rmi::RttEntryState::Assigned);
}
TEST_F(Rmm2Rtt, unprot_map_maps_a_2mib_descriptor_as_a_non_secure_block) {
  const uint64_t ns = alloc(512, kBlock);
  const SmcRegs x = smc(rmi::kRttUnprotMap, {r.rd, unprot + kBlock, unprot + 2 * kBlock, unprot_flags(),
                                              ar::make(ns, 1, 1) | uint64_t{1} << 63});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], unprot + 2 * kBlock);
  const ReadEntry e = read_entry(r.rd, unprot + kBlock, 2);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  const SmcRegs u = smc(rmi::kRttUnprotUnmap, {r.rd, unprot + kBlock, unprot + 2 * kBlock, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(u.x[0]);
  EXPECT_EQ(ar::size(u.x[2]), 1u);
  EXPECT_EQ(ar::pa(u.x[2]), ns);
  EXPECT_EQ(u.x[3], 512u);
}

// LIST: X5 is the PA of a Non-secure list of LIST_COUNT descriptors, mapped one after the other.
TEST_F(Rmm2Rtt, data_map_maps_a_list_of_ranges_in_order) {
  const uint64_t a = delegated(), b = delegated(2);
  const uint64_t list = list_page({ar::make(b, 2), ar::make(a, 1)});
  const SmcRegs x = data_map(0, 3 * G, list, mf::kOaddrList | 2 << 2);
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 3 * G);
  EXPECT_EQ(read_entry(r.rd, 0, 3).desc & ~uint64_t{0xFFF}, b);
  EXPECT_EQ(read_entry(r.rd, G, 3).desc & ~uint64_t{0xFFF}, b + G);
  EXPECT_EQ(read_entry(r.rd, 2 * G, 3).desc & ~uint64_t{0xFFF}, a);
  for (uint64_t p : {a, b, b + G}) EXPECT_EQ(rmm->granule_state(p), GranuleState::Data);
}
TEST_F(Rmm2Rtt, data_map_oaddr_list_align_fails_unaligned_empty_or_past_its_granule) {
  const uint64_t g = delegated();
  const uint64_t list = list_page({ar::make(g, 1), ar::make(g, 1)});
  // At list + 4 the 8 bytes read as a valid descriptor of g, were the alignment not checked.
  const uint64_t d = ar::make(g, 1);
  EXPECT_RMI_FAIL(data_map(0, G, list_page({d << 32, d >> 32}) + 4, mf::kOaddrList | 1 << 2).x[0], Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(data_map(0, G, list, mf::kOaddrList).x[0], Status::ErrorInput, 0);  // LIST_COUNT 0
  EXPECT_RMI_FAIL(data_map(0, G, list + G - 8, mf::kOaddrList | 2 << 2).x[0], Status::ErrorInput, 0);
  EXPECT_EQ(rmm->granule_state(g), GranuleState::Delegated);
}
TEST_F(Rmm2Rtt, data_map_oaddr_list_pas_fails_for_a_list_outside_non_secure_memory) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(0, G, g, mf::kOaddrList | 1 << 2).x[0], Status::ErrorInput, 0);  // Realm PAS
}
TEST_F(Rmm2Rtt, data_map_fails_for_a_list_entry_of_the_wrong_state_or_no_count) {
  const uint64_t a = delegated(), b = delegated();
  EXPECT_RMI_FAIL(data_map(0, 2 * G, list_page({ar::make(a, 1), ar::make(b, 1) | uint64_t{1} << 63}),
                           mf::kOaddrList | 2 << 2).x[0], Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(data_map(0, 2 * G, list_page({ar::make(a, 1), ar::make(b, 0)}), mf::kOaddrList | 2 << 2).x[0],
                  Status::ErrorInput, 0);
  EXPECT_EQ(rmm->granule_state(a), GranuleState::Delegated);  // nothing mapped
}
TEST_F(Rmm2Rtt, data_map_stops_at_a_list_entry_naming_a_granule_already_mapped) {
  const uint64_t a = delegated();
  const SmcRegs x = data_map(0, 2 * G, list_page({ar::make(a, 1), ar::make(a, 1)}), mf::kOaddrList | 2 << 2);
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], G);
  EXPECT_EQ(read_entry(r.rd, G, 3).state, rmi::RttEntryState::Unassigned);
}
TEST_F(Rmm2Rtt, data_map_out_state_fails_for_an_undelegated_granule) {
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(alloc(), 1)).x[0], Status::ErrorGranule, 0);
}
TEST_F(Rmm2Rtt, data_map_rtt_walk_fails_without_a_level_3_rtt) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(uint64_t{1} << 30, (uint64_t{1} << 30) + G, ar::make(g, 1)).x[0], Status::ErrorRtt, 1);
}
TEST_F(Rmm2Rtt, data_map_rtte_state_fails_on_a_mapped_entry) {
  EXPECT_RMI_OK(data_map(0, G, ar::make(delegated(), 1)).x[0]);
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(data_map(0, G, ar::make(g, 1)).x[0], Status::ErrorRtt, 3);
}
TEST_F(Rmm2Rtt, data_map_stops_where_an_output_granule_is_not_delegated) {
  const uint64_t g = delegated(2);
  alloc();  // g + 2G stays Non-secure
  const SmcRegs x = data_map(0, 3 * G, ar::make(g, 3));
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 2 * G);
  EXPECT_EQ(read_entry(r.rd, 2 * G, 3).state, rmi::RttEntryState::Unassigned);
}
TEST_F(Rmm2Rtt, data_map_stops_at_the_end_of_the_level_3_rtt) {
  // The level-3 RTT covers [0, 2 MiB): a range across it maps up to its end.
  const uint64_t g = delegated(2);
  const SmcRegs x = data_map(0x1FF000, 0x201000, ar::make(g, 2));
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 0x200000u);
}

// --- RTT_DATA_UNMAP. -------------------------------------------------------------------------

TEST_F(Rmm2Rtt, data_unmap_frees_the_range_and_reports_it) {
  const uint64_t g = delegated(4);
  EXPECT_RMI_OK(data_map(0, 4 * G, ar::make(g, 4)).x[0]);
  const SmcRegs x = smc(rmi::kRttDataUnmap, {r.rd, 0, 4 * G, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 4 * G);
  EXPECT_EQ(ar::pa(x.x[2]), g);
  EXPECT_EQ(ar::count(x.x[2]), 4u);
  EXPECT_EQ(x.x[3], 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rmm->granule_state(g + i * G), GranuleState::Delegated);
  EXPECT_EQ(read_entry(r.rd, 0, 3).ripas, rmi::Ripas::Empty);  // mapped EMPTY stays EMPTY
}
TEST_F(Rmm2Rtt, data_unmap_skips_unmapped_entries) {
  const uint64_t g = delegated();
  EXPECT_RMI_OK(data_map(0x100000, 0x101000, ar::make(g, 1)).x[0]);
  const SmcRegs x = smc(rmi::kRttDataUnmap, {r.rd, 0, 0x200000, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(ar::pa(x.x[2]), g);
  EXPECT_EQ(x.x[3], 1u);
}
TEST_F(Rmm2Rtt, data_unmap_stops_where_the_freed_granules_stop_being_contiguous) {
  const uint64_t a = delegated(), b = delegated(2);
  EXPECT_RMI_OK(data_map(0, G, ar::make(b + G, 1)).x[0]);
  EXPECT_RMI_OK(data_map(G, 2 * G, ar::make(a, 1)).x[0]);
  const SmcRegs x = smc(rmi::kRttDataUnmap, {r.rd, 0, 2 * G, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], G);
  EXPECT_EQ(x.x[3], 1u);
}
TEST_F(Rmm2Rtt, data_unmap_frees_a_block_as_one_2mib_range_of_512_granules) {
  const uint64_t g = delegated(512, kBlock);
  ASSERT_RMI_OK(data_map(kBlock, 2 * kBlock, ar::make(g, 1, 1)).x[0]);
  const SmcRegs x = smc(rmi::kRttDataUnmap, {r.rd, kBlock, 2 * kBlock, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 2 * kBlock);
  EXPECT_EQ(ar::pa(x.x[2]), g);
  EXPECT_EQ(ar::size(x.x[2]), 1u);   // 2 MiB units
  EXPECT_EQ(ar::count(x.x[2]), 1u);  // one of them
  EXPECT_EQ(x.x[3], 512u);           // granules
  for (uint64_t i : {0u, 1u, 511u}) EXPECT_EQ(rmm->granule_state(g + i * G), GranuleState::Delegated) << i;
  const ReadEntry e = read_entry(r.rd, kBlock, 2);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Unassigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Empty);
}
TEST_F(Rmm2Rtt, data_unmap_of_part_of_a_block_fails_at_its_level) {
  const uint64_t g = delegated(512, kBlock);
  ASSERT_RMI_OK(data_map(kBlock, 2 * kBlock, ar::make(g, 1, 1)).x[0]);
  EXPECT_RMI_FAIL(call(rmi::kRttDataUnmap, {r.rd, kBlock, kBlock + G, mf::kOaddrSingle, 0}), Status::ErrorRtt, 2);
  EXPECT_RMI_FAIL(call(rmi::kRttDataUnmap, {r.rd, kBlock + G, 2 * kBlock, mf::kOaddrSingle, 0}), Status::ErrorRtt, 2);
  EXPECT_EQ(rmm->granule_state(g), GranuleState::Data);
}
TEST_F(Rmm2Rtt, data_unmap_stops_where_pages_give_way_to_a_block) {
  const uint64_t g = delegated_blocks(1024);
  ASSERT_RMI_OK(data_map(kBlock - G, kBlock, ar::make(g + kBlock - G, 1)).x[0]);  // the page just below
  ASSERT_RMI_OK(data_map(kBlock, 2 * kBlock, ar::make(g + kBlock, 1, 1)).x[0]);   // contiguous PAs
  const SmcRegs x = smc(rmi::kRttDataUnmap, {r.rd, kBlock - G, 2 * kBlock, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], kBlock);
  EXPECT_EQ(ar::size(x.x[2]), 0u);
  EXPECT_EQ(x.x[3], 1u);
  EXPECT_EQ(rmm->granule_state(g + kBlock), GranuleState::Data);
}
TEST_F(Rmm2Rtt, data_unmap_flags_valid_fails) {
  EXPECT_RMI_FAIL(call(rmi::kRttDataUnmap, {r.rd, 0, G, 7, 0}), Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, data_unmap_rd_state_fails) {
  const uint64_t not_rd = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttDataUnmap, {not_rd, 0, G, 1, 0}), Status::ErrorInput, 0);
}

// --- RTT_UNPROT_MAP / _UNMAP. ---------------------------------------------------------------

TEST_F(Rmm2Rtt, unprot_map_maps_non_secure_memory_with_memattr_and_s2ap) {
  const uint64_t ns = alloc(2);
  const SmcRegs x = smc(rmi::kRttUnprotMap, {r.rd, unprot, unprot + 2 * G, unprot_flags(), ar::make(ns, 2) | uint64_t{1} << 63});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], unprot + 2 * G);
  const ReadEntry e = read_entry(r.rd, unprot + G, 3);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.desc & rmi::s2tte_host::kMemAttrMask, rmi::s2tte_host::kMemAttrNormalWb);
  EXPECT_EQ(e.desc & rmi::s2tte_host::kS2apMask, rmi::s2tte_host::kS2apMask);
}
TEST_F(Rmm2Rtt, unprot_map_maps_a_list_of_non_secure_ranges_and_refuses_a_delegated_entry) {
  constexpr uint64_t kNs = uint64_t{1} << 63;
  const uint64_t a = alloc(), b = alloc(2);
  const uint64_t flags = (unprot_flags() & ~uint64_t{3}) | mf::kOaddrList | 2 << 2;
  const SmcRegs x = smc(rmi::kRttUnprotMap, {r.rd, unprot, unprot + 3 * G, flags, list_page({ar::make(b, 2) | kNs, ar::make(a, 1) | kNs})});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], unprot + 3 * G);
  EXPECT_EQ(ar::pa(read_entry(r.rd, unprot + G, 3).desc), b + G);
  EXPECT_EQ(ar::pa(read_entry(r.rd, unprot + 2 * G, 3).desc), a);
  const uint64_t next = unprot + 0x10000;
  EXPECT_RMI_FAIL(call(rmi::kRttUnprotMap, {r.rd, next, next + 2 * G, flags, list_page({ar::make(a, 1) | kNs, ar::make(a, 1)})}),
                  Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, unprot_map_base_bound_fails_in_the_protected_half) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnprotMap, {r.rd, 0, G, unprot_flags(), ar::make(alloc(), 1) | uint64_t{1} << 63}),
                  Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, unprot_map_flags_valid_fails_for_reserved_s2ap_bits) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnprotMap, {r.rd, unprot, unprot + G, mf::make_unprot(6, 4), ar::make(alloc(), 1) | uint64_t{1} << 63}),
                  Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, unprot_map_oaddr_valid_fails_for_a_delegated_descriptor) {
  EXPECT_RMI_FAIL(call(rmi::kRttUnprotMap, {r.rd, unprot, unprot + G, unprot_flags(), ar::make(alloc(), 1)}),
                  Status::ErrorInput, 0);
}
TEST_F(Rmm2Rtt, unprot_map_out_state_fails_for_realm_memory) {
  const uint64_t g = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRttUnprotMap, {r.rd, unprot, unprot + G, unprot_flags(), ar::make(g, 1) | uint64_t{1} << 63}),
                  Status::ErrorGranule, 0);
}
TEST_F(Rmm2Rtt, unprot_map_rtte_state_fails_on_a_mapped_entry) {
  const uint64_t d = ar::make(alloc(), 1) | uint64_t{1} << 63;
  EXPECT_RMI_OK(call(rmi::kRttUnprotMap, {r.rd, unprot, unprot + G, unprot_flags(), d}));
  EXPECT_RMI_FAIL(call(rmi::kRttUnprotMap, {r.rd, unprot, unprot + G, unprot_flags(), d}), Status::ErrorRtt, 3);
}
TEST_F(Rmm2Rtt, unprot_unmap_unmaps_and_reports_the_range) {
  const uint64_t ns = alloc(2);
  EXPECT_RMI_OK(call(rmi::kRttUnprotMap, {r.rd, unprot, unprot + 2 * G, unprot_flags(), ar::make(ns, 2) | uint64_t{1} << 63}));
  const SmcRegs x = smc(rmi::kRttUnprotUnmap, {r.rd, unprot, unprot + 2 * G, mf::kOaddrSingle, 0});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], unprot + 2 * G);
  EXPECT_EQ(ar::pa(x.x[2]), ns);
  EXPECT_EQ(x.x[3], 2u);
  EXPECT_EQ(read_entry(r.rd, unprot, 3).state, rmi::RttEntryState::Unassigned);
}

}  // namespace
}  // namespace rmmtest
