// The Unicorn core against a test Stage2: execution with the guest's own MMU, exceptions,
// exits with their syndromes, MMIO decode, the GPC on fills, invalidation, determinism.
#include <sys/time.h>

#include <cstring>

#include "cpu_fixture.h"
#include "engine_clock.h"
#include "platform/abi/smccc.h"
#include "platform/monitor.h"
#include "snippets.h"

using namespace cpu_test;
using platform::Pe;

namespace {

class CpuTest : public CpuFixture {
 protected:
  void SetUp() override {
    CpuFixture::SetUp();
    load(read_file(snippets::kBinary), kCodeIpa, kCodePa, 0x4000);
  }
  void start_at(uint64_t pc) { st.pc = pc; }
};

constexpr uint64_t kDataIpa = 0x80100000, kDataPa = 0x84100000;

TEST_F(CpuTest, runs_el1_code_with_the_guests_own_stage1_mmu) {
  identity_stage1(1, 3);
  s2.map(kDataIpa, kDataPa, 4096);
  start_at(snippets::s_mmu);
  st.x[1] = kDataIpa;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(e.imm, 1);
  EXPECT_EQ(st.x[3], 0x5a5bu);
  uint64_t v;
  std::memcpy(&v, dram(kDataPa), 8);
  EXPECT_EQ(v, 0x5a5au);  // the store reached the stage-2 output PA
  EXPECT_EQ(st.pc, snippets::s_mmu + 5 * 4);
  EXPECT_EQ((st.pstate >> 2) & 3, 1u);
  EXPECT_GT(cpu.stats().fills.value, 0u);
}

// VA GiB 8 of an identity stage 1 (GiBs 1..3), as a 1 GiB block onto IPA GiB 2 ("old") that
// the guest changes to IPA GiB 3 ("new"): each holds a different doubleword at offset 1 MiB.
struct RemapFixture : CpuTest {
  static constexpr uint64_t kVa = 0x200100000, kNewIpa = 0xC0100000, kNewPa = 0x84200000;
  static constexpr uint64_t kOldValue = 0x01d, kNewValue = 0x2e3;
  static uint64_t block(unsigned gib) { return (uint64_t{gib} << 30) | (1u << 10) | (3u << 8) | 1; }
  uint64_t* l1 = nullptr;
  void SetUp() override {
    CpuTest::SetUp();
    identity_stage1(1, 3);
    l1 = reinterpret_cast<uint64_t*>(dram(kTablesPa));
    l1[8] = block(2);
    s2.map(kDataIpa, kDataPa, 4096);
    s2.map(kNewIpa, kNewPa, 4096);
    std::memcpy(dram(kDataPa), &kOldValue, 8);
    std::memcpy(dram(kNewPa), &kNewValue, 8);
    st.x[1] = kVa;
  }
  // Runs `snippet` to its HVC #imm: x2 read the old translation and x5 the new one.
  void expect_old_then_new(uint64_t snippet, unsigned imm) {
    start_at(snippet);
    GuestExit e = run();
    ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
    EXPECT_EQ(e.imm, imm);
    EXPECT_EQ(st.x[2], kOldValue);
    EXPECT_EQ(st.x[5], kNewValue);
  }
};

TEST_F(RemapFixture, a_guest_that_changes_its_page_tables_and_issues_tlbi_sees_the_new_mapping) {
  st.x[3] = block(3);
  st.x[4] = kTablesIpa + 8 * 8;  // the descriptor, through the identity map of GiB 2
  expect_old_then_new(snippets::s_tlbi, 6);
  EXPECT_GE(cpu.stats().guest_tlbis.value, 1u);
}

TEST_F(RemapFixture, unicorns_tlb_flushes_read_a_clock_counted_in_reads_and_every_other_caller_the_real_one) {
  // Unicorn's TLB sizing must not follow the host's speed (engine_clock.h).
  const uint64_t before = cpu::engine_clock::engine_reads();
  st.x[3] = block(3);
  st.x[4] = kTablesIpa + 8 * 8;
  expect_old_then_new(snippets::s_tlbi, 6);
  EXPECT_GT(cpu::engine_clock::engine_reads(), before) << "the guest's TLBI flushed Unicorn's TLB without reading the clock";
  timeval tv{};
  ASSERT_EQ(gettimeofday(&tv, nullptr), 0);
  EXPECT_GT(tv.tv_sec, 1'600'000'000) << "a caller outside Unicorn gets libc's clock";
  EXPECT_TRUE(cpu::engine_clock::is_engine_object("/usr/lib/x86_64-linux-gnu/libunicorn.so.2"));
  EXPECT_TRUE(cpu::engine_clock::is_engine_object("libunicorn.so"));
  EXPECT_FALSE(cpu::engine_clock::is_engine_object("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"));
  EXPECT_FALSE(cpu::engine_clock::is_engine_object("/work/build/rmesim"));
  EXPECT_FALSE(cpu::engine_clock::is_engine_object(nullptr));
}

TEST_F(RemapFixture, a_tlbi_by_va_of_the_remapped_address_makes_the_new_mapping_seen) {
  st.x[3] = block(3);
  st.x[4] = kTablesIpa + 8 * 8;
  expect_old_then_new(snippets::s_tlbi_va, 8);  // the VA comes from Xt: a wrong one keeps the old
}

TEST_F(RemapFixture, a_guest_that_switches_ttbr0_to_other_tables_translates_through_them) {
  // A second table set, the same but for VA GiB 8; the guest switches TTBR0 (with a new ASID).
  constexpr uint64_t kTables2Ipa = kTablesIpa + 0x1000, kTables2Pa = kTablesPa + 0x1000;
  s2.map(kTables2Ipa, kTables2Pa, 4096);
  auto* l1b = reinterpret_cast<uint64_t*>(dram(kTables2Pa));
  std::memcpy(l1b, l1, 4096);
  l1b[8] = block(3);
  st.x[3] = kTables2Ipa | (uint64_t{1} << 48);  // ASID 1
  expect_old_then_new(snippets::s_ttbr_switch, 7);
}

TEST_F(CpuTest, svc_is_delivered_to_the_guests_el1_vector_with_esr_elr_spsr) {
  st.vbar_el1 = snippets::s_vectors;
  start_at(snippets::s_svc);
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(e.imm, 2);
  EXPECT_EQ(st.x[10], (0x15ull << 26) | (1ull << 25) | 5);  // ESR_EL1: SVC64, IL, imm 5
  EXPECT_EQ(st.x[11], snippets::s_svc + 4);                  // ELR_EL1: after the SVC
  EXPECT_EQ(st.x[12] & 0xf, 0x5u);                            // SPSR_EL1: from EL1h
  EXPECT_EQ(cpu.stats().guest_exceptions.value, 1u);
}

TEST_F(CpuTest, an_svc_from_el0_enters_el1_at_the_lower_el_vector_with_its_own_stack) {
  st.vbar_el1 = snippets::s_vectors;
  st.sp_el1 = 0x80ff0000;
  start_at(snippets::s_el0);
  st.x[2] = 0x80fe0000;  // SP_EL0
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(e.imm, 13);
  EXPECT_EQ(st.x[6], 7u);                                     // EL0 code ran
  EXPECT_EQ(st.x[10], (0x15ull << 26) | (1ull << 25) | 3);     // ESR_EL1: SVC64, IL, imm 3
  EXPECT_EQ(st.x[11], snippets::s_el0 + 7 * 4);                 // ELR_EL1: after the SVC
  EXPECT_EQ(st.x[12] & 0xf, 0x0u);                             // SPSR_EL1: from EL0t
  EXPECT_EQ(st.x[13], 0x80ff0000u);                            // SP_EL1 at the vector
  EXPECT_EQ(st.x[14], 0x80fe0000u);                            // SP_EL0 kept
  EXPECT_EQ((st.pstate >> 2) & 3, 1u);                         // EL1 again
}

TEST_F(CpuTest, a_kernel_at_a_high_va_through_ttbr1_runs_an_el0_program_through_ttbr0) {
  // TTBR1: VA 0xffffff80_00000000 (1 GiB block) -> IPA 0x80000000, EL1 only. TTBR0: VA 0 (1 GiB
  // block) -> the same IPA, read-only and executable at EL0, never at EL1. 39-bit VAs, 4 KiB.
  constexpr uint64_t kKernelVa = 0xffffff8000000000, kL1Kernel = kTablesPa, kL1User = kTablesPa + 0x1000;
  s2.map(kTablesIpa, kTablesPa, 0x2000);
  auto* k = reinterpret_cast<uint64_t*>(dram(kL1Kernel));
  auto* u = reinterpret_cast<uint64_t*>(dram(kL1User));
  std::memset(k, 0, 4096);
  std::memset(u, 0, 4096);
  k[0] = kCodeIpa | (1u << 10) | (3u << 8) | 1 | (1ull << 54);                      // AF, SH, block, UXN
  u[0] = kCodeIpa | (1u << 10) | (3u << 8) | 1 | (3u << 6) | (1ull << 53);          // + AP RO/EL0, PXN
  st.mair_el1 = 0xff;
  st.tcr_el1 = 25 | (25ull << 16) | (2ull << 30) | (5ull << 32);
  st.ttbr1_el1 = kTablesIpa;
  st.ttbr0_el1 = kTablesIpa + 0x1000;
  st.sctlr_el1 |= 1;
  auto high = [&](uint64_t sym) { return kKernelVa + (sym - kCodeIpa); };
  st.vbar_el1 = high(snippets::s_vectors);
  start_at(high(snippets::s_eret_to));
  st.x[0] = snippets::s_el0_user - kCodeIpa;  // the EL0 program's low VA
  st.x[2] = 0x10000;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(e.imm, 13);
  EXPECT_EQ(st.x[6], 7u);                                    // the EL0 program ran
  EXPECT_EQ(st.x[10] >> 26, 0x15u);                          // SVC64 from EL0
  EXPECT_EQ(st.x[11], snippets::s_el0_user - kCodeIpa + 8);  // ELR_EL1: its low VA
  EXPECT_EQ(st.pc >> 39, kKernelVa >> 39);                   // back in the kernel's VA range
  EXPECT_TRUE(cpu.tlb_holds(0, snippets::s_el0_user - kCodeIpa));
  EXPECT_TRUE(cpu.tlb_holds(0, high(snippets::s_vectors) + 0x400));
}

TEST_F(CpuTest, a_stage1_fault_goes_to_the_guest_with_far_and_dfsc) {
  identity_stage1(2, 2);  // only GiB 2 (0x80000000..) is mapped
  st.vbar_el1 = snippets::s_vectors;
  start_at(snippets::s_s1fault);
  st.x[1] = 0xc0001758;  // GiB 3: no stage-1 entry; past Unicorn's first 1 KiB TLB page
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(e.imm, 3);
  EXPECT_EQ(st.x[10] >> 26, 0x25u);       // data abort, same EL
  EXPECT_EQ(st.x[10] & 0x3f, 0x05u);      // translation fault, level 1
  EXPECT_EQ(st.x[13], 0xc0001758u);       // FAR_EL1
  EXPECT_EQ(cpu.stats().stage1_faults.value, 1u);
  EXPECT_EQ(st.x[11], snippets::s_s1fault);
}

TEST_F(CpuTest, hvc_and_smc_exit_with_their_immediates_and_pc_after_the_call) {
  start_at(snippets::s_hvc_smc);
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(e.imm, 0x1234);
  EXPECT_EQ(e.esr, (0x16ull << 26) | (1ull << 25) | 0x1234);
  EXPECT_EQ(st.pc, snippets::s_hvc_smc + 4);
  e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Smc);
  EXPECT_EQ(e.imm, 0x77);
  EXPECT_EQ(e.esr, (0x17ull << 26) | (1ull << 25) | 0x77);
  EXPECT_EQ(st.pc, snippets::s_hvc_smc + 8);
}

TEST_F(CpuTest, an_unmapped_ipa_exits_with_a_stage2_fault_and_runs_after_the_host_maps_it) {
  s2.default_level = 2;
  start_at(snippets::s_load);
  st.x[1] = kDataIpa + 0xb58;  // in Unicorn's third 1 KiB TLB page: FAR is still exact
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Stage2Abort) << e.reason;
  EXPECT_EQ(e.esr >> 26, 0x24u);                        // data abort from a lower EL
  EXPECT_EQ(e.esr & 0x3f, 0x06u);                       // translation fault, level 2
  EXPECT_TRUE(platform::esr_isv(e.esr));
  EXPECT_EQ(platform::esr_srt(e.esr), 2u);
  EXPECT_FALSE(platform::esr_wnr(e.esr));
  EXPECT_EQ(e.far, kDataIpa + 0xb58);
  EXPECT_EQ(e.hpfar, (kDataIpa >> 12) << 4);
  EXPECT_EQ(platform::fault_ipa(e), kDataIpa + 0xb58);
  EXPECT_EQ(st.pc, snippets::s_load);                   // the faulting instruction
  s2.map(kDataIpa, kDataPa, 4096);
  uint64_t v = 0xfeedull;
  std::memcpy(dram(kDataPa) + 0xb58, &v, 8);
  e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(st.x[2], 0xfeedu);
}

TEST_F(CpuTest, mmio_accesses_of_each_size_exit_with_isv_sas_srt_sse_sf_and_wnr) {
  constexpr uint64_t kDev = 0x09000000;
  s2.mmio(kDev, 4096);
  start_at(snippets::s_mmio);
  st.x[1] = kDev;
  st.x[20] = 0x1f1;
  st.x[21] = 0x2f2f2;
  st.x[22] = 0x33333333f3ull;
  st.x[23] = 0x4444444444444444ull;
  struct Want { bool write; unsigned bytes, srt; bool sse, sf; uint64_t far, reply, reg_after; };
  const Want want[] = {
      {false, 1, 3, false, false, kDev, 0xff, 0xff},
      {false, 2, 4, false, false, kDev + 2, 0x8001, 0x8001},
      {false, 4, 5, false, false, kDev + 4, 0x80000002, 0x80000002},
      {false, 8, 6, false, true, kDev + 8, 0x8000000000000003ull, 0x8000000000000003ull},
      {false, 1, 7, true, true, kDev, 0x80, 0xffffffffffffff80ull},
      {false, 2, 8, true, false, kDev + 2, 0x8000, 0xffff8000ull},
      {false, 4, 9, true, true, kDev + 4, 0x80000000, 0xffffffff80000000ull},
      {true, 1, 20, false, false, kDev, 0, 0xf1},
      {true, 2, 21, false, false, kDev + 2, 0, 0xf2f2},
      {true, 4, 22, false, false, kDev + 4, 0, 0x333333f3},
      {true, 8, 23, false, true, kDev + 8, 0, 0x4444444444444444ull},
      {true, 8, 31, false, true, kDev + 16, 0, 0},
  };
  for (const Want& w : want) {
    SCOPED_TRACE(::testing::Message() << "srt " << w.srt);
    GuestExit e = run();
    ASSERT_EQ(e.kind, GuestExitKind::Mmio) << e.reason;
    EXPECT_EQ(e.esr >> 26, 0x24u);
    EXPECT_TRUE(platform::esr_isv(e.esr));
    EXPECT_EQ(platform::esr_wnr(e.esr), w.write);
    EXPECT_EQ(platform::esr_sas_bytes(e.esr), w.bytes);
    EXPECT_EQ(platform::esr_srt(e.esr), w.srt);
    EXPECT_EQ(platform::esr_sse(e.esr), w.sse);
    EXPECT_EQ(platform::esr_sf(e.esr), w.sf);
    EXPECT_EQ(e.far, w.far);
    EXPECT_EQ(platform::fault_ipa(e), w.far);
    if (w.write) {
      EXPECT_EQ(platform::mmio_write_value(st, e), w.reg_after);
    }
    uint64_t pc = st.pc;
    platform::complete_mmio(st, e, w.reply);
    EXPECT_EQ(st.pc, pc + 4);
    if (!w.write) {
      EXPECT_EQ(st.x[w.srt], w.reg_after);
    }
  }
  GuestExit e = run();  // LDP: no valid syndrome
  ASSERT_EQ(e.kind, GuestExitKind::Mmio);
  EXPECT_FALSE(platform::esr_isv(e.esr));
  EXPECT_EQ(cpu.stats().mmio_exits.value, 13u);
}

TEST_F(CpuTest, a_page_the_gpc_refuses_gives_a_gpf_exit_and_never_its_data) {
  // The host delegates a granule, then its stage 2 still maps it for a normal VM.
  constexpr uint64_t kVictim = 0x84200000;
  uint64_t secret = 0x5ec2e7;
  std::memcpy(dram(kVictim), &secret, 8);
  f.run([&](Pe& pe) {
    platform::abi::SmcRegs r;
    r.x[0] = platform::abi::kRmmGtsiDelegate;
    r.x[1] = kVictim;
    f.soc->monitor().smc(pe.requester(), platform::World::Realm, r);
    ASSERT_EQ(r.x[0], platform::abi::kRmmEl3Ok);
  });
  std::memcpy(dram(kVictim), &secret, 8);  // scrubbed by the delegate: put the secret back
  s2.map(kDataIpa, kVictim, 4096);
  start_at(snippets::s_load);
  st.x[1] = kDataIpa;
  st.x[2] = 0x1111;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Gpf) << e.reason;
  EXPECT_EQ(e.gpf.kind, gpt::GpfKind::Fail);
  EXPECT_EQ(e.gpf.pas, gpt::Pas::NonSecure);
  EXPECT_EQ(e.gpf.gpi, gpt::Gpi::Realm);
  EXPECT_EQ(e.far, kDataIpa);
  EXPECT_EQ(st.x[2], 0x1111u);  // the register never saw the data
  EXPECT_EQ(st.pc, snippets::s_load);
  EXPECT_FALSE(cpu.tlb_holds(0, kDataIpa));  // the victim never reached the TLB
  EXPECT_TRUE(cpu.tlb_holds(0, snippets::s_load));
  EXPECT_EQ(cpu.stats().fill_gpfs.value, 1u);
}

TEST_F(CpuTest, invalidate_ipa_makes_the_guest_see_the_new_mapping_never_the_old) {
  constexpr uint64_t kOld = 0x84300000, kNew = 0x84301000;
  uint64_t a = 0xaaaa, b = 0xbbbb;
  std::memcpy(dram(kOld), &a, 8);
  std::memcpy(dram(kNew), &b, 8);
  s2.map(kDataIpa, kOld, 4096);
  start_at(snippets::s_load);
  st.x[1] = kDataIpa;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(st.x[2], 0xaaaau);
  // The stage-2 owner changes the entry and invalidates it (an RTT change + TLBI).
  s2.map(kDataIpa, kNew, 4096);
  cpu.invalidate_ipa(s2, kDataIpa, 4096);
  e = run();  // b s_load; ldr again
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(st.x[2], 0xbbbbu);
  // Unmapped now: the next read exits instead of reading either page.
  s2.unmap(kDataIpa, 4096);
  cpu.invalidate_ipa(s2, kDataIpa, 4096);
  st.x[2] = 0;
  e = run();
  EXPECT_EQ(e.kind, GuestExitKind::Stage2Abort);
  EXPECT_EQ(st.x[2], 0u);
}

TEST_F(CpuTest, a_page_unmapped_and_invalidated_is_reachable_from_no_pe_that_held_it) {
  // A realm's DATA_DESTROY or RIPAS change: the RMM changes the RTT and invalidates the IPA on
  // every PE. Both PEs read the page first, so both TLBs hold it.
  constexpr uint64_t kPa = 0x84300000;
  uint64_t secret = 0x5ec2e7;
  std::memcpy(dram(kPa), &secret, 8);
  s2.map(kDataIpa, kPa, 4096);
  GuestState pe_state[2];
  for (unsigned pe = 0; pe < 2; ++pe) {
    st = GuestState{};
    start_at(snippets::s_load);
    st.x[1] = kDataIpa;
    ASSERT_EQ(run(10'000'000, pe).kind, GuestExitKind::Hvc);
    EXPECT_EQ(st.x[2], secret);
    EXPECT_TRUE(cpu.tlb_holds(pe, kDataIpa));
    pe_state[pe] = st;
  }
  s2.unmap(kDataIpa, 4096);
  cpu.invalidate_ipa(s2, kDataIpa, 4096);
  for (unsigned pe = 0; pe < 2; ++pe) {
    SCOPED_TRACE(::testing::Message() << "PE " << pe);
    st = pe_state[pe];
    st.x[2] = 0;
    const GuestExit e = run(10'000'000, pe);  // b s_load; ldr again
    EXPECT_EQ(e.kind, GuestExitKind::Stage2Abort);
    EXPECT_EQ(st.x[2], 0u);
    EXPECT_FALSE(cpu.tlb_holds(pe, kDataIpa));
  }
}

TEST_F(CpuTest, after_a_code_page_is_remapped_the_guest_runs_the_new_code_never_the_old) {
  // Two versions of a page of code at the same IPA: "movz x0, #v; hvc #20".
  constexpr uint64_t kCodeIpa2 = 0x80200000, kOld = 0x84400000, kNew = 0x84402000;
  auto write_code = [&](uint64_t pa, uint32_t value) {
    const uint32_t code[] = {0xd2800000u | (value << 5), 0xd4000282u};
    std::memcpy(dram(pa), code, sizeof code);
  };
  write_code(kOld, 1);
  write_code(kNew, 2);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(::testing::Message() << "round " << round);
    s2.map(kCodeIpa2, kOld, 4096);
    start_at(kCodeIpa2);
    ASSERT_EQ(run().kind, GuestExitKind::Hvc);
    EXPECT_EQ(st.x[0], 1u);
    s2.map(kCodeIpa2, kNew, 4096);  // same IPA, other granule, same size of host region
    cpu.invalidate_ipa(s2, kCodeIpa2, 4096);
    start_at(kCodeIpa2);
    ASSERT_EQ(run().kind, GuestExitKind::Hvc);
    EXPECT_EQ(st.x[0], 2u);
    cpu.invalidate_ipa(s2, kCodeIpa2, 4096);
  }
}

TEST_F(CpuTest, code_given_new_contents_behind_the_cores_back_runs_new_after_an_invalidation) {
  // The same granule, destroyed and created again with another image (as a realm's DATA_DESTROY
  // and DATA_CREATE do): translated code of the old contents must not run.
  constexpr uint64_t kCodeIpa2 = 0x80200000, kPa = 0x84400000;
  auto write_code = [&](uint32_t value) {
    const uint32_t code[] = {0xd2800000u | (value << 5), 0xd4000282u};  // movz x0, #v; hvc #20
    std::memcpy(dram(kPa), code, sizeof code);
  };
  s2.map(kCodeIpa2, kPa, 4096);
  for (uint32_t v = 1; v <= 3; ++v) {
    SCOPED_TRACE(::testing::Message() << "contents " << v);
    cpu.invalidate_ipa(s2, kCodeIpa2, 4096);
    write_code(v);
    start_at(kCodeIpa2);
    ASSERT_EQ(run().kind, GuestExitKind::Hvc);
    EXPECT_EQ(st.x[0], v);
  }
}

TEST_F(CpuTest, code_in_a_page_first_installed_as_data_runs_when_fetched) {
  constexpr uint64_t kPageIpa = 0x80200000, kPagePa = 0x84400000;
  const uint32_t code[] = {0xd28000e0u, 0xd40002a2u};  // movz x0, #7; hvc #21
  std::memcpy(dram(kPagePa), code, sizeof code);
  s2.map(kPageIpa, kPagePa, 4096);
  start_at(snippets::s_load);  // reads the page as data first: installed without execute
  st.x[1] = kPageIpa;
  ASSERT_EQ(run().kind, GuestExitKind::Hvc);
  EXPECT_EQ(st.x[2], uint64_t{code[1]} << 32 | code[0]);
  start_at(kPageIpa);
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc) << e.reason;
  EXPECT_EQ(e.imm, 21);
  EXPECT_EQ(st.x[0], 7u);
  // Stage 2 without execute permission: a fetch is the host's permission fault, as before.
  s2.map(kPageIpa, kPagePa, 4096, gpt::Pas::NonSecure, true, false);
  cpu.invalidate_ipa(s2, kPageIpa, 4096);
  start_at(kPageIpa);
  e = run();
  EXPECT_EQ(e.kind, GuestExitKind::Stage2Abort);
}

TEST_F(CpuTest, a_gpt_change_and_its_tlbi_remove_an_installed_page_so_the_guest_faults) {
  // The page is installed (a fill checked it as Non-secure) and the guest reads it...
  constexpr uint64_t kPage = 0x84400000;
  uint64_t v = 0x1234;
  std::memcpy(dram(kPage), &v, 8);
  s2.map(kDataIpa, kPage, 4096);
  start_at(snippets::s_load);
  st.x[1] = kDataIpa;
  ASSERT_EQ(run().kind, GuestExitKind::Hvc);
  EXPECT_EQ(st.x[2], 0x1234u);
  // ...then the host delegates it: the monitor's TLBI RPALOS reaches every GPC unit and,
  // through it, the pages the core installed. No stage-2 invalidation is issued.
  f.run([&](Pe& pe) {
    platform::abi::SmcRegs r;
    r.x[0] = platform::abi::kRmmGtsiDelegate;
    r.x[1] = kPage;
    f.soc->monitor().smc(pe.requester(), platform::World::Realm, r);
    ASSERT_EQ(r.x[0], platform::abi::kRmmEl3Ok);
  });
  st.x[2] = 0;
  GuestExit e = run();  // b s_load; ldr again
  ASSERT_EQ(e.kind, GuestExitKind::Gpf) << e.reason;
  EXPECT_EQ(e.gpf.gpi, gpt::Gpi::Realm);
  EXPECT_EQ(st.x[2], 0u);
  EXPECT_GE(cpu.stats().invalidations.value, 1u);
}

TEST_F(CpuTest, a_fill_brings_only_the_touched_page_into_the_tlb) {
  s2.map(kDataIpa, kDataPa, 16 * 4096);
  start_at(snippets::s_load);
  st.x[1] = kDataIpa;
  ASSERT_EQ(run().kind, GuestExitKind::Hvc);
  EXPECT_TRUE(cpu.tlb_holds(0, kDataIpa));
  EXPECT_FALSE(cpu.tlb_holds(0, kDataIpa + 4096));  // mapped, never touched: never walked
  EXPECT_EQ(cpu.tlb_entries(0), 2u);                // the code page and the data page
}

TEST_F(CpuTest, invalidate_all_drops_every_tlb_entry) {
  s2.map(kDataIpa, kDataPa, 4096);
  start_at(snippets::s_load);
  st.x[1] = kDataIpa;
  ASSERT_EQ(run().kind, GuestExitKind::Hvc);
  EXPECT_TRUE(cpu.tlb_holds(0, kDataIpa));
  EXPECT_EQ(cpu.tlb_entries(0), 2u);  // code and data
  const uint64_t fills = cpu.stats().fills.value;
  cpu.invalidate_all();
  EXPECT_EQ(cpu.tlb_entries(0), 0u);
  EXPECT_FALSE(cpu.tlb_holds(0, kDataIpa));
  ASSERT_EQ(run().kind, GuestExitKind::Hvc);  // filled again on demand
  EXPECT_TRUE(cpu.tlb_holds(0, kDataIpa));
  EXPECT_EQ(cpu.stats().fills.value, fills + 2);
  EXPECT_GE(cpu.stats().tlb_flushes.value, 1u);
}

TEST_F(CpuTest, a_read_only_stage2_page_exits_with_a_permission_fault_on_write) {
  s2.map(kDataIpa, kDataPa, 4096, gpt::Pas::NonSecure, /*writable=*/false);
  start_at(snippets::s_store);
  st.x[1] = kDataIpa + 8;
  st.x[2] = 7;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Stage2Abort) << e.reason;
  EXPECT_EQ(e.esr & 0x3f, 0x0fu);  // permission fault, level 3
  EXPECT_TRUE(platform::esr_wnr(e.esr));
  EXPECT_EQ(e.far, kDataIpa + 8);
}

TEST_F(CpuTest, wfi_exits_with_pc_after_it) {
  start_at(snippets::s_wfi);
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Wfi) << e.reason;
  EXPECT_EQ(e.esr >> 26, 0x01u);
  EXPECT_EQ(st.pc, snippets::s_wfi + 4);
  EXPECT_EQ(run().kind, GuestExitKind::Hvc);
}

TEST_F(CpuTest, the_counter_follows_simulated_time) {
  start_at(snippets::s_counter);
  st.x[1] = 100000;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(e.imm, 8);
  // 200,000 loop instructions at 1 CPI and 2 GHz = 100 us = 100,000 ticks of a 1 GHz counter
  // (counted at block granularity).
  uint64_t ticks = st.x[3] - st.x[2];
  EXPECT_GE(ticks, 99'000u);
  EXPECT_LE(ticks, 101'000u);
}

TEST_F(CpuTest, the_budget_bounds_a_run_and_the_next_run_resumes_exactly) {
  start_at(snippets::s_loop);
  st.x[1] = 10000;
  GuestExit e = run(1000);
  EXPECT_EQ(e.kind, GuestExitKind::Budget);
  EXPECT_GE(e.instructions, 1000u);
  EXPECT_LE(e.instructions, 1010u);
  uint64_t total = e.instructions;
  while ((e = run(1000)).kind == GuestExitKind::Budget) total += e.instructions;
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  total += e.instructions;
  EXPECT_EQ(total, 1 + 4 * 10000 + 1u);  // mov, loop, hvc
}

TEST_F(CpuTest, instructions_are_counted_exactly_across_exits_inside_blocks_and_budget_stops) {
  // Chained loop blocks leave Unicorn's PC stale at a data fault; the count must still be exact.
  constexpr uint64_t kDev = 0x09000000, kIterations = 50;
  s2.mmio(kDev, 4096);
  for (uint64_t budget : {uint64_t{1} << 40, uint64_t{5}}) {
    SCOPED_TRACE(::testing::Message() << "budget " << budget);
    start_at(snippets::s_mmio_loop);
    st.x[1] = kDev;
    st.x[2] = kIterations;
    uint64_t total = 0, reads = 0, writes = 0;
    GuestExit e;
    while ((e = run(budget)).kind != GuestExitKind::Hvc) {
      total += e.instructions;
      if (e.kind == GuestExitKind::Budget) continue;
      ASSERT_EQ(e.kind, GuestExitKind::Mmio) << e.reason;
      if (platform::esr_wnr(e.esr)) {
        ++writes;
        EXPECT_EQ(platform::mmio_write_value(st, e), 3 * writes);
      } else {
        ++reads;
      }
      platform::complete_mmio(st, e, 2);
    }
    total += e.instructions;
    EXPECT_EQ(e.imm, 13);
    EXPECT_EQ(reads, kIterations);
    EXPECT_EQ(writes, kIterations);
    EXPECT_EQ(st.x[0], 3 * kIterations);
    // mov, the loop, hvc; the core does not retire the two MMIO accesses: the host emulates them.
    EXPECT_EQ(total, 1 + 4 * kIterations + 1);
  }
}

TEST_F(CpuTest, a_pe_running_alone_makes_long_slices_and_two_pes_running_together_interleave_by_quantum) {
  // 800,004 instructions each. cpu.max_slice = 100,000; the 10 us quantum is 20,000 at 2 GHz.
  constexpr uint64_t kIterations = 200000;
  start_at(snippets::s_loop);
  st.x[1] = kIterations;
  ASSERT_EQ(run().kind, GuestExitKind::Hvc);
  const uint64_t alone = cpu.stats().slices.value;
  EXPECT_LE(alone, 10u);  // lookahead: nothing else is due, so nothing to sync with

  GuestState other = st;
  st.pc = other.pc = snippets::s_loop;
  st.x[1] = other.x[1] = kIterations;
  GuestExit e0, e1;
  f.soc->pe(1).post([&](platform::Pe& p) { e1 = cpu.run(p, other, s2, 10'000'000); });
  f.run([&](platform::Pe& p) { e0 = cpu.run(p, st, s2, 10'000'000); });
  ASSERT_EQ(e0.kind, GuestExitKind::Hvc);
  ASSERT_EQ(e1.kind, GuestExitKind::Hvc);
  EXPECT_EQ(st.x[0], other.x[0]);
  const uint64_t together = cpu.stats().slices.value - alone;
  EXPECT_GE(together, 2 * 800004 / 20000u);  // each PE yields at every quantum
  EXPECT_LE(together, 2 * 800004 / 20000u + 4);
}

TEST_F(CpuTest, an_interrupt_for_the_hypervisor_ends_the_run_at_the_next_slice_boundary) {
  start_at(snippets::s_loop);
  st.x[1] = 10'000'000;  // 40 M instructions: 20 ms at 2 GHz
  f.soc->pe(1).post([&](platform::Pe& p) {
    p.requester().sync();
    sc_core::wait(sc_core::sc_time(1, sc_core::SC_MS));
    f.soc->pe(0).interrupt();  // the host's IPI to the vCPU thread's PE
  });
  GuestExit e = run(1ull << 40);
  EXPECT_EQ(e.kind, GuestExitKind::Irq);
  // 1 ms = 2 M instructions, give or take one 10 us quantum (20 k instructions).
  EXPECT_GE(e.instructions, 2'000'000u - 20'000u);
  EXPECT_LE(e.instructions, 2'000'000u + 20'000u);
  EXPECT_EQ(run(1ull << 40).kind, GuestExitKind::Hvc);  // taken: the next run goes on to the end
}

TEST_F(CpuTest, a_pending_irq_is_delivered_to_the_irq_vector_when_unmasked) {
  st.vbar_el1 = snippets::s_vectors;
  st.pstate = 0x345;  // EL1h, I clear
  st.irq_pending = true;
  start_at(snippets::s_loop);
  st.x[1] = 10;
  GuestExit e = run();
  ASSERT_EQ(e.kind, GuestExitKind::Hvc);
  EXPECT_EQ(e.imm, 12);
  EXPECT_EQ(st.x[15], 0x1eu);
  EXPECT_FALSE(st.irq_pending);
  EXPECT_EQ(st.elr_el1, snippets::s_loop);
}

// Runs s_ldst on a fresh SoC and returns (instructions, simulated time in ps, checksum word).
struct Outcome { uint64_t insns, time_ps, word; };
Outcome run_ldst_once() {
  struct Fx : CpuFixture { void TestBody() override {} } fx;
  fx.SetUp();
  fx.load(read_file(snippets::kBinary), CpuFixture::kCodeIpa, CpuFixture::kCodePa, 0x4000);
  fx.s2.map(kDataIpa, kDataPa, 64 * 1024);
  fx.st.pc = snippets::s_ldst;
  fx.st.x[1] = kDataIpa;
  fx.st.x[2] = 64 * 1024;
  fx.st.x[3] = 20;
  Outcome o{};
  GuestExit e;
  do {
    e = fx.run(5000);
    o.insns += e.instructions;
  } while (e.kind == GuestExitKind::Budget);
  o.time_ps = static_cast<uint64_t>(sc_core::sc_time_stamp().value());
  std::memcpy(&o.word, fx.dram(kDataPa + 64), 8);
  return o;
}

TEST(CpuDeterminism, the_same_run_gives_the_same_instructions_time_and_memory) {
  Outcome a = run_ldst_once();
  Outcome b = run_ldst_once();
  EXPECT_EQ(a.insns, b.insns);
  EXPECT_EQ(a.time_ps, b.time_ps);
  EXPECT_EQ(a.word, b.word);
  EXPECT_GT(a.insns, 20u * 1024 * 5);
}

}  // namespace

// Observers (how the RMM and the host draw their guests' runs) hear each run: the PE, the
// world it ran in, when it started and ended, and the exit with the state at that exit.
struct RecordingObserver final : platform::GuestObserver {
  struct Run { unsigned pe; platform::World world; sc_core::sc_time start, end; GuestExitKind slice_exit, exit; uint64_t pc; };
  std::vector<Run> runs;
  void on_slice(platform::Pe& pe, const platform::GuestSlice& s, const GuestExit& e) override {
    runs.push_back({pe.index(), s.world, s.start, s.end, e.kind, GuestExitKind::Budget, 0});
  }
  void on_exit(platform::Pe&, platform::World, const GuestState& st, const GuestExit& e) override {
    runs.back().exit = e.kind;
    runs.back().pc = st.pc;
  }
};

TEST_F(CpuTest, observers_hear_every_run_with_its_world_times_and_exit_until_removed) {
  RecordingObserver o;
  cpu.add_observer(o);
  start_at(snippets::s_wfi);
  sc_core::sc_time before, after;
  f.run([&](platform::Pe& p) {
    p.set_world(platform::World::Realm);
    before = p.requester().now();
    cpu.run(p, st, s2, 10'000'000);
    after = p.requester().now();
  });
  ASSERT_EQ(o.runs.size(), 1u);
  EXPECT_EQ(o.runs[0].pe, 0u);
  EXPECT_EQ(o.runs[0].world, platform::World::Realm);
  EXPECT_EQ(o.runs[0].start, before);
  EXPECT_EQ(o.runs[0].end, after);
  EXPECT_LT(o.runs[0].start, o.runs[0].end) << "the run took time";
  EXPECT_EQ(o.runs[0].slice_exit, GuestExitKind::Wfi);
  EXPECT_EQ(o.runs[0].exit, GuestExitKind::Wfi);
  EXPECT_EQ(o.runs[0].pc, snippets::s_wfi + 4) << "on_exit sees the state at the exit";
  cpu.remove_observer(o);
  EXPECT_EQ(run().kind, GuestExitKind::Hvc);
  EXPECT_EQ(o.runs.size(), 1u) << "a removed observer hears nothing";
}
