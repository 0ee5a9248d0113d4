#include "core/context.h"

#include <cctype>
#include <stdexcept>
#include <utility>

#include "core/attestation_token.h"
#include "platform/guest_cpu.h"
#include "platform/monitor.h"
#include "platform/pe.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/soc.h"

namespace rmm {

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

CommandStats::CommandStats(const std::string& name, platform::StatGroup& parent,
                           platform::abi::Table<platform::abi::StatusCode> statuses)
    : group(name, &parent),
      calls(group.counter("calls", "commands called")),
      other_status(group.counter("other_status", "RSI/PSCI results other than success")),
      latency(group.histogram("latency", "ns", "simulated time of one call")),
      time(group.breakdown("time", "simulated time in the command, by cost")) {
  for (const platform::abi::StatusCode& st : statuses)
    by_status[st.value] = &group.counter(st.value == 0 ? "success" : lower(st.name + 4),  // "error_input"...
                                         std::string("results ") + st.name);
}

void CommandStats::count(uint64_t x0, const platform::CostMeter& meter, const platform::Requester& req) {
  ++calls;
  const unsigned s = x0 & 0xFF;
  // RMI_INCOMPLETE carries its memory request in X0[10:8]: still an RMI status.
  const bool rmi_status = s == static_cast<unsigned>(rmi::Status::Incomplete) ? x0 >> 11 == 0 : x0 >> 16 == 0;
  if (rmi_status && s < rmi::kMaxStatus && by_status[s]) ++*by_status[s]; else ++other_status;
  meter.stop(time, req.ledger(), req.now());
  latency.sample((req.now() - meter.start()).value() / 1000);
}

Context::Context(platform::Soc& s, const platform::abi::Spec& a)
    : soc(s), abi(a), v2(a.rmi_version >> 16 == 2), monitor(s.monitor()),
      granules(s.config().dram_base, s.config().dram_size),
      stats("rmm", &s.stats()) {
  const auto& p = s.profile();
  costs.rmi_dispatch = p.charge("rmm.rmi_dispatch");
  costs.rsi_dispatch = p.charge("rmm.rsi_dispatch");
  costs.granule_lock = p.charge("rmm.granule_lock");
  costs.rec_enter = p.charge("rmm.rec_enter");
  costs.rec_exit = p.charge("rmm.rec_exit");
  costs.tlbi_ipa = p.charge("rmm.tlbi_ipa");
  costs.attest_sign = p.charge("rmm.attest_sign");
  costs.sha256 = p.rate("rmm.sha256");
  costs.sha512 = p.rate("rmm.sha512");

  namespace f = rmi::feat0;
  features0 = (uint64_t{52} << f::kS2szShift) | (uint64_t{1} << f::kLpa2Shift) |
              (uint64_t{max_bps} << f::kNumBpsShift) | (uint64_t{max_wps} << f::kNumWpsShift) |
              (uint64_t{1} << f::kHashSha256Shift) | (uint64_t{1} << f::kHashSha512Shift) |
              (uint64_t{num_lrs - 1} << f::kGicv3NumLrsShift) |
              (uint64_t{10} << f::kMaxRecsOrderShift);
  namespace f1 = rmi::feat1;
  features1 = (uint64_t{1} << f1::kGranSz4kShift) | (uint64_t{1} << f1::kGranSz16kShift) |
              (uint64_t{1} << f1::kGranSz64kShift) | (uint64_t{1} << f1::kHashSha256Shift) |
              (uint64_t{1} << f1::kHashSha512Shift) | (uint64_t{10} << f1::kMaxRecsOrderShift);
}

Context::~Context() = default;

CommandStats& Context::add_command_stats(const std::string& name, platform::StatGroup& family) {
  command_stats.emplace_back(name, family, abi.statuses);
  return command_stats.back();
}

bool Context::pa_delegable(uint64_t pa) const {
  return granules.tracked(pa) && monitor.is_delegable(pa);
}

uint64_t Context::boot_rmi_granule_size() const { return uint64_t{1} << monitor.gpc_config().p(); }

uint64_t Context::rmi_granule_sizes() const {
  namespace f1 = rmi::feat1;
  uint64_t sizes = 0;
  for (const auto& [shift, bytes] : {std::pair{f1::kGranSz4kShift, uint64_t{4} << 10},
                                     std::pair{f1::kGranSz16kShift, uint64_t{16} << 10},
                                     std::pair{f1::kGranSz64kShift, uint64_t{64} << 10}})
    if ((features1 >> shift & 1) && bytes >= boot_rmi_granule_size()) sizes |= uint64_t{1} << shift;
  return sizes;
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

namespace {
bool gtsi(platform::Monitor& monitor, platform::Requester& req, uint32_t fid, uint64_t pa) {
  platform::abi::SmcRegs r;
  r.x[0] = fid;
  r.x[1] = pa;
  monitor.smc(req, platform::World::Realm, r);
  return r.x[0] == platform::abi::kRmmEl3Ok;
}
}  // namespace

// The monitor moves one GPT granule (PGS) per call; an RMI granule larger than the PGS takes
// several, undone if one fails.
bool Context::gtsi_delegate(platform::Requester& req, uint64_t pa) {
  const uint64_t pgs = boot_rmi_granule_size();
  for (uint64_t off = 0; off < granule_size(); off += pgs) {
    if (gtsi(monitor, req, platform::abi::kRmmGtsiDelegate, pa + off)) continue;
    for (uint64_t back = 0; back < off; back += pgs) gtsi(monitor, req, platform::abi::kRmmGtsiUndelegate, pa + back);
    return false;
  }
  return true;
}

bool Context::gtsi_undelegate(platform::Requester& req, uint64_t pa) {
  const uint64_t pgs = boot_rmi_granule_size();
  bool ok = true;
  for (uint64_t off = 0; off < granule_size(); off += pgs)
    ok = gtsi(monitor, req, platform::abi::kRmmGtsiUndelegate, pa + off) && ok;
  return ok;
}

void Context::zero_granule(platform::Requester& req, uint64_t pa) {
  if (!req.fill(pa, 0, granule_size(), gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: cannot zero a granule the RMM owns (GPT out of step)");
}

std::vector<uint64_t>& Context::table_buffer(const platform::Requester& req) { return table_buffers_[&req]; }

bool Context::read_ns(platform::Requester& req, uint64_t pa, void* dst, uint64_t len) {
  return req.read(pa, dst, len, gpt::Pas::NonSecure).ok();
}

bool Context::write_ns(platform::Requester& req, uint64_t pa, const void* src, uint64_t len) {
  return req.write(pa, src, len, gpt::Pas::NonSecure).ok();
}

void Context::charge_hash(platform::Requester& req, HashAlgorithm algo, uint64_t bytes) {
  req.charge(algo == HashAlgorithm::Sha512 ? costs.sha512 : costs.sha256, bytes);
}

void Context::charge_lock(platform::Requester& req, unsigned n) {
  req.charge(costs.granule_lock, static_cast<double>(n));
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
