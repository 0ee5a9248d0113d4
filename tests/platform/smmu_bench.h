// A testbench for the SMMUv3: a booted SoC whose PE 0 plays the host driver. Its tables live
// at fixed places in the first MiBs of DRAM: the Stream table, the Command and Event queues,
// translation tables from a bump allocator, and data pages above. Every access is a timed
// Non-secure (or, for the Root page, Root) access of the driving PE, as software makes them.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "gpt/table.h"
#include "platform/abi/smccc.h"
#include "platform/devices/smmuv3/smmuv3.h"
#include "platform/dma_engine.h"
#include "platform/memory_map.h"
#include "platform/requester.h"
#include "soc_fixture.h"

namespace rmesim::testing {

namespace sm = platform::smmuv3;
using gpt::Pas;

struct SmmuBench {
  SocFixture f;
  std::vector<sm::Irq> irqs;  // every interrupt edge the SMMU raised

  static constexpr uint64_t kStrtab = 0x10000, kCmdq = 0x20000, kEventq = 0x21000, kTables = 0x40000,
                            kData = 0x100000;
  static constexpr unsigned kCmdqBits = 4, kEventqBits = 2;  // small queues, to wrap them
  uint64_t next_table_ = kTables;
  uint32_t cmdq_prod_ = 0;

  SmmuBench() {
    auto wired = f.soc->smmu().irq;
    f.soc->smmu().irq = [this, wired](sm::Irq l) {
      irqs.push_back(l);
      if (wired) wired(l);
    };
  }
  sm::Smmuv3& smmu() { return f.soc->smmu(); }
  uint64_t pa(uint64_t off) const { return f.config.dram_base + off; }
  platform::Requester& req() { return f.soc->pe(0).requester(); }

  uint32_t reg32(uint64_t off) {
    uint32_t v = 0;
    EXPECT_TRUE(req().read(platform::memory_map::kSmmuBase + off, &v, 4, Pas::NonSecure).ok());
    return v;
  }
  uint64_t reg64(uint64_t off) {
    uint64_t v = 0;
    EXPECT_TRUE(req().read(platform::memory_map::kSmmuBase + off, &v, 8, Pas::NonSecure).ok());
    return v;
  }
  void set32(uint64_t off, uint32_t v) {
    EXPECT_TRUE(req().write(platform::memory_map::kSmmuBase + off, &v, 4, Pas::NonSecure).ok());
  }
  void set64(uint64_t off, uint64_t v) {
    EXPECT_TRUE(req().write(platform::memory_map::kSmmuBase + off, &v, 8, Pas::NonSecure).ok());
  }
  uint64_t root64(uint64_t off, Pas pas = Pas::Root) {
    uint64_t v = 0;
    EXPECT_TRUE(req().read(platform::memory_map::kSmmuRootBase + off, &v, 8, pas).ok());
    return v;
  }
  uint32_t root32(uint64_t off, Pas pas = Pas::Root) {
    uint32_t v = 0;
    EXPECT_TRUE(req().read(platform::memory_map::kSmmuRootBase + off, &v, 4, pas).ok());
    return v;
  }
  void set_root32(uint64_t off, uint32_t v, Pas pas = Pas::Root) {
    EXPECT_TRUE(req().write(platform::memory_map::kSmmuRootBase + off, &v, 4, pas).ok());
  }
  void set_root64(uint64_t off, uint64_t v, Pas pas = Pas::Root) {
    EXPECT_TRUE(req().write(platform::memory_map::kSmmuRootBase + off, &v, 8, pas).ok());
  }

  // Stream table of 2^4 streams, queues, SMMUEN; every STE zero (invalid) to begin with.
  void enable() {
    ASSERT_TRUE(req().fill(pa(kStrtab), 0, 0x10000, Pas::NonSecure).ok());
    ASSERT_TRUE(req().fill(pa(kCmdq), 0, 0x2000, Pas::NonSecure).ok());
    set64(sm::SMMU_STRTAB_BASE, pa(kStrtab));
    set32(sm::SMMU_STRTAB_BASE_CFG, 4);
    set64(sm::SMMU_CMDQ_BASE, pa(kCmdq) | kCmdqBits);
    set64(sm::SMMU_EVENTQ_BASE, pa(kEventq) | kEventqBits);
    set32(sm::SMMU_CR2, sm::CR2_RECINVSID);
    set32(sm::SMMU_IRQ_CTRL, sm::IRQ_CTRL_EVENTQ_IRQEN | sm::IRQ_CTRL_GERROR_IRQEN);
    set32(sm::SMMU_CR0, sm::CR0_CMDQEN | sm::CR0_EVENTQEN | sm::CR0_SMMUEN);
  }
  void command(const sm::Command& c) {
    const auto w = c.encode();
    ASSERT_TRUE(req().write(pa(kCmdq) + (cmdq_prod_ & ((1u << kCmdqBits) - 1)) * sm::kCmdBytes, w.data(),
                            sm::kCmdBytes, Pas::NonSecure).ok());
    cmdq_prod_ = (cmdq_prod_ + 1) & ((2u << kCmdqBits) - 1);
    set32(sm::SMMU_CMDQ_PROD, cmdq_prod_);
  }
  void put_ste(uint32_t sid, const sm::Ste& ste) {
    const auto w = ste.encode();
    ASSERT_TRUE(req().write(pa(kStrtab) + sid * sm::kSteBytes, w.data(), sm::kSteBytes, Pas::NonSecure).ok());
    command(sm::Command::cfgi_ste(sid));
    command(sm::Command::sync());
  }
  void put_cd(uint64_t at, const sm::Cd& cd) {
    const auto w = cd.encode();
    ASSERT_TRUE(req().write(at, w.data(), sm::kCdBytes, Pas::NonSecure).ok());
  }
  // Event records written since the last call.
  std::vector<sm::Event> events() {
    std::vector<sm::Event> out;
    const uint32_t mask = (2u << kEventqBits) - 1;
    const uint32_t prod = reg32(sm::SMMU_EVENTQ_PROD) & mask;
    uint32_t cons = reg32(sm::SMMU_EVENTQ_CONS) & mask;
    while (cons != prod) {
      std::array<uint64_t, 4> w{};
      EXPECT_TRUE(req().read(pa(kEventq) + (cons & ((1u << kEventqBits) - 1)) * sm::kEventBytes, w.data(),
                             sm::kEventBytes, Pas::NonSecure).ok());
      out.push_back(sm::Event::decode(w));
      cons = (cons + 1) & mask;
    }
    set32(sm::SMMU_EVENTQ_CONS, cons);
    return out;
  }

  // A zeroed 4 KiB translation table.
  uint64_t new_table() {
    const uint64_t t = pa(next_table_);
    next_table_ += 0x1000;
    EXPECT_TRUE(req().fill(t, 0, 0x1000, Pas::NonSecure).ok());
    return t;
  }
  // Maps the 4 KiB page `in` -> `out` in a walk from `root` at `level` (levels down to 3),
  // with leaf attribute bits `attrs` (AF and permissions). Tables are written at their PA (a
  // nested stage 1's tables sit where stage 2 maps IPA = PA).
  void map(uint64_t root, int level, uint64_t in, uint64_t out, uint64_t attrs) {
    uint64_t table = root;
    for (int l = level; l < 3; ++l) {
      const uint64_t e = table + ((in >> (12 + 9 * (3 - l))) & 511) * 8;
      uint64_t d = 0;
      ASSERT_TRUE(req().read64(e, d, Pas::NonSecure).ok());
      if (!(d & sm::desc::kValid)) {
        d = new_table() | sm::desc::kValid | sm::desc::kTable;
        ASSERT_TRUE(req().write64(e, d, Pas::NonSecure).ok());
      }
      table = d & sm::desc::kOaMask;
    }
    const uint64_t leaf = (out & sm::desc::kOaMask) | sm::desc::kValid | sm::desc::kPage | attrs;
    ASSERT_TRUE(req().write64(table + ((in >> 12) & 511) * 8, leaf, Pas::NonSecure).ok());
  }

  // One DMA transfer of the engine (StreamID memory_map::kDmaStreamId), waited for.
  uint64_t dma(uint64_t src, uint64_t dst, uint64_t len, uint64_t mode = 0) {
    auto& d = f.soc->dma();
    req().sync();
    d.write_reg(platform::DmaEngine::kSrc, src);
    d.write_reg(platform::DmaEngine::kDst, dst);
    d.write_reg(platform::DmaEngine::kLen, len);
    d.write_reg(platform::DmaEngine::kCtrl, platform::DmaEngine::kCtrlStart | mode);
    while (d.busy()) sc_core::wait(d.done_event());
    return d.read_reg(platform::DmaEngine::kStatus);
  }
  // A device write of `len` bytes of `byte` at `addr`.
  uint64_t dma_fill(uint64_t addr, uint8_t byte, uint64_t len = 4096) {
    return dma(byte, addr, len, platform::DmaEngine::kCtrlFill);
  }

  void delegate(uint64_t granule) {
    platform::abi::SmcRegs regs;
    regs.x[0] = platform::abi::kRmmGtsiDelegate;
    regs.x[1] = granule;
    f.soc->monitor().smc(req(), platform::World::Realm, regs);
    ASSERT_EQ(regs.x[0], platform::abi::kRmmEl3Ok);
  }

  // The GPT in Root memory, changed as EL3 would but without any TLBI.
  struct RootMemory final : gpt::DescriptorMemory {
    platform::Requester& r;
    explicit RootMemory(platform::Requester& req) : r(req) {}
    bool read_descriptor(uint64_t a, uint64_t& v) override { return r.read64(a, v, Pas::Root).ok(); }
    void write_descriptor(uint64_t a, uint64_t v) override { r.write64(a, v, Pas::Root); }
  };
  void set_gpi_without_tlbi(uint64_t granule, gpt::Gpi gpi) {
    RootMemory mem(req());
    gpt::GptTable table(f.soc->monitor().gpc_config(), mem);
    ASSERT_TRUE(table.set_granule(granule, gpi));
  }

  static sm::Ste bypass() {
    sm::Ste s;
    s.valid = true;
    s.config = static_cast<uint8_t>(sm::SteConfig::Bypass);
    return s;
  }
};

}  // namespace rmesim::testing
