// The RIM for a fixed sequence of commands, against an independent computation here with
// OpenSSL's one-shot SHA-256 and the descriptor layouts of the RMM spec 1.0.
#include <openssl/sha.h>

#include "rmm_fixture.h"

namespace rmmtest {
namespace {

using RimTest = RmmTest;

using Digest = std::array<uint8_t, 32>;

Digest sha256(const uint8_t* p, size_t n) {
  Digest d;
  SHA256(p, n, d.data());
  return d;
}
void put(uint8_t* b, size_t off, uint64_t v) { std::memcpy(b + off, &v, 8); }

TEST_F(RimTest, rim_matches_an_independent_computation_for_create_ripas_data_rec) {
  RealmParams p;
  p.s2sz = 40;
  p.num_bps = 2;
  p.num_wps = 3;
  for (int i = 0; i < 64; ++i) p.rpv[i] = static_cast<uint8_t>(i);  // not measured
  const auto r = make_realm(p);
  make_rtts(r.rd, 0, 3);
  EXPECT_RMI_OK(call(rmi::kRttInitRipas, {r.rd, 0, 2 * G}));
  std::array<uint8_t, 4096> img{};
  img.fill(0xC3);
  const uint64_t src = ns_page(img);
  const uint64_t d0 = delegated(), d1 = delegated();
  EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, d0, 0, src, rmi::kDataMeasureContent}));
  EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, d1, G, src, rmi::kDataNoMeasureContent}));
  RecParams rp;
  rp.pc = 0x80000;
  rp.gprs[0] = 0x1234;
  EXPECT_RMI_OK(make_rec(r.rd, rp));

  // Independent computation.
  std::array<uint8_t, 4096> rpm{};
  put(rpm.data(), 0x0, 0);   // flags
  put(rpm.data(), 0x8, 40);  // s2sz
  put(rpm.data(), 0x18, 2);  // num_bps
  put(rpm.data(), 0x20, 3);  // num_wps
  Digest rim = sha256(rpm.data(), rpm.size());
  auto extend = [&](uint8_t type, auto fill) {
    std::array<uint8_t, 0x100> desc{};
    desc[0] = type;
    put(desc.data(), 0x8, 0x100);
    std::memcpy(&desc[0x10], rim.data(), 32);
    fill(desc.data());
    rim = sha256(desc.data(), desc.size());
  };
  // RTT_INIT_RIPAS: one descriptor per level-3 entry.
  for (uint64_t a = 0; a < 2 * G; a += G)
    extend(2, [&](uint8_t* d) { put(d, 0x50, a); put(d, 0x58, a + G); });
  const Digest content = sha256(img.data(), img.size());
  extend(0, [&](uint8_t* d) { put(d, 0x50, 0); put(d, 0x58, 1); std::memcpy(d + 0x60, content.data(), 32); });
  extend(0, [&](uint8_t* d) { put(d, 0x50, G); put(d, 0x58, 0); });
  std::array<uint8_t, 4096> recm{};
  put(recm.data(), 0x0, 1);
  put(recm.data(), 0x200, 0x80000);
  put(recm.data(), 0x300, 0x1234);
  const Digest rec_hash = sha256(recm.data(), recm.size());
  extend(1, [&](uint8_t* d) { std::memcpy(d + 0x50, rec_hash.data(), 32); });

  const auto got = rmm->measurement(r.rd, 0);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(std::equal(rim.begin(), rim.end(), got->begin()));
  EXPECT_TRUE(std::all_of(got->begin() + 32, got->end(), [](uint8_t b) { return b == 0; }));
}

TEST_F(RimTest, data_create_unknown_and_non_runnable_rec_do_not_change_the_rim) {
  const auto r = make_realm();
  make_rtts(r.rd, 0, 3);
  const auto before = *rmm->measurement(r.rd, 0);
  EXPECT_RMI_OK(call(rmi::kDataCreateUnknown, {r.rd, delegated(), 0}));
  RecParams rp;
  rp.flags = 0;
  EXPECT_RMI_OK(make_rec(r.rd, rp));
  EXPECT_EQ(*rmm->measurement(r.rd, 0), before);
}

}  // namespace
}  // namespace rmmtest
