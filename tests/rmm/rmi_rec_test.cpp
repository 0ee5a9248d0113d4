// RMI_REC_CREATE, RMI_REC_DESTROY, and RMI_REC_ENTER's failure conditions before the REC runs.
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

class RecTest : public RmmTest {
 protected:
  Realm r;
  void SetUp() override { r = make_realm(); }
  uint64_t rec_with(RecParams p, uint64_t rec) {
    if (p.aux.empty()) p.aux = aux_granules();
    const uint64_t params = ns_page(p.bytes());
    return call(rmi::kRecCreate, {r.rd, rec, params});
  }
};

TEST_F(RecTest, rec_create_takes_rec_and_aux_granules_and_counts_in_the_rd) {
  RecParams p;
  p.aux = aux_granules();
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, p, &rec));
  EXPECT_EQ(rmm->granule_state(rec), GranuleState::Rec);
  for (uint64_t a : p.aux) EXPECT_EQ(rmm->granule_state(a), GranuleState::RecAux);
  EXPECT_EQ(rmm->granule_refcount(r.rd), 1u);
  EXPECT_RMI_OK(call(rmi::kRecDestroy, {rec}));
  for (uint64_t a : p.aux) EXPECT_EQ(rmm->granule_state(a), GranuleState::Delegated);
  EXPECT_EQ(rmm->granule_refcount(r.rd), 0u);
}

TEST_F(RecTest, rec_create_rd_state_and_rec_state_fail_input) {
  RecParams p;
  p.aux = aux_granules();
  const uint64_t params = ns_page(p.bytes());
  const uint64_t rec = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rtt_base, rec, params}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, r.rd, params}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec + 8, params}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params + 8}), Status::ErrorInput, 0);   // params_align
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, r.rtt_base}), Status::ErrorInput, 0);   // params_pas
}

TEST_F(RecTest, rec_create_realm_state_fails_realm_when_active) {
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  RecParams p;
  p.aux = aux_granules();
  const uint64_t params = ns_page(p.bytes());
  const uint64_t rec = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorRealm, 0);
}

TEST_F(RecTest, rec_create_mpidr_index_fails_input_out_of_order) {
  RecParams p;
  p.mpidr = 1;
  p.aux = aux_granules();
  const uint64_t params = ns_page(p.bytes());
  const uint64_t rec = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorInput, 0);
  p.mpidr = 0;
  const uint64_t params0 = ns_page(p.bytes());
  EXPECT_RMI_OK(call(rmi::kRecCreate, {r.rd, rec, params0}));
  RecParams q;
  q.mpidr = 1;
  EXPECT_RMI_OK(make_rec(r.rd, q));
}

TEST_F(RecTest, rec_create_num_aux_aux_state_and_aux_alias_fail_input) {
  const uint64_t rec = delegated();
  RecParams p;
  p.aux = aux_granules();
  p.num_aux_override = 15;
  uint64_t params = ns_page(p.bytes());
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorInput, 0);
  p.num_aux_override = ~uint64_t{0};
  p.aux[3] = alloc();  // undelegated
  params = ns_page(p.bytes());
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorInput, 0);
  p.aux[3] = p.aux[2];  // duplicate
  params = ns_page(p.bytes());
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorInput, 0);
  p.aux[3] = rec;  // the REC itself
  params = ns_page(p.bytes());
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorInput, 0);
}

TEST_F(RecTest, rec_create_realm_state_before_mpidr_index) {
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  RecParams p;
  p.mpidr = 7;
  p.aux = aux_granules();
  const uint64_t params = ns_page(p.bytes());
  const uint64_t rec = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecCreate, {r.rd, rec, params}), Status::ErrorRealm, 0);
}

TEST_F(RecTest, rec_destroy_rec_state_fails_input) {
  EXPECT_RMI_FAIL(call(rmi::kRecDestroy, {r.rd}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecDestroy, {r.rd + 1}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecDestroy, {0x5000}), Status::ErrorInput, 0);
}

TEST_F(RecTest, rec_enter_realm_new_fails_realm_index_0) {
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, {}, &rec));
  const uint64_t run = alloc();
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, run}), Status::ErrorRealm, 0);
}

TEST_F(RecTest, rec_enter_rec_state_and_run_pas_fail_input) {
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, {}, &rec));
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  const uint64_t run = alloc();
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {r.rd, run}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, run + 8}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, r.rtt_base}), Status::ErrorInput, 0);
}

TEST_F(RecTest, rec_enter_rec_runnable_fails_rec) {
  RecParams p;
  p.flags = 0;
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, p, &rec));
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  const uint64_t run = alloc();
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, run}), Status::ErrorRec, 0);
}

TEST_F(RecTest, rec_enter_rec_gic_and_rec_mmio_fail_rec) {
  uint64_t rec;
  EXPECT_RMI_OK(make_rec(r.rd, {}, &rec));
  EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
  std::array<uint8_t, 4096> run{};
  uint64_t bad_hcr = uint64_t{1} << 0;  // ICH_HCR.En is the RMM's
  std::memcpy(&run[rmi::rec_enter::kGicv3Hcr], &bad_hcr, 8);
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, ns_page(run)}), Status::ErrorRec, 0);
  std::array<uint8_t, 4096> run2{};
  uint64_t flags = rmi::rec_enter::kFlagEmulatedMmio;
  std::memcpy(&run2[rmi::rec_enter::kFlags], &flags, 8);
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec, ns_page(run2)}), Status::ErrorRec, 0);
}

TEST_F(RecTest, psci_complete_alias_and_pending_fail_input) {
  uint64_t rec0, rec1;
  EXPECT_RMI_OK(make_rec(r.rd, {}, &rec0));
  RecParams p;
  p.mpidr = 1;
  EXPECT_RMI_OK(make_rec(r.rd, p, &rec1));
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec0, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1, 0}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {r.rd, rec1, 0}), Status::ErrorInput, 0);
}

}  // namespace
}  // namespace rmmtest
