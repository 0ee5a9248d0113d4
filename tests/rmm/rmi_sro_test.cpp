// RMM 2.0-bet1 stateful operations: REC_CREATE and REC_DESTROY as SROs, and OP_MEM_DONATE,
// OP_CONTINUE, OP_MEM_RECLAIM, OP_CANCEL - the donate, continue, reclaim and cancel paths, the
// bound on work per call, handle validation, and a host that abandons an operation halfway.
#include "rmm2_fixture.h"

namespace rmmtest {
namespace {

namespace dr = rmi::donate_req;

class Sro : public Rmm2Test {
 protected:
  Realm r = make_realm();
  uint64_t rec = delegated();
  std::vector<uint64_t> granules(unsigned n) {
    std::vector<uint64_t> g;
    for (unsigned i = 0; i < n; ++i) g.push_back(delegated());
    return g;
  }
  SmcRegs donate(uint64_t handle, const std::vector<uint64_t>& g) {
    return smc(rmi::kOpMemDonate, {handle, list_page(g), g.size()});
  }
};

TEST_F(Sro, rec_create_returns_incomplete_with_a_donation_request) {
  const SmcRegs x = rec_create_start(r.rd, rec);
  EXPECT_EQ(rmi::status_of(x.x[0]), Status::Incomplete);
  EXPECT_EQ(rmi::memreq_of(x.x[0]), rmi::MemReq::Donate);
  EXPECT_TRUE(rmi::can_cancel_of(x.x[0]));
  EXPECT_NE(x.x[1], 0u);
  EXPECT_EQ(dr::count(x.x[2]), 16u);
  EXPECT_FALSE(dr::undelegated(x.x[2]));  // DELEGATED granules wanted
  EXPECT_EQ(rmm->granule_state(rec), GranuleState::Partial);
  EXPECT_EQ(rmm->granule_refcount(r.rd), 1u);  // the operation pins the realm
}

TEST_F(Sro, donations_are_bounded_per_call_then_continue_creates_the_rec) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  const auto g = granules(16);
  SmcRegs x = donate(h, g);  // 16 offered, 8 taken
  EXPECT_EQ(rmi::status_of(x.x[0]), Status::Incomplete);
  EXPECT_EQ(x.x[1], 8u);
  EXPECT_EQ(dr::count(x.x[2]), 8u);
  x = donate(h, std::vector<uint64_t>(g.begin() + 8, g.end()));
  EXPECT_EQ(rmi::status_of(x.x[0]), Status::Incomplete);
  EXPECT_EQ(rmi::memreq_of(x.x[0]), rmi::MemReq::None);
  EXPECT_RMI_OK(call(rmi::kOpContinue, {h, 0}));
  EXPECT_EQ(rmm->granule_state(rec), GranuleState::Rec);
  for (uint64_t a : g) EXPECT_EQ(rmm->granule_state(a), GranuleState::RecAux);
  EXPECT_EQ(rmm->granule_refcount(r.rd), 1u);
}

TEST_F(Sro, continue_before_the_donation_says_what_is_still_needed) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(4));
  const SmcRegs x = smc(rmi::kOpContinue, {h, 0});
  EXPECT_EQ(rmi::memreq_of(x.x[0]), rmi::MemReq::Donate);
  EXPECT_EQ(dr::count(x.x[2]), 12u);
  EXPECT_EQ(rmm->granule_state(rec), GranuleState::Partial);
}

TEST_F(Sro, rec_create_rec_sro_is_busy_while_another_is_open) {
  rec_create_start(r.rd, rec);
  const uint64_t other = delegated();
  EXPECT_RMI_FAIL(rec_create_start(r.rd, other).x[0], Status::Busy, 0);
}

TEST_F(Sro, donate_handle_valid_fails_for_a_handle_never_issued) {
  rec_create_start(r.rd, rec);
  const auto g = granules(1);
  EXPECT_RMI_FAIL(donate(0x1234, g).x[0], Status::ErrorInput, 0);
}
TEST_F(Sro, donate_count_valid_fails_for_zero) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  const uint64_t list = list_page(granules(1));
  EXPECT_RMI_FAIL(call(rmi::kOpMemDonate, {h, list, 0}), Status::ErrorInput, 0);
}
TEST_F(Sro, donate_list_align_fails) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  const uint64_t list = list_page(granules(1));
  EXPECT_RMI_FAIL(call(rmi::kOpMemDonate, {h, list + 8, 1}), Status::ErrorInput, 0);
}
TEST_F(Sro, donate_gran_state_fails_for_an_undelegated_granule) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  EXPECT_RMI_FAIL(donate(h, {alloc()}).x[0], Status::ErrorGranule, 0);
}
TEST_F(Sro, donate_takes_granules_up_to_the_first_bad_one) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  auto g = granules(2);
  g.push_back(g[0]);  // listed twice
  const SmcRegs x = donate(h, g);
  EXPECT_EQ(x.x[1], 2u);
  EXPECT_EQ(dr::count(x.x[2]), 14u);
}

TEST_F(Sro, cancel_halfway_hands_the_donations_back) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  const auto g = granules(5);
  donate(h, g);
  const SmcRegs c = smc(rmi::kOpCancel, {h});
  EXPECT_EQ(rmi::status_of(c.x[0]), Status::Incomplete);
  EXPECT_EQ(rmi::memreq_of(c.x[0]), rmi::MemReq::Reclaim);
  EXPECT_FALSE(rmi::can_cancel_of(c.x[0]));
  const uint64_t list = alloc();
  const SmcRegs x = smc(rmi::kOpMemReclaim, {h, list, 512});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 5u);
  EXPECT_EQ(read_list(list, 5), g);
  for (uint64_t a : g) EXPECT_EQ(rmm->granule_state(a), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_state(rec), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_refcount(r.rd), 0u);
  // The handle is dead, and the realm may make the REC afresh.
  EXPECT_RMI_FAIL(call(rmi::kOpContinue, {h, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_OK(make_rec2(r.rd, {}));
}

TEST_F(Sro, cancel_with_nothing_donated_finishes_at_once) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  EXPECT_RMI_OK(call(rmi::kOpCancel, {h}));
  EXPECT_EQ(rmm->granule_state(rec), GranuleState::Delegated);
}

TEST_F(Sro, continue_stop_cancels_a_rec_create) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(1));
  EXPECT_EQ(rmi::memreq_of(smc(rmi::kOpContinue, {h, rmi::kOpContinueStop}).x[0]), rmi::MemReq::Reclaim);
}
TEST_F(Sro, continue_flags_valid_fails) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  EXPECT_RMI_FAIL(call(rmi::kOpContinue, {h, 2}), Status::ErrorInput, 0);
}
TEST_F(Sro, reclaim_op_state_fails_for_an_operation_that_wants_memory) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  EXPECT_RMI_FAIL(call(rmi::kOpMemReclaim, {h, alloc(), 512}), Status::ErrorInput, 0);
}
TEST_F(Sro, donate_op_state_fails_for_an_operation_that_reclaims) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(1));
  call(rmi::kOpCancel, {h});
  const auto more = granules(1);
  EXPECT_RMI_FAIL(donate(h, more).x[0], Status::ErrorInput, 0);
}
TEST_F(Sro, cancel_fails_twice) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(1));
  call(rmi::kOpCancel, {h});
  EXPECT_RMI_FAIL(call(rmi::kOpCancel, {h}), Status::ErrorInput, 0);
}

TEST_F(Sro, a_host_that_abandons_an_operation_leaves_the_realm_pinned) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(3));
  // The host walks away: the REC is neither usable nor destroyable, nor is the realm.
  EXPECT_RMI_FAIL(call(rmi::kRecDestroy, {rec}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, alloc()}), Status::ErrorInput, 0);
  EXPECT_RMI_OK(call(rmi::kRealmTerminate, {r.rd}));
  EXPECT_RMI_FAIL(call(rmi::kRealmDestroy, {r.rd}), Status::ErrorRealm, 0);
  EXPECT_RMI_FAIL(call(rmi::kGranuleRangeUndelegate, {rec, rec + G}), Status::ErrorInput, 0);
  // Picking it up again (cancel, reclaim) frees everything.
  EXPECT_EQ(rmi::memreq_of(smc(rmi::kOpCancel, {h}).x[0]), rmi::MemReq::Reclaim);
  EXPECT_RMI_OK(call(rmi::kOpMemReclaim, {h, alloc(), 512}));
  EXPECT_RMI_OK(call(rmi::kRealmDestroy, {r.rd}));
}

TEST_F(Sro, rec_destroy_hands_the_aux_granules_back_a_bounded_number_per_call) {
  uint64_t rec2 = 0;
  std::vector<uint64_t> aux;
  EXPECT_RMI_OK(make_rec2(r.rd, {}, &rec2, &aux));
  const SmcRegs d = smc(rmi::kRecDestroy, {rec2});
  EXPECT_EQ(rmi::memreq_of(d.x[0]), rmi::MemReq::Reclaim);
  EXPECT_FALSE(rmi::can_cancel_of(d.x[0]));
  const uint64_t h = d.x[1], list = alloc();
  EXPECT_RMI_FAIL(call(rmi::kOpCancel, {h}), Status::ErrorInput, 0);  // op_cancel: not a REC_CREATE
  SmcRegs x = smc(rmi::kOpMemReclaim, {h, list, 512});
  EXPECT_EQ(rmi::status_of(x.x[0]), Status::Incomplete);
  EXPECT_EQ(x.x[1], 8u);
  std::vector<uint64_t> back = read_list(list, 8);
  x = smc(rmi::kOpMemReclaim, {h, list, 512});
  EXPECT_RMI_OK(x.x[0]);
  EXPECT_EQ(x.x[1], 8u);
  for (uint64_t a : read_list(list, 8)) back.push_back(a);
  EXPECT_EQ(back, aux);
  for (uint64_t a : aux) EXPECT_EQ(rmm->granule_state(a), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_state(rec2), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_refcount(r.rd), 0u);
}

TEST_F(Sro, reclaim_capacity_valid_fails_for_zero) {
  uint64_t rec2 = 0;
  make_rec2(r.rd, {}, &rec2);
  const uint64_t h = smc(rmi::kRecDestroy, {rec2}).x[1];
  EXPECT_RMI_FAIL(call(rmi::kOpMemReclaim, {h, alloc(), 0}), Status::ErrorInput, 0);
}

TEST_F(Sro, a_stale_handle_fails_handle_valid) {
  uint64_t rec2 = 0;
  make_rec2(r.rd, {}, &rec2);
  const uint64_t h = smc(rmi::kRecDestroy, {rec2}).x[1];
  call(rmi::kOpMemReclaim, {h, alloc(), 512});
  call(rmi::kOpMemReclaim, {h, alloc(), 512});
  EXPECT_RMI_FAIL(call(rmi::kOpMemReclaim, {h, alloc(), 512}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kOpCancel, {h}), Status::ErrorInput, 0);
}

// Rmm::audit under 2.0 (found by rmesim fuzz: an open operation's PARTIAL REC and donated
// granules were "leaked", and its reference on the RD a wrong refcount).
std::string problems(rmm::Rmm& m) {
  std::string s;
  for (const auto& p : m.audit().problems) s += p + "\n";
  return s;
}

TEST_F(Sro, an_open_operation_is_what_holds_its_partial_rec_and_donations) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(8));
  const auto a = rmm->audit();
  EXPECT_TRUE(a.problems.empty()) << problems(*rmm);
  ASSERT_EQ(a.realms.size(), 1u);
  ASSERT_EQ(a.realms[0].ops.size(), 1u);
  EXPECT_EQ(a.realms[0].ops[0].handle, h);
  EXPECT_EQ(a.realms[0].ops[0].rec, rec);
  EXPECT_TRUE(a.realms[0].ops[0].rec_create);
  EXPECT_FALSE(a.realms[0].ops[0].reclaim);
}

TEST_F(Sro, a_cancelled_operation_waiting_for_reclaim_and_a_rec_destroy_halfway_audit_clean) {
  const uint64_t h = rec_create_start(r.rd, rec).x[1];
  donate(h, granules(8));
  EXPECT_EQ(rmi::status_of(smc(rmi::kOpCancel, {h}).x[0]), Status::Incomplete);
  EXPECT_TRUE(problems(*rmm).empty()) << problems(*rmm);
  ASSERT_EQ(rmm->audit().realms[0].ops.size(), 1u);
  EXPECT_TRUE(rmm->audit().realms[0].ops[0].reclaim);
  EXPECT_EQ(rmi::status_of(smc(rmi::kOpMemReclaim, {h, alloc(), 512}).x[0]), Status::Success);
  uint64_t rec2 = 0;
  EXPECT_EQ(make_rec2(r.rd, {}, &rec2), 0u);
  const SmcRegs d = smc(rmi::kRecDestroy, {rec2});
  EXPECT_EQ(rmi::status_of(d.x[0]), Status::Incomplete);
  EXPECT_EQ(rmi::status_of(smc(rmi::kOpMemReclaim, {d.x[1], alloc(), 4}).x[0]), Status::Incomplete);
  EXPECT_TRUE(problems(*rmm).empty()) << problems(*rmm);
}

}  // namespace
}  // namespace rmmtest
