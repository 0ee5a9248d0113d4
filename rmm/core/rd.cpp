#include "core/rd.h"

#include <stdexcept>

#include "core/context.h"
#include "core/s2tt_walk.h"
#include "platform/pe.h"

namespace rmm {

const char* to_string(RealmState s) {
  switch (s) {
    case RealmState::New: return "NEW";
    case RealmState::Active: return "ACTIVE";
    case RealmState::SystemOff: return "SYSTEM_OFF";
    case RealmState::Zombie: return "ZOMBIE";
  }
  return "?";
}

platform::Stage2Result Realm::translate(platform::Pe& pe, uint64_t ipa) {
  platform::Stage2Result res;
  if (!in_ipa_space(ipa)) {
    res.kind = platform::Stage2Result::Kind::Abort;
    return res;
  }
  const auto cfg = platform::s2::vtcr::decode(vtcr);
  if (!cfg) throw std::logic_error("rmm: a realm's VTCR_EL2 does not describe a stage 2");
  GranuleLocks lock(ctx_.granules);
  lock.lock_sorted({rd});
  const RttWalk w = rtt_walk(pe.requester(), RttRoot{cfg->geometry, cfg->start_level, cfg->num_root, rtt_base}, lpa2,
                             ipa, s2tt::kPageLevel);
  res.level = static_cast<int8_t>(w.level);
  const uint64_t in_entry = (ipa & ~uint64_t{0xFFF}) & (cfg->geometry.entry_size(w.level) - 1);
  switch (w.entry.type) {
    case s2tt::Type::AssignedRam:
      // Protected RAM: a DATA granule in the Realm PAS.
      res.kind = platform::Stage2Result::Kind::Mapped;
      res.pa = w.entry.oa + in_entry;
      res.pas = gpt::Pas::Realm;
      break;
    case s2tt::Type::AssignedNs:
      // Host memory in the unprotected half: Non-secure PAS, host-chosen permissions, no exec.
      res.kind = platform::Stage2Result::Kind::Mapped;
      res.pa = w.entry.oa + in_entry;
      res.pas = gpt::Pas::NonSecure;
      res.writable = w.entry.ns_attrs & s2tt::kS2apMask & (uint64_t{2} << 6);
      res.executable = false;
      break;
    default:
      // RIPAS EMPTY, unassigned or destroyed: a stage-2 fault the RMM resolves on the exit.
      res.kind = platform::Stage2Result::Kind::Unmapped;
      break;
  }
  return res;
}

}  // namespace rmm
