// RMI_REALM_CREATE, RMI_REALM_ACTIVATE, RMI_REALM_DESTROY (RMM spec 1.0), and 2.0's
// RMI_REALM_TERMINATE. Under 2.0 the RMM allocates the VMID (RmiRealmParams has none) and a
// realm is terminated (ZOMBIE) before REALM_DESTROY.
#include <array>
#include <cstring>

#include "core/context.h"
#include "platform/abi/rmm_abi_1_0.h"
#include "platform/requester.h"

namespace rmm {
namespace {

// RmiRealmParams: fields with their declared offset and size; the flag bits.
namespace rp {
using namespace platform::abi::v1_0::realm_params;
using rmi::realm_params::kFlagLpa2, rmi::realm_params::kFlagSve, rmi::realm_params::kFlagPmu;
constexpr size_t kSize = platform::abi::v1_0::kRealmParams.size;
}  // namespace rp
using platform::abi::get;

// RealmParamsSupported / the parameter checks of REALM_CREATE that do not involve other
// granules. All fail with RMI_ERROR_INPUT (params_supp, params_valid).
bool params_supported(const Context& ctx, const uint8_t* p) {
  namespace f = rmi::feat0;
  const uint64_t flags = get(p, rp::kFlags);
  const bool lpa2 = flags & rp::kFlagLpa2;
  if (flags & ~(rp::kFlagLpa2 | rp::kFlagSve | rp::kFlagPmu)) return false;  // reserved bits
  if (lpa2 && !f::field(ctx.features0, f::kLpa2Shift)) return false;
  if ((flags & rp::kFlagSve) && !f::field(ctx.features0, f::kSveEnShift)) return false;
  if ((flags & rp::kFlagPmu) && !f::field(ctx.features0, f::kPmuEnShift)) return false;
  const uint64_t s2sz = get(p, rp::kS2sz);
  const uint64_t max_s2sz = std::min<uint64_t>(f::field(ctx.features0, f::kS2szShift, f::kS2szWidth),
                                               lpa2 ? 52 : 48);
  if (s2sz < 32 || s2sz > max_s2sz) return false;
  if ((flags & rp::kFlagSve) && get(p, rp::kSveVl) > f::field(ctx.features0, f::kSveVlShift, f::kSveVlWidth))
    return false;
  const uint64_t bps = get(p, rp::kNumBps), wps = get(p, rp::kNumWps);
  if (bps == 0 || bps > f::field(ctx.features0, f::kNumBpsShift, f::kNumBpsWidth)) return false;
  if (wps == 0 || wps > f::field(ctx.features0, f::kNumWpsShift, f::kNumWpsWidth)) return false;
  if ((flags & rp::kFlagPmu) &&
      get(p, rp::kPmuNumCtrs) > f::field(ctx.features0, f::kPmuNumCtrsShift, f::kPmuNumCtrsWidth))
    return false;
  if (!hash_algorithm_from_raw(get(p, rp::kHashAlgo))) return false;
  return true;
}

}  // namespace

uint64_t rmi_realm_create(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1), params_ptr = call.arg(2);
  // rd_align, rd_bound
  if (!granule_aligned(ctx, rd) || !ctx.pa_delegable(rd)) return err(rmi::Status::ErrorInput);

  // The parameters come from Non-secure memory; read them once (a GPF is params_pas).
  std::array<uint8_t, rp::kSize> p{};
  const bool params_aligned = granule_aligned(ctx, params_ptr);
  const bool params_read = params_aligned && ctx.read_ns(call.req, params_ptr, p.data(), p.size());
  const uint64_t rtt_base = get(p.data(), rp::kRttBase);
  const int64_t sl = static_cast<int64_t>(get(p.data(), rp::kRttLevelStart));
  const uint64_t num_start = get(p.data(), rp::kRttNumStart);
  const bool lpa2 = get(p.data(), rp::kFlags) & rp::kFlagLpa2;
  const unsigned s2sz = static_cast<unsigned>(get(p.data(), rp::kS2sz));

  // Lock rd and, when the parameters name a plausible set of starting-level RTTs, those too:
  // all named granules in ascending PA order.
  const s2tt::Geometry g = ctx.geometry();
  const uint64_t gsz = g.granule();
  std::vector<uint64_t> to_lock{rd};
  const bool roots_plausible = params_read && num_start >= 1 && num_start <= s2tt::kMaxRootTables &&
                               granule_aligned(ctx, rtt_base);
  if (roots_plausible)
    for (uint64_t i = 0; i < num_start; ++i)
      if (ctx.granules.tracked(rtt_base + i * gsz)) to_lock.push_back(rtt_base + i * gsz);
  GranuleLocks locks(ctx.granules);
  locks.lock_sorted(to_lock);
  ctx.charge_lock(call.req, static_cast<unsigned>(to_lock.size()));

  // rd_state
  if (ctx.granules.state(rd) != GranuleState::Delegated) return err(rmi::Status::ErrorInput);
  // params_align
  if (!params_aligned) return err(rmi::Status::ErrorInput);
  // params_pas (and params_bound): the structure must be readable in the Non-secure PAS.
  if (!params_read) return err(rmi::Status::ErrorInput);
  // params_supp: flags, s2sz, SVE, breakpoints, watchpoints, PMU, hash algorithm.
  if (!params_supported(ctx, p.data())) return err(rmi::Status::ErrorInput);
  // rtt_num_level: start level and number of starting-level RTTs consistent with s2sz, in the
  // geometry of the RMI granule (4K: levels 0..3, -1 with LPA2; 16K: 0..3; 64K: 1..3).
  if (sl < g.min_start_level(lpa2) || sl > s2tt::kPageLevel) return err(rmi::Status::ErrorInput);
  const unsigned roots = g.num_root_tables(s2sz, static_cast<int>(sl));
  const auto vtcr = platform::s2::vtcr::encode(g, s2sz, static_cast<int>(sl));  // what REC entry programs
  if (roots == 0 || roots != num_start || !vtcr) return err(rmi::Status::ErrorInput);
  // rtt_align: concatenated starting-level RTTs are aligned to their total size.
  if (rtt_base & (roots * gsz - 1)) return err(rmi::Status::ErrorInput);
  // rtt_bound, rtt_alias (rd inside the RTT range), rtt_state
  for (uint64_t i = 0; i < roots; ++i)
    if (!ctx.pa_delegable(rtt_base + i * gsz)) return err(rmi::Status::ErrorInput);
  if (rd >= rtt_base && rd < rtt_base + roots * gsz) return err(rmi::Status::ErrorInput);
  for (uint64_t i = 0; i < roots; ++i)
    if (ctx.granules.state(rtt_base + i * gsz) != GranuleState::Delegated)
      return err(rmi::Status::ErrorInput);
  // vmid_valid (1.0): not used by another realm (a u16 field: nothing else to be out of range).
  // 2.0: the RMM picks the lowest free VMID; none left is vmid_avail (RMI_ERROR_REALM).
  const uint64_t vmid = ctx.v2 ? ctx.vmids.lowest_free() : get(p.data(), rp::kVmid);
  if (!ctx.v2 && ctx.vmids.in_use(vmid)) return err(rmi::Status::ErrorInput);
  if (ctx.v2 && !ctx.vmids.valid(vmid)) return err(rmi::Status::ErrorRealm);

  // --- Success: nothing above changed any state. ---
  auto realm = std::make_unique<Realm>(ctx, rd);
  realm->flags = get(p.data(), rp::kFlags);
  realm->s2sz = s2sz;
  realm->lpa2 = lpa2;
  realm->sve_vl = static_cast<uint8_t>(get(p.data(), rp::kSveVl));
  realm->num_bps = static_cast<uint8_t>(get(p.data(), rp::kNumBps));
  realm->num_wps = static_cast<uint8_t>(get(p.data(), rp::kNumWps));
  realm->pmu_num_ctrs = static_cast<uint8_t>(get(p.data(), rp::kPmuNumCtrs));
  realm->algorithm = *hash_algorithm_from_raw(get(p.data(), rp::kHashAlgo));
  static_assert(sizeof realm->rpv == rp::kRpv.count, "the RD keeps the whole RPV");
  std::memcpy(realm->rpv.data(), &p[rp::kRpv.offset], rp::kRpv.count);
  realm->vmid = static_cast<uint16_t>(vmid);
  realm->rtt_base = rtt_base;
  realm->start_level = static_cast<int>(sl);
  realm->num_root = roots;
  realm->geometry = g;
  realm->vtcr = *vtcr;
  ctx.vmids.reserve(vmid);

  // Starting-level RTTs: the protected half UNASSIGNED EMPTY, the unprotected half UNASSIGNED_NS.
  const uint64_t esz = g.entry_size(realm->start_level);
  std::vector<uint64_t> table(g.entries());
  for (unsigned t = 0; t < roots; ++t) {
    const uint64_t pa = rtt_base + t * gsz;
    for (unsigned i = 0; i < g.entries(); ++i) {
      const uint64_t ipa = (uint64_t{t} * g.entries() + i) * esz;
      s2tt::Entry e;
      e.type = realm->in_par(ipa) ? s2tt::Type::UnassignedEmpty : s2tt::Type::UnassignedNs;
      table[i] = s2tt::encode(e, realm->start_level, lpa2);
    }
    if (!call.req.write(pa, table.data(), gsz, gpt::Pas::Realm).ok())
      throw std::logic_error("rmm: cannot write a delegated granule");
    ctx.granules.set_state(pa, GranuleState::Rtt);
  }
  ctx.granules.set_state(rd, GranuleState::Rd);

  // RIM = H(the measured fields of RmiRealmParams in a zeroed 4 KiB structure).
  const auto measured = RealmParamsMeasured::from_granule(p.data());
  realm->measurement.init_rim(*measured);
  ctx.charge_hash(call.req, realm->algorithm, rp::kSize);
  ctx.realms[rd] = std::move(realm);
  return ok();
}

uint64_t rmi_realm_activate(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* realm_ptr = lock_rd(ctx, call, locks, rd);
  if (!realm_ptr) return err(rmi::Status::ErrorInput);
  Realm& realm = *realm_ptr;
  // realm_state
  if (realm.state != RealmState::New) return err(rmi::Status::ErrorRealm);
  realm.state = RealmState::Active;
  return ok();
}

uint64_t rmi_realm_destroy(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* realm_ptr = lock_rd(ctx, call, locks, rd);
  if (!realm_ptr) return err(rmi::Status::ErrorInput);
  Realm& realm = *realm_ptr;
  // realm_state (2.0): REALM_TERMINATE first.
  if (ctx.v2 && realm.state != RealmState::Zombie) return err(rmi::Status::ErrorRealm);
  // realm_live: RECs exist, or a starting-level RTT still has live entries (RTTs or mappings).
  if (ctx.granules.refcount(rd) != 0) return err(rmi::Status::ErrorRealm);
  for (unsigned t = 0; t < realm.num_root; ++t)
    if (ctx.granules.refcount(realm.rtt_base + t * ctx.granule_size()) != 0) return err(rmi::Status::ErrorRealm);

  for (unsigned t = 0; t < realm.num_root; ++t) {
    const uint64_t pa = realm.rtt_base + t * ctx.granule_size();
    ctx.zero_granule(call.req, pa);
    ctx.granules.set_state(pa, GranuleState::Delegated);
  }
  ctx.zero_granule(call.req, rd);
  ctx.granules.set_state(rd, GranuleState::Delegated);
  ctx.vmids.release(realm.vmid);
  if (ctx.guest_cpu) ctx.invalidate_ipa(call.req, realm, 0, realm.ipa_size());
  ctx.realms.erase(rd);
  return ok();
}

uint64_t rmi_realm_terminate(Context& ctx, RmiCall& call) {
  const uint64_t rd = call.arg(1);
  GranuleLocks locks(ctx.granules);
  // rd_align, rd_bound, rd_state
  Realm* realm_ptr = lock_rd(ctx, call, locks, rd);
  if (!realm_ptr) return err(rmi::Status::ErrorInput);
  Realm& realm = *realm_ptr;
  // realm_state: NEW, ACTIVE or SYSTEM_OFF; terminating twice is an error.
  if (realm.state == RealmState::Zombie) return err(rmi::Status::ErrorRealm);
  // A ZOMBIE realm never runs again: no REC_ENTER, no new mappings; the host may now take
  // its RTTs apart and destroy it.
  realm.state = RealmState::Zombie;
  if (ctx.guest_cpu) ctx.invalidate_ipa(call.req, realm, 0, realm.ipa_size());
  return ok();
}

}  // namespace rmm
