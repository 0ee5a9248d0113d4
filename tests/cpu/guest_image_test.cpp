// The guest images from guest/ run to their expected console output and results, with a
// minimal hypervisor in the test: PSCI, RSI answered as a stub (the RMM owns the real ones),
// the UART as MMIO, unprotected pages mapped on demand.
#include <array>
#include <cstring>
#include <string>

#include "cpu_fixture.h"
#include "host/device_tree.h"
#include "guest_images/attacker_nvm.h"
#include "guest_images/compute.h"
#include "guest_images/memtouch.h"
#include "guest_images/realm_hello.h"

using namespace cpu_test;

namespace {

constexpr uint64_t kRamIpa = 0x80000000, kRamPa = 0x84000000, kRamSize = 32 << 20;
constexpr uint32_t kPsciSystemOff = 0x84000008;

class GuestImageTest : public CpuFixture {
 protected:
  std::string console;
  uint64_t unprotected_bit = 0;  // realm runs: 1 << (ipa_width - 1)
  bool realm = false;
  uint64_t smc_count = 0;
  std::array<uint64_t, 3> host_result{};  // gprs[0..2] of the last host call
  uint64_t ripas_base = 0, ripas_top = 0;  // the last RSI_IPA_STATE_SET's range

  // The image at the start of RAM and, 2 MiB below its top, the device tree the VMM would
  // build, whose IPA is X0.
  void boot_image(const char* path, uint64_t a0 = 0, uint64_t a1 = 0) {
    load(read_file(path), kRamIpa, kRamPa, kRamSize);
    s2.mmio(0x09000000 | unprotected_bit, 4096);
    host::DeviceTreeSpec dt;
    dt.realm = realm;
    dt.mpidrs = {0, 1};
    dt.ram_base = kRamIpa;
    dt.ram_size = kRamSize;
    dt.args = {a0, a1};
    const auto dtb = host::build_device_tree(dt);
    const uint64_t dtb_off = kRamSize - (2 << 20);
    std::memcpy(dram(kRamPa + dtb_off), dtb.data(), dtb.size());
    st.pc = kRamIpa;
    st.x[0] = kRamIpa + dtb_off;
  }

  // Answers RSI for a realm run (a stub of the RMM): just enough for realm-hello.
  void rsi(uint64_t fid) {
    auto& x = st.x;
    switch (fid) {
      case 0xC4000190: x[0] = 0; x[1] = x[2] = 0x10000; break;  // RSI_VERSION
      case 0xC4000196: {                                       // RSI_REALM_CONFIG
        uint64_t width = 40;
        std::memcpy(dram(kRamPa + (x[1] - kRamIpa)), &width, 8);
        x[0] = 0;
        break;
      }
      case 0xC4000192: for (int i = 1; i <= 8; ++i) x[i] = 0x1111111111111111ull * i; x[0] = 0; break;
      case 0xC4000194: x[0] = 0; x[1] = 64; break;              // ATTEST_TOKEN_INIT
      case 0xC4000195: {                                        // ATTEST_TOKEN_CONTINUE
        uint8_t* p = dram(kRamPa + (x[1] - kRamIpa)) + x[2];
        for (int i = 0; i < 64; ++i) p[i] = static_cast<uint8_t>(0xd2 + i);
        x[0] = 0;
        x[1] = 64;
        break;
      }
      case 0xC4000197:  // IPA_STATE_SET: accept all
        ripas_base = x[1];
        ripas_top = x[2];
        x[0] = 0;
        x[1] = x[2];
        x[2] = 0;
        break;
      case 0xC4000199: {  // HOST_CALL: imm 1 reply in the page (its length in gprs[0]); imm 2 result
        uint8_t* call = dram(kRamPa + (x[1] - kRamIpa));
        uint16_t imm;
        std::memcpy(&imm, call, 2);
        std::memcpy(host_result.data(), call + 8, sizeof host_result);
        if (imm == 1) {
          uint64_t page_ipa = host_result[0] & ~unprotected_bit;
          const char reply[] = "hello from the host";
          std::memcpy(dram(kRamPa + (page_ipa - kRamIpa)), reply, sizeof reply);
          const uint64_t len = sizeof reply - 1;
          std::memcpy(call + 8, &len, 8);
        }
        x[0] = 0;
        break;
      }
      default: x[0] = ~0ull;
    }
  }

  // Runs until SYSTEM_OFF (returns true) or an unexpected exit.
  bool run_to_off(GuestExit& last) {
    for (int guard = 0; guard < 100000; ++guard) {
      GuestExit e = run(1'000'000);
      last = e;
      switch (e.kind) {
        case GuestExitKind::Budget: continue;
        case GuestExitKind::Mmio:
          if (platform::esr_wnr(e.esr)) console += static_cast<char>(platform::mmio_write_value(st, e));
          platform::complete_mmio(st, e, 0);
          continue;
        case GuestExitKind::Smc:
        case GuestExitKind::Hvc:
          if (st.x[0] == kPsciSystemOff) return true;
          ++smc_count;
          if (realm && (st.x[0] >> 8) == 0xC40001) rsi(st.x[0]);
          else st.x[0] = ~0ull;  // SMCCC NOT_SUPPORTED
          continue;
        case GuestExitKind::Stage2Abort: {
          uint64_t ipa = platform::fault_ipa(e);
          if (realm && (ipa & unprotected_bit)) {  // the host maps the shared page (NS)
            uint64_t prot = (ipa & ~unprotected_bit) & ~0xfffull;
            s2.map(ipa & ~0xfffull, kRamPa + (prot - kRamIpa), 4096);
            continue;
          }
          return false;
        }
        default: return false;
      }
    }
    return false;
  }
};

TEST_F(GuestImageTest, compute_runs_its_known_instruction_count_and_powers_off) {
  boot_image(RMESIM_GUEST_DIR "/compute.bin", 200000);
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[2], 200000u);
  EXPECT_NE(console.find("compute: 200000 iterations\n"), std::string::npos) << console;
  EXPECT_NE(console.find("compute: result 0x"), std::string::npos) << console;
  EXPECT_GE(cpu.stats().instructions.value, 8u * 200000);
}

TEST_F(GuestImageTest, compute_runs_its_load_store_loop_over_1_mib) {
  boot_image(RMESIM_GUEST_DIR "/compute.bin", 3, 1);
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[2], 3u);
  // The loop on a zeroed buffer, as ldst_loop.S does it.
  std::vector<uint64_t> buf((1u << 20) / 8, 0);
  uint64_t h = 3;
  for (int pass = 0; pass < 3; ++pass)
    for (size_t w = 0; w < buf.size(); w += 8) {
      buf[w] += h;
      h = buf[w] ^ (h >> 13 | h << 51);
    }
  EXPECT_EQ(st.x[1], h);
  EXPECT_NE(console.find("compute: 3 load/store passes over 1 MiB"), std::string::npos) << console;
  EXPECT_GE(cpu.stats().instructions.value, 3u * 7 * (1u << 20) / 64);
}

TEST_F(GuestImageTest, memtouch_over_scattered_pages_fills_each_page_on_its_own) {
  // Each page of an 8 MiB buffer backed by a granule that is not next to its neighbour's: with
  // DRAM mapped once, each is just a TLB entry (the region scheme this replaced had to stop
  // slices at a region limit here: Unicorn 2.0.1 aborted near a thousand regions).
  boot_image(RMESIM_GUEST_DIR "/memtouch.bin", 8, 4096);  // at the first MiB after the image
  constexpr uint64_t kBufIpa = 0x80100000, kBufPa = kRamPa + kRamSize, kPages = 2048;
  for (uint64_t i = 0; i < kPages; ++i) s2.map(kBufIpa + i * 4096, kBufPa + (i ^ 1) * 4096, 4096);
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[2], kPages);
  uint64_t sum = 0;
  for (uint64_t off = 0; off < (8u << 20); off += 4096) {
    uint64_t v = (off + 1) * 0x9E3779B97F4A7C15ull;
    sum = (sum << 1 | sum >> 63) ^ v;
  }
  EXPECT_EQ(st.x[1], sum);
  uint64_t first_word = 0;  // the guest's first word went to the granule of page 1
  std::memcpy(&first_word, dram(kBufPa + 4096), 8);
  EXPECT_EQ(first_word, 0x9E3779B97F4A7C15ull);
  EXPECT_GE(cpu.tlb_entries(0), kPages);
}

TEST_F(GuestImageTest, memtouch_checksums_what_it_wrote) {
  boot_image(RMESIM_GUEST_DIR "/memtouch.bin", 2, 4096);
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[2], 512u);  // 2 MiB / 4 KiB
  uint64_t sum = 0;
  for (uint64_t off = 0; off < (2u << 20); off += 4096) {
    uint64_t v = (off + 1) * 0x9E3779B97F4A7C15ull;
    sum = (sum << 1 | sum >> 63) ^ v;
  }
  EXPECT_EQ(st.x[1], sum);
  EXPECT_EQ(st.x[3], 0u);
  EXPECT_NE(console.find("memtouch: touched 512 words"), std::string::npos) << console;
  EXPECT_GE(cpu.stats().fills.value, 512u);  // one per page touched
}

TEST_F(GuestImageTest, memtouch_counts_the_words_that_read_back_wrong) {
  // Pages 0 and 1 of its buffer share one granule: the write to page 1 replaces page 0's word.
  boot_image(RMESIM_GUEST_DIR "/memtouch.bin", 1, 4096);
  constexpr uint64_t kBufIpa = 0x80100000, kBufPa = kRamPa + kRamSize, kPages = 256;
  for (uint64_t i = 0; i < kPages; ++i) s2.map(kBufIpa + i * 4096, kBufPa + (i == 1 ? 0 : i) * 4096, 4096);
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[2], kPages);
  EXPECT_EQ(st.x[3], 1u) << console;
  EXPECT_NE(console.find(", 1 read back wrong"), std::string::npos) << console;
}

TEST_F(GuestImageTest, realm_hello_fails_with_the_step_when_cpu_on_fails) {
  realm = true;
  unprotected_bit = 1ull << 39;
  boot_image(RMESIM_GUEST_DIR "/realm-hello.bin", 2);  // this stub answers CPU_ON NOT_SUPPORTED
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[1], 5u) << console;
  EXPECT_EQ(host_result[0], 5u) << console;
  EXPECT_NE(console.find("realm-hello: step 5 failed: CPU_ON"), std::string::npos) << console;
  EXPECT_EQ(console.find("realm-hello: done"), std::string::npos) << console;
}

TEST_F(GuestImageTest, realm_hello_walks_through_rsi_and_shares_64_kib_with_the_host) {
  realm = true;
  unprotected_bit = 1ull << 39;
  boot_image(RMESIM_GUEST_DIR "/realm-hello.bin", 1);
  GuestExit e;
  ASSERT_TRUE(run_to_off(e)) << e.reason << " console: " << console;
  EXPECT_EQ(st.x[1], 0u) << console;
  // A realm's registers stay hidden from the host: it reports its result by host call first.
  EXPECT_EQ(host_result, (std::array<uint64_t, 3>{0, 0, 0})) << console;
  EXPECT_NE(console.find("RSI_REALM_CONFIG ipa_width 40"), std::string::npos) << console;
  EXPECT_NE(console.find("attestation token status 0 length 64"), std::string::npos) << console;
  EXPECT_NE(console.find("host wrote \"hello from the host\""), std::string::npos) << console;
  EXPECT_NE(console.find("realm-hello: done"), std::string::npos) << console;
  // The share is whole RTT entries under any host granule (4, 16 or 64 KiB): 64 KiB, aligned.
  EXPECT_EQ(ripas_top - ripas_base, 0x10000u);
  EXPECT_EQ(ripas_base % 0x10000, 0u);
}

TEST_F(GuestImageTest, attacker_nvm_reading_a_page_the_stage2_does_not_map_exits_to_the_host) {
  boot_image(RMESIM_GUEST_DIR "/attacker-nvm.bin", 0x90000000);
  GuestExit e;
  EXPECT_FALSE(run_to_off(e));
  EXPECT_EQ(e.kind, GuestExitKind::Stage2Abort);
  EXPECT_EQ(platform::fault_ipa(e), 0x90000000u);
  EXPECT_NE(console.find("attacker-nvm: reading 0x90000000"), std::string::npos) << console;
}

}  // namespace
