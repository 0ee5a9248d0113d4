// RTT walks over a realm's stage-2 tables in Realm-PAS memory (TF-RMM lib/s2tt's walk): every
// entry read and write is a timed Realm-PAS access by the calling PE's requester. The caller
// holds the realm's RD lock. Entry encodings are core/s2tt.h.
#pragma once
#include <cstdint>
#include <vector>

#include "core/s2tt.h"

namespace platform {
class Requester;
}  // namespace platform

namespace rmm {

class GranuleTable;
class Realm;

// Where an RTT walk stopped.
struct RttWalk {
  int level = 0;         // level of the entry reached
  uint64_t table = 0;    // PA of the RTT that holds it
  unsigned index = 0;    // its index in that RTT
  uint64_t desc = 0;
  s2tt::Entry entry;
  uint64_t entry_pa() const { return table + 8 * uint64_t{index}; }
};

// Where a walk starts: the starting-level RTTs and the geometry of the tables below them.
struct RttRoot {
  s2tt::Geometry geometry;
  int start_level = 0;
  unsigned num_root = 1;
  uint64_t rtt_base = 0;
};
RttRoot rtt_root(const Realm& realm);

uint64_t rtt_read(platform::Requester& req, uint64_t entry_pa);
void rtt_write(platform::Requester& req, uint64_t entry_pa, uint64_t desc);
// The whole RTT at `table_pa`: geometry.entries() entries.
void rtt_read_table(platform::Requester& req, const s2tt::Geometry& g, uint64_t table_pa, std::vector<uint64_t>& out);
// Walks from the starting level towards `target_level`, following TABLE entries; stops at
// `target_level` or at the first entry that is not a table.
RttWalk rtt_walk(platform::Requester& req, const RttRoot& root, bool lpa2, uint64_t ipa, int target_level);
RttWalk rtt_walk(platform::Requester& req, const Realm& realm, uint64_t ipa, int target_level);
// Writes entry `e` where `w` stopped and keeps the RTT's refcount (s2tt::holds_ref) in step.
void rtt_set(platform::Requester& req, GranuleTable& granules, const Realm& realm, const RttWalk& w,
             const s2tt::Entry& e);
// The first IPA at or after `ipa` in the RTT where `w` stopped whose entry is live, or the
// end of that RTT (RMI_DATA_DESTROY, RMI_RTT_DESTROY, RMI_RTT_UNMAP_UNPROTECTED "top").
uint64_t skip_non_live(platform::Requester& req, const Realm& realm, const RttWalk& w, uint64_t ipa);

}  // namespace rmm
