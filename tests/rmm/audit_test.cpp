// Rmm::audit: the records of a well-built realm agree; each kind of corruption a broken
// command could leave (a foreign or wrong-state pointer, a wrong refcount, an orphan) is named.
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

class AuditTest : public RmmTest {
 protected:
  Realm r;
  uint64_t l3 = 0, data = 0;
  void SetUp() override {
    r = make_realm();
    const auto rtts = make_rtts(r.rd, 0);
    l3 = rtts.back();
    data = delegated();
    std::array<uint8_t, 4096> zero{};
    EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, data, 0x3000, ns_page(zero), 0}));
  }
  // A Realm-PAS write, as only the RMM (or a bug in it) could make.
  void write_realm64(uint64_t pa, uint64_t v) {
    f.run([&](platform::Pe& pe) { EXPECT_TRUE(pe.requester().write64(pa, v, gpt::Pas::Realm).ok()); });
  }
  std::string problems() {
    std::string s;
    for (const auto& p : rmm->audit().problems) s += p + "\n";
    return s;
  }
};

TEST_F(AuditTest, a_well_built_realm_has_no_problems_and_lists_its_objects) {
  const auto a = rmm->audit();
  EXPECT_TRUE(a.problems.empty()) << problems();
  ASSERT_EQ(a.realms.size(), 1u);
  EXPECT_EQ(a.realms[0].rd, r.rd);
  EXPECT_EQ(a.realms[0].rtts.size(), 2u);  // levels 2 and 3
  ASSERT_EQ(a.realms[0].data.size(), 1u);
  EXPECT_EQ(a.realms[0].data[0].ipa, 0x3000u);
  EXPECT_EQ(a.realms[0].data[0].level, 3);
}

TEST_F(AuditTest, an_entry_that_points_at_a_delegated_granule_is_named) {
  const uint64_t other = delegated();
  write_realm64(l3 + 8 * 3, other | 0x3 | (uint64_t{1} << 10));  // a valid page entry, IPA 0x3000
  EXPECT_NE(problems().find("points at a DELEGATED granule, not DATA"), std::string::npos) << problems();
}

TEST_F(AuditTest, a_data_granule_mapped_twice_is_named) {
  write_realm64(l3 + 8 * 4, data | 0x3 | (uint64_t{1} << 10));  // IPA 0x4000 -> the same DATA
  EXPECT_NE(problems().find("already held by realm"), std::string::npos) << problems();
}

TEST_F(AuditTest, a_data_granule_no_entry_holds_is_a_leak) {
  write_realm64(l3 + 8 * 3, 0);  // the entry forgets its DATA; the refcount is now wrong too
  const std::string p = problems();
  EXPECT_NE(p.find("DATA granule that no realm holds (leaked)"), std::string::npos) << p;
  EXPECT_NE(p.find("RTT refcount 1, but 0 of its entries"), std::string::npos) << p;
}

TEST_F(AuditTest, an_encoding_the_rmm_never_writes_is_named) {
  write_realm64(l3 + 8 * 9, 0x1);  // a block descriptor at level 3
  EXPECT_NE(problems().find("encoding the RMM never writes"), std::string::npos) << problems();
}

}  // namespace
}  // namespace rmmtest
