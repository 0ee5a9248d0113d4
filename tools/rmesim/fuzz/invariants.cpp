#include "fuzz/invariants.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <sstream>

#include "host/kvm.h"
#include "host/page_allocator.h"
#include "platform/abi/rmi.h"
#include "platform/dram.h"
#include "platform/requester.h"
#include "platform/soc.h"
#include "rmm/rmm.h"

namespace rmesim::fuzz {
namespace {

namespace rmi = platform::abi::rmi;
constexpr uint64_t kGranule = 4096;
constexpr uint8_t kNumStates = static_cast<uint8_t>(rmm::GranuleState::Partial) + 1;

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

const char* state_name(uint8_t s) {
  return s < kNumStates ? rmm::to_string(static_cast<rmm::GranuleState>(s)) : "(no state)";
}

// The offset of the first secret word in `buf`, or -1.
long find_secret(const uint8_t* buf, size_t len) {
  for (size_t i = 0; i + 8 <= len; i += 8) {
    uint64_t v;
    std::memcpy(&v, buf + i, 8);
    if (v >> 32 == kSecretTag) return static_cast<long>(i);
  }
  return -1;
}

std::vector<uint8_t> granule_states(RunContext& c) {
  const auto& cfg = c.soc.config();
  std::vector<uint8_t> s(cfg.dram_size / kGranule);
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(c.rmm->granule_state(cfg.dram_base + i * kGranule));
  return s;
}

std::string lower_status(unsigned s) {
  if (s == 0) return "success";
  std::string n = rmi::to_string(static_cast<rmi::Status>(s)) + 4;  // "ERROR_INPUT"
  for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return n;
}

}  // namespace

void Invariants::before_steps(RunContext& c) { c.soc.smmu().log_client_accesses(&dma_log_); }

// Every client transaction of the step that reached a granule the RMM gave a realm (any state
// but UNDELEGATED) was stopped by the SMMU's GPC unit.
std::string Invariants::check_dma(RunContext& c) {
  const uint64_t base = c.soc.config().dram_base, end = base + c.soc.config().dram_size;
  std::string v;
  for (const auto& a : dma_log_) {
    for (uint64_t g = a.pa & ~(kGranule - 1); v.empty() && g < a.pa + a.len && g >= base && g < end; g += kGranule) {
      const rmm::GranuleState s = c.rmm->granule_state(g);
      if (s == rmm::GranuleState::Undelegated) continue;
      if (a.done || !a.gpf)
        v = std::string("a Non-secure device ") + (a.write ? "wrote " : "read ") + std::to_string(a.len) + " B at " + hex(a.pa) +
            " (SID " + std::to_string(a.sid) + ", a " + rmm::to_string(s) + " granule)" +
            (a.done ? " and the SMMU let it through" : " and the SMMU refused it without a GPF");
    }
    if (!v.empty()) break;
  }
  dma_log_.clear();
  return v;
}

std::string Invariants::after_step(RunContext& c) {
  ++steps_;
  const StepRecord& rec = c.steps.back();
  const uint64_t ns = (rec.end - rec.start).value() / 1000;
  if (ns > step_limit_ns_)
    return "the step took " + std::to_string(ns) + " ns of simulated time (bound " + std::to_string(step_limit_ns_) + " ns)";
  if (std::string v = check_dma(c); !v.empty()) return v;
  const rmm::AuditResult a = c.rmm->audit();
  if (!a.problems.empty())
    return "the RMM's records disagree: " + a.problems.front() +
           (a.problems.size() > 1 ? " (and " + std::to_string(a.problems.size() - 1) + " more)" : "");
  if (const auto bad = c.rmm->gpt_disagreements(c.pe.requester(), 1); !bad.empty())
    return "the GPT and the RMM's granule state disagree at " + hex(bad.front()) + " (" +
           rmm::to_string(c.rmm->granule_state(bad.front())) + ")";
  return probe(c);
}

// Non-secure reads through the stepping PE's GPC: of every granule that changed state in the
// step, and of a few delegated ones chosen by the step count.
std::string Invariants::probe(RunContext& c) {
  const uint64_t base = c.soc.config().dram_base;
  std::vector<uint8_t> now = granule_states(c);
  if (states_.empty()) states_.assign(now.size(), 0);
  std::vector<size_t> delegated, changed;
  for (size_t i = 0; i < now.size(); ++i) {
    if (now[i] >= kNumStates) return "granule " + hex(base + i * kGranule) + " is in no state (" + std::to_string(now[i]) + ")";
    if (now[i]) delegated.push_back(i);
    if (now[i] != states_[i]) changed.push_back(i);
  }
  for (size_t k = 0; k < 3 && !delegated.empty(); ++k)
    changed.push_back(delegated[(steps_ * 0x9E3779B97F4A7C15ull + k * 7919) % delegated.size()]);
  auto& req = c.pe.requester();
  std::vector<uint8_t> buf(kGranule);
  for (size_t i : changed) {
    const uint64_t pa = base + i * kGranule;
    const bool was_delegated = states_[i] != 0;
    std::fill(buf.begin(), buf.end(), 0);
    if (now[i]) {
      const platform::AccessStatus st = req.read(pa, buf.data(), 8, gpt::Pas::NonSecure);
      if (st.ok())
        return "a Non-secure read of " + hex(pa) + " (" + state_name(now[i]) + ") did not fault";
    } else if (was_delegated) {
      // Just undelegated: the RMM scrubbed it, so no secret of the realm may be in it.
      const platform::AccessStatus st = req.read(pa, buf.data(), kGranule, gpt::Pas::NonSecure);
      if (!st.ok()) return "a Non-secure read of undelegated " + hex(pa) + " faulted";
      if (const long at = find_secret(buf.data(), buf.size()); at >= 0)
        return "a Non-secure read of " + hex(pa + at) + " returned a realm's secret (undelegated from " +
               state_name(states_[i]) + " without a scrub)";
      ever_delegated_.push_back(pa);
    }
  }
  states_ = std::move(now);
  return "";
}

std::string Invariants::at_end(RunContext& c) {
  if (const auto* family = c.rmm->stats().find_group("rmi"))
    for (const platform::StatGroup* g : family->children())
      for (const platform::abi::StatusCode& st : c.scenario.rmm->statuses)
        if (const auto* n = g->find_counter(lower_status(st.value)); n && n->value)
          coverage_[coverage_key(*c.scenario.rmm, g->name())][st.name] += n->value;
  if (std::string e = teardown_everything(c); !e.empty()) return e;
  // No Non-secure memory the realm ever owned holds one of its secrets (the host reads it all).
  const auto& dram = c.soc.dram();
  for (const auto& [name, pa] : c.granules) ever_delegated_.push_back(pa);
  for (uint64_t pa : ever_delegated_)
    if (const long at = find_secret(dram.host(pa), kGranule); at >= 0)
      return "Non-secure memory at " + hex(pa + at) + " holds a realm's secret after teardown";
  const std::vector<uint8_t> now = granule_states(c);
  size_t left = 0, first = 0;
  for (size_t i = 0; i < now.size(); ++i)
    if (now[i] && !left++) first = i;
  if (left)
    return "after teardown " + std::to_string(left) + " granules are not UNDELEGATED (the first " +
           hex(c.soc.config().dram_base + first * kGranule) + ", " + state_name(now[first]) + ")";
  return "";
}

// What a careful host does with whatever the sequence left: destroy each realm's RECs, DATA,
// unprotected mappings, RTTs (deepest first; a block is first unfolded by an RTT_CREATE) and
// RD, then undelegate every DELEGATED granule. Under RMM 2.0-bet1 it first takes every open
// operation to its end (cancelling a REC_CREATE, reclaiming what it hands back), terminates
// each realm, reclaims each REC's auxiliary granules, unmaps by range and undelegates by
// GRANULE_RANGE_UNDELEGATE. An RMI call that fails here is a leak only if something stays
// delegated.
std::string Invariants::teardown_everything(RunContext& c) {
  auto& rmi = c.kvm->rmi();
  const bool v2 = c.scenario.rmm->rmi_version != rmi::kVersion;
  // OP_MEM_RECLAIM's list: a page of the host's that is Non-secure (the walk may have delegated
  // free pages behind the allocator's back, by range).
  std::optional<uint64_t> list = c.kvm->pages().alloc();
  for (int i = 0; i < 1024 && list && c.rmm->granule_state(*list) != rmm::GranuleState::Undelegated; ++i)
    list = c.kvm->pages().alloc();
  if (!list || c.rmm->granule_state(*list) != rmm::GranuleState::Undelegated) return "teardown: out of Non-secure host pages";
  // Takes operation `handle` to its end from its last answer `r`.
  auto finish = [&](uint64_t handle, host::RmiResult r) {
    for (int i = 0; i < 64 && r.status() == rmi::Status::Incomplete; ++i)
      r = rmi::memreq_of(r.x[0]) == rmi::MemReq::Reclaim ? rmi.call(rmi::kOpMemReclaim, {handle, *list, 512})
                                                         : rmi.call(rmi::kOpCancel, {handle});
  };
  auto delegate = [&](uint64_t pa) {
    return (v2 ? rmi.call(rmi::kGranuleRangeDelegate, {pa, pa + kGranule}) : rmi.call(rmi::kGranuleDelegate, {pa})).ok();
  };
  for (int pass = 0; pass < 4; ++pass) {
    const rmm::AuditResult a = c.rmm->audit();
    if (a.realms.empty()) break;
    for (const auto& r : a.realms) {
      for (const auto& op : r.ops) {
        host::RmiResult state;
        state.x[0] = rmi::pack_incomplete(op.reclaim ? rmi::MemReq::Reclaim : rmi::MemReq::None, false);
        finish(op.handle, state);
      }
      if (v2) rmi.call(rmi::kRealmTerminate, {r.rd});
      for (uint64_t rec : r.recs) {
        const host::RmiResult d = rmi.call(rmi::kRecDestroy, {rec});
        finish(d.x[1], d);
      }
      for (const auto& d : r.data) {
        if (d.level == 3) {
          if (v2) rmi.call(rmi::kRttDataUnmap, {r.rd, d.ipa, d.ipa + kGranule, 0, 0});
          else rmi.call(rmi::kDataDestroy, {r.rd, d.ipa});
          continue;
        }
        const auto page = c.kvm->pages().alloc();
        if (!page) return "teardown: out of host pages to unfold a block";
        if (delegate(*page)) rmi.call(rmi::kRttCreate, {r.rd, *page, d.ipa, static_cast<uint64_t>(d.level + 1)});
      }
      for (const auto& u : r.unprotected) {
        if (!v2) rmi.call(rmi::kRttUnmapUnprotected, {r.rd, u.ipa, static_cast<uint64_t>(u.level)});
        else if (u.level == 3) rmi.call(rmi::kRttUnprotUnmap, {r.rd, u.ipa, u.ipa + kGranule, 0, 0});
      }
      for (auto it = r.rtts.rbegin(); it != r.rtts.rend(); ++it)
        rmi.call(rmi::kRttDestroy, {r.rd, it->ipa, static_cast<uint64_t>(it->level)});
      rmi.call(rmi::kRealmDestroy, {r.rd});
    }
  }
  c.kvm->pages().free(*list);
  const uint64_t base = c.soc.config().dram_base;
  const std::vector<uint8_t> now = granule_states(c);
  for (size_t i = 0; i < now.size(); ++i)
    if (now[i] == static_cast<uint8_t>(rmm::GranuleState::Delegated)) {
      const uint64_t pa = base + i * kGranule;
      const host::RmiResult r = v2 ? rmi.call(rmi::kGranuleRangeUndelegate, {pa, pa + kGranule}) : rmi.call(rmi::kGranuleUndelegate, {pa});
      if (!r.ok() || (v2 && r.x[1] != pa + kGranule))
        return std::string("teardown: ") + (v2 ? "RMI_GRANULE_RANGE_UNDELEGATE" : "RMI_GRANULE_UNDELEGATE") + " of " + hex(pa) + " failed";
      ever_delegated_.push_back(pa);
    }
  return "";
}

}  // namespace rmesim::fuzz
