// HostPrefault: a write into a chunk of fresh anonymous memory makes the whole chunk resident
// (one MADV_POPULATE_WRITE) and leaves the other chunks alone.
#include "platform/host_prefault.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

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

TEST(HostPrefault, FaultsInTheChunkWrittenOnly) {
#ifndef MADV_POPULATE_WRITE
  GTEST_SKIP() << "no MADV_POPULATE_WRITE in this kernel's headers";
#else
  const size_t chunk = size_t{1} << HostPrefault::kChunkShift, size = 4 * chunk;
  void* m = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(m, MAP_FAILED);
  auto* base = static_cast<uint8_t*>(m);
  if (madvise(base, 4096, MADV_POPULATE_WRITE) != 0) {
    munmap(m, size);
    GTEST_SKIP() << "the running kernel has no MADV_POPULATE_WRITE";
  }
  munmap(m, size);
  m = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(m, MAP_FAILED);
  base = static_cast<uint8_t*>(m);
  ASSERT_EQ(resident(base, size), 0u);
  HostPrefault pf;
  // A write of 8 KiB across the boundary of chunks 1 and 2, not yet made.
  pf.before_write(base, size, base + 2 * chunk - 4096, 8192);
  EXPECT_EQ(resident(base, chunk), 0u);
  EXPECT_EQ(resident(base + chunk, 2 * chunk), 2 * chunk / 4096);
  EXPECT_EQ(resident(base + 3 * chunk, chunk), 0u);
  munmap(m, size);
#endif
}

}  // namespace
