#include "core/s2tt_walk.h"

#include <algorithm>
#include <stdexcept>

#include "core/context.h"
#include "core/granule.h"
#include "core/rd.h"
#include "platform/requester.h"

namespace rmm {

uint64_t rtt_read(platform::Requester& req, uint64_t entry_pa) {
  uint64_t v = 0;
  if (!req.read64(entry_pa, v, gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: an RTT read faulted (RTT granule not in the Realm PAS)");
  return v;
}

void rtt_write(platform::Requester& req, uint64_t entry_pa, uint64_t desc) {
  if (!req.write64(entry_pa, desc, gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: an RTT write faulted (RTT granule not in the Realm PAS)");
}

void rtt_read_table(platform::Requester& req, const s2tt::Geometry& g, uint64_t table_pa, std::vector<uint64_t>& out) {
  out.resize(g.entries());
  if (!req.read(table_pa, out.data(), g.granule(), gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: an RTT read faulted (RTT granule not in the Realm PAS)");
}

RttRoot rtt_root(const Realm& realm) { return {realm.geometry, realm.start_level, realm.num_root, realm.rtt_base}; }

RttWalk rtt_walk(platform::Requester& req, const RttRoot& root, bool lpa2, uint64_t ipa, int target_level) {
  const s2tt::Geometry& g = root.geometry;
  RttWalk w;
  w.level = root.start_level;
  // The starting level may be several concatenated RTTs: index across all of them.
  const uint64_t root_entries = uint64_t{root.num_root} * g.entries();
  const uint64_t idx = (ipa >> g.level_shift(w.level)) & (root_entries - 1);
  w.table = root.rtt_base + (idx / g.entries()) * g.granule();
  w.index = static_cast<unsigned>(idx % g.entries());
  for (;;) {
    w.desc = rtt_read(req, w.entry_pa());
    w.entry = s2tt::decode(g, w.desc, w.level, lpa2);
    if (w.level >= target_level || w.entry.type != s2tt::Type::Table) return w;
    w.table = w.entry.oa;
    ++w.level;
    w.index = g.table_index(ipa, w.level);
  }
}

RttWalk rtt_walk(platform::Requester& req, const Realm& realm, uint64_t ipa, int target_level) {
  return rtt_walk(req, rtt_root(realm), realm.lpa2, ipa, target_level);
}

void rtt_set(platform::Requester& req, GranuleTable& granules, const Realm& realm, const RttWalk& w,
             const s2tt::Entry& e) {
  const bool was_live = s2tt::holds_ref(w.entry.type);
  const bool live = s2tt::holds_ref(e.type);
  rtt_write(req, w.entry_pa(), s2tt::encode(e, w.level, realm.lpa2));
  if (was_live != live) granules.refcount_add(w.table, live ? 1 : -1);
}

uint64_t skip_non_live(platform::Requester& req, const Realm& realm, const RttWalk& w, uint64_t ipa) {
  const s2tt::Geometry& g = realm.geometry;
  std::vector<uint64_t>& t = realm.context().table_buffer(req);
  rtt_read_table(req, g, w.table, t);
  // The entry the walk stopped at is live (e.g. a block mapped above the requested level):
  // the host is told `ipa` itself (RMI_RTT_UNMAP_UNPROTECTED: "mapped at a lower level",
  // top == ipa; rtt_walk / rtte_state post-conditions: top == walk_top).
  if (s2tt::is_live(s2tt::decode(g, t[w.index], w.level, realm.lpa2).type)) return ipa;
  const uint64_t esz = g.entry_size(w.level);
  uint64_t addr = ipa & ~(esz - 1);
  for (unsigned i = w.index; i < g.entries(); ++i, addr += esz) {
    if (s2tt::is_live(s2tt::decode(g, t[i], w.level, realm.lpa2).type)) return addr;
  }
  return std::min(addr, realm.ipa_size());
}

}  // namespace rmm
