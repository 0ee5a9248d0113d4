// SMMUv3 register file: reset values, RO/RW behaviour, RES0 bits, queue index wrap and the
// Root page as TF-A programs it (IHI 0070 chapter 6).
#include <gtest/gtest.h>

#include "smmu_bench.h"

using namespace platform;
using rmesim::testing::SmmuBench;
namespace sm = platform::smmuv3;
using gpt::Pas;

namespace {

TEST(Smmuv3Registers, reset_values_before_the_monitor_boots) {
  SmmuBench b;
  b.f.run([&](Pe&) {
    const uint32_t idr0 = b.reg32(sm::SMMU_IDR0);
    EXPECT_TRUE(idr0 & sm::IDR0_S1P);
    EXPECT_TRUE(idr0 & sm::IDR0_S2P);
    EXPECT_TRUE(idr0 & sm::IDR0_RME_IMPL);
    EXPECT_EQ((idr0 >> 27) & 3, 0u) << "ST_LEVEL: linear Stream table only";
    EXPECT_EQ(b.reg32(sm::SMMU_IDR1) & 0x3F, 8u) << "SIDSIZE";
    EXPECT_EQ(b.reg32(sm::SMMU_IDR5) & 7, sm::IDR5_OAS_48);
    for (uint64_t off : {sm::SMMU_CR0, sm::SMMU_CR0ACK, sm::SMMU_CR1, sm::SMMU_CR2, sm::SMMU_IRQ_CTRL,
                         sm::SMMU_GERROR, sm::SMMU_GERRORN, sm::SMMU_STRTAB_BASE_CFG, sm::SMMU_CMDQ_PROD,
                         sm::SMMU_CMDQ_CONS, sm::SMMU_EVENTQ_PROD, sm::SMMU_EVENTQ_CONS})
      EXPECT_EQ(b.reg32(off), 0u) << std::hex << off;
    EXPECT_EQ(b.reg32(sm::SMMU_GBPA), 0x1000u);
    EXPECT_EQ(b.reg64(sm::SMMU_STRTAB_BASE), 0u);
    // The Root page: no GPC and no accesses until EL3 enables them.
    EXPECT_EQ(b.root32(sm::SMMU_ROOT_IDR0), sm::ROOT_IDR0_ROOT_IMPL | sm::ROOT_IDR0_BGPTM | sm::ROOT_IDR0_RGPTM);
    EXPECT_EQ(b.root32(sm::SMMU_ROOT_CR0), 0u);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR), 0u);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_CFG_FAR), 0u);
  });
}

TEST(Smmuv3Registers, with_accessen_clear_a_device_access_is_terminated_as_a_gpf) {
  SmmuBench b;
  b.f.run([&](Pe&) {
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 0x11, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR) & sm::FAR_FAULT, sm::FAR_FAULT);
  });
}

TEST(Smmuv3Registers, the_monitor_programs_the_root_page_at_boot_as_tf_a_does) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    const auto& g = b.f.soc->monitor().gpc_config();
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE), g.gptbr() << 12);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE_CFG), g.gpccr() & ~(uint64_t{1} << gpt::gpccr::kGpcShift));
    const uint32_t both = sm::ROOT_CR0_GPCEN | sm::ROOT_CR0_ACCESSEN;
    EXPECT_EQ(b.root32(sm::SMMU_ROOT_CR0), both);
    EXPECT_EQ(b.root32(sm::SMMU_ROOT_CR0ACK), both);
    EXPECT_TRUE(b.smmu().gpc().config().enabled);
    EXPECT_EQ(b.smmu().gpc().config().l0_base, g.l0_base);
  });
}

TEST(Smmuv3Registers, root_page_is_raz_wi_for_accesses_that_are_not_root) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    for (Pas pas : {Pas::NonSecure, Pas::Realm, Pas::Secure}) {
      EXPECT_EQ(b.root32(sm::SMMU_ROOT_IDR0, pas), 0u);
      EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE, pas), 0u);
      b.set_root32(sm::SMMU_ROOT_CR0, 0, pas);  // an attempt to turn the GPC off
    }
    EXPECT_EQ(b.root32(sm::SMMU_ROOT_CR0), sm::ROOT_CR0_GPCEN | sm::ROOT_CR0_ACCESSEN);
  });
}

TEST(Smmuv3Registers, gpt_base_and_cfg_are_read_only_while_gpcen_is_set_and_l0gptsz_always) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    const uint64_t base = b.root64(sm::SMMU_ROOT_GPT_BASE), cfg = b.root64(sm::SMMU_ROOT_GPT_BASE_CFG);
    b.set_root64(sm::SMMU_ROOT_GPT_BASE, base + 0x10000);
    b.set_root64(sm::SMMU_ROOT_GPT_BASE_CFG, 0);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE), base);
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE_CFG), cfg);
    // GPCEN off: the registers take writes, except L0GPTSZ (the implementation's) and RES0 bits.
    b.set_root32(sm::SMMU_ROOT_CR0, sm::ROOT_CR0_ACCESSEN);
    b.set_root64(sm::SMMU_ROOT_GPT_BASE_CFG, ~uint64_t{0});
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE_CFG),
              sm::ROOT_GPT_BASE_CFG_RW_MASK | (cfg & (uint64_t{0xF} << gpt::gpccr::kL0gptszShift)));
    b.set_root64(sm::SMMU_ROOT_GPT_BASE, ~uint64_t{0});
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPT_BASE), sm::ROOT_GPT_BASE_ADDR_MASK);
  });
}

TEST(Smmuv3Registers, id_and_ack_registers_ignore_writes_and_res0_bits_read_zero) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    const uint32_t idr0 = b.reg32(sm::SMMU_IDR0);
    b.set32(sm::SMMU_IDR0, 0);
    b.set32(sm::SMMU_CR0ACK, 0xFFFFFFFF);
    b.set32(sm::SMMU_GERROR, 0xFFFFFFFF);
    EXPECT_EQ(b.reg32(sm::SMMU_IDR0), idr0);
    EXPECT_EQ(b.reg32(sm::SMMU_CR0ACK), 0u);
    EXPECT_EQ(b.reg32(sm::SMMU_GERROR), 0u);
    b.set32(sm::SMMU_CR1, 0xFFFFFFFF);
    EXPECT_EQ(b.reg32(sm::SMMU_CR1), 0x3Fu);
    b.set64(sm::SMMU_STRTAB_BASE, ~uint64_t{0});
    EXPECT_EQ(b.reg64(sm::SMMU_STRTAB_BASE), (uint64_t{1} << 62) | sm::STRTAB_BASE_ADDR_MASK);
    b.set32(sm::SMMU_CR0, 0xFFFFFFFF);
    EXPECT_EQ(b.reg32(sm::SMMU_CR0), sm::CR0_SMMUEN | sm::CR0_EVENTQEN | sm::CR0_CMDQEN);
    EXPECT_EQ(b.reg32(sm::SMMU_CR0ACK), b.reg32(sm::SMMU_CR0)) << "updates complete at once";
    // Enabled structures' bases are RO.
    b.set64(sm::SMMU_STRTAB_BASE, 0);
    EXPECT_NE(b.reg64(sm::SMMU_STRTAB_BASE), 0u);
    // GBPA changes only with UPDATE; a reserved offset is RAZ/WI.
    b.set32(sm::SMMU_GBPA, sm::GBPA_ABORT);
    EXPECT_EQ(b.reg32(sm::SMMU_GBPA), 0x1000u);
    b.set32(0x0F00, 0xFFFFFFFF);
    EXPECT_EQ(b.reg32(0x0F00), 0u);
  });
}

TEST(Smmuv3Registers, gpf_far_writes_are_ignored_unless_they_clear_fault) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    b.set_root64(sm::SMMU_ROOT_GPF_FAR, ~uint64_t{0});
    EXPECT_EQ(b.root64(sm::SMMU_ROOT_GPF_FAR), 0u) << "writing FAULT 1 makes no fault";
    EXPECT_TRUE(b.irqs.empty());
  });
}

TEST(Smmuv3Registers, command_queue_index_wraps_with_its_wrap_bit) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    b.enable();
    const uint64_t syncs = b.smmu().stats().syncs.value;
    for (int i = 0; i < 20; ++i) b.command(sm::Command::sync());
    // 16 entries: after 20 commands the index is 4 and the wrap bit (bit 4) is set.
    EXPECT_EQ(b.reg32(sm::SMMU_CMDQ_CONS), 0x14u);
    EXPECT_EQ(b.reg32(sm::SMMU_CMDQ_PROD), 0x14u);
    EXPECT_EQ(b.smmu().stats().syncs.value, syncs + 20);
    b.set32(sm::SMMU_CMDQ_PROD, 0xFFFFFFFF);  // bits above the wrap bit are RES0
    EXPECT_EQ(b.reg32(sm::SMMU_CMDQ_PROD), 0x1Fu);
  });
}

TEST(Smmuv3Registers, an_unknown_command_stops_the_queue_until_gerrorn_acknowledges) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    b.enable();
    sm::Command bad;
    bad.opcode = 0x7F;
    b.command(bad);
    b.command(sm::Command::sync());
    const uint32_t cons = b.reg32(sm::SMMU_CMDQ_CONS);
    EXPECT_EQ(cons & 0x1F, 0u) << "stopped at the bad command";
    EXPECT_EQ((cons >> sm::CMDQ_CONS_ERR_SHIFT) & 0x7F, sm::CERROR_ILL);
    EXPECT_EQ(b.reg32(sm::SMMU_GERROR) & sm::GERROR_CMDQ_ERR, sm::GERROR_CMDQ_ERR);
    ASSERT_EQ(b.irqs.size(), 1u);
    EXPECT_EQ(b.irqs[0], sm::Irq::Gerror);
    // Software replaces the command with a SYNC and acknowledges: the queue runs to PROD.
    const auto w = sm::Command::sync().encode();
    ASSERT_TRUE(b.req().write(b.pa(SmmuBench::kCmdq), w.data(), 16, Pas::NonSecure).ok());
    b.set32(sm::SMMU_GERRORN, b.reg32(sm::SMMU_GERROR));
    EXPECT_EQ(b.reg32(sm::SMMU_CMDQ_CONS), 2u);
  });
}

TEST(Smmuv3Registers, event_queue_overflow_sets_ovflg_and_the_index_wraps) {
  SmmuBench b;
  b.f.boot();
  b.f.run([&](Pe&) {
    b.enable();
    // The engine's STE (StreamID 1) is all zero, V 0: each DMA records a C_BAD_STE.
    for (int i = 0; i < 5; ++i) EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    const uint32_t prod = b.reg32(sm::SMMU_EVENTQ_PROD);
    EXPECT_EQ(prod & 0x7, 0x4u) << "4 entries: full at index 0 with the wrap bit set";
    EXPECT_EQ(prod & sm::Q_OVFLG, sm::Q_OVFLG) << "the fifth record was lost";
    EXPECT_EQ(b.smmu().stats().events_lost.value, 1u);
    auto ev = b.events();
    ASSERT_EQ(ev.size(), 4u);
    for (const auto& e : ev) EXPECT_EQ(e.type, static_cast<uint8_t>(sm::EventType::C_BAD_STE));
    // Acknowledge the overflow; the next record goes to index 0 of the next lap.
    b.set32(sm::SMMU_EVENTQ_CONS, b.reg32(sm::SMMU_EVENTQ_CONS) | sm::Q_OVFLG);
    EXPECT_EQ(b.dma_fill(b.pa(SmmuBench::kData), 1, 64), DmaEngine::kStatusFault);
    EXPECT_EQ(b.reg32(sm::SMMU_EVENTQ_PROD) & 0x7, 0x5u);
    EXPECT_EQ(b.events().size(), 1u);
  });
}

}  // namespace

// The in-memory structures' words, worked out by hand from the spec's bit numbers (STE: V 0,
// Config [3:1], S2VMID [143:128], S2TTB [243:196]; CMD_CFGI_STE: StreamID [63:32], Leaf 64;
// event record: type [7:0], StreamID [63:32], InputAddr [191:128], IPA [247:204]), not from
// the encoders, so a field at the wrong place fails here even though encode and decode agree.
namespace {
TEST(Smmuv3Structures, words_sit_where_the_spec_puts_each_field) {
  sm::Ste ste;
  ste.valid = true;
  ste.config = static_cast<uint8_t>(sm::SteConfig::Stage2);
  ste.s2_vmid = 5;
  ste.s2_ttb = 0x1234'5000;
  const auto s = ste.encode();
  EXPECT_EQ(s[0], 0xDu);
  EXPECT_EQ(s[2], 5u);
  EXPECT_EQ(s[3], 0x1234'5000u);
  EXPECT_EQ(sm::Ste::decode(s).s2_ttb, 0x1234'5000u);

  const auto c = sm::Command::cfgi_ste(9).encode();
  EXPECT_EQ(c[0], 0x03u | (uint64_t{9} << 32));
  EXPECT_EQ(c[1], 1u);

  sm::Event e;
  e.type = static_cast<uint8_t>(sm::EventType::F_TRANSLATION);
  e.sid = 7;
  e.input_addr = 0xdead'b000;
  e.ipa = 0x8020'0000;
  const auto w = e.encode();
  EXPECT_EQ(w[0], 0x10u | (uint64_t{7} << 32));
  EXPECT_EQ(w[2], 0xdead'b000u);
  EXPECT_EQ(w[3], 0x8020'0000u);
  EXPECT_EQ(sm::Event::decode(w).ipa, 0x8020'0000u);
}
}  // namespace
