// A small SoC with the RMM attached: RMI calls are issued as SMCs from the Non-secure world on
// PE 0 (Monitor::smc), exactly as a host does; host structures live in Non-secure DRAM.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#include "platform/abi/rmi.h"
#include "platform/abi/rmm_abi_1_0.h"
#include "platform/abi/smccc.h"
#include "platform/requester.h"
#include "rmm/rmm.h"
#include "soc_fixture.h"

namespace rmmtest {

namespace rmi = platform::abi::rmi;
using platform::abi::SmcRegs;
using rmm::GranuleState;
using rmm::RealmState;
using Status = rmi::Status;

constexpr uint64_t G = 4096;

// Realm parameters as a host fills RmiRealmParams.
struct RealmParams {
  uint64_t flags = 0;
  uint64_t s2sz = 40;
  uint64_t sve_vl = 0, num_bps = 2, num_wps = 2, pmu_num_ctrs = 0;
  uint64_t hash_algo = 0;
  std::array<uint8_t, 64> rpv{};
  uint64_t vmid = 1;
  uint64_t rtt_base = 0;
  int64_t rtt_level_start = 1;
  uint64_t rtt_num_start = 2;
  // Encoded through the declared layout (platform/abi/rmm_abi_1_0.h).
  std::array<uint8_t, 4096> bytes() const {
    const auto& d = platform::abi::v1_0::kRealmParams;
    std::array<uint8_t, 4096> b{};
    auto put = [&](const char* field, uint64_t v) { platform::abi::put(b.data(), d.field(field), v); };
    put("flags", flags);
    put("s2sz", s2sz);
    put("sve_vl", sve_vl);
    put("num_bps", num_bps);
    put("num_wps", num_wps);
    put("pmu_num_ctrs", pmu_num_ctrs);
    put("hash_algo", hash_algo);
    for (unsigned i = 0; i < rpv.size(); ++i) platform::abi::put(b.data(), d.field("rpv"), rpv[i], i);
    put("vmid", vmid);
    put("rtt_base", rtt_base);
    put("rtt_level_start", static_cast<uint64_t>(rtt_level_start));
    put("rtt_num_start", rtt_num_start);
    return b;
  }
};

struct RecParams {
  uint64_t flags = rmi::rec_params::kFlagRunnable;
  uint64_t mpidr = 0;
  uint64_t pc = 0x1000;
  std::array<uint64_t, 8> gprs{};
  std::vector<uint64_t> aux;
  uint64_t num_aux_override = ~uint64_t{0};
  std::array<uint8_t, 4096> bytes() const {
    const auto& d = platform::abi::v1_0::kRecParams;
    std::array<uint8_t, 4096> b{};
    auto put = [&](const char* field, uint64_t v, unsigned i = 0) { platform::abi::put(b.data(), d.field(field), v, i); };
    put("flags", flags);
    put("mpidr", mpidr);
    put("pc", pc);
    for (unsigned i = 0; i < 8; ++i) put("gprs", gprs[i], i);
    put("num_aux", num_aux_override != ~uint64_t{0} ? num_aux_override : aux.size());
    for (unsigned i = 0; i < aux.size() && i < 16; ++i) put("aux", aux[i], i);
    return b;
  }
};

class RmmTest : public ::testing::Test {
 protected:
  rmesim::testing::SocFixture f;
  std::unique_ptr<rmm::Rmm> rmm;
  uint64_t next_free;  // bump allocator over Non-secure DRAM

  RmmTest() : RmmTest(platform::abi::v1_0::kSpec) {}
  // The RMM of another declared version (2.0-bet1: Rmm2Test in rmm2_fixture.h).
  explicit RmmTest(const platform::abi::Spec& abi,
                   platform::SocConfig cfg = rmesim::testing::SocFixture::small_config())
      : f(cfg), rmm(std::make_unique<rmm::Rmm>(*f.soc, abi)), next_free(f.config.dram_base + 0x100000),
        v2_(abi.rmi_version == rmi::kVersion2_0) {
    f.boot();
  }
  const bool v2_;  // granules are delegated with 2.0's range command

  platform::Requester& req() { return f.soc->pe(0).requester(); }

  // One SMC from the Non-secure world on PE 0; returns every register.
  SmcRegs smc(uint32_t fid, std::initializer_list<uint64_t> args = {}) {
    SmcRegs r;
    r.x[0] = fid;
    unsigned i = 1;
    for (uint64_t a : args) r.x[i++] = a;
    f.run([&](platform::Pe& pe) { f.soc->monitor().smc(pe.requester(), platform::World::NonSecure, r); });
    return r;
  }
  uint64_t call(uint32_t fid, std::initializer_list<uint64_t> args = {}) { return smc(fid, args).x[0]; }

  uint64_t alloc(uint64_t n = 1, uint64_t align = G) {
    next_free = (next_free + align - 1) & ~(align - 1);
    const uint64_t pa = next_free;
    next_free += n * G;
    return pa;
  }
  uint64_t delegated(uint64_t n = 1, uint64_t align = G) {
    const uint64_t pa = alloc(n, align);
    if (v2_) {
      const SmcRegs r = smc(rmi::kGranuleRangeDelegate, {pa, pa + n * G});
      EXPECT_EQ(r.x[0], rmi::pack(Status::Success));
      EXPECT_EQ(r.x[1], pa + n * G);
      return pa;
    }
    for (uint64_t i = 0; i < n; ++i)
      EXPECT_EQ(call(rmi::kGranuleDelegate, {pa + i * G}), rmi::pack(Status::Success));
    return pa;
  }

  // Host memory access through PE 0 (timed, GPC-checked) in the Non-secure PAS.
  bool write_ns(uint64_t pa, const void* src, size_t len) {
    bool ok = false;
    f.run([&](platform::Pe& pe) { ok = pe.requester().write(pa, src, len, gpt::Pas::NonSecure).ok(); });
    return ok;
  }
  bool read_ns(uint64_t pa, void* dst, size_t len) {
    bool ok = false;
    f.run([&](platform::Pe& pe) { ok = pe.requester().read(pa, dst, len, gpt::Pas::NonSecure).ok(); });
    return ok;
  }
  std::vector<uint8_t> read_realm(uint64_t pa, size_t len) {
    std::vector<uint8_t> v(len);
    f.run([&](platform::Pe& pe) { EXPECT_TRUE(pe.requester().read(pa, v.data(), len, gpt::Pas::Realm).ok()); });
    return v;
  }
  uint64_t ns_page(const std::array<uint8_t, 4096>& content) {
    const uint64_t pa = alloc();
    EXPECT_TRUE(write_ns(pa, content.data(), content.size()));
    return pa;
  }

  // A realm: RD + concatenated starting-level RTTs, created with `p` (rtt_base filled in).
  struct Realm {
    uint64_t rd = 0, rtt_base = 0, params = 0;
  };
  Realm make_realm(RealmParams p = {}, bool expect_ok = true) {
    Realm r;
    r.rd = delegated();
    r.rtt_base = delegated(p.rtt_num_start, p.rtt_num_start * G);
    p.rtt_base = r.rtt_base;
    r.params = ns_page(p.bytes());
    const uint64_t x0 = call(rmi::kRealmCreate, {r.rd, r.params});
    if (expect_ok) {
      EXPECT_EQ(x0, rmi::pack(Status::Success));
    }
    return r;
  }
  // RTTs down to `level` covering `ipa`.
  std::vector<uint64_t> make_rtts(uint64_t rd, uint64_t ipa, int to_level = 3, int from_level = 2) {
    std::vector<uint64_t> rtts;
    for (int l = from_level; l <= to_level; ++l) {
      const uint64_t rtt = delegated();
      const uint64_t mask = (uint64_t{1} << (12 + 9 * (4 - l))) - 1;  // aligned to level - 1
      EXPECT_EQ(call(rmi::kRttCreate, {rd, rtt, ipa & ~mask, static_cast<uint64_t>(l)}),
                rmi::pack(Status::Success)) << "level " << l;
      rtts.push_back(rtt);
    }
    return rtts;
  }
  std::vector<uint64_t> aux_granules() {
    std::vector<uint64_t> a;
    for (int i = 0; i < 16; ++i) a.push_back(delegated());
    return a;
  }
  uint64_t make_rec(uint64_t rd, RecParams p, uint64_t* rec_out = nullptr) {
    const uint64_t rec = delegated();
    if (p.aux.empty()) p.aux = aux_granules();
    const uint64_t params = ns_page(p.bytes());
    const uint64_t x0 = call(rmi::kRecCreate, {rd, rec, params});
    if (rec_out) *rec_out = rec;
    return x0;
  }
  struct ReadEntry {
    int level;
    rmi::RttEntryState state;
    uint64_t desc;
    rmi::Ripas ripas;
    uint64_t x0;
  };
  ReadEntry read_entry(uint64_t rd, uint64_t ipa, int level) {
    const SmcRegs r = smc(rmi::kRttReadEntry, {rd, ipa, static_cast<uint64_t>(level)});
    return {static_cast<int>(static_cast<int64_t>(r.x[1])), static_cast<rmi::RttEntryState>(r.x[2]), r.x[3],
            static_cast<rmi::Ripas>(r.x[4]), r.x[0]};
  }

  // The footprint a failing command must leave untouched: every granule's state.
  std::vector<uint64_t> census() const { return rmm->granule_census(); }
};

// A failing command returns exactly (status, index) and changes no granule state.
#define EXPECT_RMI_FAIL(expr, status, index)                                   \
  do {                                                                         \
    const auto before_ = census();                                             \
    const uint64_t x0_ = (expr);                                               \
    EXPECT_EQ(rmi::status_of(x0_), status) << rmi::to_string(rmi::status_of(x0_)); \
    EXPECT_EQ(rmi::index_of(x0_), static_cast<unsigned>(static_cast<uint8_t>(index))); \
    EXPECT_EQ(census(), before_) << "a failing command changed granule states"; \
  } while (0)

#define EXPECT_RMI_OK(expr) EXPECT_EQ((expr), rmi::pack(Status::Success))

}  // namespace rmmtest
