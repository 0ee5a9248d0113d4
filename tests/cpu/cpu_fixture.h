// A small SoC with a UnicornCpu, a test Stage2 that maps IPA pages to DRAM by a table the test
// controls, and helpers to load code and build an identity stage-1 map.
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "cpu/core.h"
#include "platform/guest_cpu.h"
#include "platform/requester.h"
#include "soc_fixture.h"

namespace cpu_test {

using platform::GuestExit;
using platform::GuestExitKind;
using platform::GuestState;
using platform::Stage2Result;

// Stage 2 as a table of pages; anything absent is an Unmapped fault at `default_level`.
struct TestStage2 final : platform::Stage2 {
  std::map<uint64_t, Stage2Result> pages;
  int8_t default_level = 3;
  unsigned translations = 0;

  Stage2Result translate(platform::Pe&, uint64_t ipa) override {
    ++translations;
    auto it = pages.find(ipa & ~0xfffull);
    if (it != pages.end()) return it->second;
    Stage2Result r;
    r.kind = Stage2Result::Kind::Unmapped;
    r.level = default_level;
    return r;
  }
  void map(uint64_t ipa, uint64_t pa, uint64_t size, gpt::Pas pas = gpt::Pas::NonSecure,
           bool writable = true, bool executable = true) {
    for (uint64_t o = 0; o < size; o += 4096) {
      Stage2Result r;
      r.kind = Stage2Result::Kind::Mapped;
      r.pa = pa + o;
      r.pas = pas;
      r.writable = writable;
      r.executable = executable;
      pages[ipa + o] = r;
    }
  }
  void mmio(uint64_t ipa, uint64_t size) {
    for (uint64_t o = 0; o < size; o += 4096) {
      Stage2Result r;
      r.kind = Stage2Result::Kind::Mmio;
      pages[ipa + o] = r;
    }
  }
  void unmap(uint64_t ipa, uint64_t size) {
    for (uint64_t o = 0; o < size; o += 4096) pages.erase(ipa + o);
  }
};

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

struct CpuFixture : ::testing::Test {
  rmesim::testing::SocFixture f;
  cpu::UnicornCpu cpu{f.profile, f.soc->stats(), f.soc->config().seed};
  TestStage2 s2;
  GuestState st;

  static constexpr uint64_t kCodeIpa = 0x80000000;   // guest code (identity with its VA)
  static constexpr uint64_t kCodePa = 0x84000000;    // where it lives in DRAM (IPA != PA)
  static constexpr uint64_t kTablesIpa = 0x80800000; // guest stage-1 tables
  static constexpr uint64_t kTablesPa = 0x84800000;

  void SetUp() override { f.boot(); }

  uint8_t* dram(uint64_t pa, uint64_t len = 4096) {
    return f.soc->pe(0).requester().dram_pointer(pa, len);
  }
  // Copies `image` to DRAM at `pa` and maps it at `ipa` (NS, RWX).
  void load(const std::vector<uint8_t>& image, uint64_t ipa, uint64_t pa, uint64_t map_size = 0) {
    ASSERT_FALSE(image.empty());
    uint64_t size = map_size ? map_size : (image.size() + 0xfff) & ~0xfffull;
    std::memcpy(dram(pa, size), image.data(), image.size());
    s2.map(ipa, pa, size);
  }
  // An identity stage-1 map (4 KiB granule, 39-bit VA, 1 GiB blocks) for GiBs [first, last],
  // written at kTablesPa and mapped at kTablesIpa. GiB 0 is Device memory.
  void identity_stage1(unsigned first_gib, unsigned last_gib) {
    s2.map(kTablesIpa, kTablesPa, 4096);
    auto* l1 = reinterpret_cast<uint64_t*>(dram(kTablesPa));
    std::memset(l1, 0, 4096);
    for (unsigned g = first_gib; g <= last_gib; ++g)
      l1[g] = (uint64_t{g} << 30) | (1u << 10) | (3u << 8) | (g == 0 ? (1u << 2) : 0) | 1;
    st.mair_el1 = 0x00ff;  // attr0 normal WB, attr1 device
    st.tcr_el1 = 25 | (1u << 8) | (1u << 10) | (3u << 12) | (1u << 23) | (2ull << 32);
    st.ttbr0_el1 = kTablesIpa;
    st.sctlr_el1 |= 1 | (1 << 2) | (1 << 12);
  }
  // Runs on PE `pe` until an exit.
  GuestExit run(uint64_t max = 10'000'000, unsigned pe = 0) {
    GuestExit e;
    f.run([&](platform::Pe& p) { e = cpu.run(p, st, s2, max); }, pe);
    return e;
  }
};

}  // namespace cpu_test
