// KVM over an RMM 2.0-bet1: the RMI flow of the v14 series (arch/arm64/kernel/rmi.c and
// arch/arm64/kvm/rmi.c) where it differs from 1.0's. Kernel init configures and activates the
// RMM and checks memory tracking; granules move by range (GRANULE_RANGE_(UN)DELEGATE, looping
// on the next PA); runtime faults map with RTT_DATA_MAP and RTT_UNPROT_MAP (looping on out_top,
// RTTs created on RMI_ERROR_RTT; a page, or with host.fault_block a level-2 block); teardown
// unmaps by range (RTT_DATA_UNMAP's freed range, pages or blocks, is undelegated in one call)
// and terminates the realm before its RTTs come apart; REC_CREATE and REC_DESTROY are stateful
// operations (complete_sro).
#include <algorithm>
#include <cerrno>

#include "host/kvm.h"
#include "host/vm.h"
#include "platform/abi/rmm_abi_2_0.h"
#include "platform/monitor.h"
#include "platform/soc.h"
#include "sim/log.h"

namespace host {

namespace {
namespace ar = rmi::addr_range;
namespace mf = rmi::map_flags;
}  // namespace

bool Kvm::init_rmm_2_0() {
  // RMM_CONFIG_SET: rmi_granule_size from PAGE_SIZE (RmiGranuleSize 0, 1, 2: 4, 16, 64 KiB),
  // tracking_region_size 0 (the granule's default). Refused, the kernel has no realms.
  // (aligned to the RMI granule the RMM boots with, the PGS: host.page_size matches it)
  const uint64_t cfg_pages = opt_.page_size / PageAllocator::kPage;
  auto cfg = pages_.alloc(cfg_pages, opt_.page_size);
  if (!cfg) return false;
  uint8_t buf[platform::abi::v2_0::kRmmConfig.size] = {};
  const uint64_t granule_size = opt_.page_size == 65536 ? 2 : opt_.page_size == 16384 ? 1 : 0;
  platform::abi::put(buf, platform::abi::v2_0::rmm_config::kRmiGranuleSize, granule_size);
  platform::abi::put(buf, platform::abi::v2_0::rmm_config::kTrackingRegionSize, 0);
  const bool written = write(HostAccess::KernelData, nullptr, "RmiRmmConfig", *cfg, buf, sizeof buf);
  const RmiResult set = written ? rmi_.rmm_config_set(*cfg) : RmiResult{};
  pages_.free(*cfg, cfg_pages);
  if (written && !set.ok())  // as rmi_configure() says it, with what was asked
    RMESIM_LOG(platform::LogLevel::Warn, "host.kvm",
               "RMM config set failed (rmi_granule_size " << opt_.page_size / 1024 << " KiB, the PAGE_SIZE): "
                   << rmi::to_string(set.status()) << "; no realms");
  bool ok = written && set.ok() && rmi_.rmm_activate().ok();
  if (!ok) return false;
  // Every memblock region (the host's page pool) must be FINE and CONVENTIONAL.
  const HostPool pool = host_pool(soc_.config());
  for (uint64_t base = pool.base; ok && base < pool.base + pool.size;) {
    const RmiResult t = rmi_.granule_tracking_get(base, pool.base + pool.size);
    ok = t.ok() && t.x[1] == static_cast<uint64_t>(rmi::MemCategory::Conventional) &&
         t.x[2] == static_cast<uint64_t>(rmi::TrackingState::Fine) && t.x[3] > base;
    base = t.x[3];
  }
  // GPT_L1_CREATE for every L0GPTSZ block of it; RMI_ERROR_GPT means the table exists.
  const uint64_t l0 = uint64_t{1} << (30 + rmi::feat0::field(features1_, rmi::feat1::kL0gptszShift, rmi::feat1::kL0gptszWidth));
  for (uint64_t b = pool.base & ~(l0 - 1); ok && b < pool.base + pool.size; b += l0) {
    const RmiResult g = rmi_.gpt_l1_create(b);
    ok = g.ok() || g.status() == rmi::Status::ErrorGpt;
  }
  return ok;
}

bool Vm::delegate_range_2_0(uint64_t pa, uint64_t pages) {
  const uint64_t top = pa + pages * page_;
  for (uint64_t base = pa; base < top;) {
    const RmiResult r = kvm_.rmi().granule_range_delegate(base, top);
    if (!r.ok() || r.x[1] <= base) return false;
    for (uint64_t p = base; p < r.x[1]; p += page_) set_ascending(delegated_, p, true);
    base = r.x[1];
  }
  return true;
}

uint64_t Vm::undelegate_range_2_0(uint64_t pa, uint64_t pages) {
  const uint64_t top = pa + pages * page_;
  uint64_t base = pa;
  while (base < top) {
    const RmiResult r = kvm_.rmi().granule_range_undelegate(base, top);
    if (!r.ok() || r.x[1] <= base) break;
    base = r.x[1];
  }
  return (base - pa) / page_;
}

// addr_range_desc: one descriptor for `size` bytes at `pa`: a single unit when the size is
// exactly a page's or a block's (of the realm's translation granule), otherwise pages (at most
// 511, as Linux caps it).
namespace {
uint64_t range_desc(platform::s2::Geometry g, uint64_t pa, uint64_t size) {
  for (int level = 3; level >= g.min_block_level(); --level)
    if (size == g.entry_size(level)) return ar::make(pa, 1, 3 - level, g.granule_shift);
  return ar::make(pa, std::min<uint64_t>(size / g.granule(), 511), 0, g.granule_shift);
}
}  // namespace

int Vm::map_protected_2_0(uint64_t ipa, uint64_t pa, uint64_t size) {
  const uint64_t top = ipa + size;
  uint64_t at = ipa;
  // Each call maps up to one RTT's worth, or stops at a missing RTT: a bounded number of them.
  for (int call = 0; at < top && call < 16; ++call) {
    const RmiResult r = kvm_.rmi().rtt_data_map(rd_, at, top, mf::kOaddrSingle, range_desc(geo_, pa + (at - ipa), top - at));
    if (r.status() == rmi::Status::ErrorRtt) {
      const int level = rmi::rtt_level_of(r.x[0]);
      if (level >= 3 || create_rtts(at, level + 1, level + 1) != 0) break;
      continue;
    }
    if (!r.ok() || r.x[1] <= at) break;
    for (uint64_t p = at; p < r.x[1]; p += page_) set_ascending(data_, p, pa + (p - ipa));
    at = r.x[1];
  }
  if (at == top) return 0;
  // Linux: what was mapped is unmapped again and the whole range undelegated.
  unmap_private_range_2_0(ipa, at);
  undelegate_and_free(pa + (at - ipa), (top - at) / page_);
  return -ENXIO;
}

int Vm::fault_block_2_0(uint64_t ipa) {
  const uint64_t block = geo_.entry_size(2), base = ipa & ~(block - 1);
  // A block-sized folio of the slot's guest_memfd: the slot holds the whole block, none of it is
  // mapped yet, and no level-3 RTT is in the way (the v14 host never unfolds to map).
  const Slot* s = slot_of(base);
  if (!s || !s->r.guest_memfd || base < s->r.guest_phys_addr || base + block > s->r.guest_phys_addr + s->r.memory_size)
    return -EAGAIN;
  const auto mapped = data_.lower_bound(base);
  if ((mapped != data_.end() && mapped->first < base + block) || rtts_.count({3, base})) return -EAGAIN;
  auto run = alloc_page(block / page_, block);
  if (!run) return -EAGAIN;
  if (!delegate_page(*run, block / page_)) {
    undelegate_and_free(*run, block / page_);
    return -ENXIO;
  }
  return map_protected_2_0(base, *run, block);
}

// realm_map_ipa, shared: RTT_UNPROT_MAP with Normal write-back memory, read-write.
int Vm::map_shared_2_0(uint64_t page, uint64_t pa) {
  constexpr uint64_t kNormalWb = 6;  // MemAttr[2:0] of the FWB encoding 0b0110
  const uint64_t flags = mf::make_unprot(kNormalWb, mf::kS2apR | mf::kS2apW);
  const uint64_t desc = ar::make(pa, 1, 0, geo_.granule_shift) | uint64_t{1} << 63;  // Non-secure (UNDELEGATED) memory
  for (int attempt = 0; attempt < 5; ++attempt) {
    const RmiResult r = kvm_.rmi().rtt_unprot_map(rd_, page, page + page_, flags, desc);
    if (r.ok() && r.x[1] > page) {
      shared_[page] = pa;
      return 0;
    }
    const int level = rmi::rtt_level_of(r.x[0]);
    if (r.status() != rmi::Status::ErrorRtt || level >= 3 || create_rtts(page, level + 1, 3) != 0) break;
  }
  return -ENXIO;
}

// Private memory of [base, top) back to the host: RTT_DATA_UNMAP from the first mapped IPA
// (the RMM skips what is not mapped and stops where the freed granules stop being
// contiguous), the freed range (pages or blocks: SIZE x COUNT) undelegated in one call,
// freed. A block only partly in the range (RMI_ERROR_RTT at its level, nothing unmapped) is
// unfolded first with RMI_RTT_CREATE, as Linux's realm_unmap_private_range() does.
void Vm::unmap_private_range_2_0(uint64_t base, uint64_t top) {
  for (auto it = data_.lower_bound(base); it != data_.end() && it->first < top; it = data_.lower_bound(base)) {
    base = it->first;
    RmiResult r = kvm_.rmi().rtt_data_unmap(rd_, base, std::min(top, unprotected_bit()), mf::kOaddrSingle);
    if (r.status() == rmi::Status::ErrorRtt && rmi::rtt_level_of(r.x[0]) < 3 &&
        create_rtts(base, rmi::rtt_level_of(r.x[0]) + 1, rmi::rtt_level_of(r.x[0]) + 1) == 0)
      r = kvm_.rmi().rtt_data_unmap(rd_, base, std::min(top, unprotected_bit()), mf::kOaddrSingle);
    const uint64_t n = r.ok() ? ar::count(r.x[2], geo_.granule_shift) * (geo_.entry_size(3 - static_cast<int>(ar::size(r.x[2]))) / page_) : 0;
    if (warn(r, "RMI_RTT_DATA_UNMAP", base) || r.x[1] <= base || n == 0) {
      // Not unmapped (someone changed it behind KVM's back): offer the page back all the same.
      undelegate_and_free(it->second);
      data_.erase(it);
      base += page_;
      continue;
    }
    const uint64_t pa = ar::pa(r.x[2], geo_.granule_shift);
    for (auto d = data_.lower_bound(base); d != data_.end() && d->first < r.x[1];) d = data_.erase(d);
    undelegate_and_free(pa, n);
    base = r.x[1];
  }
}

void Vm::unmap_shared_2_0() {
  for (auto it = shared_.begin(); it != shared_.end(); it = shared_.begin()) {
    const uint64_t ipa = it->first;
    const RmiResult r = kvm_.rmi().rtt_unprot_unmap(rd_, ipa, uint64_t{1} << ipa_bits_, mf::kOaddrSingle);
    const uint64_t end = r.ok() && r.x[1] > ipa ? r.x[1] : ipa + page_;
    warn(r, "RMI_RTT_UNPROT_UNMAP", ipa);
    shared_.erase(shared_.begin(), shared_.lower_bound(end));
  }
}

RmiResult Vm::complete_sro(RmiResult r, std::vector<uint64_t>& donated) {
  if (r.status() != rmi::Status::Incomplete) return r;
  const uint64_t handle = r.x[1];
  const uint64_t list = params_page();  // the address lists, one Non-secure page
  if (!list) return r;
  const uint64_t list_max = page_ / 8;
  // Delegated granules a donation did not take (the RMM may take fewer than it asked for):
  // offered first in the next one, given back when the operation ends.
  std::vector<uint64_t> spare;
  for (unsigned guard = 0; r.status() == rmi::Status::Incomplete && guard < 4096; ++guard) {
    switch (rmi::memreq_of(r.x[0])) {
      case rmi::MemReq::Donate: {
        const uint64_t want = std::min(rmi::donate_req::count(r.x[2]), list_max);
        std::vector<uint64_t> pages;
        while (pages.size() < want && !spare.empty()) {
          pages.push_back(spare.back());
          spare.pop_back();
        }
        while (pages.size() < want) {
          auto p = alloc_page();
          if (!p) break;
          if (!delegate_page(*p)) { free_pages(*p); break; }
          pages.push_back(*p);
        }
        if (pages.empty() || !kvm_.write(HostAccess::KernelData, this, "SRO address list", list, pages.data(), 8 * pages.size())) {
          for (uint64_t p : pages) undelegate_and_free(p);
          r = kvm_.rmi().op_cancel(handle);  // no memory: undo it (the reclaim follows)
          if (r.status() != rmi::Status::Incomplete) break;
          continue;
        }
        r = kvm_.rmi().op_mem_donate(handle, list, pages.size());
        const uint64_t used = r.status() == rmi::Status::Incomplete || r.ok() ? std::min<uint64_t>(r.x[1], pages.size()) : 0;
        donated.insert(donated.end(), pages.begin(), pages.begin() + used);
        spare.insert(spare.end(), pages.begin() + used, pages.end());
        break;
      }
      case rmi::MemReq::Reclaim: {
        r = kvm_.rmi().op_mem_reclaim(handle, list, list_max);
        const uint64_t n = r.status() == rmi::Status::Incomplete || r.ok() ? std::min(r.x[1], list_max) : 0;
        std::vector<uint64_t> back(n);
        if (n && kvm_.read(HostAccess::KernelData, this, "SRO address list", list, back.data(), 8 * n))
          for (uint64_t p : back) {
            donated.erase(std::remove(donated.begin(), donated.end(), p), donated.end());
            undelegate_and_free(p);
          }
        break;
      }
      case rmi::MemReq::None: r = kvm_.rmi().op_continue(handle, 0); break;
    }
  }
  for (uint64_t p : spare) undelegate_and_free(p);
  free_pages(list);
  return r;
}

}  // namespace host
