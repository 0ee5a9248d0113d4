// RTT commands (RMM spec 1.0): RMI_RTT_CREATE, RMI_RTT_DESTROY, RMI_RTT_FOLD,
// RMI_RTT_READ_ENTRY, RMI_RTT_INIT_RIPAS, RMI_RTT_SET_RIPAS.
//
// Level arithmetic: "structure" commands (CREATE, DESTROY, FOLD) name the level of the child
// RTT, in [start + 1, 3], and an IPA aligned to the parent entry (level - 1); READ_ENTRY names
// any level in [start, 3]. The RTTs are walked with timed reads under the RD lock.
#include <vector>

#include "core/context.h"
#include "core/s2tt_walk.h"
#include "platform/requester.h"

namespace rmm {
namespace {

// The RD named by a command: rd_align, rd_bound and (after locking) rd_state.

// level_bound + ipa_align + ipa_bound for structure commands.
bool structure_args_valid(const Realm& r, uint64_t ipa, int64_t level) {
  if (level < r.start_level + 1 || level > s2tt::kPageLevel) return false;
  return ipa < r.ipa_size() && r.geometry.aligned(ipa, static_cast<int>(level) - 1);
}

// Fills a new child RTT from its parent entry (unfolding a block when the parent maps one).
// Returns the number of child entries that hold a reference (the child's refcount).
unsigned init_child(const Realm& r, const s2tt::Entry& parent, int child_level,
                    std::vector<uint64_t>& t) {
  const uint64_t esz = r.geometry.entry_size(child_level);
  unsigned refs = 0;
  for (unsigned i = 0; i < r.geometry.entries(); ++i) {
    s2tt::Entry e;
    e.type = parent.type;
    if (s2tt::is_assigned(parent.type) || parent.type == s2tt::Type::AssignedNs) {
      e.oa = parent.oa + i * esz;
      e.ns_attrs = parent.ns_attrs;
    }
    if (s2tt::holds_ref(e.type)) ++refs;
    t[i] = s2tt::encode(e, child_level, r.lpa2);
  }
  return refs;
}

// Whether the entries of an RTT at `level` can become one entry at level - 1, and which.
bool fold_entry(const Realm& r, const std::vector<uint64_t>& t, int level, s2tt::Entry& out) {
  const s2tt::Entry first = s2tt::decode(r.geometry, t[0], level, r.lpa2);
  const uint64_t esz = r.geometry.entry_size(level);
  const bool block = s2tt::is_assigned(first.type) || first.type == s2tt::Type::AssignedNs;
  if (first.type == s2tt::Type::Table || first.type == s2tt::Type::Invalid) return false;
  for (unsigned i = 1; i < r.geometry.entries(); ++i) {
    const s2tt::Entry e = s2tt::decode(r.geometry, t[i], level, r.lpa2);
    if (e.type != first.type) return false;
    if (block && (e.oa != first.oa + i * esz || e.ns_attrs != first.ns_attrs)) return false;
  }
  if (block) {
    // Blocks exist at the geometry's block levels only (4K: 1 and 2; 16K, 64K: 2), and the
    // output must be aligned to the block size.
    if (!r.geometry.block_level(level - 1)) return false;
    if (!r.geometry.aligned(first.oa, level - 1)) return false;
  }
  out = first;
  return true;
}

}  // namespace

uint64_t rmi_rtt_create(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), rtt = call.arg(2), ipa = call.arg(3);
  const int64_t level = static_cast<int64_t>(call.arg(4));
  std::vector<uint64_t> named;
  if (granule_plausible(ctx, rd)) named.push_back(rd);
  if (granule_aligned(ctx, rtt) && ctx.pa_delegable(rtt)) named.push_back(rtt);
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted(named);
  ctx.charge_lock(call.req, static_cast<unsigned>(named.size()));
  // rd_align, rd_bound, rd_state
  if (!granule_plausible(ctx, rd) || ctx.granules.state(rd) != GranuleState::Rd) return err(rmi::Status::ErrorInput);
  Realm& r = *ctx.realm_at(rd);
  // level_bound, ipa_align, ipa_bound
  if (!structure_args_valid(r, ipa, level)) return err(rmi::Status::ErrorInput);
  // rtt_align, rtt_bound, rtt_state
  if (!granule_aligned(ctx, rtt) || !ctx.pa_delegable(rtt) || ctx.granules.state(rtt) != GranuleState::Delegated)
    return err(rmi::Status::ErrorInput);
  // An RTT's address must fit the descriptor's output address field.
  if (!r.lpa2 && rtt >= (uint64_t{1} << 48)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, static_cast<int>(level) - 1);
  // rtt_walk: the walk must reach the parent level.
  if (w.level != level - 1) return err_rtt(w.level);
  // rtte_state: the parent entry must not already be a table.
  if (w.entry.type == s2tt::Type::Table) return err_rtt(static_cast<int>(level) - 1);
  if (w.entry.type == s2tt::Type::Invalid) throw std::logic_error("rmm: corrupt RTT entry");

  std::vector<uint64_t> child(r.geometry.entries());
  const unsigned refs = init_child(r, w.entry, static_cast<int>(level), child);
  if (!call.req.write(rtt, child.data(), ctx.granule_size(), gpt::Pas::Realm).ok())
    throw std::logic_error("rmm: cannot write a delegated granule");
  ctx.granules.set_state(rtt, GranuleState::Rtt);
  if (refs) ctx.granules.refcount_add(rtt, static_cast<int>(refs));
  // Break-before-make when the parent maps a valid block, then the table entry.
  const bool was_valid = w.entry.type == s2tt::Type::AssignedRam || w.entry.type == s2tt::Type::AssignedNs;
  if (was_valid) ctx.invalidate_ipa(call.req, r, ipa, r.geometry.entry_size(w.level));
  s2tt::Entry table;
  table.type = s2tt::Type::Table;
  table.oa = rtt;
  rtt_set(call.req, ctx.granules, r, w, table);
  return ok();
}

uint64_t rmi_rtt_destroy(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), ipa = call.arg(2);
  const int64_t level = static_cast<int64_t>(call.arg(3));
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  // level_bound, ipa_align, ipa_bound
  if (!structure_args_valid(r, ipa, level)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, static_cast<int>(level) - 1);
  // rtt_walk, rtte_state: the walk must reach a TABLE entry at the parent level. The host
  // learns where the next live entry is (X2) so that it can skip empty space on teardown.
  if (w.level != level - 1 || w.entry.type != s2tt::Type::Table) {
    call.out(2, skip_non_live(call.req, r, w, ipa));
    return err_rtt(w.level);
  }
  const uint64_t rtt = w.entry.oa;
  // rtt_live: the child RTT still holds mappings or tables.
  if (ctx.granules.refcount(rtt) != 0) {
    call.out(2, ipa);
    return err_rtt(static_cast<int>(level));
  }
  s2tt::Entry e;
  e.type = r.in_par(ipa) ? s2tt::Type::UnassignedDestroyed : s2tt::Type::UnassignedNs;
  rtt_set(call.req, ctx.granules, r, w, e);
  ctx.invalidate_ipa(call.req, r, ipa, r.geometry.entry_size(w.level));
  ctx.zero_granule(call.req, rtt);
  ctx.granules.set_state(rtt, GranuleState::Delegated);
  RttWalk after = w;
  after.entry = e;
  call.out(1, rtt);
  call.out(2, skip_non_live(call.req, r, after, ipa));
  return ok();
}

uint64_t rmi_rtt_fold(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), ipa = call.arg(2);
  const int64_t level = static_cast<int64_t>(call.arg(3));
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  // level_bound, ipa_align, ipa_bound
  if (!structure_args_valid(r, ipa, level)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, static_cast<int>(level) - 1);
  // rtt_walk
  if (w.level != level - 1) return err_rtt(w.level);
  // rtte_state
  if (w.entry.type != s2tt::Type::Table) return err_rtt(static_cast<int>(level) - 1);
  const uint64_t rtt = w.entry.oa;
  std::vector<uint64_t> t;
  rtt_read_table(call.req, r.geometry, rtt, t);
  s2tt::Entry folded;
  // rtt_homo: every entry of the same kind (and, for mappings, one contiguous aligned block).
  if (!fold_entry(r, t, static_cast<int>(level), folded)) return err_rtt(static_cast<int>(level));

  const unsigned child_refs = ctx.granules.refcount(rtt);
  if (child_refs) ctx.granules.refcount_add(rtt, -static_cast<int>(child_refs));
  rtt_set(call.req, ctx.granules, r, w, folded);
  ctx.invalidate_ipa(call.req, r, ipa, r.geometry.entry_size(w.level));
  ctx.zero_granule(call.req, rtt);
  ctx.granules.set_state(rtt, GranuleState::Delegated);
  call.out(1, rtt);
  return ok();
}

uint64_t rmi_rtt_read_entry(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), ipa = call.arg(2);
  const int64_t level = static_cast<int64_t>(call.arg(3));
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  // level_bound, ipa_align, ipa_bound
  if (level < r.start_level || level > s2tt::kPageLevel) return err(rmi::Status::ErrorInput);
  if (ipa >= r.ipa_size() || !r.geometry.aligned(ipa, static_cast<int>(level))) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, static_cast<int>(level));
  using T = s2tt::Type;
  rmi::RttEntryState state = rmi::RttEntryState::Unassigned;
  uint64_t desc = 0;
  switch (w.entry.type) {
    case T::UnassignedEmpty: case T::UnassignedRam: case T::UnassignedDestroyed: case T::UnassignedNs:
      break;
    case T::AssignedEmpty: case T::AssignedRam: case T::AssignedDestroyed:
      state = rmi::RttEntryState::Assigned;
      desc = w.entry.oa;
      break;
    case T::AssignedNs:
      state = rmi::RttEntryState::Assigned;
      desc = s2tt::encode_oa(w.entry.oa, r.lpa2) | w.entry.ns_attrs;
      break;
    case T::Table:
      state = rmi::RttEntryState::Table;
      desc = w.entry.oa;
      break;
    case T::Invalid:
      throw std::logic_error("rmm: corrupt RTT entry");
  }
  // ripas: EMPTY for unprotected entries and tables (ripas_prot).
  const bool has_ripas = s2tt::is_assigned(w.entry.type) || s2tt::is_unassigned(w.entry.type);
  call.out(1, static_cast<uint64_t>(static_cast<int64_t>(w.level)));
  call.out(2, static_cast<uint64_t>(state));
  call.out(3, desc);
  call.out(4, has_ripas ? static_cast<uint64_t>(s2tt::ripas_of(w.entry.type)) : 0);
  return ok();
}

uint64_t rmi_rtt_init_ripas(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), base = call.arg(2), top = call.arg(3);
  // size_valid
  if (top <= base) return err(rmi::Status::ErrorInput);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  // base_align, top_align, base_bound, top_bound: granule-aligned, inside the protected space.
  if (!granule_aligned(ctx, base) || !granule_aligned(ctx, top) || !r.in_par(base) || !r.in_par(top - ctx.granule_size()))
    return err(rmi::Status::ErrorInput);
  // realm_state
  if (r.state != RealmState::New) return err(rmi::Status::ErrorRealm);

  const RttWalk w = rtt_walk(call.req, r, base, s2tt::kPageLevel);
  const uint64_t esz = r.geometry.entry_size(w.level);
  // base_level_align: the entry where the walk stopped must start at base.
  if (base & (esz - 1)) return err_rtt(w.level);
  std::vector<uint64_t> t;
  rtt_read_table(call.req, r.geometry, w.table, t);
  uint64_t addr = base;
  for (unsigned i = w.index; i < r.geometry.entries(); ++i) {
    const uint64_t next = addr + esz;
    if (next > top) break;  // the entry crosses top
    const s2tt::Entry e = s2tt::decode(r.geometry, t[i], w.level, r.lpa2);
    // 2.0 also makes mapped EMPTY memory RAM, and leaves RAM (mapped or not) as it is.
    const bool empty = e.type == s2tt::Type::UnassignedEmpty || (ctx.v2 && e.type == s2tt::Type::AssignedEmpty);
    if (empty) {
      s2tt::Entry ram = e;
      ram.type = e.type == s2tt::Type::UnassignedEmpty ? s2tt::Type::UnassignedRam : s2tt::Type::AssignedRam;
      rtt_write(call.req, w.table + 8 * uint64_t{i}, s2tt::encode(ram, w.level, r.lpa2));
    } else if (e.type != s2tt::Type::UnassignedRam && !(ctx.v2 && e.type == s2tt::Type::AssignedRam)) {
      break;
    }
    // RMM 1.0: the RIM covers every RTT entry whose RIPAS this command set (or found) RAM;
    // 2.0 measures no RIPAS.
    if (!ctx.v2) {
      r.measurement.extend_ripas(addr, next);
      ctx.charge_hash(call.req, r.algorithm, 0x100);
    }
    addr = next;
  }
  // no progress: nothing at base could be initialised.
  if (addr == base) return err_rtt(w.level);
  call.out(1, addr);
  return ok();
}

uint64_t rmi_rtt_set_ripas(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), rec_pa = call.arg(2), base = call.arg(3), top = call.arg(4);
  // size_valid, top_align
  if (top <= base || !granule_aligned(ctx, top)) return err(rmi::Status::ErrorInput);
  std::vector<uint64_t> named;
  if (granule_plausible(ctx, rd)) named.push_back(rd);
  if (granule_aligned(ctx, rec_pa) && ctx.pa_delegable(rec_pa)) named.push_back(rec_pa);
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted(named);
  ctx.charge_lock(call.req, static_cast<unsigned>(named.size()));
  // rd_align, rd_bound, rd_state
  if (!granule_plausible(ctx, rd) || ctx.granules.state(rd) != GranuleState::Rd) return err(rmi::Status::ErrorInput);
  // rec_align, rec_bound, rec_state
  if (!granule_aligned(ctx, rec_pa) || !ctx.pa_delegable(rec_pa) || ctx.granules.state(rec_pa) != GranuleState::Rec)
    return err(rmi::Status::ErrorInput);
  Realm& r = *ctx.realm_at(rd);
  Rec& rec = *ctx.rec_at(rec_pa);
  // rec_busy
  if (ctx.granules.refcount(rec_pa) != 0) return err(rmi::Status::ErrorRec);
  // rec_owner
  if (rec.rd != rd) return err(rmi::Status::ErrorRec);
  // base_bound, top_bound: the next chunk of the pending request, not beyond its end.
  if (!rec.ripas.active || base != rec.ripas.addr || top > rec.ripas.top) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, base, s2tt::kPageLevel);
  const uint64_t esz = r.geometry.entry_size(w.level);
  // base_level_align
  if (base & (esz - 1)) return err_rtt(w.level);
  std::vector<uint64_t> t;
  rtt_read_table(call.req, r.geometry, w.table, t);
  const s2tt::Ripas want = rec.ripas.value;
  uint64_t addr = base;
  for (unsigned i = w.index; i < r.geometry.entries(); ++i) {
    if (addr + esz > top) break;
    const s2tt::Entry e = s2tt::decode(r.geometry, t[i], w.level, r.lpa2);
    if (!s2tt::is_assigned(e.type) && !s2tt::is_unassigned(e.type)) break;  // no RIPAS (NS, table)
    const s2tt::Ripas cur = s2tt::ripas_of(e.type);
    if (cur == s2tt::Ripas::Destroyed && !rec.ripas.change_destroyed) break;
    if (cur != want) {
      s2tt::Entry n = e;
      n.type = s2tt::is_assigned(e.type) ? s2tt::assigned_with(want) : s2tt::unassigned_with(want);
      RttWalk at = w;
      at.index = i;
      at.entry = e;
      rtt_set(call.req, ctx.granules, r, at, n);
      // A mapping that becomes EMPTY (valid -> invalid) needs a TLBI; every change is told to
      // the CPU so that installed pages follow the RIPAS.
      ctx.invalidate_ipa(call.req, r, addr, esz);
    }
    addr += esz;
  }
  // no progress
  if (addr == base) return err_rtt(w.level);
  rec.ripas.addr = addr;
  call.out(1, addr);
  return ok();
}

}  // namespace rmm
