// RMI_DATA_CREATE, RMI_DATA_CREATE_UNKNOWN, RMI_DATA_DESTROY (RMM spec 1.0) and 2.0's
// RMI_RTT_DATA_MAP_INIT: protected memory of a realm, one DATA granule (the RMI granule: 4 KiB
// under 1.0) per level-3 RTT entry. (2.0's range commands are rtt_range.cpp.)
//
// Failure order follows the reference RMM (TF-RMM rmm-spec-v1.0-rel0): flags and src are
// checked before the named granules, the realm state before the IPA, and the Non-secure copy
// of the source last (a fault there leaves the DATA granule zeroed and DELEGATED).
#include "core/context.h"
#include "core/s2tt_walk.h"
#include "platform/requester.h"

namespace rmm {
namespace {


uint64_t data_create(Context& ctx, RmiCall& call, bool measured) {
  const uint64_t rd = call.arg(1), data = call.arg(2), ipa = call.arg(3);
  const uint64_t src = measured ? call.arg(4) : 0, flags = measured ? call.arg(5) : 0;
  if (measured) {
    // flags_valid: RMI_NO_MEASURE_CONTENT or RMI_MEASURE_CONTENT.
    if (flags != rmi::kDataNoMeasureContent && flags != rmi::kDataMeasureContent)
      return err(rmi::Status::ErrorInput);
    // src_align, src_bound, src_state: a granule the host owns (UNDELEGATED); whether its
    // GPI really is Non-secure shows when it is read (src_pas, below).
    if (!granule_aligned(ctx, src)) return err(rmi::Status::ErrorInput);
    if (ctx.granules.tracked(src) && ctx.granules.state(src) != GranuleState::Undelegated)
      return err(rmi::Status::ErrorInput);
  }
  std::vector<uint64_t> named;
  if (granule_plausible(ctx, rd)) named.push_back(rd);
  if (granule_plausible(ctx, data)) named.push_back(data);
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted(named);
  ctx.charge_lock(call.req, static_cast<unsigned>(named.size()));
  // rd_align, rd_bound, rd_state
  if (!granule_plausible(ctx, rd) || ctx.granules.state(rd) != GranuleState::Rd) return err(rmi::Status::ErrorInput);
  // data_align, data_bound, data_state
  if (!granule_plausible(ctx, data) || ctx.granules.state(data) != GranuleState::Delegated)
    return err(rmi::Status::ErrorInput);
  Realm& r = *ctx.realm_at(rd);
  // realm_state: measured content only before activation.
  if (measured && r.state != RealmState::New) return err(rmi::Status::ErrorRealm);
  // ipa_bound, ipa_align: a page of the protected half.
  if (!r.in_par(ipa) || !granule_aligned(ctx, ipa)) return err(rmi::Status::ErrorInput);
  if (!r.lpa2 && data >= (uint64_t{1} << 48)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, s2tt::kPageLevel);
  // rtt_walk
  if (w.level != s2tt::kPageLevel) return err_rtt(w.level);
  // rtte_state
  if (!s2tt::is_unassigned(w.entry.type)) return err_rtt(s2tt::kPageLevel);

  s2tt::Entry e;
  e.oa = data;
  if (measured) {
    // As TF-RMM does, the content goes from the Non-secure granule straight into the DATA
    // granule and is measured there.
    const uint64_t size = ctx.granule_size();
    const platform::CopyStatus copied = call.req.copy(data, gpt::Pas::Realm, src, gpt::Pas::NonSecure, size);
    // src_pas: the copy from Non-secure memory faults if src is not in the Non-secure PAS.
    if (!copied.read.ok()) {
      ctx.zero_granule(call.req, data);  // anything copied so far
      return err(rmi::Status::ErrorInput);
    }
    const uint8_t* content = copied.write.ok() ? call.req.dram_pointer(data, size) : nullptr;
    if (!content) throw std::logic_error("rmm: cannot write a delegated granule");
    if (flags == rmi::kDataMeasureContent) {
      // The source's DRAM, where later sources of a populate are read from ahead (host only).
      uint64_t base = 0, bytes = 0;
      const uint8_t* window = call.req.dram_window(src, base, bytes);
      const uint8_t* src_host = window ? window + (src - base) : content;
      MeasurementValue digest{};
      ctx.content_digests.digest(r.algorithm, src_host, content, size, digest.data(), window,
                                 window ? window + bytes : nullptr);
      r.measurement.extend_data_digest(ipa, flags, digest.data());
    } else {
      r.measurement.extend_data(ipa, flags, nullptr, 0);
    }
    ctx.charge_hash(call.req, r.algorithm, 0x100 + (flags == rmi::kDataMeasureContent ? size : 0));
    e.type = s2tt::Type::AssignedRam;  // DATA_CREATE always leaves RIPAS RAM
  } else {
    e.type = s2tt::assigned_with(s2tt::ripas_of(w.entry.type));  // RIPAS unchanged
  }
  rtt_set(call.req, ctx.granules, r, w, e);
  ctx.granules.set_state(data, GranuleState::Data);
  return ok();
}

}  // namespace

uint64_t rmi_data_create(Context& ctx, RmiCall& call) { return data_create(ctx, call, true); }

uint64_t rmi_data_create_unknown(Context& ctx, RmiCall& call) { return data_create(ctx, call, false); }

// 2.0's RMI_RTT_DATA_MAP_INIT takes DATA_CREATE's FID, arguments and failure conditions.
uint64_t rmi_rtt_data_map_init(Context& ctx, RmiCall& call) { return data_create(ctx, call, true); }

uint64_t rmi_data_destroy(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), ipa = call.arg(2);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* r_ptr = lock_rd(ctx, call, locks, rd);
  if (!r_ptr) return err(rmi::Status::ErrorInput);
  Realm& r = *r_ptr;
  // ipa_bound, ipa_align
  if (!r.in_par(ipa) || !granule_aligned(ctx, ipa)) return err(rmi::Status::ErrorInput);

  const RttWalk w = rtt_walk(call.req, r, ipa, s2tt::kPageLevel);
  // rtt_walk: a block mapping must be unfolded first (RTT_CREATE); X2 = next live entry.
  if (w.level != s2tt::kPageLevel) {
    call.out(2, skip_non_live(call.req, r, w, ipa));
    return err_rtt(w.level);
  }
  // rtte_state
  if (!s2tt::is_assigned(w.entry.type)) {
    call.out(2, skip_non_live(call.req, r, w, ipa));
    return err_rtt(s2tt::kPageLevel);
  }
  const uint64_t data = w.entry.oa;
  // RIPAS after: RAM and DESTROYED become DESTROYED (the content is gone), EMPTY stays EMPTY.
  s2tt::Entry e;
  e.type = w.entry.type == s2tt::Type::AssignedEmpty ? s2tt::Type::UnassignedEmpty
                                                     : s2tt::Type::UnassignedDestroyed;
  rtt_set(call.req, ctx.granules, r, w, e);
  ctx.invalidate_ipa(call.req, r, ipa, ctx.granule_size());
  // The DATA granule is reached through the RTT, under the RD lock (lock order rule 3).
  ctx.zero_granule(call.req, data);
  ctx.granules.set_state(data, GranuleState::Delegated);
  RttWalk after = w;
  after.entry = e;
  call.out(1, data);
  call.out(2, skip_non_live(call.req, r, after, ipa));
  return ok();
}

}  // namespace rmm
