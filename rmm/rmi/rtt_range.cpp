// RMM 2.0-bet1's range mapping commands: RMI_RTT_DATA_MAP / RMI_RTT_DATA_UNMAP (the protected
// half: DELEGATED granules become zeroed DATA) and RMI_RTT_UNPROT_MAP / RMI_RTT_UNPROT_UNMAP
// (the unprotected half: Non-secure memory). All four take (rd, base, top, flags, oaddr), walk
// the entries of [base, top) and make bounded progress: at most kEntriesPerCall entries per
// call, X1 = the IPA reached. The first entry failing fails the call (RMI_ERROR_RTT with the
// walk's level when no RTT of the mapping's level covers it, RMI_ERROR_GRANULE for an output
// granule in the wrong state); a later one ends the progress there. The maps' output address
// set (X5 with the flags' OADDR_TYPE, OutputSet below) is one RmiAddrRangeDesc (SINGLE) or a
// list of them in a Non-secure granule (LIST); a descriptor covers COUNT units of its SIZE
// (SIZE[1:0] 0, 1, 2: what an RTT entry of level 3, 2, 1 maps: 4 KiB, 2 MiB, 1 GiB with 4 KiB
// granules; 16 KiB, 32 MiB with 16 KiB; 64 KiB, 512 MiB with 64 KiB). The first descriptor's SIZE is the level of every entry the call makes, as in
// TF-RMM's smc_rtt_data_map: SIZE 0 maps level-3 pages, SIZE 1 level-2 blocks (the walk must
// end at an unassigned level-2 entry: a level-3 RTT there is RMI_ERROR_RTT(2)), SIZE 2 level-1
// blocks (4 KiB granules only). The failure conditions below are named after the checks; TF-RMM's order is
// followed where the spec's condition IDs were not at hand.
//
// The unmaps unmap pages and whole blocks (a block only partly in [base, top) is
// RMI_ERROR_RTT at its level: the host unfolds it with RMI_RTT_CREATE). They return X2 = what
// was freed as one RmiAddrRangeDesc (SIZE the level of the entries freed; they stop where the
// next entry is of another level or not contiguous), X3 = how many granules, so the host can
// undelegate the range.
#include <algorithm>
#include <vector>

#include "core/context.h"
#include "core/s2tt_walk.h"
#include "platform/requester.h"

namespace rmm {
namespace {

constexpr uint64_t kEntriesPerCall = 512;  // bounded work: one level-3 RTT's worth
namespace mf = rmi::map_flags;
namespace ar = rmi::addr_range;

enum class Half { Protected, Unprotected };

// One call of the four: its arguments, and the realm once the checks they share passed.
struct RangeCall {
  RangeCall(Context& ctx, RmiCall& call, Half half)
      : locks(ctx.granules), prot(half == Half::Protected), base(call.arg(2)), top(call.arg(3)),
        flags(call.arg(4)), oaddr(call.arg(5)) {
    // rd_align, rd_bound, rd_state
    Realm* r = lock_rd(ctx, call, locks, call.arg(1));
    // base_align, top_align, size_valid
    if (!r || !granule_aligned(ctx, base) || !granule_aligned(ctx, top) || top <= base) return;
    // base_bound, top_bound: inside the half the command maps.
    if (top > r->ipa_size() || (prot ? !r->in_par(top - ctx.granule_size()) : r->in_par(base))) return;
    realm = r;
  }
  GranuleLocks locks;
  const bool prot;
  const uint64_t base, top, flags, oaddr;
  Realm* realm = nullptr;  // null: the call fails with RMI_ERROR_INPUT
};

// The output address set, as the PAs of its blocks (at most one call's worth). Every block is
// one RTT entry of `level`: the first descriptor's SIZE decides it (SIZE 0 a level-3 page,
// 1 a level-2 block, 2 a level-1 block, 3 a level-0 entry, which maps nothing: TF-RMM takes the
// walk level from the first descriptor the same way), and the set ends before a later
// descriptor of another SIZE (the host gets the progress up to it).
struct OutputSet {
  const s2tt::Geometry g;  // of the realm's RTTs
  std::vector<uint64_t> pas;
  int level = s2tt::kPageLevel;
  bool ended = false;  // a descriptor of another SIZE ends the set

  static int level_of(uint64_t desc) { return s2tt::kPageLevel - static_cast<int>(ar::size(desc)); }

  // Appends the blocks of one RmiAddrRangeDesc, up to `max` in all. False when it is not a
  // range of the state the command needs (UNDELEGATED for UNPROT_MAP, DELEGATED for DATA_MAP).
  bool add(uint64_t desc, bool want_undelegated, uint64_t max) {
    if (ar::count(desc, g.granule_shift) == 0 || ar::undelegated(desc) != want_undelegated) return false;
    if (level_of(desc) != level || ended) {
      ended = true;
      return true;
    }
    for (uint64_t i = 0; i < ar::count(desc, g.granule_shift) && pas.size() < max; ++i)
      pas.push_back(ar::pa(desc, g.granule_shift) + i * g.entry_size(level));
    return true;
  }

  // Reads the set X5 names; false (RMI_ERROR_INPUT) when a condition fails, in their order.
  // `max_for(level)` bounds the blocks taken once the first descriptor gave the level.
  template <typename MaxFor>
  bool load(Context& ctx, platform::Requester& req, uint64_t flags, uint64_t oaddr, bool want_undelegated,
            MaxFor max_for) {
    switch (mf::oaddr_type(flags)) {
      case mf::kOaddrSingle:
        level = level_of(oaddr);
        return add(oaddr, want_undelegated, max_for(level));
      case mf::kOaddrList: {
        // oaddr_list_align: 8-byte entries; the list (LIST_COUNT of them, at least one) inside
        // one granule.
        const uint64_t n = mf::list_count(flags);
        if ((oaddr & 7) || n == 0 || (oaddr & (ctx.granule_size() - 1)) + 8 * n > ctx.granule_size()) return false;
        // oaddr_list_pas: Non-secure memory the RMM can read.
        std::vector<uint64_t> list(n);
        if (!ctx.read_ns(req, oaddr, list.data(), 8 * n)) return false;
        level = level_of(list[0]);
        const uint64_t max = max_for(level);
        for (uint64_t d : list)
          if (pas.size() < max && !add(d, want_undelegated, max)) return false;
        return true;
      }
      default: return false;  // oaddr_type: SINGLE or LIST
    }
  }
};

// UNPROT_MAP's attributes: MEMATTR[18:16] is MemAttr[2:0] of the FWB encoding (MemAttr[3] is
// RES0), S2AP[22:19] the direct permissions (bit 0 W, bit 1 R; bits 2 and 3 are reserved).
bool unprot_attrs(uint64_t flags, uint64_t& attrs) {
  if (mf::s2ap(flags) & ~uint64_t{3}) return false;
  if (flags >> 23) return false;  // reserved flag bits
  const uint64_t s2ap = mf::s2ap(flags);
  attrs = (mf::memattr(flags) << 2) | ((s2ap & mf::kS2apR) ? rmi::s2tte_host::kS2apRead : 0) |
          ((s2ap & mf::kS2apW) ? rmi::s2tte_host::kS2apWrite : 0);
  return true;
}

// Whether the granules of the block at `pa` (one entry of `level`) are all in the state the
// command maps (`size` bytes of them): DELEGATED (protected) or owned by the host (unprotected).
bool block_state_ok(const Context& ctx, uint64_t pa, uint64_t size, bool prot) {
  for (uint64_t g = pa; g < pa + size; g += ctx.granule_size()) {
    const bool ok = prot ? granule_plausible(ctx, g) && ctx.granules.state(g) == GranuleState::Delegated
                         : !ctx.granules.tracked(g) || ctx.granules.state(g) == GranuleState::Undelegated;
    if (!ok) return false;
  }
  return true;
}

uint64_t map(Context& ctx, RmiCall& call, Half half) {
  const RangeCall c(ctx, call, half);
  if (!c.realm) return err(rmi::Status::ErrorInput);
  Realm& r = *c.realm;
  const bool prot = c.prot;
  const uint64_t base = c.base, top = c.top, flags = c.flags, oaddr = c.oaddr;
  // realm_state: a terminated realm maps nothing more (unmapping is how it is torn down).
  if (r.state == RealmState::Zombie) return err(rmi::Status::ErrorRealm);
  // flags_valid, then the output address set's conditions
  uint64_t attrs = 0;
  if (prot ? (flags >> 16) != 0 : !unprot_attrs(flags, attrs)) return err(rmi::Status::ErrorInput);
  const s2tt::Geometry g = r.geometry;
  OutputSet out{g, {}};
  const auto max_for = [&](int level) {
    return level < g.min_block_level() ? 0 : std::min((top - base) / g.entry_size(level), kEntriesPerCall);
  };
  if (!out.load(ctx, call.req, flags, oaddr, !prot, max_for)) return err(rmi::Status::ErrorInput);
  const int level = out.level;
  const uint64_t size = g.entry_size(std::max(level, g.min_block_level()));
  // oaddr_level: the descriptors' SIZE names an entry an RTT can map (a page or a block).
  if (level < g.min_block_level()) return err(rmi::Status::ErrorInput);
  // base_level_align: the range starts where an entry of that level starts.
  if (!g.aligned(base, level)) return err(rmi::Status::ErrorInput);
  // size_fits: the range holds at least one such entry.
  if (top - base < size) return err_rtt(level);
  const uint64_t n = out.pas.size();
  uint64_t i = 0;
  for (; i < n; ++i) {
    const uint64_t ipa = base + i * size, pa = out.pas[i];
    // oaddr_block_align: a block's output is aligned to its size (a page's always is).
    if (!g.aligned(pa, level)) {
      if (i == 0) return err(rmi::Status::ErrorInput);
      break;
    }
    // out_state: DELEGATED granules (protected) or memory the host owns (unprotected).
    if (!block_state_ok(ctx, pa, size, prot)) {
      if (i == 0) return err(rmi::Status::ErrorGranule);
      break;
    }
    const RttWalk w = rtt_walk(call.req, r, ipa, level);
    // rtt_walk, rtte_state: an unassigned entry of the right half, at the descriptors' level
    // (a level-2 entry that is a table is not one: a block needs the level-3 RTT folded or
    // destroyed first).
    const bool free = prot ? s2tt::is_unassigned(w.entry.type) : w.entry.type == s2tt::Type::UnassignedNs;
    if (w.level != level || !free) {
      if (i == 0) return err_rtt(w.level);
      break;
    }
    s2tt::Entry e;
    e.oa = pa;
    if (prot) {
      // Named by the descriptor: locked after the RD (lock order rule 1), in ascending order.
      for (uint64_t d = pa; d < pa + size; d += ctx.granule_size()) {
        ctx.granules.lock(d);
        ctx.zero_granule(call.req, d);
        ctx.granules.set_state(d, GranuleState::Data);
        ctx.granules.unlock(d);
      }
      e.type = s2tt::assigned_with(s2tt::ripas_of(w.entry.type));  // RIPAS unchanged
    } else {
      e.type = s2tt::Type::AssignedNs;
      e.ns_attrs = attrs;
    }
    rtt_set(call.req, ctx.granules, r, w, e);
  }
  call.out(1, base + i * size);
  return ok();
}

uint64_t unmap(Context& ctx, RmiCall& call, Half half) {
  const RangeCall c(ctx, call, half);
  if (!c.realm) return err(rmi::Status::ErrorInput);
  Realm& r = *c.realm;
  const bool prot = c.prot;
  const uint64_t base = c.base, top = c.top, flags = c.flags;
  // flags_valid: the freed granules are reported as one range (or not at all).
  if (flags > mf::kOaddrSingle) return err(rmi::Status::ErrorInput);
  const s2tt::Geometry g = r.geometry;
  const uint64_t gsz = ctx.granule_size();
  uint64_t ipa = base, first = 0, freed = 0;  // freed: entries of `freed_level`
  int freed_level = s2tt::kPageLevel;
  for (uint64_t k = 0; ipa < top && k < kEntriesPerCall; ++k) {
    const RttWalk w = rtt_walk(call.req, r, ipa, s2tt::kPageLevel);
    const bool mapped = prot ? s2tt::is_assigned(w.entry.type) : w.entry.type == s2tt::Type::AssignedNs;
    if (!s2tt::is_live(w.entry.type) || (w.level == s2tt::kPageLevel && !mapped)) {
      ipa = std::max(ipa + gsz, skip_non_live(call.req, r, w, ipa));  // nothing here
      continue;
    }
    const uint64_t size = g.entry_size(w.level);
    // rtt_walk: a mapping of this half (a page, or a block the range starts at and covers
    // whole: a block only partly in the range must be unfolded first).
    if (!mapped || !g.aligned(ipa, w.level) || top - ipa < size) {
      if (ipa == base) return err_rtt(w.level);
      break;
    }
    const uint64_t pa = w.entry.oa;
    // The range descriptor ends here: the next entry is of another size or not contiguous.
    if (freed && (w.level != freed_level || pa != first + freed * size)) break;
    s2tt::Entry e;
    if (prot) {
      // RIPAS after: RAM and DESTROYED become DESTROYED (the content is gone), EMPTY stays.
      e.type = w.entry.type == s2tt::Type::AssignedEmpty ? s2tt::Type::UnassignedEmpty
                                                         : s2tt::Type::UnassignedDestroyed;
      for (uint64_t d = pa; d < pa + size; d += gsz) {
        ctx.zero_granule(call.req, d);  // a DATA granule reached through the RTT (lock order rule 3)
        ctx.granules.set_state(d, GranuleState::Delegated);
      }
    } else {
      e.type = s2tt::Type::UnassignedNs;
    }
    rtt_set(call.req, ctx.granules, r, w, e);
    ctx.invalidate_ipa(call.req, r, ipa, size);
    if (!freed) first = pa, freed_level = w.level;
    ++freed;
    ipa += size;
  }
  const uint64_t granules = freed * (g.entry_size(freed_level) / gsz);
  call.out(1, std::min(ipa, top));
  call.out(2, freed ? ar::make(first, freed, s2tt::kPageLevel - freed_level, g.granule_shift) | (prot ? 0 : uint64_t{1} << 63) : 0);
  call.out(3, granules);
  return ok();
}

}  // namespace

uint64_t rmi_rtt_data_map(Context& ctx, RmiCall& call) { return map(ctx, call, Half::Protected); }
uint64_t rmi_rtt_data_unmap(Context& ctx, RmiCall& call) { return unmap(ctx, call, Half::Protected); }
uint64_t rmi_rtt_unprot_map(Context& ctx, RmiCall& call) { return map(ctx, call, Half::Unprotected); }
uint64_t rmi_rtt_unprot_unmap(Context& ctx, RmiCall& call) { return unmap(ctx, call, Half::Unprotected); }

}  // namespace rmm
