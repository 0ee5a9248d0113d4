#include "core/context.h"

#include <cctype>
#include <stdexcept>

#include "core/attestation_token.h"
#include "platform/guest_cpu.h"
#include "platform/monitor.h"
#include "platform/pe.h"
#include "platform/profile.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace rmm {

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

CommandStats::CommandStats(const std::string& name, platform::StatGroup& parent)
    : spec_name(name), group(lower(name), &parent),
      calls(group.counter("calls", "commands called")),
      other_status(group.counter("other_status", "RSI/PSCI results other than success")),
      time(group.time("time", "simulated time in the command")) {
  for (unsigned s = 0; s < rmi::kNumStatus; ++s) {
    const auto st = static_cast<rmi::Status>(s);
    by_status[s] = &group.counter(s == 0 ? "success" : lower(rmi::to_string(st) + 4),  // "error_input"...
                                  std::string("results ") + rmi::to_string(st));
  }
}

void CommandStats::count(uint64_t x0) {
  ++calls;
  const unsigned s = x0 & 0xFF;
  if (x0 >> 16 == 0 && s < rmi::kNumStatus) ++*by_status[s]; else ++other_status;
}

Context::Context(platform::Soc& s)
    : soc(s), monitor(s.monitor()),
      granules(s.config().dram_base, s.config().dram_size),
      stats("rmm", &s.stats()) {
  const auto& p = s.profile();
  costs.rmi_dispatch = p.duration("rmm.rmi_dispatch");
  costs.rsi_dispatch = p.duration("rmm.rsi_dispatch");
  costs.granule_lock = p.duration("rmm.granule_lock");
  costs.rec_enter = p.duration("rmm.rec_enter");
  costs.rec_exit = p.duration("rmm.rec_exit");
  costs.tlbi_ipa = p.duration("rmm.tlbi_ipa");
  costs.attest_sign = p.duration("rmm.attest_sign");
  costs.sha256_bytes_per_ns = p.bytes_per_ns("rmm.sha256");
  costs.sha512_bytes_per_ns = p.bytes_per_ns("rmm.sha512");

  namespace f = rmi::feat0;
  features0 = (uint64_t{52} << f::kS2szShift) | (uint64_t{1} << f::kLpa2Shift) |
              (uint64_t{max_bps} << f::kNumBpsShift) | (uint64_t{max_wps} << f::kNumWpsShift) |
              (uint64_t{1} << f::kHashSha256Shift) | (uint64_t{1} << f::kHashSha512Shift) |
              (uint64_t{num_lrs - 1} << f::kGicv3NumLrsShift) |
              (uint64_t{10} << f::kMaxRecsOrderShift);
}

Context::~Context() = default;

CommandStats& Context::add_command_stats(const std::string& name) {
  command_stats.emplace_back(name, stats);
  return command_stats.back();
}

bool Context::pa_delegable(uint64_t pa) const {
  return granules.tracked(pa) && monitor.is_delegable(pa);
}

Realm* Context::realm_at(uint64_t rd) {
  auto it = realms.find(rd);
  return it == realms.end() ? nullptr : it->second.get();
}

Rec* Context::rec_at(uint64_t pa) {
  auto it = recs.find(pa);
  return it == recs.end() ? nullptr : it->second.get();
}

platform::Pe& Context::pe_of(platform::Requester& req) {
  for (unsigned i = 0; i < soc.num_pes(); ++i)
    if (&soc.pe(i).requester() == &req) return soc.pe(i);
  throw std::logic_error("rmm: an RMI call arrived on a requester that is not a PE");
}

bool Context::gtsi_delegate(platform::Requester& req, uint64_t pa) {
  platform::abi::SmcRegs r;
  r.x[0] = platform::abi::kRmmGtsiDelegate;
  r.x[1] = pa;
  monitor.smc(req, platform::World::Realm, r);
  return r.x[0] == platform::abi::kRmmEl3Ok;
}

bool Context::gtsi_undelegate(platform::Requester& req, uint64_t pa) {
  platform::abi::SmcRegs r;
  r.x[0] = platform::abi::kRmmGtsiUndelegate;
  r.x[1] = pa;
  monitor.smc(req, platform::World::Realm, r);
  return r.x[0] == platform::abi::kRmmEl3Ok;
}

void Context::zero_granule(platform::Requester& req, uint64_t pa) {
  if (!req.fill(pa, 0, kGranuleSize, gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: cannot zero a granule the RMM owns (GPT out of step)");
}

bool Context::read_ns(platform::Requester& req, uint64_t pa, void* dst, uint64_t len) {
  return req.read(pa, dst, len, gpt::Pas::NonSecure).ok();
}

bool Context::write_ns(platform::Requester& req, uint64_t pa, const void* src, uint64_t len) {
  return req.write(pa, src, len, gpt::Pas::NonSecure).ok();
}

void Context::charge_hash(platform::Requester& req, HashAlgorithm algo, uint64_t bytes) {
  const double bpn = algo == HashAlgorithm::Sha512 ? costs.sha512_bytes_per_ns : costs.sha256_bytes_per_ns;
  req.charge(platform::TimingProfile::transfer(bpn, bytes));
}

void Context::charge_lock(platform::Requester& req, unsigned n) {
  req.charge(costs.granule_lock * static_cast<double>(n));
}

uint64_t Context::rtt_read(platform::Requester& req, uint64_t entry_pa) {
  uint64_t v = 0;
  if (!req.read64(entry_pa, v, gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: an RTT read faulted (RTT granule not in the Realm PAS)");
  return v;
}

void Context::rtt_write(platform::Requester& req, uint64_t entry_pa, uint64_t desc) {
  if (!req.write64(entry_pa, desc, gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: an RTT write faulted (RTT granule not in the Realm PAS)");
}

void Context::rtt_read_table(platform::Requester& req, uint64_t table_pa,
                             std::array<uint64_t, 512>& out) {
  if (!req.read(table_pa, out.data(), kGranuleSize, gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: an RTT read faulted (RTT granule not in the Realm PAS)");
}

RttWalk Context::rtt_walk(platform::Requester& req, const Realm& realm, uint64_t ipa,
                          int target_level) {
  RttWalk w;
  w.level = realm.start_level;
  // The starting level may be several concatenated RTTs: index across all of them.
  const uint64_t root_entries = uint64_t{realm.num_root} * s2tt::kEntriesPerTable;
  const uint64_t idx = (ipa >> s2tt::level_shift(w.level)) & (root_entries - 1);
  w.table = realm.rtt_base + (idx / s2tt::kEntriesPerTable) * kGranuleSize;
  w.index = static_cast<unsigned>(idx % s2tt::kEntriesPerTable);
  for (;;) {
    w.desc = rtt_read(req, w.entry_pa());
    w.entry = s2tt::decode(w.desc, w.level, realm.lpa2);
    if (w.level >= target_level || w.entry.type != s2tt::Type::Table) return w;
    w.table = w.entry.oa;
    ++w.level;
    w.index = s2tt::table_index(ipa, w.level);
  }
}

void Context::rtt_set(platform::Requester& req, Realm& realm, const RttWalk& w,
                      const s2tt::Entry& e) {
  const bool was_live = s2tt::holds_ref(w.entry.type);
  const bool live = s2tt::holds_ref(e.type);
  rtt_write(req, w.entry_pa(), s2tt::encode(e, w.level, realm.lpa2));
  if (was_live != live) granules.refcount_add(w.table, live ? 1 : -1);
}

uint64_t Context::entry_base(const Realm& realm, const RttWalk& w, uint64_t ipa) const {
  return ipa & ~(s2tt::entry_size(w.level) - 1);
}

uint64_t Context::skip_non_live(platform::Requester& req, const Realm& realm, const RttWalk& w,
                                uint64_t ipa) {
  std::array<uint64_t, 512> t;
  rtt_read_table(req, w.table, t);
  // The entry the walk stopped at is live (e.g. a block mapped above the requested level):
  // the host is told `ipa` itself (RMI_RTT_UNMAP_UNPROTECTED: "mapped at a lower level",
  // top == ipa; rtt_walk / rtte_state post-conditions: top == walk_top).
  if (s2tt::is_live(s2tt::decode(t[w.index], w.level, realm.lpa2).type)) return ipa;
  const uint64_t esz = s2tt::entry_size(w.level);
  uint64_t addr = ipa & ~(esz - 1);
  for (unsigned i = w.index; i < s2tt::kEntriesPerTable; ++i, addr += esz) {
    if (s2tt::is_live(s2tt::decode(t[i], w.level, realm.lpa2).type)) return addr;
  }
  return std::min(addr, realm.ipa_size());
}

void Context::invalidate_ipa(platform::Requester& req, Realm& realm, uint64_t ipa, uint64_t size) {
  req.charge(costs.tlbi_ipa);
  if (guest_cpu) guest_cpu->invalidate_ipa(realm, ipa, size);
}

const PlatformAttestation& Context::attestation() {
  if (!attestation_)
    attestation_ = std::make_unique<PlatformAttestation>(PlatformAttestation::from_seed(soc.config().seed));
  return *attestation_;
}

}  // namespace rmm
