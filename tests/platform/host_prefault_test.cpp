// HostPrefault: a write into a chunk of fresh anonymous memory makes the whole chunk resident
// (one MADV_POPULATE_WRITE) and leaves the other chunks alone; a read maps the chunk (one
// MADV_POPULATE_READ), and a later write to it still faults it in for writing.
#include "platform/host_prefault.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

using platform::HostPrefault;

namespace {

// Resident 4 KiB pages in [p, p + len), by mincore.
size_t resident(uint8_t* p, size_t len) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> v((len + page - 1) / page);
  if (mincore(p, len, v.data()) != 0) return ~size_t{0};
  size_t n = 0;
  for (unsigned char c : v) n += c & 1;
  return n;
}

// Fresh anonymous memory (nothing resident), or null.
uint8_t* fresh_memory(size_t size) {
  void* m = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return m == MAP_FAILED ? nullptr : static_cast<uint8_t*>(m);
}

// Whether the running kernel takes `advice`, asked on a page of its own (the memory under test
// stays untouched).
bool kernel_has(int advice) {
  uint8_t* probe = fresh_memory(4096);
  const bool has = probe && madvise(probe, 4096, advice) == 0;
  if (probe) munmap(probe, 4096);
  return has;
}

TEST(HostPrefault, FaultsInTheChunkWrittenOnly) {
#ifndef MADV_POPULATE_WRITE
  GTEST_SKIP() << "no MADV_POPULATE_WRITE in this kernel's headers";
#else
  if (!kernel_has(MADV_POPULATE_WRITE)) GTEST_SKIP() << "the running kernel has no MADV_POPULATE_WRITE";
  const size_t chunk = size_t{1} << HostPrefault::kChunkShift, size = 4 * chunk;
  uint8_t* base = fresh_memory(size);
  ASSERT_NE(base, nullptr);
  ASSERT_EQ(resident(base, size), 0u);
  HostPrefault pf;
  // A write of 8 KiB across the boundary of chunks 1 and 2, not yet made.
  pf.before_write(base, size, base + 2 * chunk - 4096, 8192);
  EXPECT_EQ(resident(base, chunk), 0u);
  EXPECT_EQ(resident(base + chunk, 2 * chunk), 2 * chunk / 4096);
  EXPECT_EQ(resident(base + 3 * chunk, chunk), 0u);
  munmap(base, size);
#endif
}

// Minor page faults this process has taken so far.
long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// A read or write of one byte per 4 KiB page, uninstrumented: in the sanitizer build ASan's
// check of each access reads its shadow, whose own first touch is a page fault too.
__attribute__((no_sanitize_address)) unsigned read_pages(const uint8_t* p, size_t len) {
  unsigned sum = 0;
  for (size_t off = 0; off < len; off += 4096) sum += static_cast<const volatile uint8_t*>(p)[off];
  return sum;
}
__attribute__((no_sanitize_address)) void write_pages(uint8_t* p, size_t len) {
  for (size_t off = 0; off < len; off += 4096) static_cast<volatile uint8_t*>(p)[off] = 1;
}

TEST(HostPrefault, ReadMapsTheChunkAndAWriteAfterItStillFaultsItInForWriting) {
#if !defined(MADV_POPULATE_READ) || !defined(MADV_POPULATE_WRITE)
  GTEST_SKIP() << "no MADV_POPULATE_READ/WRITE in this kernel's headers";
#else
  if (!kernel_has(MADV_POPULATE_READ)) GTEST_SKIP() << "the running kernel has no MADV_POPULATE_READ";
  const size_t chunk = size_t{1} << HostPrefault::kChunkShift, size = 2 * chunk;
  uint8_t* base = fresh_memory(size);
  ASSERT_NE(base, nullptr);
  HostPrefault pf;
  pf.before_read(base, size, base + 4096, 4096);
  // Every page of chunk 0 mapped (the zero page): reading them takes no fault.
  const long f0 = minor_faults();
  unsigned sum = read_pages(base, chunk);
  EXPECT_EQ(minor_faults() - f0, 0) << sum;
  // A write to the chunk read before: faulted in for writing first, so its stores take none.
  pf.before_write(base, size, base, chunk);
  const long f1 = minor_faults();
  write_pages(base, chunk);
  EXPECT_EQ(minor_faults() - f1, 0);
  // Chunk 1, untouched: its first read faults as usual.
  const long f2 = minor_faults();
  sum += read_pages(base + chunk, 4096);
  EXPECT_EQ(minor_faults() - f2, 1) << sum;
  munmap(base, size);
#endif
}

// Waits up to 10 s for `pages` pages of [p, p + len) to be resident (the read-ahead thread's
// work lands when it lands); the count at the end.
size_t wait_resident(uint8_t* p, size_t len, size_t pages) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  size_t n = resident(p, len);
  while (n < pages && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    n = resident(p, len);
  }
  return n;
}

// Two neighbouring chunks written one after the other: the next kAhead chunks fault in on the
// object's thread, and no more; reaching the middle of them hands it the next half.
TEST(HostPrefault, ASequentialWriteFaultsInTheNextChunksAhead) {
#ifndef MADV_POPULATE_WRITE
  GTEST_SKIP() << "no MADV_POPULATE_WRITE in this kernel's headers";
#else
  if (!kernel_has(MADV_POPULATE_WRITE)) GTEST_SKIP() << "the running kernel has no MADV_POPULATE_WRITE";
  if (!platform::host_workers_worthwhile()) GTEST_SKIP() << "one host core: no read-ahead thread";
  const size_t chunk = size_t{1} << HostPrefault::kChunkShift, pages = chunk / 4096;
  const size_t ahead = HostPrefault::kAhead, chunks = 2 + ahead + ahead / 2 + 4, size = chunks * chunk;
  uint8_t* base = fresh_memory(size);
  ASSERT_NE(base, nullptr);
  {
    HostPrefault pf;
    pf.before_write(base, size, base, 4096);
    pf.before_write(base, size, base + chunk, 4096);
    // Chunks 2 .. 2 + kAhead - 1 are handed over.
    EXPECT_EQ(wait_resident(base + 2 * chunk, ahead * chunk, ahead * pages), ahead * pages);
    EXPECT_EQ(resident(base + (2 + ahead) * chunk, size - (2 + ahead) * chunk), 0u);
    // Chunk 2 + kAhead / 2 reached: kAhead / 2 more.
    pf.before_write(base, size, base + (2 + ahead / 2) * chunk, 4096);
    EXPECT_EQ(wait_resident(base + (2 + ahead) * chunk, ahead / 2 * chunk, ahead / 2 * pages), ahead / 2 * pages);
    EXPECT_EQ(resident(base + (2 + ahead + ahead / 2) * chunk, 4 * chunk), 0u);
  }
  munmap(base, size);
#endif
}

// Writes to chunks apart from each other read nothing ahead: only what is touched is resident.
TEST(HostPrefault, ScatteredWritesReadNothingAhead) {
#ifndef MADV_POPULATE_WRITE
  GTEST_SKIP() << "no MADV_POPULATE_WRITE in this kernel's headers";
#else
  if (!kernel_has(MADV_POPULATE_WRITE)) GTEST_SKIP() << "the running kernel has no MADV_POPULATE_WRITE";
  const size_t chunk = size_t{1} << HostPrefault::kChunkShift, pages = chunk / 4096, size = 64 * chunk;
  uint8_t* base = fresh_memory(size);
  ASSERT_NE(base, nullptr);
  {
    HostPrefault pf;
    for (size_t c : {0u, 2u, 10u, 30u, 12u}) pf.before_write(base, size, base + c * chunk, 4096);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(resident(base, size), 5 * pages);
  }
  munmap(base, size);
#endif
}

// Destroyed with read-ahead handed over and not done: it stops without touching the memory
// after it is gone (the memory is unmapped right after; ASan and the kernel would tell).
TEST(HostPrefault, DestroyedWithReadAheadPendingStopsCleanly) {
  const size_t chunk = size_t{1} << HostPrefault::kChunkShift, size = 4 * HostPrefault::kAhead * chunk;
  for (int round = 0; round < 20; ++round) {
    uint8_t* base = fresh_memory(size);
    ASSERT_NE(base, nullptr);
    {
      HostPrefault pf;
      for (size_t c = 0; c < 2 * HostPrefault::kAhead; ++c) pf.before_write(base, size, base + c * chunk, 4096);
    }
    munmap(base, size);
  }
}

}  // namespace

