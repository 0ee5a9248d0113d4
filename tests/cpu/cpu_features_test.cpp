// The CPU model against the ID registers it reports: each feature a guest sees in ID_AA64*
// works at EL1 (pointer authentication with its keys), what cannot work is hidden (SVE stays
// UNDEFINED), and the random number registers follow the scenario's seed, never the host's
// entropy.
#include "cpu_fixture.h"
#include "snippets.h"

using namespace cpu_test;

namespace {

constexpr unsigned field(uint64_t reg, unsigned shift) { return (reg >> shift) & 0xf; }

class FeatureTest : public CpuFixture {
 protected:
  static constexpr uint64_t kCpacrFpenZen = (3ull << 20) | (3ull << 16);  // FP/SIMD and SVE at EL1/EL0
  static constexpr uint64_t kSctlrEnIa = 1ull << 31;
  void SetUp() override {
    CpuFixture::SetUp();
    load(read_file(snippets::kBinary), kCodeIpa, kCodePa, 0x4000);
    identity_stage1(2, 2);
  }
  // Runs the snippet at `pc` to its HVC, which must be #imm.
  void run_to(uint64_t pc, uint16_t imm, cpu::UnicornCpu& core) {
    st.pc = pc;
    GuestExit e;
    f.run([&](platform::Pe& p) { e = core.run(p, st, s2, 10'000); });
    ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason << " pc 0x" << std::hex << st.pc << " esr_el1 " << st.esr_el1;
    ASSERT_EQ(e.imm, imm);
  }
};

TEST_F(FeatureTest, the_id_registers_report_what_works_and_hide_what_cannot) {
  run_to(snippets::s_id_regs, 30, cpu);
  EXPECT_EQ(field(st.x[3], 60), 1u) << "ID_AA64ISAR0_EL1.RNDR";
  EXPECT_NE(field(st.x[4], 4) | field(st.x[4], 8), 0u) << "ID_AA64ISAR1_EL1.APA/API";
  EXPECT_EQ(field(st.x[2], 24), 1u) << "ID_AA64PFR0_EL1.GIC: the ICC_* registers are emulated";
  EXPECT_EQ(field(st.x[2], 32), 0u) << "ID_AA64PFR0_EL1.SVE: Unicorn cannot run it";
  EXPECT_EQ(field(st.x[2], 0), 1u) << "ID_AA64PFR0_EL1.EL0: AArch64 only";
  EXPECT_EQ(field(st.x[2], 4), 1u) << "ID_AA64PFR0_EL1.EL1: AArch64 only";
  EXPECT_EQ(field(st.x[5], 0), 0u) << "ID_AA64PFR1_EL1.BT: never enforced, hidden";
  EXPECT_EQ(field(st.x[6], 20), 0u) << "ID_AA64MMFR1_EL1.PAN: LDTR/STTR cannot be told apart, hidden";
  EXPECT_EQ(field(st.x[2], 16), 1u) << "FP (with half precision) as Unicorn reports it";
}

TEST_F(FeatureTest, sve_is_undefined_at_el1_as_on_a_pe_without_it_even_with_cpacr_el1_zen_set) {
  st.cpacr_el1 = kCpacrFpenZen;
  st.vbar_el1 = snippets::s_vectors;
  st.x[1] = 0;
  run_to(snippets::s_sve, 3, cpu);  // the vector's exit for anything but an SVC
  EXPECT_EQ(st.x[10] >> 26, 0u) << "ESR_EL1.EC: unknown reason";
  EXPECT_EQ(st.x[11], snippets::s_sve) << "ELR_EL1: the ZCR_EL1 write";
  st.x[1] = 3;  // the process survives, and so does the next guest system-register write
  run_to(snippets::s_sve, 3, cpu);
}

TEST_F(FeatureTest, pacia_and_autia_round_trip_with_the_guests_keys) {
  st.sctlr_el1 |= kSctlrEnIa;
  st.x[1] = 0x0123456789abcdefull;
  st.x[2] = 0xfedcba9876543210ull;
  st.x[5] = 0x80001000;  // a pointer in the 39-bit VA space: bits 39..54 carry the PAC
  st.x[6] = 0x42;
  run_to(snippets::s_pac, 32, cpu);
  EXPECT_EQ(st.x[8], 0x0123456789abcdefull) << "APIAKEYLO_EL1";
  EXPECT_EQ(st.x[9], 0xfedcba9876543210ull) << "APIAKEYHI_EL1";
  EXPECT_NE(st.x[3], st.x[5]) << "PACIA adds a code";
  EXPECT_EQ(st.x[3] & ((1ull << 39) - 1), st.x[5]) << "the address bits stay";
  EXPECT_EQ(st.x[4], st.x[5]) << "AUTIA with the right modifier";
  EXPECT_NE(st.x[7], st.x[5]) << "AUTIA with another modifier fails";
}



class RandomTest : public FeatureTest {
 protected:
  std::vector<uint64_t> draws(cpu::UnicornCpu& core) {
    std::vector<uint64_t> v;
    for (int i = 0; i < 3; ++i) {
      run_to(snippets::s_rndr, 33, core);
      EXPECT_EQ(st.x[3], 0u) << "NZCV after RNDR: success";
      EXPECT_EQ(st.x[5], 0u) << "NZCV after RNDRRS: success";
      v.push_back(st.x[2]);
      v.push_back(st.x[4]);
    }
    return v;
  }
};

TEST_F(RandomTest, rndr_values_follow_the_seed_same_seed_same_values_other_seed_others) {
  platform::StatGroup root("root");
  cpu::UnicornCpu same(f.profile, root, f.soc->config().seed);
  platform::StatGroup root2("root");
  cpu::UnicornCpu other(f.profile, root2, f.soc->config().seed + 1);
  const std::vector<uint64_t> a = draws(cpu), b = draws(same), c = draws(other);
  EXPECT_EQ(a, b);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NE(a[i], c[i]) << i;
    for (size_t j = 0; j < i; ++j) EXPECT_NE(a[i], a[j]) << "draws " << j << " and " << i << " repeat";
  }
}

}  // namespace
