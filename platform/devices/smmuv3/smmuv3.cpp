// SMMUv3 register file (pages 0 and 1), the SMMU's own memory accesses, interrupts and trace.
// Root page: root_page.cpp; client path: translation.cpp; queues: command_queue.cpp and
// event_queue.cpp; Stream table: stream_table.cpp; walks: page_table_walk.cpp.
#include "platform/devices/smmuv3/smmuv3.h"
#include "devices/smmuv3/register_word.h"

#include <cstdio>
#include <cstring>

#include "platform/pas_extension.h"
#include "platform/world.h"
#include "sim/trace.h"

namespace platform::smmuv3 {

namespace {
// ID registers (RO). Stage 1 and 2, AArch64 tables, coherent, 16-bit ASIDs and VMIDs,
// little-endian tables, no stalls (terminate model), linear Stream table, RME_IMPL.
constexpr uint32_t kIdr0 = IDR0_S2P | IDR0_S1P | IDR0_TTF_AARCH64 | IDR0_COHACC | IDR0_ASID16 | IDR0_VMID16 |
                           IDR0_TTENDIAN_LE | IDR0_STALL_NONE | IDR0_TERM_MODEL | IDR0_RME_IMPL;
constexpr unsigned kSidBits = 8, kEventqLog2Max = 7, kCmdqLog2Max = 8;
constexpr uint32_t kIdr1 = (kSidBits << IDR1_SIDSIZE_SHIFT) | (kEventqLog2Max << IDR1_EVENTQS_SHIFT) |
                           (kCmdqLog2Max << IDR1_CMDQS_SHIFT);
constexpr uint32_t kIdr5 = IDR5_OAS_48 | IDR5_GRAN4K;
constexpr uint32_t kIidr = 0x43B;  // JEP106 Arm
constexpr uint32_t kAidr = 0x03;   // SMMUv3.3
// Writable bits.
constexpr uint32_t kCr0Mask = CR0_SMMUEN | CR0_EVENTQEN | CR0_CMDQEN;
constexpr uint32_t kCr1Mask = 0x3F;         // queue and table fetch attributes [5:0]
constexpr uint32_t kCr2Mask = 0x7;          // E2H, RECINVSID, PTM
constexpr uint32_t kGbpaMask = 0x001F'FFFF;  // ABORT and the attribute overrides below it
constexpr uint32_t kIrqCtrlMask = IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVENTQ_IRQEN;
constexpr uint32_t kGerrorMask = GERROR_CMDQ_ERR | GERROR_EVENTQ_ABT_ERR;
constexpr uint64_t kQBaseMask = (1ull << 62) | Q_BASE_ADDR_MASK | Q_BASE_LOG2SIZE_MASK;  // + RA/WA hint
constexpr uint64_t kStrtabBaseMask = (1ull << 62) | STRTAB_BASE_ADDR_MASK;
constexpr uint32_t kStrtabCfgMask = STRTAB_CFG_LOG2SIZE_MASK | (0x1Fu << 6) | (3u << STRTAB_CFG_FMT_SHIFT);

// A queue index register keeps index and wrap bits up to log2size (bits above are RES0).
uint32_t q_index_mask(uint64_t base) {
  const unsigned log2 = static_cast<unsigned>(base & Q_BASE_LOG2SIZE_MASK);
  return (2u << log2) - 1;
}

}  // namespace

Smmuv3::Smmuv3(sc_core::sc_module_name name, uint32_t requester_id, uint8_t l0gptsz, const TimingProfile& profile,
               StatGroup& parent_stats)
    : sc_module(name), regs("regs"), root_regs("root_regs"), client("client"), out("out"),
      requester_id_(requester_id), l0gptsz_(l0gptsz),
      stat_group_(std::string(basename()), &parent_stats),
      stats_{stat_group_.counter("transactions", "client transactions"),
             stat_group_.counter("bypassed", "client transactions that bypassed translation"),
             stat_group_.counter("translated", "client transactions translated by an STE"),
             stat_group_.counter("aborted", "client transactions terminated (translation, configuration or GPC)"),
             stat_group_.counter("tlb_hits", "translations answered from the TLB"),
             stat_group_.counter("tlb_misses", "translations that walked the tables"),
             stat_group_.counter("ste_fetches", "STEs fetched from the Stream table"),
             stat_group_.counter("cd_fetches", "CDs fetched"),
             stat_group_.counter("walk_reads", "translation table descriptors fetched"),
             stat_group_.counter("commands", "commands consumed from the Command queue"),
             stat_group_.counter("syncs", "CMD_SYNC completed"),
             stat_group_.counter("events", "event records written to the Event queue"),
             stat_group_.counter("events_lost", "events dropped (queue disabled, full, or its write failed)"),
             stat_group_.counter("gpf_client", "client transactions refused by the GPC at the SMMU's output"),
             stat_group_.counter("gpf_fetch", "SMMU-originated accesses refused by the GPC"),
             stat_group_.counter("gpt_cfg_errors", "GPT lookup errors (SMMU_ROOT_GPT_CFG_FAR)")},
      gpc_("gpc", requester_id, profile, stat_group_) {
  regs.register_b_transport(this, &Smmuv3::b_transport_regs);
  root_regs.register_b_transport(this, &Smmuv3::b_transport_root);
  client.register_b_transport(this, &Smmuv3::b_transport_client);
  out.bind(gpc_.in);
  reset();
}

void Smmuv3::reset() {
  cr0_ = cr1_ = cr2_ = irq_ctrl_ = gerror_ = gerrorn_ = 0;
  gbpa_ = 0x1000;  // SHCFG: use incoming shareability; ABORT 0 (bypass while SMMUEN is 0)
  strtab_base_ = cmdq_base_ = eventq_base_ = 0;
  strtab_base_cfg_ = cmdq_prod_ = cmdq_cons_ = eventq_prod_ = eventq_cons_ = 0;
  root_cr0_ = root_tlbi_ctrl_ = 0;
  root_gpt_base_ = root_gpf_far_ = root_gpt_cfg_far_ = root_tlbi_ = 0;
  root_gpt_base_cfg_ = uint64_t{l0gptsz_} << gpt::gpccr::kL0gptszShift;
  ste_cache_.clear();
  cd_cache_.clear();
  tlb_.clear();
  program_gpc();
}

uint64_t Smmuv3::read_reg(uint64_t offset, unsigned size) {
  switch (offset & ~uint64_t{7}) {  // 64-bit registers, either word
    case SMMU_STRTAB_BASE: return register_word(strtab_base_, offset, SMMU_STRTAB_BASE, size);
    case SMMU_CMDQ_BASE: return register_word(cmdq_base_, offset, SMMU_CMDQ_BASE, size);
    case SMMU_EVENTQ_BASE: return register_word(eventq_base_, offset, SMMU_EVENTQ_BASE, size);
    default: break;
  }
  if (size != 4) return 0;
  switch (offset) {
    case SMMU_IDR0: return kIdr0;
    case SMMU_IDR1: return kIdr1;
    case SMMU_IDR5: return kIdr5;
    case SMMU_IIDR: return kIidr;
    case SMMU_AIDR: return kAidr;
    case SMMU_CR0:
    case SMMU_CR0ACK: return cr0_;  // updates complete at once
    case SMMU_CR1: return cr1_;
    case SMMU_CR2: return cr2_;
    case SMMU_GBPA: return gbpa_;  // UPDATE reads 0: every update has completed
    case SMMU_IRQ_CTRL:
    case SMMU_IRQ_CTRLACK: return irq_ctrl_;
    case SMMU_GERROR: return gerror_;
    case SMMU_GERRORN: return gerrorn_;
    case SMMU_STRTAB_BASE_CFG: return strtab_base_cfg_;
    case SMMU_CMDQ_PROD: return cmdq_prod_;
    case SMMU_CMDQ_CONS: return cmdq_cons_;
    case SMMU_EVENTQ_PROD: return eventq_prod_;
    case SMMU_EVENTQ_CONS: return eventq_cons_;
    default: return 0;  // IDR2-4, STATUSR and reserved offsets read as zero
  }
}

void Smmuv3::write_reg(uint64_t offset, uint64_t value, unsigned size, Delay& delay) {
  // Table and queue bases are RO while the structure they describe is enabled.
  switch (offset & ~uint64_t{7}) {
    case SMMU_STRTAB_BASE:
      if (!(cr0_ & CR0_SMMUEN)) strtab_base_ = with_register_word(strtab_base_, offset, SMMU_STRTAB_BASE, value, size) & kStrtabBaseMask;
      return;
    case SMMU_CMDQ_BASE:
      if (!(cr0_ & CR0_CMDQEN)) cmdq_base_ = with_register_word(cmdq_base_, offset, SMMU_CMDQ_BASE, value, size) & kQBaseMask;
      return;
    case SMMU_EVENTQ_BASE:
      if (!(cr0_ & CR0_EVENTQEN)) eventq_base_ = with_register_word(eventq_base_, offset, SMMU_EVENTQ_BASE, value, size) & kQBaseMask;
      return;
    default: break;
  }
  if (size != 4) return;
  const uint32_t v = static_cast<uint32_t>(value);
  switch (offset) {
    case SMMU_CR0: {
      const uint32_t was = cr0_;
      cr0_ = v & kCr0Mask;
      if ((cr0_ & CR0_CMDQEN) && !(was & CR0_CMDQEN)) consume_commands(delay);
      break;
    }
    case SMMU_CR1: if (!(cr0_ & kCr0Mask)) cr1_ = v & kCr1Mask; break;  // RO while anything is enabled
    case SMMU_CR2: if (!(cr0_ & CR0_SMMUEN)) cr2_ = v & kCr2Mask; break;
    case SMMU_GBPA: if (v & GBPA_UPDATE) gbpa_ = v & kGbpaMask; break;  // takes effect only with UPDATE
    case SMMU_IRQ_CTRL: irq_ctrl_ = v & kIrqCtrlMask; break;
    case SMMU_GERRORN: {
      gerrorn_ = v & kGerrorMask;
      // Acknowledging CMDQ_ERR lets the queue restart from CMDQ_CONS (the faulting command,
      // which software has fixed or skipped).
      if (!gerror_active(GERROR_CMDQ_ERR)) consume_commands(delay);
      break;
    }
    case SMMU_STRTAB_BASE_CFG: if (!(cr0_ & CR0_SMMUEN)) strtab_base_cfg_ = v & kStrtabCfgMask; break;
    case SMMU_CMDQ_PROD:
      cmdq_prod_ = v & q_index_mask(cmdq_base_);
      consume_commands(delay);
      break;
    case SMMU_CMDQ_CONS: if (!(cr0_ & CR0_CMDQEN)) cmdq_cons_ = v & q_index_mask(cmdq_base_); break;
    case SMMU_EVENTQ_PROD: if (!(cr0_ & CR0_EVENTQEN)) eventq_prod_ = v & q_index_mask(eventq_base_); break;
    case SMMU_EVENTQ_CONS:
      eventq_cons_ = v & (q_index_mask(eventq_base_) | Q_OVFLG);
      break;
    default: break;  // RO (IDR*, IIDR, AIDR, CR0ACK, IRQ_CTRLACK, GERROR) and reserved: WI
  }
}

void Smmuv3::b_transport_regs(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t off = gp.get_address();
  const unsigned len = gp.get_data_length();
  if ((len != 4 && len != 8) || (off & (len - 1)) || off >= kPagesSize || gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  uint64_t v = 0;
  if (gp.is_read()) {
    v = read_reg(off, len);
    std::memcpy(gp.get_data_ptr(), &v, len);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), len);
    // What the SMMU does because of the write (consuming commands) is annotated, by cost.
    auto* ext = gp.get_extension<PasExtension>();
    Delay local;
    Delay& costs = ext && ext->costs ? *ext->costs : local;
    const sc_core::sc_time before = costs.total();
    write_reg(off, v, len, costs);
    delay += costs.total() - before;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Smmuv3::b_transport_root(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  const uint64_t off = gp.get_address();
  const unsigned len = gp.get_data_length();
  if ((len != 4 && len != 8) || (off & (len - 1)) || off >= kRootPageSize || gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const auto* ext = gp.get_extension<PasExtension>();
  const bool root = ext && ext->pas == gpt::Pas::Root;
  uint64_t v = 0;
  if (gp.is_read()) {
    v = read_root(off, len, root);
    std::memcpy(gp.get_data_ptr(), &v, len);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), len);
    write_root(off, v, len, root);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Smmuv3::pulse(Irq line) {
  if (irq) irq(line);
}

Smmuv3::Access Smmuv3::access(uint64_t pa, void* data, unsigned len, bool write, Delay& delay) {
  Access a;
  // With ACCESSEN 0 SMMU-originated accesses are terminated as though they took a GPF.
  if (!(root_cr0_ & ROOT_CR0_ACCESSEN)) {
    a.gpf.kind = gpt::GpfKind::Fail;
    a.gpf.pa = pa;
    a.gpf.pas = gpt::Pas::NonSecure;
    return a;
  }
  tlm::tlm_generic_payload gp;
  PasExtension ext;
  ext.pas = gpt::Pas::NonSecure;  // the Non-secure programming interface's tables and queues
  ext.requester = requester_id_;
  ext.costs = &delay;
  gp.set_extension(&ext);
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(pa);
  gp.set_data_ptr(static_cast<unsigned char*>(data));
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  out->b_transport(gp, d);
  gp.clear_extension(&ext);
  a.gpf = ext.gpf;
  a.bus_error = a.gpf.ok() && !gp.is_response_ok();
  return a;
}

void Smmuv3::trace_instant(const std::string& what, const sc_core::sc_time& at, const gpt::GpcResult* gpf,
                           std::vector<std::pair<std::string, std::string>> args) {
  if (!trace_ || !trace_->enabled()) return;
  if (gpf) {
    char pa[32];
    std::snprintf(pa, sizeof pa, "0x%llx", static_cast<unsigned long long>(gpf->pa));
    args.push_back({"pa", pa});
    args.push_back({"kind", gpt::to_string(gpf->kind)});
    args.push_back({"level", std::to_string(gpf->level)});
    args.push_back({"pas", gpt::to_string(gpf->pas)});
  }
  const World w = gpf ? world_of(gpf->pas) : World::NonSecure;
  trace_->instant(trace_->track(name(), to_string(w)), what, "smmu", at, std::move(args));
}

}  // namespace platform::smmuv3
