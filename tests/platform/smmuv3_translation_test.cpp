// SMMUv3 client path: each translation (bypass, stage 1, stage 2, stage 1+2), each fault and
// where it is reported (Event queue, or SMMU_ROOT_GPF_FAR for a GPF on the output), the
// configuration cache and TLB until their invalidation commands, and GPT information cached
// by the SMMU's GPC unit until TLBI PAALL.
#include <gtest/gtest.h>

#include <vector>

#include "smmu_bench.h"

using namespace platform;
using rmesim::testing::SmmuBench;
namespace sm = platform::smmuv3;
using gpt::Pas;

namespace {

constexpr uint32_t kSid = memory_map::kDmaStreamId;
constexpr uint64_t kS1Rw = sm::desc::kAf;                       // stage 1: RW, AF
constexpr uint64_t kS2Rw = sm::desc::kAf | sm::desc::kS2apRead | sm::desc::kS2apWrite;
constexpr uint64_t kS2Ro = sm::desc::kAf | sm::desc::kS2apRead;

uint64_t stale_gpc_entry(SmmuBench& b, uint64_t offset);

struct SmmuTranslation : ::testing::Test {
  SmmuBench b;
  void SetUp() override { b.f.boot(); }

  std::vector<uint8_t> bytes(uint64_t pa, uint64_t n = 4096, Pas pas = Pas::NonSecure) {
    std::vector<uint8_t> v(n);
    EXPECT_TRUE(b.req().read(pa, v.data(), n, pas).ok());
    return v;
  }
  sm::Ste stage2_ste(uint64_t root, uint16_t vmid = 7) {
    sm::Ste s;
    s.valid = true;
    s.config = static_cast<uint8_t>(sm::SteConfig::Stage2);
    s.s2_vmid = vmid;
    s.s2_t0sz = 25;  // 39-bit IPA, from level 1
    s.s2_sl0 = 1;
    s.s2_ps = 5;
    s.s2_aa64 = true;
    s.s2_ttb = root;
    return s;
  }
  static sm::Ste stage1_ste(uint64_t cd_pa) {
    sm::Ste s;
    s.valid = true;
    s.config = static_cast<uint8_t>(sm::SteConfig::Stage1);
    s.s1_context_ptr = cd_pa;
    return s;
  }
  sm::Cd cd(uint64_t ttb0, uint16_t asid = 3) {
    sm::Cd c;
    c.valid = true;
    c.aa64 = true;
    c.t0sz = 25;
    c.ips = 5;
    c.asid = asid;
    c.ttb0 = ttb0;
    return c;
  }
};

TEST_F(SmmuTranslation, bypass_writes_the_pa_the_device_names) {
  b.f.run([&](Pe&) {
    b.enable();
    b.put_ste(kSid, SmmuBench::bypass());
    const uint64_t data = b.pa(SmmuBench::kData);
    EXPECT_EQ(b.dma_fill(data, 0x5C), DmaEngine::kStatusDone);
    EXPECT_EQ(bytes(data), std::vector<uint8_t>(4096, 0x5C));
    EXPECT_EQ(b.smmu().stats().bypassed.value, 1u) << "a fill is one write transaction per 4 KiB burst";
    EXPECT_TRUE(b.events().empty());
  });
}

TEST_F(SmmuTranslation, stage_1_translates_a_va_through_the_cd_tables) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t ttb0 = b.new_table(), cd_pa = b.pa(SmmuBench::kTables + 0x20000);
    const uint64_t va = 0x40'0000'0000ull >> 2, data = b.pa(SmmuBench::kData + 0x3000);
    b.map(ttb0, 1, va, data, kS1Rw);
    b.put_cd(cd_pa, cd(ttb0));
    b.put_ste(kSid, stage1_ste(cd_pa));
    EXPECT_EQ(b.dma_fill(va + 0x100, 0xA1, 0x200), DmaEngine::kStatusDone);
    EXPECT_EQ(bytes(data + 0x100, 0x200), std::vector<uint8_t>(0x200, 0xA1));
    EXPECT_EQ(bytes(data, 0x100), std::vector<uint8_t>(0x100, 0)) << "only what the device wrote";
    const auto& st = b.smmu().stats();
    EXPECT_EQ(st.cd_fetches.value, 1u);
    EXPECT_EQ(st.walk_reads.value, 3u) << "levels 1, 2, 3";
    EXPECT_EQ(b.dma_fill(va, 0xA2, 64), DmaEngine::kStatusDone);
    EXPECT_EQ(st.walk_reads.value, 3u) << "the TLB answers the second time";
    EXPECT_GE(st.tlb_hits.value, 1u);
  });
}

TEST_F(SmmuTranslation, stage_2_translates_an_ipa_as_the_host_built_it) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t root = b.new_table(), ipa = 0x8000'0000, data = b.pa(SmmuBench::kData + 0x5000);
    b.map(root, 1, ipa, data, kS2Rw);
    b.put_ste(kSid, stage2_ste(root));
    EXPECT_EQ(b.dma_fill(ipa, 0xB2), DmaEngine::kStatusDone);
    EXPECT_EQ(bytes(data), std::vector<uint8_t>(4096, 0xB2));
    EXPECT_EQ(b.smmu().stats().walk_reads.value, 3u);
  });
}

TEST_F(SmmuTranslation, stage_1_and_2_nest_the_cd_and_table_fetches_in_stage_2) {
  b.f.run([&](Pe&) {
    b.enable();
    // Stage 2 maps the tables and the CD at IPA = PA, and the output IPA elsewhere.
    const uint64_t s2 = b.new_table(), s1 = b.new_table();
    const uint64_t cd_pa = b.pa(SmmuBench::kTables + 0x20000);
    const uint64_t va = 0x1000'0000, out_ipa = 0x9000'0000, data = b.pa(SmmuBench::kData + 0x7000);
    b.map(s1, 1, va, out_ipa, kS1Rw);
    b.put_cd(cd_pa, cd(s1));
    for (uint64_t t = b.pa(SmmuBench::kTables); t < b.pa(SmmuBench::kTables + 0x30000); t += 0x1000)
      if (t != s2) b.map(s2, 1, t, t, kS2Rw);
    b.map(s2, 1, out_ipa, data, kS2Rw);
    sm::Ste s = stage2_ste(s2);
    s.config = static_cast<uint8_t>(sm::SteConfig::Nested);
    s.s1_context_ptr = cd_pa;
    b.put_ste(kSid, s);
    EXPECT_EQ(b.dma_fill(va, 0xC3), DmaEngine::kStatusDone) << ::testing::PrintToString(b.events().size());
    EXPECT_EQ(bytes(data), std::vector<uint8_t>(4096, 0xC3));
    // 3 stage-2 reads for the CD; 3 stage-1 reads, each preceded by 3 stage-2 reads; 3 for the output.
    EXPECT_EQ(b.smmu().stats().walk_reads.value, 3u + 3u * 4u + 3u);
  });
}

TEST_F(SmmuTranslation, an_unmapped_ipa_is_a_stage_2_translation_fault_event) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t root = b.new_table();
    b.put_ste(kSid, stage2_ste(root));
    EXPECT_EQ(b.dma_fill(0x8000'1000, 0xEE, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(b.f.soc->dma().read_reg(DmaEngine::kFaultAddr), 0x8000'1000u);
    const auto ev = b.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_TRANSLATION));
    EXPECT_EQ(ev[0].sid, kSid);
    EXPECT_TRUE(ev[0].s2);
    EXPECT_FALSE(ev[0].rnw);
    EXPECT_EQ(ev[0].clss, sm::kClassIn);
    EXPECT_EQ(ev[0].input_addr, 0x8000'1000u);
    EXPECT_EQ(ev[0].ipa, 0x8000'1000u);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR), 0u) << "not a GPF";
    ASSERT_FALSE(b.irqs.empty());
    EXPECT_EQ(b.irqs.back(), sm::Irq::Eventq);
  });
}

TEST_F(SmmuTranslation, a_write_to_a_read_only_page_is_a_permission_fault_of_its_stage) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t root = b.new_table(), data = b.pa(SmmuBench::kData);
    b.map(root, 1, 0x8000'0000, data, kS2Ro);
    b.put_ste(kSid, stage2_ste(root));
    EXPECT_EQ(b.dma(0x8000'0000, 0, 64, DmaEngine::kCtrlRead), DmaEngine::kStatusDone) << "reads are allowed";
    EXPECT_EQ(b.dma_fill(0x8000'0000, 0xEE, 64), DmaEngine::kStatusFault);
    auto ev = b.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_PERMISSION));
    EXPECT_TRUE(ev[0].s2);
    EXPECT_EQ(ev[0].ipa, 0x8000'0000u);
    EXPECT_EQ(bytes(data, 64), std::vector<uint8_t>(64, 0));
    // Stage 1 AP[2] read-only: the fault is stage 1's.
    const uint64_t ttb0 = b.new_table(), cd_pa = b.pa(SmmuBench::kTables + 0x20000);
    b.map(ttb0, 1, 0x2000'0000, data, kS1Rw | sm::desc::kS1ApRo);
    b.put_cd(cd_pa, cd(ttb0));
    b.put_ste(kSid, stage1_ste(cd_pa));
    EXPECT_EQ(b.dma_fill(0x2000'0000, 0xEE, 64), DmaEngine::kStatusFault);
    ev = b.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_PERMISSION));
    EXPECT_FALSE(ev[0].s2);
  });
}

TEST_F(SmmuTranslation, invalid_and_reserved_stes_are_c_bad_ste_and_abort_stes_say_nothing) {
  b.f.run([&](Pe&) {
    b.enable();
    sm::Ste s;  // V 0
    b.put_ste(kSid, s);
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    s.valid = true;
    s.config = 1;  // reserved
    b.put_ste(kSid, s);
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    s.config = static_cast<uint8_t>(sm::SteConfig::Stage2);  // stage 2 with S2AA64 0
    b.put_ste(kSid, s);
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    const auto ev = b.events();
    ASSERT_EQ(ev.size(), 3u);
    for (const auto& e : ev) EXPECT_EQ(e.type, static_cast<uint8_t>(sm::EventType::C_BAD_STE));
    s.config = static_cast<uint8_t>(sm::SteConfig::Abort);
    b.put_ste(kSid, s);
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    EXPECT_TRUE(b.events().empty()) << "Config abort terminates without an event";
    // A StreamID beyond the table: C_BAD_STREAMID (the table is 16 streams; shrink it to 1).
    b.set32(sm::SMMU_CR0, sm::CR0_CMDQEN | sm::CR0_EVENTQEN);
    b.set32(sm::SMMU_STRTAB_BASE_CFG, 0);
    b.set32(sm::SMMU_CR0, sm::CR0_CMDQEN | sm::CR0_EVENTQEN | sm::CR0_SMMUEN);
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    const auto ev2 = b.events();
    ASSERT_EQ(ev2.size(), 1u);
    EXPECT_EQ(ev2[0].type, static_cast<uint8_t>(sm::EventType::C_BAD_STREAMID));
  });
}

TEST_F(SmmuTranslation, a_gpf_on_the_output_goes_to_gpf_far_not_to_the_event_queue) {
  b.f.run([&](Pe&) {
    b.enable();
    b.put_ste(kSid, SmmuBench::bypass());
    const uint64_t realm = b.pa(SmmuBench::kData + 0x2000), other = b.pa(SmmuBench::kData + 0x4000);
    b.delegate(realm);
    b.delegate(other);
    ASSERT_TRUE(b.req().fill(realm, 0x77, 4096, Pas::Realm).ok());
    EXPECT_EQ(b.dma_fill(realm, 0x00), DmaEngine::kStatusFault);
    EXPECT_EQ(bytes(realm, 4096, Pas::Realm), std::vector<uint8_t>(4096, 0x77)) << "the realm's bytes are unchanged";
    EXPECT_TRUE(b.events().empty());
    const uint64_t far = b.root64(sm::SMMU_ROOT_GPF_FAR);
    EXPECT_EQ(far & sm::FAR_FAULT, sm::FAR_FAULT);
    EXPECT_EQ((far >> sm::FAR_REASON_SHIFT) & 7, static_cast<uint64_t>(sm::FarReason::Transaction));
    EXPECT_EQ((far >> sm::FAR_FAULTCODE_SHIFT) & 0xFF, 0u);
    EXPECT_EQ(far & sm::FAR_FADDR_MASK, realm);
    EXPECT_EQ(far >> sm::FAR_FPAS_SHIFT, static_cast<uint64_t>(Pas::NonSecure));
    ASSERT_EQ(b.irqs.size(), 1u);
    EXPECT_EQ(b.irqs[0], sm::Irq::GpfFar);
    // First fault wins: a second GPF is counted but leaves the register and raises no edge.
    EXPECT_EQ(b.dma_fill(other, 0x00), DmaEngine::kStatusFault);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR), far);
    EXPECT_EQ(b.irqs.size(), 1u);
    EXPECT_EQ(b.smmu().stats().gpf_client.value, 2u);
    ASSERT_EQ(b.smmu().gpf_log().size(), 2u);
    EXPECT_TRUE(b.smmu().gpf_log()[0].latched);
    EXPECT_FALSE(b.smmu().gpf_log()[1].latched);
    EXPECT_EQ(b.smmu().gpc().stats().faults_fail.value, 2u);
    // Writing FAULT 0 clears it; the next GPF latches again.
    b.set_root64(sm::SMMU_ROOT_GPF_FAR, 0);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR), 0u);
    EXPECT_EQ(b.dma_fill(other, 0x00), DmaEngine::kStatusFault);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR) & sm::FAR_FADDR_MASK, other);
    EXPECT_EQ(b.irqs.size(), 2u);
  });
}

TEST_F(SmmuTranslation, an_invalid_gpt_configuration_is_a_gpt_lookup_error_in_gpt_cfg_far) {
  b.f.run([&](Pe&) {
    b.enable();
    b.put_ste(kSid, SmmuBench::bypass());
    const uint64_t data = b.pa(SmmuBench::kData);
    EXPECT_EQ(b.dma_fill(data, 1, 64), DmaEngine::kStatusDone);  // the STE is cached now
    // EL3 turns GPCEN off, gives GPT_BASE_CFG the reserved PGS 0b11, and turns it on again.
    const uint32_t cfg = static_cast<uint32_t>(b.root64(sm::SMMU_ROOT_GPT_BASE_CFG));
    b.set_root32(sm::SMMU_ROOT_CR0, sm::ROOT_CR0_ACCESSEN);
    b.set_root32(sm::SMMU_ROOT_GPT_BASE_CFG, cfg | (3u << gpt::gpccr::kPgsShift));
    b.set_root32(sm::SMMU_ROOT_CR0, sm::ROOT_CR0_ACCESSEN | sm::ROOT_CR0_GPCEN);
    EXPECT_EQ(b.dma_fill(data, 2, 64), DmaEngine::kStatusFault);
    const uint64_t far = b.root64(sm::SMMU_ROOT_GPT_CFG_FAR);
    EXPECT_EQ(far & sm::FAR_FAULT, sm::FAR_FAULT);
    EXPECT_EQ((far >> sm::FAR_CFG_ERR_SHIFT) & 0xF, static_cast<uint64_t>(sm::GptCfgErr::InvalidConfig));
    EXPECT_EQ((far >> sm::FAR_REASON_SHIFT) & 7, static_cast<uint64_t>(sm::FarReason::Transaction));
    EXPECT_EQ(far & sm::FAR_FADDR_MASK, data);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR), 0u) << "a lookup error is not a GPF";
    ASSERT_FALSE(b.irqs.empty());
    EXPECT_EQ(b.irqs.back(), sm::Irq::GptCfgFar);
    EXPECT_EQ(b.smmu().stats().gpt_cfg_errors.value, 1u);
    EXPECT_EQ(bytes(data, 1)[0], 1);
  });
}

TEST_F(SmmuTranslation, a_gpf_on_an_smmu_fetch_is_the_fetch_event_with_gpcf) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t root = b.new_table();
    b.map(root, 1, 0x8000'0000, b.pa(SmmuBench::kData), kS2Rw);
    b.put_ste(kSid, stage2_ste(root));
    // The level-2 table of the walk becomes Realm: the walk's fetch takes the GPF.
    uint64_t l1 = 0;
    ASSERT_TRUE(b.req().read64(root + ((0x8000'0000ull >> 30) & 511) * 8, l1, Pas::NonSecure).ok());
    const uint64_t l2 = l1 & sm::desc::kOaMask;
    b.delegate(l2);
    EXPECT_EQ(b.dma_fill(0x8000'0000, 1, 64), DmaEngine::kStatusFault);
    auto ev = b.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_WALK_EABT));
    EXPECT_TRUE(ev[0].gpcf);
    EXPECT_EQ(ev[0].fetch_addr, l2 + ((0x8000'0000ull >> 21) & 511) * 8);
    uint64_t far = b.root64(sm::SMMU_ROOT_GPF_FAR);
    EXPECT_EQ((far >> sm::FAR_REASON_SHIFT) & 7, static_cast<uint64_t>(sm::FarReason::Translation));
    EXPECT_EQ((far >> sm::FAR_FAULTCODE_SHIFT) & 0xFF, static_cast<uint64_t>(sm::EventType::F_WALK_EABT));
    EXPECT_EQ(far & sm::FAR_FADDR_MASK, l2);
    // The Stream table's page becomes Realm: F_STE_FETCH with GPCF, once the STE is not cached.
    b.set_root64(sm::SMMU_ROOT_GPF_FAR, 0);
    b.command(sm::Command::cfgi_all());
    b.command(sm::Command::sync());
    b.delegate(b.pa(SmmuBench::kStrtab));
    EXPECT_EQ(b.dma_fill(0x8000'0000, 1, 64), DmaEngine::kStatusFault);
    ev = b.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_STE_FETCH));
    EXPECT_TRUE(ev[0].gpcf);
    EXPECT_EQ(ev[0].fetch_addr, b.pa(SmmuBench::kStrtab) + kSid * sm::kSteBytes);
    far = b.root64(sm::SMMU_ROOT_GPF_FAR);
    EXPECT_EQ((far >> sm::FAR_FAULTCODE_SHIFT) & 0xFF, static_cast<uint64_t>(sm::EventType::F_STE_FETCH));
    EXPECT_EQ(b.smmu().stats().gpf_fetch.value, 2u);
  });
}

TEST_F(SmmuTranslation, a_gpf_on_the_queues_is_a_global_error_with_gpf_far_reason_gerror) {
  b.f.run([&](Pe&) {
    b.enable();
    // The Event queue's page becomes Realm: the record of a C_BAD_STE cannot be written.
    b.delegate(b.pa(SmmuBench::kEventq));
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(b.reg32(sm::SMMU_GERROR) & sm::GERROR_EVENTQ_ABT_ERR, sm::GERROR_EVENTQ_ABT_ERR);
    EXPECT_EQ(b.reg32(sm::SMMU_EVENTQ_PROD), 0u) << "nothing was written";
    uint64_t far = b.root64(sm::SMMU_ROOT_GPF_FAR);
    EXPECT_EQ((far >> sm::FAR_REASON_SHIFT) & 7, static_cast<uint64_t>(sm::FarReason::Gerror));
    EXPECT_EQ((far >> sm::FAR_FAULTCODE_SHIFT) & 0xFF, 0x02u) << "EVENTQ_GPF";
    EXPECT_EQ(far & sm::FAR_FADDR_MASK, b.pa(SmmuBench::kEventq));
    // The Command queue's page too: the next command cannot be read (CERROR_ABT, CMDQ_GPF).
    b.set_root64(sm::SMMU_ROOT_GPF_FAR, 0);
    b.delegate(b.pa(SmmuBench::kCmdq));
    b.set32(sm::SMMU_CMDQ_PROD, 1);
    EXPECT_EQ((b.reg32(sm::SMMU_CMDQ_CONS) >> sm::CMDQ_CONS_ERR_SHIFT) & 0x7F, sm::CERROR_ABT);
    EXPECT_EQ(b.reg32(sm::SMMU_GERROR) & sm::GERROR_CMDQ_ERR, sm::GERROR_CMDQ_ERR);
    far = b.root64(sm::SMMU_ROOT_GPF_FAR);
    EXPECT_EQ((far >> sm::FAR_REASON_SHIFT) & 7, static_cast<uint64_t>(sm::FarReason::Gerror));
    EXPECT_EQ((far >> sm::FAR_FAULTCODE_SHIFT) & 0xFF, 0x00u) << "CMDQ_GPF";
    EXPECT_EQ(far & sm::FAR_FADDR_MASK, b.pa(SmmuBench::kCmdq));
  });
}

TEST_F(SmmuTranslation, a_gpf_on_a_cd_fetch_is_f_cd_fetch_with_gpcf) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t cd_pa = b.pa(SmmuBench::kTables + 0x20000);
    b.put_cd(cd_pa, cd(b.new_table()));
    b.put_ste(kSid, stage1_ste(cd_pa));
    b.delegate(cd_pa);
    EXPECT_EQ(b.dma_fill(0x1000, 1, 64), DmaEngine::kStatusFault);
    const auto ev = b.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, static_cast<uint8_t>(sm::EventType::F_CD_FETCH));
    EXPECT_TRUE(ev[0].gpcf);
    EXPECT_EQ(ev[0].fetch_addr, cd_pa);
  });
}

TEST_F(SmmuTranslation, cached_ste_and_tlb_entries_stay_until_their_invalidation_commands) {
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t root = b.new_table(), a = b.pa(SmmuBench::kData), c = b.pa(SmmuBench::kData + 0x1000);
    b.map(root, 1, 0x8000'0000, a, kS2Rw);
    b.put_ste(kSid, stage2_ste(root, 9));
    EXPECT_EQ(b.dma_fill(0x8000'0000, 0x01, 64), DmaEngine::kStatusDone);
    // The host remaps the IPA without TLBI: the SMMU still writes the old page.
    b.map(root, 1, 0x8000'0000, c, kS2Rw);
    EXPECT_EQ(b.dma_fill(0x8000'0000, 0x02, 64), DmaEngine::kStatusDone);
    EXPECT_EQ(bytes(a, 1)[0], 0x02);
    b.command(sm::Command::tlbi_nh_all(9));  // stage-1 entries only: this one stays
    b.command(sm::Command::sync());
    EXPECT_EQ(b.dma_fill(0x8000'0000, 0x03, 64), DmaEngine::kStatusDone);
    EXPECT_EQ(bytes(a, 1)[0], 0x03);
    b.command(sm::Command::tlbi_s12_vmall(9));
    b.command(sm::Command::sync());
    EXPECT_EQ(b.dma_fill(0x8000'0000, 0x04, 64), DmaEngine::kStatusDone);
    EXPECT_EQ(bytes(c, 1)[0], 0x04);
    // The STE changes to bypass without CFGI_STE: still stage 2 until the command.
    const auto w = SmmuBench::bypass().encode();
    ASSERT_TRUE(b.req().write(b.pa(SmmuBench::kStrtab) + kSid * 64, w.data(), 64, Pas::NonSecure).ok());
    const uint64_t bypassed = b.smmu().stats().bypassed.value;
    EXPECT_EQ(b.dma_fill(0x8000'0000, 0x05, 64), DmaEngine::kStatusDone);
    EXPECT_EQ(b.smmu().stats().bypassed.value, bypassed);
    b.command(sm::Command::cfgi_ste(kSid));
    b.command(sm::Command::sync());
    EXPECT_EQ(b.dma_fill(a, 0x06, 64), DmaEngine::kStatusDone);
    EXPECT_EQ(b.smmu().stats().bypassed.value, bypassed + 1);
  });
}

// The SMMU's GPC unit caches NS for a page through a bypass DMA, then EL3 makes the page Realm
// in the GPT without any TLBI: a device write still passes. Returns the page.
uint64_t stale_gpc_entry(SmmuBench& b, uint64_t offset) {
  b.enable();
  b.put_ste(kSid, SmmuBench::bypass());
  const uint64_t page = b.pa(SmmuBench::kData + offset);
  // A neighbour's delegation shatters the contiguous descriptor, so the page's GPI is cached
  // as a granule of its own.
  b.delegate(page + 0x1000);
  EXPECT_EQ(b.dma_fill(page, 0x10, 64), DmaEngine::kStatusDone);
  b.set_gpi_without_tlbi(page, gpt::Gpi::Realm);
  EXPECT_EQ(b.dma_fill(page, 0x11, 64), DmaEngine::kStatusDone) << "the stale entry still allows NS";
  return page;
}

TEST_F(SmmuTranslation, a_stale_gpc_entry_is_visible_until_tlbi_paall_and_gone_after) {
  b.f.run([&](Pe&) {
    const uint64_t page = stale_gpc_entry(b, 0x8000);
    EXPECT_EQ(bytes(page, 1, Pas::Realm)[0], 0x11);
    b.f.soc->monitor().tlbi_broadcast_paall(b.req());
    EXPECT_EQ(b.dma_fill(page, 0x12, 64), DmaEngine::kStatusFault) << "TLBI PAALL reached the SMMU's GPC cache";
    EXPECT_EQ(bytes(page, 1, Pas::Realm)[0], 0x11);
    EXPECT_EQ(b.smmu().gpc().stats().tlbi_paall.value, 1u);
  });
}

TEST_F(SmmuTranslation, smmu_root_tlbi_invalidates_the_smmus_gpc_cache_by_register) {
  b.f.run([&](Pe&) {
    const uint64_t page = stale_gpc_entry(b, 0xA000);
    // SIZE 0 (4 KiB) at the page, then RUN: the SMMU forgets that granule.
    const uint64_t rpa = b.smmu().gpc().stats().tlbi_rpa.value;
    b.set_root64(sm::SMMU_ROOT_TLBI, page);
    b.set_root32(sm::SMMU_ROOT_TLBI_CTRL, sm::ROOT_TLBI_CTRL_RUN);
    EXPECT_EQ(b.root32(sm::SMMU_ROOT_TLBI_CTRL), 0u) << "RUN reads 0 once the invalidation completed";
    EXPECT_EQ(b.dma_fill(page, 0x22, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(b.smmu().gpc().stats().tlbi_rpa.value, rpa + 1);
  });
}

}  // namespace
