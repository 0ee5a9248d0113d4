// ContentDigests: every digest equals EVP's of the content measured, whether the thread hashed
// it ahead or not: sources read in order, a source written after it was hashed ahead, content
// that is not its source's, both algorithms, and an object destroyed with work pending.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "core/content_digests.h"
#include "sim/host_worker.h"
#include "test_util.h"

namespace {

using rmm::ContentDigests;
using rmm::HashAlgorithm;
using rmm_test::Bytes;

constexpr size_t kGranule = 4096;

const char* md_name(HashAlgorithm a) { return a == HashAlgorithm::Sha256 ? "SHA256" : "SHA512"; }

// `pages` granules of distinct bytes, as a populate's source.
std::vector<uint8_t> source(size_t pages) {
  std::vector<uint8_t> v(pages * kGranule);
  uint32_t x = 12345;
  for (auto& b : v) b = static_cast<uint8_t>((x = x * 1103515245 + 12345) >> 16);
  return v;
}

Bytes digest_of(ContentDigests& d, HashAlgorithm algo, const std::vector<uint8_t>& src, size_t page,
                const uint8_t* content) {
  Bytes out(rmm::hash_size(algo));
  d.digest(algo, src.data() + page * kGranule, content, kGranule, out.data(), src.data(), src.data() + src.size());
  return out;
}

// Lets the thread catch up with what it was handed (it needs microseconds per granule).
void let_the_thread_run() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

TEST(ContentDigests, SourcesInOrderAreHashedAheadAndAgree) {
  for (HashAlgorithm algo : {HashAlgorithm::Sha256, HashAlgorithm::Sha512}) {
    const std::vector<uint8_t> src = source(300);
    ContentDigests d;
    for (size_t p = 0; p < 300; ++p) {
      const uint8_t* content = src.data() + p * kGranule;
      EXPECT_EQ(digest_of(d, algo, src, p, content), rmm_test::digest(md_name(algo), content, kGranule))
          << "page " << p;
      if (p == 1 || p == 100) let_the_thread_run();
    }
    if (platform::host_workers_worthwhile()) {
      EXPECT_GT(d.taken(), 0u) << md_name(algo);
    }
  }
}

TEST(ContentDigests, ASourceWrittenAfterItWasHashedAheadIsHashedAgain) {
  std::vector<uint8_t> src = source(40);
  ContentDigests d;
  for (size_t p = 0; p < 2; ++p) digest_of(d, HashAlgorithm::Sha256, src, p, src.data() + p * kGranule);
  let_the_thread_run();  // pages 2.. are hashed ahead
  std::memset(src.data() + 5 * kGranule + 100, 0xEE, 8);  // written after that
  for (size_t p = 2; p < 40; ++p) {
    const uint8_t* content = src.data() + p * kGranule;
    EXPECT_EQ(digest_of(d, HashAlgorithm::Sha256, src, p, content), rmm_test::digest("SHA256", content, kGranule))
        << "page " << p;
  }
  if (platform::host_workers_worthwhile()) {
    EXPECT_EQ(d.taken(), 37u);  // all but the page written
  }
}

TEST(ContentDigests, ContentThatIsNotItsSourcesIsHashedItself) {
  const std::vector<uint8_t> src = source(20);
  std::vector<uint8_t> other(kGranule, 0x42);
  ContentDigests d;
  for (size_t p = 0; p < 2; ++p) digest_of(d, HashAlgorithm::Sha256, src, p, src.data() + p * kGranule);
  let_the_thread_run();
  EXPECT_EQ(digest_of(d, HashAlgorithm::Sha256, src, 2, other.data()), rmm_test::digest("SHA256", other.data(), kGranule));
  // The same source under the other algorithm: not the digest hashed ahead.
  const uint8_t* content = src.data() + 3 * kGranule;
  EXPECT_EQ(digest_of(d, HashAlgorithm::Sha512, src, 3, content), rmm_test::digest("SHA512", content, kGranule));
  EXPECT_EQ(d.taken(), 0u);
}

TEST(ContentDigests, NothingIsReadBeyondTheWindow) {
  // Sources at the window's end: the thread is handed only what lies inside it (ASan sees a
  // read past the vector's end).
  const std::vector<uint8_t> src = source(3);
  ContentDigests d;
  for (size_t p = 0; p < 3; ++p) {
    const uint8_t* content = src.data() + p * kGranule;
    EXPECT_EQ(digest_of(d, HashAlgorithm::Sha256, src, p, content), rmm_test::digest("SHA256", content, kGranule));
    let_the_thread_run();
  }
}

TEST(ContentDigests, DestroyedWithWorkPendingStopsCleanly) {
  const std::vector<uint8_t> src = source(200);
  for (int round = 0; round < 20; ++round) {
    ContentDigests d;
    for (size_t p = 0; p < 3; ++p) digest_of(d, HashAlgorithm::Sha512, src, p, src.data() + p * kGranule);
  }
}

}  // namespace
