// RMM 2.0-bet1's range mapping commands: RMI_RTT_DATA_MAP / RMI_RTT_DATA_UNMAP (the protected
// half: DELEGATED granules become zeroed DATA) and RMI_RTT_UNPROT_MAP / RMI_RTT_UNPROT_UNMAP
// (the unprotected half: Non-secure memory). All four take (rd, base, top, flags, oaddr), walk
// level-3 entries of [base, top) and make bounded progress: at most kEntriesPerCall entries per
// call, X1 = the IPA reached. The first entry failing fails the call (RMI_ERROR_RTT with the
// walk's level when no level-3 RTT covers it, RMI_ERROR_GRANULE for an output granule in the
// wrong state); a later one ends the progress there. The maps' output address set (X5 with
// the flags' OADDR_TYPE, OutputSet below) is one RmiAddrRangeDesc (SINGLE) or a list of them in
// a Non-secure granule (LIST); a descriptor covers COUNT units of its SIZE (what an RTT entry of
// level 3, 2, 1, 0 maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB with 4 KiB granules), and the set is mapped granule by
// granule into level-3 entries (a block entry is never made: the host folds).
//
// The unmaps return X2 = the granules freed, as one RmiAddrRangeDesc (they stop where the next
// freed granule would not be contiguous), X3 = how many, so the host can undelegate the range.
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

// The output address set, as the PAs of its first granules (at most one call's worth).
struct OutputSet {
  const s2tt::Geometry g;  // of the RMI granule
  std::vector<uint64_t> pas;

  // Appends the granules of one RmiAddrRangeDesc, up to `max` in all. False when it is not a
  // range of the state the command needs (UNDELEGATED for UNPROT_MAP, DELEGATED for DATA_MAP).
  bool add(uint64_t desc, bool want_undelegated, uint64_t max) {
    if (ar::count(desc) == 0 || ar::undelegated(desc) != want_undelegated) return false;
    // SIZE: entries^size granules each (4 KiB granules: 512^size)
    const uint64_t granules = ar::count(desc) << (g.bits_per_level() * ar::size(desc));
    for (uint64_t i = 0; i < granules && pas.size() < max; ++i)
      pas.push_back(ar::pa(desc) + i * g.granule());
    return true;
  }

  // Reads the set X5 names; false (RMI_ERROR_INPUT) when a condition fails, in their order.
  bool load(Context& ctx, platform::Requester& req, uint64_t flags, uint64_t oaddr, bool want_undelegated,
            uint64_t max) {
    switch (mf::oaddr_type(flags)) {
      case mf::kOaddrSingle: return add(oaddr, want_undelegated, max);
      case mf::kOaddrList: {
        // oaddr_list_align: 8-byte entries; the list (LIST_COUNT of them, at least one) inside
        // one granule.
        const uint64_t n = mf::list_count(flags);
        if ((oaddr & 7) || n == 0 || (oaddr & (g.granule() - 1)) + 8 * n > g.granule()) return false;
        // oaddr_list_pas: Non-secure memory the RMM can read.
        std::vector<uint64_t> list(n);
        if (!ctx.read_ns(req, oaddr, list.data(), 8 * n)) return false;
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
  const uint64_t gsz = ctx.granule_size();
  OutputSet out{ctx.geometry(), {}};
  if (!out.load(ctx, call.req, flags, oaddr, !prot, std::min((top - base) / gsz, kEntriesPerCall)))
    return err(rmi::Status::ErrorInput);
  const uint64_t n = out.pas.size();
  uint64_t i = 0;
  for (; i < n; ++i) {
    const uint64_t ipa = base + i * gsz, pa = out.pas[i];
    // out_state: a DELEGATED granule (protected) or memory the host owns (unprotected).
    const bool pa_ok = prot ? granule_plausible(ctx, pa) && ctx.granules.state(pa) == GranuleState::Delegated
                            : !ctx.granules.tracked(pa) || ctx.granules.state(pa) == GranuleState::Undelegated;
    if (!pa_ok) {
      if (i == 0) return err(rmi::Status::ErrorGranule);
      break;
    }
    const RttWalk w = rtt_walk(call.req, r, ipa, s2tt::kPageLevel);
    // rtt_walk, rtte_state: an unassigned level-3 entry of the right half.
    const bool free = prot ? s2tt::is_unassigned(w.entry.type) : w.entry.type == s2tt::Type::UnassignedNs;
    if (w.level != s2tt::kPageLevel || !free) {
      if (i == 0) return err_rtt(w.level);
      break;
    }
    s2tt::Entry e;
    e.oa = pa;
    if (prot) {
      ctx.granules.lock(pa);  // named by the descriptor: locked after the RD (lock order rule 1)
      ctx.zero_granule(call.req, pa);
      e.type = s2tt::assigned_with(s2tt::ripas_of(w.entry.type));  // RIPAS unchanged
      ctx.granules.set_state(pa, GranuleState::Data);
      ctx.granules.unlock(pa);
    } else {
      e.type = s2tt::Type::AssignedNs;
      e.ns_attrs = attrs;
    }
    rtt_set(call.req, ctx.granules, r, w, e);
  }
  call.out(1, base + i * gsz);
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
  const uint64_t gsz = ctx.granule_size();
  uint64_t ipa = base, first = 0, freed = 0;
  for (uint64_t k = 0; ipa < top && k < kEntriesPerCall; ++k) {
    const RttWalk w = rtt_walk(call.req, r, ipa, s2tt::kPageLevel);
    const bool mapped = prot ? s2tt::is_assigned(w.entry.type) : w.entry.type == s2tt::Type::AssignedNs;
    if (!s2tt::is_live(w.entry.type) || (w.level == s2tt::kPageLevel && !mapped)) {
      ipa = std::max(ipa + gsz, skip_non_live(call.req, r, w, ipa));  // nothing here
      continue;
    }
    // rtt_walk: a block (or the other half's entry) must be unfolded first.
    if (w.level != s2tt::kPageLevel) {
      if (ipa == base) return err_rtt(w.level);
      break;
    }
    const uint64_t pa = w.entry.oa;
    if (freed && pa != first + freed * gsz) break;  // the range descriptor ends here
    s2tt::Entry e;
    if (prot) {
      // RIPAS after: RAM and DESTROYED become DESTROYED (the content is gone), EMPTY stays.
      e.type = w.entry.type == s2tt::Type::AssignedEmpty ? s2tt::Type::UnassignedEmpty
                                                         : s2tt::Type::UnassignedDestroyed;
      ctx.zero_granule(call.req, pa);  // a DATA granule reached through the RTT (lock order rule 3)
      ctx.granules.set_state(pa, GranuleState::Delegated);
    } else {
      e.type = s2tt::Type::UnassignedNs;
    }
    rtt_set(call.req, ctx.granules, r, w, e);
    ctx.invalidate_ipa(call.req, r, ipa, gsz);
    if (!freed) first = pa;
    ++freed;
    ipa += gsz;
  }
  call.out(1, std::min(ipa, top));
  call.out(2, freed ? ar::make(first, freed) | (prot ? 0 : uint64_t{1} << 63) : 0);
  call.out(3, freed);
  return ok();
}

}  // namespace

uint64_t rmi_rtt_data_map(Context& ctx, RmiCall& call) { return map(ctx, call, Half::Protected); }
uint64_t rmi_rtt_data_unmap(Context& ctx, RmiCall& call) { return unmap(ctx, call, Half::Protected); }
uint64_t rmi_rtt_unprot_map(Context& ctx, RmiCall& call) { return map(ctx, call, Half::Unprotected); }
uint64_t rmi_rtt_unprot_unmap(Context& ctx, RmiCall& call) { return unmap(ctx, call, Half::Unprotected); }

}  // namespace rmm
