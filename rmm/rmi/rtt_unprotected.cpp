// RMI_RTT_MAP_UNPROTECTED and RMI_RTT_UNMAP_UNPROTECTED (RMM spec 1.0): the host maps its own
// (Non-secure) memory into the unprotected half of a realm's IPA space, at levels 1 to 3.
#include "core/context.h"
#include "core/s2tt_walk.h"
#include "platform/requester.h"

namespace rmm {
namespace {


bool level_valid(const s2tt::Geometry& g, int64_t level) { return level >= g.min_block_level() && level <= s2tt::kPageLevel; }

// host_ns_s2tte_is_valid: only the output address (aligned to the level) and the
// host-controlled attributes may be set; MemAttr[3] is RES0 with FEAT_S2FWB.
bool host_desc_valid(const Realm& r, uint64_t desc, int level) {
  const uint64_t allowed = s2tt::oa_mask(r.geometry, level, r.lpa2) | s2tt::host_attr_mask(r.lpa2);
  if (desc & ~allowed) return false;
  if (desc & (uint64_t{1} << 5)) return false;  // MemAttr[3]
  return true;
}

}  // namespace

uint64_t rmi_rtt_map_unprotected(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), ipa = call.arg(2), desc = call.arg(4);
  const int64_t level = static_cast<int64_t>(call.arg(3));
  // level_bound
  if (!level_valid(ctx.geometry(), level)) return err(rmi::Status::ErrorInput);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  const int lvl = static_cast<int>(level);
  // desc_valid
  if (!host_desc_valid(r, desc, lvl)) return err(rmi::Status::ErrorInput);
  // ipa_align, ipa_bound: level-aligned, inside the IPA space, in the unprotected half.
  if (ipa >= r.ipa_size() || !r.geometry.aligned(ipa, lvl) || r.in_par(ipa)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, lvl);
  // rtt_walk
  if (w.level != lvl) return err_rtt(w.level);
  // rtte_state
  if (w.entry.type != s2tt::Type::UnassignedNs) return err_rtt(lvl);
  s2tt::Entry e;
  e.type = s2tt::Type::AssignedNs;
  e.oa = s2tt::decode_oa(r.geometry, desc, lvl, r.lpa2);
  e.ns_attrs = desc & s2tt::host_attr_mask(r.lpa2);
  rtt_set(call.req, ctx.granules, r, w, e);
  return ok();
}

uint64_t rmi_rtt_unmap_unprotected(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), ipa = call.arg(2);
  const int64_t level = static_cast<int64_t>(call.arg(3));
  // level_bound
  if (!level_valid(ctx.geometry(), level)) return err(rmi::Status::ErrorInput);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  const int lvl = static_cast<int>(level);
  // ipa_align, ipa_bound
  if (ipa >= r.ipa_size() || !r.geometry.aligned(ipa, lvl) || r.in_par(ipa)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, lvl);
  // rtt_walk, rtte_state: an ASSIGNED_NS entry at the requested level. X1 tells the host
  // where the next live entry is, on failure too.
  if (w.level != lvl || w.entry.type != s2tt::Type::AssignedNs) {
    call.out(1, skip_non_live(call.req, r, w, ipa));
    return err_rtt(w.level);
  }
  s2tt::Entry e;
  e.type = s2tt::Type::UnassignedNs;
  rtt_set(call.req, ctx.granules, r, w, e);
  ctx.invalidate_ipa(call.req, r, ipa, r.geometry.entry_size(lvl));
  RttWalk after = w;
  after.entry = e;
  call.out(1, skip_non_live(call.req, r, after, ipa));
  return ok();
}

}  // namespace rmm
