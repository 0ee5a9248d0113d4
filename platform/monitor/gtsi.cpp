// Granule transitions requested by the RMM (RMM-EL3 GTSI): delegate NS -> Realm and
// undelegate Realm -> NS, each with GPT update, cache maintenance by PA and TLBI RPALOS to
// every GPC unit, following TF-A's gpt_delegate_pas / gpt_undelegate_pas sequences.
#include <algorithm>
#include <cstring>

#include "monitor/root_memory.h"
#include "platform/gpc_unit.h"
#include "sim/log.h"
#include "platform/monitor.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/soc_config.h"

namespace platform {

bool Monitor::is_delegable(uint64_t pa) const {
  return pa >= delegable_base_ && pa < delegable_end_ && (pa & (granule_size() - 1)) == 0;
}

// The TLBI broadcast model: TLBI RPALOS/PAALLOS is a DVM operation the interconnect delivers
// to every PE and SMMU of the Outer Shareable domain, and the DSB after it completes only when
// each has acknowledged (DVM Sync). The issuer cannot know which units hold GPT information for
// the range, so every GPC unit (one per PE, one per SMMU) takes it: the time is the
// issue and DSB round trip (tlbi.broadcast) plus one acknowledgement per GPC unit
// (tlbi.broadcast_per_pe), which the interconnect collects one after the other.
void Monitor::charge_tlbi(Requester& caller) {
  caller.charge(t_tlbi_);
  caller.charge(t_tlbi_ack_, static_cast<double>(gpcs_.size() + smmus_.size()));
}

void Monitor::tlbi_broadcast_rpa(Requester& caller, uint64_t base, uint64_t size) {
  ++tlbi_broadcasts_;
  for (GpcUnit* g : gpcs_) g->tlbi_rpa(base, size);
  for (const Smmu& s : smmus_) s.gpc->tlbi_rpa(base, size);
  charge_tlbi(caller);
}

void Monitor::tlbi_broadcast_paall(Requester& caller) {
  ++tlbi_broadcasts_;
  for (GpcUnit* g : gpcs_) g->tlbi_paall();
  for (const Smmu& s : smmus_) s.gpc->tlbi_paall();
  charge_tlbi(caller);
}

TimedLock& Monitor::gpt_lock(uint64_t pa) {
  return gpt_locks_[(pa >> kGptLockBlockShift) - (delegable_base_ >> kGptLockBlockShift)];
}

uint64_t Monitor::transition(Requester& caller, uint64_t pa, gpt::Gpi from, gpt::Gpi to) {
  if (!booted_ || !is_delegable(pa)) {
    ++transitions_refused_;
    RMESIM_LOG(LogLevel::Debug, "soc.monitor", "transition refused: 0x" << std::hex << pa << " not delegable");
    return abi::kRmmEl3BadAddr;
  }
  const sc_core::sc_time start = caller.now();
  uint64_t status;
  {
    // bit_lock(): from the GPI check to the last TLBI, no other PE changes this block.
    const TimedLockGuard lock(gpt_lock(pa), caller);
    status = update_gpt(caller, pa, from, to);
  }
  if (status == abi::kRmmEl3Ok) t_transitions_.add(caller.now() - start);
  return status;
}

uint64_t Monitor::update_gpt(Requester& caller, uint64_t pa, gpt::Gpi from, gpt::Gpi to) {
  RootMemory mem(caller);
  gpt::GptTable table(gpc_cfg_, mem);
  if (const gpt::Gpi now = table.granule_gpi(pa); now != from) {
    ++transitions_refused_;
    RMESIM_LOG(LogLevel::Debug, "soc.monitor", "transition refused: 0x" << std::hex << pa
               << " is " << gpt::to_string(now) << ", not " << gpt::to_string(from));
    return abi::kRmmEl3BadPas;
  }
  const uint64_t gsize = granule_size();
  if (to == gpt::Gpi::Realm) {
    // Delegate (cache maintenance is one DC CIPAPA per line of the granule, t_cmo_granule_):
    // clean+invalidate the target PAS's lines, flip the GPI, invalidate every GPC
    // cache, then clean+invalidate the lines of the old PAS.
    caller.charge(t_cmo_granule_);
    if (!table.set_granule(pa, to)) {  // an L0 block (no L1 table yet): firmware refuses
      ++transitions_refused_;
      return abi::kRmmEl3BadPas;
    }
    tlbi_broadcast_rpa(caller, pa, gsize);
    caller.charge(t_cmo_granule_);
    ++delegates_;
  } else {
    // Undelegate: make the granule inaccessible first so nobody sees the scrub half done,
    // scrub it, clean+invalidate for both PAS, then open it to Non-secure.
    table.set_granule(pa, gpt::Gpi::NoAccess);
    tlbi_broadcast_rpa(caller, pa, gsize);
    if (uint8_t* host = caller.dram_pointer(pa, gsize)) std::memset(host, 0, gsize);
    caller.charge(scrub_, gsize);
    caller.charge(t_cmo_granule_, 2);
    table.set_granule(pa, to);
    tlbi_broadcast_rpa(caller, pa, gsize);
    ++undelegates_;
  }
  return abi::kRmmEl3Ok;
}

uint64_t Monitor::gtsi_delegate(Requester& caller, uint64_t pa) {
  return transition(caller, pa, gpt::Gpi::NonSecure, gpt::Gpi::Realm);
}

uint64_t Monitor::gtsi_undelegate(Requester& caller, uint64_t pa) {
  return transition(caller, pa, gpt::Gpi::Realm, gpt::Gpi::NonSecure);
}

uint64_t Monitor::gpt_l1_create(Requester& caller, uint64_t pa) {
  const uint64_t block = uint64_t{1} << gpc_cfg_.s();
  if (!booted_ || (pa & (block - 1)) || pa < cfg_.dram_base || pa >= cfg_.dram_base + cfg_.dram_size)
    return abi::kRmmEl3BadAddr;
  // Carve-out blocks always have their table; lock the last delegable block for them.
  const TimedLockGuard lock(gpt_lock(std::clamp(pa, delegable_base_, delegable_end_ - granule_size())), caller);
  RootMemory mem(caller);
  gpt::GptTable table(gpc_cfg_, mem);
  // The pool holds a table for every block of DRAM (dram_layout), so it never runs out.
  if (!table.create_l1(pa, l1_next_)) return abi::kRmmEl3BadPas;
  l1_next_ += gpc_cfg_.l1_table_bytes();
  tlbi_broadcast_paall(caller);
  return abi::kRmmEl3Ok;
}

}  // namespace platform
