#include "host/smmu_driver.h"

#include <array>

#include "host/page_allocator.h"
#include "platform/devices/smmuv3/registers.h"
#include "platform/requester.h"

namespace host {

namespace s = platform::smmuv3;
using gpt::Pas;

namespace {
// KVM's stage 2 for a normal VM (kvm/stage2.cpp): a level-1 root, 39-bit IPA space.
constexpr uint8_t kS2T0sz = 64 - 39, kS2Sl0Level1 = 1;
}  // namespace

bool SmmuDriver::reg32(platform::Requester& req, uint64_t off, uint32_t v) {
  return req.write(base_ + off, &v, 4, Pas::NonSecure).ok();
}
bool SmmuDriver::reg64(platform::Requester& req, uint64_t off, uint64_t v) {
  return req.write(base_ + off, &v, 8, Pas::NonSecure).ok();
}
uint32_t SmmuDriver::read32(platform::Requester& req, uint64_t off) {
  uint32_t v = 0;
  req.read(base_ + off, &v, 4, Pas::NonSecure);
  return v;
}

std::string SmmuDriver::probe(platform::Requester& req) {
  if (probed_) return "";
  const uint32_t idr0 = read32(req, s::SMMU_IDR0);
  if (!(idr0 & s::IDR0_S2P)) return "the SMMU has no stage 2";
  const uint64_t strtab_bytes = (uint64_t{1} << kStreamBits) * s::kSteBytes;
  const auto st = pages_.alloc(strtab_bytes / PageAllocator::kPage, strtab_bytes);
  const auto cq = pages_.alloc(1), eq = pages_.alloc(1);
  if (!st || !cq || !eq) return "out of host memory for the SMMU's tables";
  strtab_ = *st;
  cmdq_ = *cq;
  eventq_ = *eq;
  // Zeroed STEs are V 0: C_BAD_STE until a stream is attached (Linux makes them abort).
  if (!req.fill(strtab_, 0, strtab_bytes, Pas::NonSecure).ok() ||
      !req.fill(cmdq_, 0, PageAllocator::kPage, Pas::NonSecure).ok() ||
      !req.fill(eventq_, 0, PageAllocator::kPage, Pas::NonSecure).ok())
    return "the SMMU's tables are not writable";
  s::Ste abort;
  abort.valid = true;
  abort.config = static_cast<uint8_t>(s::SteConfig::Abort);
  const auto words = abort.encode();
  for (uint64_t i = 0; i < (uint64_t{1} << kStreamBits); ++i)
    req.write(strtab_ + i * s::kSteBytes, words.data(), s::kSteBytes, Pas::NonSecure);
  const bool ok = reg32(req, s::SMMU_CR0, 0) &&
                  reg64(req, s::SMMU_STRTAB_BASE, strtab_) &&
                  reg32(req, s::SMMU_STRTAB_BASE_CFG, kStreamBits) &&
                  reg64(req, s::SMMU_CMDQ_BASE, cmdq_ | kCmdqBits) &&
                  reg32(req, s::SMMU_CMDQ_PROD, 0) && reg32(req, s::SMMU_CMDQ_CONS, 0) &&
                  reg64(req, s::SMMU_EVENTQ_BASE, eventq_ | kEventqBits) &&
                  reg32(req, s::SMMU_EVENTQ_PROD, 0) && reg32(req, s::SMMU_EVENTQ_CONS, 0) &&
                  reg32(req, s::SMMU_CR2, s::CR2_RECINVSID) &&
                  reg32(req, s::SMMU_IRQ_CTRL, s::IRQ_CTRL_GERROR_IRQEN | s::IRQ_CTRL_EVENTQ_IRQEN) &&
                  reg32(req, s::SMMU_CR0, s::CR0_CMDQEN | s::CR0_EVENTQEN);
  if (!ok) return "programming the SMMU failed";
  // Drop anything cached from before, then translate.
  if (auto err = issue(req, {s::Command::cfgi_all(), s::Command::sync()}); !err.empty()) return err;
  if (!reg32(req, s::SMMU_CR0, s::CR0_CMDQEN | s::CR0_EVENTQEN | s::CR0_SMMUEN) ||
      !(read32(req, s::SMMU_CR0ACK) & s::CR0_SMMUEN))
    return "the SMMU did not enable";
  probed_ = true;
  return "";
}

std::string SmmuDriver::issue(platform::Requester& req, const std::vector<s::Command>& cmds) {
  const uint32_t mask = (2u << kCmdqBits) - 1;
  for (const s::Command& c : cmds) {
    const auto words = c.encode();
    const uint64_t slot = cmdq_ + (cmdq_prod_ & ((1u << kCmdqBits) - 1)) * s::kCmdBytes;
    if (!req.write(slot, words.data(), s::kCmdBytes, Pas::NonSecure).ok()) return "the Command queue is not writable";
    cmdq_prod_ = (cmdq_prod_ + 1) & mask;
  }
  reg32(req, s::SMMU_CMDQ_PROD, cmdq_prod_);
  // CMD_SYNC completes when CMDQ_CONS passes it (Linux polls for that).
  const uint32_t cons = read32(req, s::SMMU_CMDQ_CONS);
  if ((cons >> s::CMDQ_CONS_ERR_SHIFT) & 0x7F) return "the SMMU refused a command (CMDQ_CONS.ERR)";
  if ((cons & mask) != cmdq_prod_) return "the Command queue did not drain";
  return "";
}

std::string SmmuDriver::set_ste(platform::Requester& req, uint32_t sid, const s::Ste& ste, Invalidate how) {
  if (sid >> kStreamBits) return "StreamID out of range";
  const auto words = ste.encode();
  if (!req.write(strtab_ + uint64_t{sid} * s::kSteBytes, words.data(), s::kSteBytes, Pas::NonSecure).ok())
    return "the Stream table is not writable";
  if (how == Invalidate::None) return "";
  if (how == Invalidate::All) return issue(req, {s::Command::cfgi_all(), s::Command::sync()});
  std::vector<s::Command> cmds{s::Command::cfgi_ste(sid)};
  // What the stream translated through before: its VMID's TLB entries go.
  if (auto it = stream_vmid_.find(sid); it != stream_vmid_.end()) cmds.push_back(s::Command::tlbi_s12_vmall(it->second));
  if (ste.config & 2) {
    cmds.push_back(s::Command::tlbi_s12_vmall(ste.s2_vmid));
    stream_vmid_[sid] = ste.s2_vmid;
  } else {
    stream_vmid_.erase(sid);
  }
  cmds.push_back(s::Command::sync());
  return issue(req, cmds);
}

std::string SmmuDriver::attach_bypass(platform::Requester& req, uint32_t sid) {
  s::Ste ste;
  ste.valid = true;
  ste.config = static_cast<uint8_t>(s::SteConfig::Bypass);
  return set_ste(req, sid, ste, Invalidate::Ste);
}

std::string SmmuDriver::attach_stage2(platform::Requester& req, uint32_t sid, uint64_t s2_root) {
  return set_ste(req, sid, stage2_ste(s2_root), Invalidate::Ste);
}

s::Ste SmmuDriver::stage2_ste(uint64_t s2_root) {
  auto [it, fresh] = vmids_.emplace(s2_root, static_cast<uint16_t>(vmids_.size() + 1));
  (void)fresh;
  s::Ste ste;
  ste.valid = true;
  ste.config = static_cast<uint8_t>(s::SteConfig::Stage2);
  ste.s2_vmid = it->second;
  ste.s2_t0sz = kS2T0sz;
  ste.s2_sl0 = kS2Sl0Level1;
  ste.s2_ps = s::IDR5_OAS_48;
  ste.s2_aa64 = true;
  ste.s2_r = true;
  ste.s2_ttb = s2_root;
  return ste;
}

uint16_t SmmuDriver::vmid_of(uint64_t s2_root) const {
  auto it = vmids_.find(s2_root);
  return it == vmids_.end() ? 0 : it->second;
}

std::vector<s::Event> SmmuDriver::drain_events(platform::Requester& req) {
  std::vector<s::Event> out;
  if (!probed_) return out;
  const uint32_t mask = (2u << kEventqBits) - 1;
  const uint32_t prod_reg = read32(req, s::SMMU_EVENTQ_PROD), prod = prod_reg & mask;
  uint32_t cons = read32(req, s::SMMU_EVENTQ_CONS) & mask;
  while (cons != prod) {
    std::array<uint64_t, 4> words{};
    req.read(eventq_ + (cons & ((1u << kEventqBits) - 1)) * s::kEventBytes, words.data(), s::kEventBytes, Pas::NonSecure);
    out.push_back(s::Event::decode(words));
    cons = (cons + 1) & mask;
  }
  reg32(req, s::SMMU_EVENTQ_CONS, cons | (prod_reg & s::Q_OVFLG));  // acknowledge an overflow
  return out;
}

}  // namespace host
