// The Command queue (IHI 0070 §4): consumed when software moves CMDQ_PROD (or enables the
// queue), in order, until it is empty or a command fails. A command that cannot be read or is
// not one this SMMU knows stops the queue at that command with CMDQ_CONS.ERR and
// GERROR.CMDQ_ERR, until software acknowledges the error in GERRORN.
#include <array>

#include "platform/devices/smmuv3/smmuv3.h"

namespace platform::smmuv3 {

namespace {
// A queue index's position and wrap bit for a queue of 2^log2 entries.
uint32_t q_idx(uint32_t v, unsigned log2) { return v & ((1u << log2) - 1); }
uint32_t q_next(uint32_t v, unsigned log2) { return (v + 1) & ((2u << log2) - 1); }
}  // namespace

void Smmuv3::consume_commands(Delay& delay) {
  if (!(cr0_ & CR0_CMDQEN) || gerror_active(GERROR_CMDQ_ERR)) return;
  const unsigned log2 = static_cast<unsigned>(cmdq_base_ & Q_BASE_LOG2SIZE_MASK);
  const uint64_t base = cmdq_base_ & Q_BASE_ADDR_MASK;
  uint32_t cons = cmdq_cons_ & ((2u << log2) - 1);
  while (cons != (cmdq_prod_ & ((2u << log2) - 1))) {
    std::array<uint64_t, 2> raw{};
    const Access a = access(base + q_idx(cons, log2) * kCmdBytes, raw.data(), kCmdBytes, false, delay);
    uint32_t err = CERROR_NONE;
    if (!a.ok()) {
      err = CERROR_ABT;
      if (!a.gpf.ok()) record_gpf(a.gpf, 0, FarReason::Gerror, 0x00 /* CMDQ_GPF */, sc_core::sc_time_stamp());
    } else if (!execute(Command::decode(raw))) {
      err = CERROR_ILL;
    }
    if (err != CERROR_NONE) {
      cmdq_cons_ = cons | (err << CMDQ_CONS_ERR_SHIFT);
      raise_gerror(GERROR_CMDQ_ERR);
      return;
    }
    ++stats_.commands;
    cons = q_next(cons, log2);
  }
  cmdq_cons_ = cons;
}

bool Smmuv3::execute(const Command& c) {
  switch (static_cast<Opcode>(c.opcode)) {
    case Opcode::CMD_CFGI_STE:
      // The STE and what was read through it (the stream's CDs): invalidating more than
      // asked is always allowed.
      ste_cache_.erase(c.sid);
      for (auto it = cd_cache_.begin(); it != cd_cache_.end();)
        it = it->first.first == c.sid ? cd_cache_.erase(it) : std::next(it);
      return true;
    case Opcode::CMD_CFGI_ALL:
      if (c.range != 31) return false;  // CFGI_STE_RANGE proper is not implemented
      ste_cache_.clear();
      cd_cache_.clear();
      return true;
    case Opcode::CMD_CFGI_CD:
      cd_cache_.erase({c.sid, c.ssid});
      return true;
    case Opcode::CMD_TLBI_NH_ALL:  // stage-1 entries of one VMID
      for (auto it = tlb_.begin(); it != tlb_.end();)
        it = std::get<0>(it->first) == c.vmid && std::get<1>(it->first) >= 0 ? tlb_.erase(it) : std::next(it);
      return true;
    case Opcode::CMD_TLBI_S12_VMALL:  // every entry of one VMID, stage 1 and stage 2
      for (auto it = tlb_.begin(); it != tlb_.end();)
        it = std::get<0>(it->first) == c.vmid ? tlb_.erase(it) : std::next(it);
      return true;
    case Opcode::CMD_SYNC:
      // Every earlier command has completed (they complete as they are consumed); the
      // completion signal is SIG_NONE or SIG_SEV, both of which need nothing more here.
      ++stats_.syncs;
      return true;
  }
  return false;
}

void Smmuv3::raise_gerror(uint32_t bit) {
  if (gerror_active(bit)) return;  // already active: no new edge
  gerror_ ^= bit;
  if (irq_ctrl_ & IRQ_CTRL_GERROR_IRQEN) pulse(Irq::Gerror);
}

}  // namespace platform::smmuv3
