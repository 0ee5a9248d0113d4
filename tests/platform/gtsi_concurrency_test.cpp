// Granule transitions from several PEs at once: every PE delegates and undelegates its own
// granules, interleaved with the other PEs' granules in the same GPT descriptors, while the
// quantum makes the PEs yield in the middle of each other's GPT read-modify-writes. The GPT
// must end exactly as the transitions say, with the critical sections serialized in
// simulated time (TF-A's gpt_delegate_pas / gpt_undelegate_pas hold a lock around the GPT
// update and its TLBI).
#include <gtest/gtest.h>

#include <vector>

#include "platform/abi/smccc.h"
#include "platform/monitor.h"
#include "platform/requester.h"
#include "soc_fixture.h"

using namespace platform;
using rmesim::testing::SocFixture;

namespace {

constexpr unsigned kPes = 4;
constexpr unsigned kGranulesPerPe = 24;

uint64_t gtsi(Pe& pe, uint32_t fid, uint64_t pa, Monitor& m) {
  platform::abi::SmcRegs r;
  r.x[0] = fid;
  r.x[1] = pa;
  m.smc(pe.requester(), World::Realm, r);
  return r.x[0];
}

class GtsiConcurrency : public ::testing::TestWithParam<uint64_t> {
 protected:
  static SocConfig config() {
    SocConfig c = SocFixture::small_config();
    c.cores = kPes;
    c.quantum_ns = GetParam();
    return c;
  }
  SocFixture f{config()};
  // PE p owns granules p, p + kPes, p + 2 kPes, ...: each 64 KiB GPT L1 descriptor holds the
  // GPIs of 16 consecutive granules, so every descriptor is shared by all PEs.
  uint64_t granule(unsigned pe, unsigned k) const {
    return f.config.dram_base + 0x200000 + (uint64_t{k} * kPes + pe) * f.soc->monitor().granule_size();
  }
  // Delegates all of its granules, undelegates the even ones, delegates them again and
  // undelegates the odd ones: the odd granules end Non-secure, the even ones Realm.
  void post_transitions(std::vector<unsigned>& failures) {
    for (unsigned p = 0; p < kPes; ++p) {
      f.soc->pe(p).post([this, p, &failures](Pe& pe) {
        Monitor& m = f.soc->monitor();
        const auto step = [&](uint32_t fid, unsigned k) {
          if (gtsi(pe, fid, granule(p, k), m) != platform::abi::kRmmEl3Ok) ++failures[p];
          pe.requester().sync_if_needed();  // the caller's own code between SMCs yields as usual
        };
        for (unsigned k = 0; k < kGranulesPerPe; ++k) step(platform::abi::kRmmGtsiDelegate, k);
        for (unsigned k = 0; k < kGranulesPerPe; k += 2) step(platform::abi::kRmmGtsiUndelegate, k);
        for (unsigned k = 0; k < kGranulesPerPe; k += 2) step(platform::abi::kRmmGtsiDelegate, k);
        for (unsigned k = 1; k < kGranulesPerPe; k += 2) step(platform::abi::kRmmGtsiUndelegate, k);
      });
    }
  }
  void SetUp() override { f.boot(); }
};

TEST_P(GtsiConcurrency, concurrent_transitions_on_shared_descriptors_all_take_effect) {
  std::vector<unsigned> failures(kPes, 0);
  post_transitions(failures);
  sc_core::sc_start();
  ASSERT_NO_THROW(f.soc->rethrow_job_errors());
  f.run([&](Pe& pe) {
    Monitor& m = f.soc->monitor();
    for (unsigned p = 0; p < kPes; ++p) {
      EXPECT_EQ(failures[p], 0u) << "pe" << p;
      for (unsigned k = 0; k < kGranulesPerPe; ++k)
        EXPECT_STREQ(gpt::to_string(m.granule_gpi(pe.requester(), granule(p, k))), k % 2 ? "NS" : "REALM")
            << "pe" << p << " granule " << k;
    }
    // Granules nobody touched, around and between, stay Non-secure.
    EXPECT_EQ(m.granule_gpi(pe.requester(), granule(0, 0) - m.granule_size()), gpt::Gpi::NonSecure);
    EXPECT_EQ(m.granule_gpi(pe.requester(), granule(0, kGranulesPerPe)), gpt::Gpi::NonSecure);
  });
}

TEST_P(GtsiConcurrency, critical_sections_do_not_overlap_in_simulated_time) {
  std::vector<unsigned> failures(kPes, 0);
  post_transitions(failures);
  sc_core::sc_start();
  const StatGroup& s = *f.soc->stats().find_group("monitor");
  ASSERT_NE(s.find_time("gpt_lock_wait"), nullptr);
  const TimeStat& in_transitions = *s.find_time("transitions");
  const TimeStat& waiting = *s.find_time("gpt_lock_wait");
  EXPECT_EQ(in_transitions.count, uint64_t{kPes} * (kGranulesPerPe + 3 * kGranulesPerPe / 2));
  // One lock covers all these granules (one 512 MiB block): the time it was held, summed,
  // fits in the time that passed.
  EXPECT_LE(in_transitions.total - waiting.total, sc_core::sc_time_stamp());
  // With a quantum shorter than a transition the PEs meet at the lock, and the monitor says so.
  if (GetParam() <= 1'000) {
    EXPECT_GT(waiting.count, 0u);
    EXPECT_GT(waiting.total, sc_core::SC_ZERO_TIME);
  }
}

INSTANTIATE_TEST_SUITE_P(Quanta, GtsiConcurrency,
                         ::testing::Values(uint64_t{1'000}, uint64_t{10'000}, uint64_t{100'000},
                                           uint64_t{1'000'000}),
                         [](const auto& info) { return std::to_string(info.param / 1000) + "us"; });

}  // namespace
