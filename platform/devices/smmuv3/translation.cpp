// The client path (IHI 0070 §3.1, §3.25): a device's transaction with its StreamID is looked
// up in the Stream table, translated by stage 1 and/or stage 2 (or bypasses), and goes out
// through the SMMU's GPC unit. Translation and configuration faults are Event queue records;
// a GPF on the output address is not: it aborts the transaction and goes to SMMU_ROOT_GPF_FAR.
#include <tuple>

#include "platform/devices/smmuv3/smmuv3.h"
#include "platform/pas_extension.h"

namespace platform::smmuv3 {

namespace {
EventType event_for(uint8_t kind_index) {
  switch (kind_index) {
    case 1: return EventType::F_TRANSLATION;
    case 2: return EventType::F_ACCESS;
    default: return EventType::F_PERMISSION;
  }
}
}  // namespace

void Smmuv3::fetch_failed(const Access& a, uint32_t sid, EventType type, uint64_t fetch_addr, Fault& f,
                          const sc_core::sc_time& now) {
  f.abort = true;
  f.event.type = static_cast<uint8_t>(type);
  f.event.sid = sid;
  f.event.fetch_addr = fetch_addr;
  if (!a.gpf.ok()) {
    // With RME_IMPL, a GPF on the SMMU's own fetch is the fetch event with GPCF set, and
    // SMMU_ROOT_GPF_FAR says which fetch (REASON TRANSLATION, FAULTCODE the event type).
    f.event.gpcf = true;
    ++stats_.gpf_fetch;
    record_gpf(a.gpf, sid, FarReason::Translation, static_cast<uint8_t>(type), now);
  }
}

bool Smmuv3::translate(uint32_t sid, uint64_t iova, bool write, uint64_t& pa, Fault& f, Delay& delay,
                       const sc_core::sc_time& now) {
  Ste ste;
  if (!ste_for(sid, ste, f, delay, now)) return false;
  switch (static_cast<SteConfig>(ste.config)) {
    case SteConfig::Abort: f.abort = true; return false;  // terminated, no event (§5.2 Config)
    case SteConfig::Bypass: ++stats_.bypassed; pa = iova; return true;
    default: break;
  }
  ++stats_.translated;
  const bool s1 = ste.config & 1, s2 = ste.config & 2;
  Cd cd;
  if (s1 && !cd_for(sid, ste, cd, f, delay, now)) return false;

  auto walk_fault = [&](const WalkResult& w) {
    f.abort = true;
    if (w.kind == WalkResult::Kind::FetchAbort) {
      fetch_failed(w.fetch, sid, EventType::F_WALK_EABT, w.fetch_addr, f, now);
    } else {
      f.event.type = static_cast<uint8_t>(event_for(static_cast<uint8_t>(w.kind)));
      f.event.sid = sid;
      if (w.stage2) f.event.ipa = w.ipa;
    }
    f.event.s2 = w.stage2;
    f.event.clss = w.clss;
    f.event.rnw = !write;
    f.event.input_addr = iova;
    return false;
  };

  // TLB entries are tagged with the STE's VMID (also for stage 1 only) and, for stage 1, the
  // CD's ASID; a stage-2-only entry has no ASID.
  const auto key = std::make_tuple(ste.s2_vmid, s1 ? int32_t{cd.asid} : int32_t{-1}, iova >> 12);
  TlbEntry e;
  if (auto it = tlb_.find(key); it != tlb_.end()) {
    ++stats_.tlb_hits;
    e = it->second;
  } else {
    ++stats_.tlb_misses;
    uint64_t ipa = iova & ~uint64_t{0xFFF};
    e = TlbEntry{0, 0, true, true, true};
    if (s1) {
      const WalkResult w = walk_stage1(ste, cd, iova, delay);
      if (w.kind != WalkResult::Kind::Ok) return walk_fault(w);
      ipa = w.oa;
      e.s1_write = w.writable;
    }
    e.ipa_page = ipa;
    if (s2) {
      const WalkResult w = walk_stage2(ste, ipa | (iova & 0xFFF), kClassIn, delay);
      if (w.kind != WalkResult::Kind::Ok) return walk_fault(w);
      e.pa_page = w.oa;
      e.s2_read = w.readable;
      e.s2_write = w.writable;
    } else {
      e.pa_page = ipa;
    }
    tlb_[key] = e;
  }
  // Stage 1 is checked first: its permission fault wins over stage 2's.
  const bool s1_denies = write && !e.s1_write;
  const bool s2_denies = write ? !e.s2_write : !e.s2_read;
  if (s1_denies || s2_denies) {
    WalkResult w;
    w.kind = WalkResult::Kind::Permission;
    w.stage2 = !s1_denies;
    w.ipa = e.ipa_page | (iova & 0xFFF);
    return walk_fault(w);
  }
  pa = e.pa_page | (iova & 0xFFF);
  return true;
}

void Smmuv3::b_transport_client(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  auto* ext = gp.get_extension<PasExtension>();
  const auto* sid_ext = gp.get_extension<StreamIdExtension>();
  Delay local;
  Delay& costs = ext && ext->costs ? *ext->costs : local;
  const sc_core::sc_time before = costs.total();
  const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
  const uint32_t sid = sid_ext ? sid_ext->sid : 0;
  const uint64_t iova = gp.get_address();
  const bool write = gp.is_write();
  ++stats_.transactions;

  uint64_t pa = iova;
  Fault f;
  bool ok = true;
  if (!(cr0_ & CR0_SMMUEN)) {
    // Translation disabled: SMMU_GBPA decides; the output is still GPC-checked.
    ok = !(gbpa_ & GBPA_ABORT);
    if (ok) ++stats_.bypassed;
  } else {
    ok = translate(sid, iova, write, pa, f, costs, now);
    if (!ok && f.event.type) record_event(f.event, now + (costs.total() - before));
  }
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  if (ok) {
    const Access a = access(pa, gp.get_data_ptr(), gp.get_data_length(), write, costs);
    if (client_log_) client_log_->push_back({sid, pa, gp.get_data_length(), write, a.ok(), !a.gpf.ok()});
    if (!a.gpf.ok()) {
      ++stats_.gpf_client;
      record_gpf(a.gpf, sid, FarReason::Transaction, 0, now + (costs.total() - before));
      status = tlm::TLM_GENERIC_ERROR_RESPONSE;  // an external abort to the device
    } else if (a.bus_error) {
      status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
  } else {
    status = tlm::TLM_GENERIC_ERROR_RESPONSE;
  }
  if (status != tlm::TLM_OK_RESPONSE) ++stats_.aborted;
  delay += costs.total() - before;
  gp.set_response_status(status);
}

}  // namespace platform::smmuv3
