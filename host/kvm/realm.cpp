// The VM object: memory regions, realm creation (RD + root RTTs on demand, initial RIPAS),
// KVM_ARM_RMI_POPULATE, RTTs created level by level, private and shared mappings, activation on
// the first run, and teardown in Linux order. Follows arch/arm64/kvm/rme.c|rmi.c of the CCA
// series over an RMM 1.0 (see docs in kvm.h).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "ioctl.h"
#include "vgic_dist.h"
#include "nvm_stage2.h"
#include "platform/abi/rmm_abi_2_0.h"
#include "sim/log.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace host {

namespace {

// Measures the simulated time on the current PE of one lifecycle phase, by cost.
struct PhaseTimer {
  platform::Breakdown& phase;
  platform::Requester& req;
  platform::CostMeter meter;
  PhaseTimer(platform::Breakdown& p, platform::Soc& soc)
      : phase(p), req(current_pe(soc).requester()), meter(req.ledger(), req.now()) {}
  ~PhaseTimer() { meter.stop(phase, req.ledger(), req.now()); }
};
}  // namespace

Vm::Vm(Kvm& kvm, std::string name, bool realm, unsigned ipa_bits)
    : kvm_(kvm), name_(std::move(name)), realm_(realm), ipa_bits_(ipa_bits),
      page_(realm ? kvm.options().page_size : PageAllocator::kPage),
      geo_(*platform::s2::geometry_of(page_)), stats_(kvm.vm_stats_name(name_), &kvm.stats_) {
  cfg_.ipa_bits = ipa_bits;
  if (!realm_) {
    nvm_s2_ = std::make_unique<NvmStage2>(*this);
    if (auto pgd = alloc_page()) {
      nvm_pgd_ = *pgd;
      nvm_tables_.push_back(nvm_pgd_);
      kvm_.zero(HostAccess::KernelData, this, "stage-2 pgd", nvm_pgd_, page_);
    }
  }
}

Vm::~Vm() = default;

Vm::Phases::Phases(platform::StatGroup& g)
    : create(g.breakdown("create", "RMI_REALM_CREATE and what it needs (RD, root RTTs, VMID)")),
      populate(g.breakdown("populate", "KVM_ARM_RMI_POPULATE: initial image and memory")),
      rec_create(g.breakdown("rec_create", "RECs: RMI_REC_CREATE with their AUX granules")),
      activate(g.breakdown("activate", "RMI_REALM_ACTIVATE")),
      fault_in(g.breakdown("fault_in", "stage-2 faults of a running realm: private and shared pages mapped")),
      teardown(g.breakdown("teardown", "destroying the realm and undelegating its granules")) {}

std::optional<uint64_t> Vm::alloc_page(uint64_t pages, uint64_t align) {
  kvm_.charge(kvm_.costs().page_alloc);
  return kvm_.pages().alloc(pages * (page_ / PageAllocator::kPage), std::max(align, page_));
}

void Vm::free_pages(uint64_t pa, uint64_t pages) { kvm_.pages().free(pa, pages * (page_ / PageAllocator::kPage)); }

bool Vm::delegate_page(uint64_t pa, uint64_t pages) {
  if (kvm_.rmi_v2()) return delegate_range_2_0(pa, pages);
  for (uint64_t i = 0; i < pages; ++i) {
    if (!kvm_.rmi().granule_delegate(pa + i * page_).ok()) return false;
    set_ascending(delegated_, pa + i * page_, true);
  }
  return true;
}

RmiResult Vm::delegate_granule(uint64_t pa) {
  return kvm_.rmi_v2() ? kvm_.rmi().granule_range_delegate(pa, pa + page_) : kvm_.rmi().granule_delegate(pa);
}
RmiResult Vm::undelegate_granule(uint64_t pa) {
  return kvm_.rmi_v2() ? kvm_.rmi().granule_range_undelegate(pa, pa + page_) : kvm_.rmi().granule_undelegate(pa);
}

// Linux leaks a page whose undelegate fails. KVM here first tells a granule that someone
// undelegated behind its back (Non-secure again: RMI_GRANULE_DELEGATE then UNDELEGATE both
// succeed, and scrub it) from one still in use (the DELEGATE fails too). Only the latter is
// leaked, never reused, so that the leak count is the granules left delegated.
void Vm::undelegate_and_free(uint64_t pa, uint64_t pages) {
  // 2.0: the whole range in as few calls as the RMM allows; what it stops at, one by one.
  const uint64_t done = kvm_.rmi_v2() && pages > 1 ? undelegate_range_2_0(pa, pages) : 0;
  for (uint64_t i = 0; i < done; ++i) {
    delegated_.erase(pa + i * page_);
    free_pages(pa + i * page_);
  }
  for (uint64_t i = done; i < pages; ++i) {
    const uint64_t p = pa + i * page_;
    const RmiResult r = undelegate_granule(p);
    if (r.ok() || (delegate_granule(p).ok() && undelegate_granule(p).ok())) {
      delegated_.erase(p);
      free_pages(p);
    } else {
      warn(r, "RMI_GRANULE_UNDELEGATE", p);
      kvm_.pages().leak(p, page_ / PageAllocator::kPage);
      ++counters_.leaked_pages;
    }
  }
}

bool Vm::warn(const RmiResult& r, const char* command, uint64_t arg) {
  if (r.ok()) return false;
  char a[24];
  std::snprintf(a, sizeof a, "0x%llx", static_cast<unsigned long long>(arg));
  std::string w = std::string(command) + "(" + a + ") -> " + rmi::to_string(r.status());
  if (r.index()) w += " index " + std::to_string(r.index());
  RMESIM_LOG(platform::LogLevel::Warn, "host.kvm", name_ << ": " << w);
  warnings_.push_back(std::move(w));
  ++counters_.warnings;
  return true;
}

const Vm::Slot* Vm::slot_of(uint64_t gpa) const {
  for (const auto& s : slots_)
    if (gpa >= s.r.guest_phys_addr && gpa - s.r.guest_phys_addr < s.r.memory_size) return &s;
  return nullptr;
}

bool Vm::user_pa_of(uint64_t gpa, uint64_t& pa) const {
  const Slot* s = slot_of(gpa);
  if (!s) return false;
  pa = s->r.userspace_addr + (gpa - s->r.guest_phys_addr);
  return true;
}

bool Vm::pa_of(uint64_t ipa, uint64_t& pa) const {
  const uint64_t page = ipa & ~(page_ - 1);
  if (realm_) {
    if (auto it = data_.find(page); it != data_.end()) { pa = it->second + (ipa - page); return true; }
    if (auto it = shared_.find(page); it != shared_.end()) { pa = it->second + (ipa - page); return true; }
    return false;
  }
  return user_pa_of(ipa, pa);
}

Vcpu* Vm::vcpu_by_mpidr(uint64_t mpidr) {
  const uint64_t want = rmi::rec_params::mpidr_to_index(mpidr & rmi::rec_params::kMpidrMask);
  for (auto& v : vcpus_)
    if (rmi::rec_params::mpidr_to_index(v->mpidr() & rmi::rec_params::kMpidrMask) == want) return v.get();
  return nullptr;
}

int Vm::configure_realm(const RealmConfig& c) {
  const Ioctl io(kvm_, "KVM_ENABLE_CAP", name_);
  if (!realm_) return -EINVAL;
  if (cfg_locked_) return -EBUSY;  // the realm descriptor exists: parameters are fixed
  namespace f = rmi::feat0;
  const uint64_t feat = kvm_.rmm_features0();
  if (!kvm_.rmm_hash_supported(c.hash)) return -EINVAL;
  if (c.sve && !f::field(feat, f::kSveEnShift)) return -EINVAL;
  if (c.sve && c.sve_vl > f::field(feat, f::kSveVlShift, f::kSveVlWidth)) return -EINVAL;
  if (c.pmu && !f::field(feat, f::kPmuEnShift)) return -EINVAL;
  if (c.pmu && c.pmu_counters > f::field(feat, f::kPmuNumCtrsShift, f::kPmuNumCtrsWidth)) return -EINVAL;
  if (c.num_bps < 1 || c.num_bps > f::field(feat, f::kNumBpsShift, f::kNumBpsWidth)) return -EINVAL;
  if (c.num_wps < 1 || c.num_wps > f::field(feat, f::kNumWpsShift, f::kNumWpsWidth)) return -EINVAL;
  const unsigned ipa = c.ipa_bits ? c.ipa_bits : ipa_bits_;
  if (ipa != ipa_bits_) return -EINVAL;  // the IPA size is the VM type's
  cfg_ = c;
  cfg_.ipa_bits = ipa_bits_;
  return 0;
}

int Vm::set_user_memory_region(const UserMemoryRegion& r) {
  const Ioctl io(kvm_, "KVM_SET_USER_MEMORY_REGION2", name_);
  if (destroyed_) return -EIO;
  if ((r.guest_phys_addr | r.memory_size | r.userspace_addr) & (page_ - 1)) return -EINVAL;
  if (r.memory_size == 0) return -EINVAL;
  const uint64_t limit = realm_ ? unprotected_bit() : uint64_t{1} << ipa_bits_;
  if (r.guest_phys_addr + r.memory_size > limit || r.guest_phys_addr + r.memory_size < r.guest_phys_addr)
    return -EINVAL;
  for (const auto& s : slots_) {
    if (s.r.slot == r.slot) return -EEXIST;
    if (r.guest_phys_addr < s.r.guest_phys_addr + s.r.memory_size &&
        s.r.guest_phys_addr < r.guest_phys_addr + r.memory_size)
      return -EEXIST;
  }
  if (realm_ && state_ != RealmState::None && r.guest_memfd) return -EBUSY;  // RIPAS is set at creation
  slots_.push_back({r});
  if (!realm_) slots_.back().r.guest_memfd = false;
  return 0;
}

Vcpu* Vm::create_vcpu(unsigned id) {
  const Ioctl io(kvm_, "KVM_CREATE_VCPU", name_);
  if (destroyed_ || id != vcpus_.size() || id >= kvm_.soc().num_pes() * 8) return nullptr;
  if (realm_ && state_ == RealmState::Active) return nullptr;
  vcpus_.push_back(std::make_unique<Vcpu>(*this, id));
  return vcpus_.back().get();
}

// A Non-secure page for an RMI parameter structure, zeroed.
uint64_t Vm::params_page() {
  auto p = alloc_page();
  if (!p) return 0;
  kvm_.zero(HostAccess::KernelData, this, "RMI params", *p, page_);
  return *p;
}

// realm_create_rd: the realm descriptor, the concatenated starting-level RTTs (the stage-2 PGD),
// RMI_REALM_CREATE, RMI_REC_AUX_COUNT, then the initial RIPAS of every private memory region.
int Vm::ensure_created() {
  if (state_ != RealmState::None) return state_ == RealmState::Dead ? -EIO : 0;
  PhaseTimer timer(phases_.create, kvm_.soc());
  cfg_locked_ = true;
  const Stage2Geometry geo = stage2_geometry(ipa_bits_, geo_);
  level_start_ = geo.level_start;
  num_root_ = geo.num_root;
  vmid_ = kvm_.rmi_v2() ? 0 : kvm_.alloc_vmid();  // 2.0: the RMM allocates realm VMIDs
  if (!vmid_ && !kvm_.rmi_v2()) { state_ = RealmState::Dead; return -ENOSPC; }
  auto rd = alloc_page();
  auto pgd = rd ? alloc_page(num_root_, num_root_ * page_) : std::nullopt;
  if (!pgd) {
    if (rd) free_pages(*rd);
    kvm_.free_vmid(vmid_);
    vmid_ = 0;
    state_ = RealmState::Dead;
    return -ENOMEM;
  }
  rd_ = *rd;
  pgd_ = *pgd;
  // The RD, then the PGD (v14: one GRANULE_RANGE_DELEGATE of all its pages).
  bool ok = delegate_page(rd_) && delegate_page(pgd_, num_root_);
  const uint64_t params = ok ? params_page() : 0;
  if (params) {
    namespace rp = rmi::realm_params;
    const auto& decl = kvm_.rmi_v2() ? platform::abi::v2_0::kRealmParams : platform::abi::v1_0::kRealmParams;
    uint8_t buf[decl.size] = {};
    auto put = [&](const char* field, uint64_t v, unsigned i = 0) { platform::abi::put(buf, decl, field, v, i); };
    put("flags", (cfg_.sve ? rp::kFlagSve : 0) | (cfg_.pmu ? rp::kFlagPmu : 0));
    put("s2sz", ipa_bits_);
    put("sve_vl", cfg_.sve ? cfg_.sve_vl : 0);
    put("num_bps", cfg_.num_bps);
    put("num_wps", cfg_.num_wps);
    put("pmu_num_ctrs", cfg_.pmu ? cfg_.pmu_counters : 0);
    put("hash_algo", static_cast<uint64_t>(cfg_.hash));
    for (unsigned i = 0; i < cfg_.rpv.size(); ++i) put("rpv", cfg_.rpv[i], i);
    if (decl.find("vmid")) put("vmid", vmid_);
    put("rtt_base", pgd_);
    put("rtt_level_start", static_cast<uint64_t>(static_cast<int64_t>(level_start_)));
    put("rtt_num_start", num_root_);
    ok = kvm_.write(HostAccess::KernelData, this, "RmiRealmParams", params, buf, sizeof buf) &&
         kvm_.rmi().realm_create(rd_, params).ok();
    free_pages(params);
  } else {
    ok = false;
  }
  if (!ok) {
    // Give back what was delegated (and the RD and root RTTs' pages); the realm never existed.
    for (unsigned i = 0; i < num_root_; ++i)
      if (!delegated_.count(pgd_ + i * page_)) free_pages(pgd_ + i * page_);
    if (!delegated_.count(rd_)) free_pages(rd_);
    for (auto it = delegated_.begin(); it != delegated_.end();) {
      const uint64_t pa = it->first;
      ++it;
      undelegate_and_free(pa);
    }
    if (vmid_) kvm_.free_vmid(vmid_);
    vmid_ = 0;
    rd_ = pgd_ = 0;
    state_ = RealmState::Dead;
    return -ENXIO;
  }
  state_ = RealmState::New;
  if (kvm_.rmi_v2()) return 0;  // v14: INIT_RIPAS at the first run, after the RECs (activate)
  const RmiResult aux = kvm_.rmi().rec_aux_count(rd_);
  aux_count_ = aux.ok() ? aux.x[1] : 0;
  return init_ripas_of_memslots();
}

// set_ripas_of_protected_regions: RMI_RTT_INIT_RIPAS over every guest_memfd memslot.
int Vm::init_ripas_of_memslots() {
  for (const auto& s : slots_) {
    if (!s.r.guest_memfd) continue;
    if (int rc = init_ripas(s.r.guest_phys_addr, s.r.guest_phys_addr + s.r.memory_size)) {
      destroy_realm();  // the realm exists: take it apart as a teardown does
      return rc;
    }
  }
  return 0;
}

// RMI_RTT_INIT_RIPAS over [base, top), creating RTTs where the RMM needs a finer level.
int Vm::init_ripas(uint64_t base, uint64_t top) {
  while (base < top) {
    const RmiResult r = kvm_.rmi().rtt_init_ripas(rd_, base, top);
    if (r.ok() && r.x[1] > base) {
      base = r.x[1];
      continue;
    }
    if (r.status() == rmi::Status::ErrorRtt) {
      const int level = rmi::rtt_level_of(r.x[0]);
      if (level >= 3) return -ENXIO;
      if (int rc = create_rtts(base, level + 1, level + 1)) return rc;
      continue;
    }
    return -ENXIO;
  }
  return 0;
}

// RTTs for `ipa` at levels [from_level, to_level], each delegated then RMI_RTT_CREATE'd; an
// RMI_ERROR_RTT naming a shallower level creates the missing parents first.
int Vm::create_rtts(uint64_t ipa, int from_level, int to_level) {
  for (int level = std::max(from_level, level_start_ + 1); level <= to_level; ++level) {
    const uint64_t base = ipa & ~(geo_.entry_size(level - 1) - 1);
    if (rtts_.count({level, base})) continue;
    auto rtt = alloc_page();
    if (!rtt) return -ENOMEM;
    if (!delegate_page(*rtt)) {
      free_pages(*rtt);
      return -ENXIO;
    }
    const RmiResult r = kvm_.rmi().rtt_create(rd_, *rtt, base, level);
    if (r.ok()) {
      rtts_[{level, base}] = *rtt;
      continue;
    }
    undelegate_and_free(*rtt);
    if (r.status() != rmi::Status::ErrorRtt) return -ENXIO;
    const int walked = rmi::rtt_level_of(r.x[0]);
    if (walked == level - 1) continue;  // the table is there already (not ours: a raw RMI step)
    if (walked < level - 1) {
      if (int rc = create_rtts(ipa, walked + 1, level - 1)) return rc;
      --level;  // retry this level
      continue;
    }
    return -ENXIO;
  }
  return 0;
}

// One private page: a fresh page, delegated, then RMI_DATA_CREATE (from `src`, measured or
// not) or RMI_DATA_CREATE_UNKNOWN (`src` = 0), creating RTTs on RMI_ERROR_RTT.
int Vm::map_private(uint64_t ipa, bool with_src, uint64_t src, uint64_t flags, uint64_t given) {
  if (!data_.empty() && data_.rbegin()->first >= ipa && data_.count(ipa)) {
    if (given) free_pages(given);
    return -EEXIST;
  }
  std::optional<PhaseTimer> timer;  // a page without content is a fault at run time
  if (!with_src) timer.emplace(phases_.fault_in, kvm_.soc());
  auto page = given ? std::optional<uint64_t>(given) : alloc_page();
  if (!page) return -ENOMEM;
  if (!delegate_page(*page)) {
    free_pages(*page);
    return -ENXIO;
  }
  if (!with_src && kvm_.rmi_v2()) return map_protected_2_0(ipa, *page, page_);
  for (int attempt = 0; attempt < 5; ++attempt) {
    // 2.0's RTT_DATA_MAP_INIT takes DATA_CREATE's place (and FID) for populate.
    const RmiResult r = with_src ? (kvm_.rmi_v2() ? kvm_.rmi().rtt_data_map_init(rd_, *page, ipa, src, flags)
                                                  : kvm_.rmi().data_create(rd_, *page, ipa, src, flags))
                                 : kvm_.rmi().data_create_unknown(rd_, *page, ipa);
    if (r.ok()) {
      set_ascending(data_, ipa, *page);
      return 0;
    }
    const int level = rmi::rtt_level_of(r.x[0]);
    if (r.status() != rmi::Status::ErrorRtt || level >= 3 || create_rtts(ipa, level + 1, 3) != 0) break;
  }
  undelegate_and_free(*page);
  return -ENXIO;
}

// One level-2 block of a populate, as Linux's realm_map_protected() maps a huge page over RMM
// 1.0: a table's worth of contiguous, aligned pages (512 of 4 KiB: 2 MiB), each delegated and RMI_DATA_CREATE'd (2.0-bet1:
// RTT_DATA_MAP_INIT'd) at level 3, then RMI_RTT_FOLD makes the level-3 RTT one level-2 block
// entry, and the RTT the RMM gives back is undelegated and freed. The content is measured page
// by page, as without the block, so the RIM does not change. A fold the RMM refuses leaves the
// pages mapped one by one.
int Vm::populate_block(uint64_t ipa, uint64_t src, uint64_t flags, uint64_t& mapped) {
  const uint64_t block_pages = geo_.entry_size(2) / page_;
  mapped = 0;
  auto run = alloc_page(block_pages, geo_.entry_size(2));
  if (!run) return -ENOMEM;
  for (; mapped < block_pages; ++mapped)
    if (int rc = map_private(ipa + mapped * page_, true, src + mapped * page_, flags, *run + mapped * page_)) {
      if (mapped + 1 < block_pages) free_pages(*run + (mapped + 1) * page_, block_pages - mapped - 1);
      return rc;
    }
  const RmiResult r = kvm_.rmi().rtt_fold(rd_, ipa, 3);
  const auto rtt = rtts_.find({3, ipa});
  if (!warn(r, "RMI_RTT_FOLD", ipa) && rtt != rtts_.end() && rtt->second == r.x[1]) {
    undelegate_and_free(rtt->second);
    rtts_.erase(rtt);
  }
  return 0;
}

// One shared page: the VMM's memory behind the IPA, mapped with RMI_RTT_MAP_UNPROTECTED.
int Vm::map_shared(uint64_t ipa) {
  const uint64_t page = ipa & ~(page_ - 1);
  if (shared_.count(page)) return 0;
  PhaseTimer timer(phases_.fault_in, kvm_.soc());
  uint64_t pa;
  if (!user_pa_of(page & ~unprotected_bit(), pa)) return -EFAULT;
  if (kvm_.rmi_v2()) return map_shared_2_0(page, pa);
  const uint64_t desc = pa | rmi::s2tte_host::kMemAttrNormalWb | rmi::s2tte_host::kS2apRead |
                        rmi::s2tte_host::kS2apWrite | (uint64_t{3} << 8);  // inner shareable
  for (int attempt = 0; attempt < 5; ++attempt) {
    const RmiResult r = kvm_.rmi().rtt_map_unprotected(rd_, page, 3, desc);
    if (r.ok()) {
      shared_[page] = pa;
      return 0;
    }
    const int level = rmi::rtt_level_of(r.x[0]);
    if (r.status() != rmi::Status::ErrorRtt || level >= 3 || create_rtts(page, level + 1, 3) != 0) break;
  }
  return -ENXIO;
}

int Vm::fault_private(uint64_t ipa) {
  if (kvm_.rmi_v2() && kvm_.options().fault_block == geo_.entry_size(2)) {
    PhaseTimer timer(phases_.fault_in, kvm_.soc());
    const int rc = fault_block_2_0(ipa);
    if (rc != -EAGAIN) return rc;
  }
  return map_private(ipa & ~(page_ - 1), false, 0, 0);
}

int Vm::map_page(uint64_t ipa, const uint64_t* target_pa) {
  const Ioctl io(kvm_, "map_page", name_);
  ipa &= ~(page_ - 1);
  if (destroyed_) return -EIO;
  if (!realm_) {
    uint64_t pa;
    if (target_pa) pa = *target_pa & ~(page_ - 1);
    else if (!user_pa_of(ipa, pa)) return -EFAULT;
    return nvm_map(ipa, pa, false);
  }
  if (state_ == RealmState::None || state_ == RealmState::Dead) return -EINVAL;
  if (ipa & unprotected_bit()) return map_shared(ipa);
  const Slot* s = slot_of(ipa);
  if (!s || !s->r.guest_memfd) return -EFAULT;
  const int rc = fault_private(ipa);
  if (rc == 0) ++counters_.runtime_faults;
  return rc;
}

int Vm::rmi_populate(RmiPopulate& a) {
  // The call's entry is charged inside the populate phase, after the first call's realm
  // creation (the create phase): one entry per call is what the chunk size changes.
  Ioctl io(kvm_, "KVM_ARM_RMI_POPULATE", name_, Ioctl::kDeferEntry);
  if (!realm_) return -EINVAL;
  if (a.reserved || (a.flags & ~kRmiPopulateMeasure)) return -EINVAL;
  if ((a.base | a.size | a.source_uaddr) & (page_ - 1)) return -EINVAL;
  if (a.size == 0 || a.source_uaddr == 0 || a.base + a.size < a.base) return -EINVAL;
  const Slot* s = slot_of(a.base);
  if (!s || !s->r.guest_memfd || a.base + a.size > s->r.guest_phys_addr + s->r.memory_size) return -EINVAL;
  if (state_ != RealmState::None && state_ != RealmState::New) return -EBUSY;  // only before the first run
  if (int rc = ensure_created()) return rc;
  PhaseTimer timer(phases_.populate, kvm_.soc());
  io.enter();
  const uint64_t n = std::min(a.size / page_, kvm_.options().populate_chunk_pages);
  uint64_t done = 0;
  int rc = 0;
  const uint64_t flags = (a.flags & kRmiPopulateMeasure) ? rmi::kDataMeasureContent : rmi::kDataNoMeasureContent;
  const bool blocks = kvm_.options().populate_block == geo_.entry_size(2);
  while (done < n) {
    const uint64_t ipa = a.base + done * page_;
    if (blocks && (ipa & (geo_.entry_size(2) - 1)) == 0 && n - done >= geo_.entry_size(2) / page_) {
      uint64_t mapped = 0;
      rc = populate_block(ipa, a.source_uaddr + done * page_, flags, mapped);
      done += mapped;
      if (rc != -ENOMEM) {
        if (rc) break;
        continue;
      }
      rc = 0;  // no free run of a block: this block goes page by page
    }
    rc = map_private(ipa, true, a.source_uaddr + done * page_, flags);
    if (rc) break;
    ++done;
  }
  counters_.populated_pages += done;
  a.base += done * page_;
  a.size -= done * page_;
  a.source_uaddr += done * page_;
  io.arg("pages", std::to_string(done));
  return done ? 0 : rc;
}

// kvm_activate_realm: RECs for every vCPU in MPIDR order, then RMI_REALM_ACTIVATE.
int Vm::activate(Vcpu& first) {
  (void)first;
  if (state_ == RealmState::Active || state_ == RealmState::SystemOff) return 0;
  if (activating_) {
    current_pe(kvm_.soc()).requester().sync();
    while (activating_) sc_core::wait(activated_);
    return state_ == RealmState::Active ? 0 : -ENXIO;
  }
  activating_ = true;
  int rc = ensure_created();
  if (rc == 0 && state_ != RealmState::New) rc = -EINVAL;
  if (rc == 0) {
    PhaseTimer timer(phases_.rec_create, kvm_.soc());
    std::vector<Vcpu*> order;
    for (auto& v : vcpus_) order.push_back(v.get());
    if (kvm_.options().abi == AbiVariant::V14)  // the MPIDR-to-REC link is the vCPU's MPIDR
      std::stable_sort(order.begin(), order.end(), [](Vcpu* a, Vcpu* b) {
        return rmi::rec_params::mpidr_to_index(a->mpidr()) < rmi::rec_params::mpidr_to_index(b->mpidr());
      });
    for (Vcpu* v : order)
      if ((rc = v->create_rec())) break;
    if (rc == 0 && kvm_.rmi_v2()) rc = init_ripas_of_memslots();
  }
  if (rc == 0) {
    PhaseTimer timer(phases_.activate, kvm_.soc());
    rc = kvm_.rmi().realm_activate(rd_).ok() ? 0 : -ENXIO;
  }
  if (rc == 0) state_ = RealmState::Active;
  activating_ = false;
  activated_.notify(sc_core::SC_ZERO_TIME);
  return rc;
}

// Private pages of [base, top) go back to the host: RMI_DATA_DESTROY, undelegate, free. A
// DATA_DESTROY that fails is reported; the undelegate is tried all the same (the page may
// have been destroyed behind KVM's back) and leaks the page only if it is still in use.
void Vm::unmap_private_range(uint64_t base, uint64_t top) {
  if (kvm_.rmi_v2()) return unmap_private_range_2_0(base, top);
  for (auto it = data_.lower_bound(base); it != data_.end() && it->first < top;) {
    RmiResult r = kvm_.rmi().data_destroy(rd_, it->first);
    // A folded block (populate_block): RMI_RTT_CREATE at level 3 unfolds it, then page by page.
    if (r.status() == rmi::Status::ErrorRtt && rmi::rtt_level_of(r.x[0]) == 2 && create_rtts(it->first, 3, 3) == 0)
      r = kvm_.rmi().data_destroy(rd_, it->first);
    warn(r, "RMI_DATA_DESTROY", it->first);
    undelegate_and_free(it->second);
    it = data_.erase(it);
  }
}

void Vm::request_stop() {
  stop_ = true;
  for (auto& v : vcpus_) {
    v->wake_.notify(sc_core::SC_ZERO_TIME);
  }
  changed_.notify(sc_core::SC_ZERO_TIME);
}

void Vm::oops(const std::string& why) {
  if (oops_) return;
  oops_ = true;
  oops_reason_ = why;
  stop_ = true;
  for (auto& v : vcpus_) v->wake_.notify(sc_core::SC_ZERO_TIME);
  changed_.notify(sc_core::SC_ZERO_TIME);
}

// Tear the VM down as Linux does when its fd is closed; then say what could not be reclaimed.
void Vm::destroy() {
  if (destroyed_) return;
  const Ioctl io(kvm_, "kvm_vm_release", name_);
  PhaseTimer timer(phases_.teardown, kvm_.soc());
  destroyed_ = true;
  if (realm_) destroy_realm();
  if (!realm_) {
    for (uint64_t t : nvm_tables_) free_pages(t);
    nvm_tables_.clear();
  }
  for (auto& v : vcpus_)
    if (v->run_page_) { free_pages(v->run_page_); v->run_page_ = 0; }
  if (leaked_pages())
    RMESIM_LOG(platform::LogLevel::Warn, "host.kvm",
               name_ << ": teardown leaked " << leaked_pages() << " granules (still delegated, never reused)");
}

// kvm_destroy_realm over RMM 1.0, in the order Linux uses: private data (DATA_DESTROY and
// undelegate) and shared mappings, RTTs bottom-up, RECs (and AUX), the realm, its RD and root
// RTTs. Unlike Linux, which stops at the first failed RMI of an object and leaks it, every
// failure is reported (warn) and every granule is still offered back (undelegate_and_free):
// what someone destroyed behind KVM's back is reclaimed, and only what is still in use leaks.
void Vm::destroy_realm() {
  if (!rd_ || state_ == RealmState::Dead) {
    state_ = RealmState::Dead;
    return;
  }
  state_ = RealmState::Dying;
  auto& pe = current_pe(kvm_.soc());
  const sc_core::sc_time start = pe.requester().now();
  const uint64_t pages = data_.size();
  unmap_private_range(0, ~uint64_t{0});
  auto& t = kvm_.soc().trace();
  t.slice(pe.requester().trace_track(platform::World::NonSecure), "unmap private memory", "kvm", start, pe.requester().now() - start,
          {{"vm", name_}, {"pages", std::to_string(pages)}});
  if (kvm_.rmi_v2()) {
    unmap_shared_2_0();
    // 2.0: the realm never runs again before its RTTs come apart.
    warn(kvm_.rmi().realm_terminate(rd_), "RMI_REALM_TERMINATE", rd_);
  }
  for (auto& [ipa, pa] : shared_) warn(kvm_.rmi().rtt_unmap_unprotected(rd_, ipa, 3), "RMI_RTT_UNMAP_UNPROTECTED", ipa);
  shared_.clear();
  for (int level = 3; level > level_start_; --level) {
    for (auto it = rtts_.begin(); it != rtts_.end();) {
      if (it->first.first != level) { ++it; continue; }
      warn(kvm_.rmi().rtt_destroy(rd_, it->first.second, level), "RMI_RTT_DESTROY", it->first.second);
      undelegate_and_free(it->second);
      it = rtts_.erase(it);
    }
  }
  for (auto& v : vcpus_) v->destroy_rec();
  const bool realm_gone = !warn(kvm_.rmi().realm_destroy(rd_), "RMI_REALM_DESTROY", rd_);
  undelegate_and_free(rd_);
  undelegate_and_free(pgd_, num_root_);
  if (realm_gone && vmid_) kvm_.free_vmid(vmid_);  // a realm the RMM still holds keeps its VMID
  state_ = RealmState::Dead;
}

}  // namespace host
