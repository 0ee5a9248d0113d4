// Realm descriptor (RD): what the RMM keeps about one realm (RMM spec 1.0, "Realm").
// The RD granule is in state RD while the realm exists; this object is the model's view of
// its content, keyed by the RD's PA. A realm is also the Stage2 the CPU asks for IPA pages
// while one of its RECs runs.
#pragma once
#include <array>
#include <cstdint>

#include "core/measurement.h"
#include "core/s2tt.h"
#include "platform/guest_cpu.h"
#include "rmm/rmm.h"  // RealmState

namespace rmm {

class Context;


class Realm final : public platform::Stage2 {
 public:
  Realm(Context& ctx, uint64_t rd_pa) : rd(rd_pa), ctx_(ctx) {}
  Context& context() const { return ctx_; }

  uint64_t rd;                    // PA of the RD granule
  RealmState state = RealmState::New;
  // From RmiRealmParams.
  uint64_t flags = 0;
  unsigned s2sz = 0;              // IPA width
  uint64_t sve_vl = 0, num_bps = 0, num_wps = 0, pmu_num_ctrs = 0;
  bool lpa2 = false;
  HashAlgorithm algorithm = HashAlgorithm::Sha256;
  std::array<uint8_t, 64> rpv{};
  uint16_t vmid = 0;
  uint64_t rtt_base = 0;          // first starting-level RTT
  int start_level = 0;
  unsigned num_root = 1;          // concatenated starting-level RTTs
  s2tt::Geometry geometry;        // the translation granule of its RTTs: the RMI granule
  uint64_t vtcr = 0;              // VTCR_EL2 of its stage 2 (TG0, SL0/SL2, T0SZ), as the CPU walks it
  // RMM bookkeeping.
  unsigned rec_count = 0;         // RECs ever created = index the next REC must have
  uint64_t open_sro = 0;          // 2.0: handle of the REC_CREATE operation in progress, or 0
  Measurement measurement;

  uint64_t ipa_size() const { return uint64_t{1} << s2sz; }
  // Protected IPA space: the lower half ("PAR").
  uint64_t par_size() const { return uint64_t{1} << (s2sz - 1); }
  bool in_par(uint64_t ipa) const { return ipa < par_size(); }
  bool in_ipa_space(uint64_t ipa) const { return ipa < ipa_size(); }

  // platform::Stage2: the page holding `ipa` for the CPU's translation fill. Walks the RTT as
  // the realm's VTCR_EL2 and VTTBR_EL2 (rtt_base) configure it, with timed reads on `pe`'s
  // requester, under the RD lock.
  platform::Stage2Result translate(platform::Pe& pe, uint64_t ipa) override;

 private:
  Context& ctx_;
};

}  // namespace rmm
