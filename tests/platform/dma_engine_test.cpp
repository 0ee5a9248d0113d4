// The DMA engine is a client device of the SMMU: programmed by a PE through MMIO, it copies,
// fills or reads memory through the SMMU (here in bypass), whose GPC unit refuses delegated
// granules, moving no data. Its time depends only on what the transfer does.
#include "platform/dma_engine.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "smmu_bench.h"
#include "sim/trace.h"

using namespace platform;
using rmesim::testing::SmmuBench;
namespace sm = platform::smmuv3;
using gpt::Pas;

namespace {

struct DmaTest : ::testing::Test {
  SmmuBench b;
  uint64_t a() const { return b.pa(0x100000); }
  uint64_t c() const { return b.pa(0x200000); }
  void SetUp() override {
    b.f.boot();
    b.f.run([&](Pe&) {
      b.enable();
      b.put_ste(memory_map::kDmaStreamId, SmmuBench::bypass());
    });
  }
  // Programs a copy through the MMIO window, as a driver does, and waits for the engine.
  uint64_t copy(Pe& pe, uint64_t src, uint64_t dst, uint64_t len) {
    auto& r = pe.requester();
    const uint64_t base = Soc::dma_base();
    EXPECT_TRUE(r.write64(base + DmaEngine::kSrc, src, Pas::NonSecure).ok());
    EXPECT_TRUE(r.write64(base + DmaEngine::kDst, dst, Pas::NonSecure).ok());
    EXPECT_TRUE(r.write64(base + DmaEngine::kLen, len, Pas::NonSecure).ok());
    EXPECT_TRUE(r.write64(base + DmaEngine::kCtrl, 1, Pas::NonSecure).ok());
    r.sync();
    if (b.f.soc->dma().busy()) sc_core::wait(b.f.soc->dma().done_event());
    uint64_t status = 0;
    EXPECT_TRUE(r.read64(base + DmaEngine::kStatus, status, Pas::NonSecure).ok());
    return status;
  }
};

TEST_F(DmaTest, copies_non_secure_memory_across_granules) {
  b.f.run([&](Pe& pe) {
    std::vector<uint8_t> data(10000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
    ASSERT_TRUE(pe.requester().write(a() + 100, data.data(), data.size(), Pas::NonSecure).ok());
    EXPECT_EQ(copy(pe, a() + 100, c() + 3, data.size()), DmaEngine::kStatusDone);
    std::vector<uint8_t> seen(data.size());
    ASSERT_TRUE(pe.requester().read(c() + 3, seen.data(), seen.size(), Pas::NonSecure).ok());
    EXPECT_EQ(seen, data);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kCopied), data.size());
  });
}

TEST_F(DmaTest, read_mode_sums_what_the_device_read) {
  b.f.run([&](Pe& pe) {
    ASSERT_TRUE(pe.requester().fill(a(), 3, 4096, Pas::NonSecure).ok());
    EXPECT_EQ(b.dma(a(), 0, 4096, DmaEngine::kCtrlRead), DmaEngine::kStatusDone);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kChecksum), 3u * 4096);
  });
}

// Found by rmesim fuzz: status said DONE while the engine still synced the transfer's time,
// so a start in that window was a notification nobody waited for, and the PE waited forever.
TEST_F(DmaTest, a_transfer_started_as_soon_as_the_last_one_reports_done_still_runs) {
  bool finished = false;
  b.f.run([&](Pe&) {
    auto& dma = b.f.soc->dma();
    for (uint64_t dst : {c(), c() + 0x1000}) {
      dma.write_reg(DmaEngine::kSrc, a());
      dma.write_reg(DmaEngine::kDst, dst);
      dma.write_reg(DmaEngine::kLen, 4096);
      dma.write_reg(DmaEngine::kCtrl, 1);
      // Poll the status the way a driver does, and start the next one the moment it says done.
      for (int spins = 0; dma.busy() && spins < 1000000; ++spins) sc_core::wait(sc_core::sc_time(1, sc_core::SC_NS));
      EXPECT_EQ(dma.read_reg(DmaEngine::kStatus), DmaEngine::kStatusDone);
    }
    finished = true;
  });
  EXPECT_TRUE(finished) << "the second transfer never ended";
  EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kCopied), 4096u);
}

TEST_F(DmaTest, write_into_a_delegated_granule_faults_leaves_it_untouched_and_is_counted_and_traced) {
  b.f.soc->trace().set_enabled(true);
  b.f.run([&](Pe& pe) {
    b.delegate(c());
    std::vector<uint8_t> secret(4096, 0x5A);
    ASSERT_TRUE(pe.requester().write(c(), secret.data(), secret.size(), Pas::Realm).ok());
    ASSERT_TRUE(pe.requester().fill(a(), 0xEE, 4096, Pas::NonSecure).ok());
    EXPECT_EQ(copy(pe, a(), c(), 4096), DmaEngine::kStatusFault);
    auto& d = b.f.soc->dma();
    EXPECT_EQ(d.read_reg(DmaEngine::kFaultAddr), c());
    EXPECT_EQ(d.read_reg(DmaEngine::kFaultInfo), DmaEngine::kFaultInfoWrite) << "an abort on the write";
    std::vector<uint8_t> seen(4096);
    ASSERT_TRUE(pe.requester().read(c(), seen.data(), seen.size(), Pas::Realm).ok());
    EXPECT_EQ(seen, secret);
    const auto* gpf = b.f.soc->stats().find_counter("smmuv3.gpc.faults_fail");
    ASSERT_NE(gpf, nullptr);
    EXPECT_EQ(gpf->value, 1u) << "the SMMU's GPC unit refused the access";
  });
  std::ostringstream json;
  b.f.soc->trace().write_json(json);
  EXPECT_NE(json.str().find("\"GPF\""), std::string::npos);
  EXPECT_NE(json.str().find("soc.smmuv3"), std::string::npos);
}

TEST_F(DmaTest, read_from_a_delegated_granule_faults_and_leaks_nothing) {
  b.f.run([&](Pe& pe) {
    b.delegate(a() + 0x1000);
    ASSERT_TRUE(pe.requester().fill(a() + 0x1000, 0x77, 4096, Pas::Realm).ok());
    ASSERT_TRUE(pe.requester().fill(c(), 0, 0x2000, Pas::NonSecure).ok());
    // 8 KiB from a(): the first granule copies, the delegated second one faults.
    EXPECT_EQ(copy(pe, a(), c(), 0x2000), DmaEngine::kStatusFault);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kCopied), 0x1000u);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kFaultAddr), a() + 0x1000);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kFaultInfo), 0u) << "an abort on the read";
    std::vector<uint8_t> seen(4096, 1);
    ASSERT_TRUE(pe.requester().read(c() + 0x1000, seen.data(), seen.size(), Pas::NonSecure).ok());
    EXPECT_EQ(seen, std::vector<uint8_t>(4096, 0));
  });
}

TEST_F(DmaTest, copy_to_an_address_nothing_decodes_is_a_decode_error) {
  b.f.run([&](Pe& pe) {
    EXPECT_EQ(copy(pe, a(), 0x1000, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kFaultInfo), DmaEngine::kFaultInfoWrite | DmaEngine::kFaultInfoDecode);
  });
}

// The duration is setup + the bursts' memory traffic: the same transfer with the same cache
// contents costs the same, whatever the PE that started it had pending in its local time.
TEST_F(DmaTest, an_identical_transfer_takes_identical_time_whatever_ran_before) {
  b.f.run([&](Pe& pe) {
    auto& d = b.f.soc->dma();
    ASSERT_EQ(b.dma_fill(a(), 1), DmaEngine::kStatusDone);  // warm the SMMU's caches
    ASSERT_EQ(b.dma_fill(a(), 1), DmaEngine::kStatusDone);
    const sc_core::sc_time warm = d.last_duration();
    EXPECT_GT(warm, sc_core::SC_ZERO_TIME);
    pe.requester().quantum_keeper().inc(sc_core::sc_time(700, sc_core::SC_NS));  // PE work not yet synced
    const sc_core::sc_time t0 = pe.requester().now();
    ASSERT_EQ(b.dma_fill(a(), 1), DmaEngine::kStatusDone);
    EXPECT_EQ(d.last_duration(), warm);
    EXPECT_EQ(pe.requester().now() - t0, warm) << "the PE waits exactly the transfer";
    // A cold GPC cache (TLBI PAALL) adds exactly its GPT walk.
    b.f.soc->monitor().tlbi_broadcast_paall(pe.requester());
    const uint64_t reads = b.smmu().gpc().stats().descriptor_reads.value;
    ASSERT_EQ(b.dma_fill(a(), 1), DmaEngine::kStatusDone);
    const uint64_t walked = b.smmu().gpc().stats().descriptor_reads.value - reads;
    EXPECT_GT(walked, 0u);
    EXPECT_EQ(d.last_duration() - warm,
              b.f.profile.charge("gpt.walk_level").time * double(walked) - b.f.profile.charge("gpc.cache_hit").time);
  });
}

}  // namespace
