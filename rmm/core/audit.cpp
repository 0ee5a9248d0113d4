// Rmm::audit: the RMM's records checked against each other, between RMI commands. A fuzzer
// calls it after every step: a broken ownership or refcount here is a security bug (a realm
// mapping another's page, a granule freed while still mapped) even when no access faults yet.
#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>

#include "core/context.h"
#include "platform/dram.h"
#include "platform/soc.h"
#include "rmm/rmm.h"

namespace rmm {
namespace {

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

class Auditor {
 public:
  explicit Auditor(const Context& ctx) : ctx_(ctx), dram_(ctx.soc.dram()) {}

  AuditResult run() {
    std::map<uint64_t, const Realm*> by_rd;  // ascending RD PA: a stable report
    for (const auto& [rd, r] : ctx_.realms) by_rd[rd] = r.get();
    for (const auto& [rd, realm] : by_rd) audit_realm(*realm);
    for (const auto& [pa, rec] : ctx_.recs) audit_rec(*rec);
    for (const auto& [handle, op] : ctx_.sros.all()) audit_sro(handle, op);
    // Every granule an object state names is held by exactly one owner; none is orphaned.
    const GranuleTable& g = ctx_.granules;
    for (uint64_t pa = g.base(); pa < g.base() + g.size(); pa += g.granule_size()) {
      const GranuleState s = g.state(pa);
      if (s == GranuleState::Undelegated || s == GranuleState::Delegated) {
        if (g.refcount(pa)) problem(pa, std::string(to_string(s)) + " granule with refcount " + std::to_string(g.refcount(pa)));
        continue;
      }
      if (!owner_.count(pa)) problem(pa, std::string(to_string(s)) + " granule that no realm holds (leaked)");
    }
    return std::move(out_);
  }

 private:
  void problem(uint64_t pa, const std::string& what) { out_.problems.push_back(hex(pa) + ": " + what); }

  // Records that `owner` (an RD's PA) holds granule `pa` in state `want`; true when it is
  // the first holder and in that state (an RTT's entries are then walked, once).
  bool hold(uint64_t pa, GranuleState want, uint64_t owner, const std::string& why) {
    if (!ctx_.granules.tracked(pa)) {
      problem(pa, why + " points outside the granule table");
      return false;
    }
    const bool right = ctx_.granules.state(pa) == want;
    if (!right) problem(pa, why + " points at a " + to_string(ctx_.granules.state(pa)) + " granule, not " + to_string(want));
    const auto [it, fresh] = owner_.emplace(pa, owner);
    if (!fresh) problem(pa, why + " holds a granule already held by realm " + hex(it->second));
    return fresh && right;
  }

  uint64_t entry(uint64_t table, unsigned i) const {
    uint64_t v = 0;
    if (dram_.contains(table + 8 * i, 8)) std::memcpy(&v, dram_.host(table + 8 * i), 8);
    return v;
  }

  void audit_realm(const Realm& r) {
    RealmObjects o;
    o.rd = r.rd;
    hold(r.rd, GranuleState::Rd, r.rd, "realm " + hex(r.rd));
    unsigned recs = 0, ops = 0;
    for (const auto& [pa, rec] : ctx_.recs)
      if (rec->rd == r.rd) ++recs;
    for (const auto& [h, op] : ctx_.sros.all())
      if (op.rd == r.rd) ++ops;
    if (ctx_.granules.tracked(r.rd) && ctx_.granules.refcount(r.rd) != recs + ops)
      problem(r.rd, "RD refcount " + std::to_string(ctx_.granules.refcount(r.rd)) + ", but the realm has " +
                        std::to_string(recs) + " RECs and " + std::to_string(ops) + " open operations");
    // The REC_CREATE in progress, if any, is an open operation of this realm that builds a REC.
    if (r.open_sro) {
      const auto it = ctx_.sros.all().find(r.open_sro);
      if (it == ctx_.sros.all().end() || it->second.rd != r.rd || it->second.kind != Sro::Kind::RecCreate)
        problem(r.rd, "realm's REC_CREATE handle " + hex(r.open_sro) + " names no open REC_CREATE of it");
    }
    for (unsigned i = 0; i < r.num_root; ++i) {
      const uint64_t root = r.rtt_base + i * r.geometry.granule();
      const uint64_t span = r.geometry.entry_size(r.start_level) * r.geometry.entries();
      if (hold(root, GranuleState::Rtt, r.rd, "realm " + hex(r.rd) + "'s starting RTT"))
        audit_table(r, o, root, i * span, r.start_level);
    }
    out_.realms.push_back(std::move(o));
  }

  void audit_table(const Realm& r, RealmObjects& o, uint64_t table, uint64_t base, int level) {
    unsigned refs = 0;
    const uint64_t esz = r.geometry.entry_size(level);
    for (unsigned i = 0; i < r.geometry.entries(); ++i) {
      const uint64_t ipa = base + i * esz;
      const s2tt::Entry e = s2tt::decode(r.geometry, entry(table, i), level, r.lpa2);
      const std::string why = "realm " + hex(r.rd) + " RTT entry for IPA " + hex(ipa) + " level " + std::to_string(level);
      if (s2tt::holds_ref(e.type)) ++refs;
      if (e.type == s2tt::Type::Invalid) {
        problem(table + 8 * i, why + " has an encoding the RMM never writes");
      } else if (e.type == s2tt::Type::Table) {
        if (level >= s2tt::kPageLevel) { problem(table + 8 * i, why + " is a table at level 3"); continue; }
        if (hold(e.oa, GranuleState::Rtt, r.rd, why)) {
          o.rtts.push_back({e.oa, ipa, level + 1});
          audit_table(r, o, e.oa, ipa, level + 1);
        }
      } else if (s2tt::is_assigned(e.type)) {
        // A block covers granules of DATA, each held.
        for (uint64_t off = 0; off < esz; off += r.geometry.granule()) hold(e.oa + off, GranuleState::Data, r.rd, why);
        o.data.push_back({ipa, level});
      } else if (e.type == s2tt::Type::AssignedNs) {
        o.unprotected.push_back({ipa, level});
      }
    }
    if (ctx_.granules.tracked(table) && ctx_.granules.state(table) == GranuleState::Rtt &&
        ctx_.granules.refcount(table) != refs)
      problem(table, "RTT refcount " + std::to_string(ctx_.granules.refcount(table)) + ", but " +
                         std::to_string(refs) + " of its entries hold a granule");
  }

  void audit_rec(const Rec& rec) {
    if (!ctx_.realms.count(rec.rd)) problem(rec.pa, "REC of a realm that does not exist (" + hex(rec.rd) + ")");
    hold(rec.pa, GranuleState::Rec, rec.rd, "REC " + hex(rec.pa));
    const unsigned want = rec.running ? 1 : 0;
    if (ctx_.granules.tracked(rec.pa) && ctx_.granules.refcount(rec.pa) != want)
      problem(rec.pa, "REC refcount " + std::to_string(ctx_.granules.refcount(rec.pa)) + " (running: " +
                          (rec.running ? "yes" : "no") + ")");
    for (uint64_t a : rec.aux) hold(a, GranuleState::RecAux, rec.rd, "REC " + hex(rec.pa) + "'s auxiliary granule");
    for (auto& o : out_.realms)
      if (o.rd == rec.rd) o.recs.push_back(rec.pa);
  }

  // An open operation: its realm exists, it holds its PARTIAL REC granule, the REC_AUX
  // granules donated so far and those it releases (REC_AUX until the host reclaims them).
  void audit_sro(uint64_t handle, const Sro& op) {
    const std::string what = "operation " + hex(handle);
    if (!ctx_.realms.count(op.rd)) problem(op.rec, what + " of a realm that does not exist (" + hex(op.rd) + ")");
    hold(op.rec, GranuleState::Partial, op.rd, what + "'s REC");
    for (uint64_t a : op.donated) hold(a, GranuleState::RecAux, op.rd, what + "'s donated granule");
    for (uint64_t a : op.to_reclaim) hold(a, GranuleState::RecAux, op.rd, what + "'s granule to reclaim");
    if (op.kind == Sro::Kind::RecCreate && !op.cancelling && op.needed + op.donated.size() != kRecAuxCount)
      problem(op.rec, what + " has " + std::to_string(op.donated.size()) + " granules and wants " +
                          std::to_string(op.needed) + " more (a REC has " + std::to_string(kRecAuxCount) + ")");
    for (auto& o : out_.realms)
      if (o.rd == op.rd)
        o.ops.push_back({handle, op.rec, op.kind == Sro::Kind::RecCreate, op.cancelling, op.wait == Sro::Wait::Reclaim});
  }

  const Context& ctx_;
  const platform::Dram& dram_;
  std::map<uint64_t, uint64_t> owner_;  // granule -> RD of the realm that holds it
  AuditResult out_;
};

}  // namespace

AuditResult Rmm::audit() const {
  AuditResult r = Auditor(*ctx_).run();
  // RECs in creation order (the host destroys them in any order; reports read better).
  for (auto& o : r.realms)
    std::sort(o.recs.begin(), o.recs.end(), [&](uint64_t a, uint64_t b) {
      return ctx_->recs.at(a)->index < ctx_->recs.at(b)->index;
    });
  return r;
}

}  // namespace rmm
