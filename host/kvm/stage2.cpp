// Normal-VM stage 2 (see nvm_stage2.h): table walks in Non-secure memory, faults resolved from
// the memory regions, MMIO for everything else below the IPA limit.
#include <cerrno>

#include "host/kvm.h"
#include "host/vm.h"
#include "nvm_stage2.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace host {

namespace {
constexpr uint64_t kPage = PageAllocator::kPage;
constexpr uint64_t kValid = 1, kTableOrPage = 2;
// A leaf's attributes as KVM sets them for guest RAM: Normal Write-Back memory (MemAttr 0b1111),
// read and write (S2AP 0b11), Inner Shareable, access flag set. The SMMU walks these tables
// too when the VM's device is attached to its stage 2.
constexpr uint64_t kLeafAttrs = (0xFull << 2) | (3ull << 6) | (3ull << 8) | (1ull << 10);
constexpr uint64_t kOaMask = 0x0000'FFFF'FFFF'F000ull;
constexpr unsigned index_at(uint64_t ipa, int level) { return (ipa >> (12 + 9 * (3 - level))) & 511; }
}  // namespace

platform::Stage2Result NvmStage2::translate(platform::Pe& pe, uint64_t ipa) {
  (void)pe;
  return vm_.nvm_translate(pe, ipa);
}

platform::Stage2Result Vm::nvm_translate(platform::Pe& pe, uint64_t ipa) {
  (void)pe;
  platform::Stage2Result r;
  if (ipa >> ipa_bits_) {
    r.kind = platform::Stage2Result::Kind::Abort;
    return r;
  }
  const uint64_t page = ipa & ~(kPage - 1);
  uint64_t backing;
  const bool in_ram = user_pa_of(page, backing);
  // Walk what is there first: a malicious host may have mapped pages outside RAM.
  uint64_t table = nvm_pgd_;
  for (int level = 1; level <= 3; ++level) {
    uint64_t desc = 0;
    const uint64_t entry = table + 8 * index_at(page, level);
    if (!kvm_.read(HostAccess::TableWalk, this, "stage-2 walk of " + name_, entry, &desc, 8)) {
      r.kind = platform::Stage2Result::Kind::Unmapped;  // the host oopsed: the VM is stopped
      r.level = static_cast<int8_t>(level);
      return r;
    }
    if (!(desc & kValid)) {
      if (!in_ram) {
        r.kind = platform::Stage2Result::Kind::Mmio;
        return r;
      }
      if (nvm_map(page, backing, true) != 0) {
        r.kind = platform::Stage2Result::Kind::Unmapped;
        r.level = static_cast<int8_t>(level);
        return r;
      }
      r.kind = platform::Stage2Result::Kind::Mapped;
      r.pa = backing;
      r.pas = gpt::Pas::NonSecure;
      return r;
    }
    if (level == 3) {
      r.kind = platform::Stage2Result::Kind::Mapped;
      r.pa = desc & kOaMask;
      r.pas = gpt::Pas::NonSecure;
      return r;
    }
    table = desc & kOaMask;
  }
  return r;
}

bool Vm::dma_map(platform::Pe& pe, uint64_t ipa) {
  return !realm_ && nvm_translate(pe, ipa).kind == platform::Stage2Result::Kind::Mapped;
}

// Installs a level-3 entry ipa -> pa, creating tables as needed (kvm_pgtable_stage2_map).
int Vm::nvm_map(uint64_t ipa, uint64_t pa, bool from_walk_pe) {
  (void)from_walk_pe;
  kvm_.charge(kvm_.costs().s2_fault);
  // The walk indexes levels 1-3 only: an IPA beyond the VM's IPA size would alias a lower one.
  if (ipa >> ipa_bits_) return -EINVAL;
  uint64_t table = nvm_pgd_;
  for (int level = 1; level <= 3; ++level) {
    const uint64_t entry = table + 8 * index_at(ipa, level);
    uint64_t desc = 0;
    if (!kvm_.read(HostAccess::TableWalk, this, "stage-2 map in " + name_, entry, &desc, 8)) return -EFAULT;
    if (level == 3) {
      desc = (pa & kOaMask) | kValid | kTableOrPage | kLeafAttrs;
      if (!kvm_.write(HostAccess::TableWalk, this, "stage-2 map in " + name_, entry, &desc, 8)) return -EFAULT;
      if (!from_walk_pe) kvm_.cpu().invalidate_ipa(*nvm_s2_, ipa, kPage);
      ++counters_.runtime_faults;
      return 0;
    }
    if (!(desc & kValid)) {
      auto t = alloc_page();
      if (!t) return -ENOMEM;
      nvm_tables_.push_back(*t);
      if (!kvm_.zero(HostAccess::TableWalk, this, "stage-2 table for " + name_, *t, kPage)) return -EFAULT;
      desc = *t | kValid | kTableOrPage;
      if (!kvm_.write(HostAccess::TableWalk, this, "stage-2 map in " + name_, entry, &desc, 8)) return -EFAULT;
    }
    table = desc & kOaMask;
  }
  return 0;
}

}  // namespace host
