// RmmTest over an RMM 2.0-bet1: configured (RMM_CONFIG_SET, 4 KiB granules) and activated, as
// the v14 host's init leaves it; granules are delegated by range; RECs are created by SRO.
#pragma once
#include "platform/abi/rmm_abi_2_0.h"
#include "rmm_fixture.h"

namespace rmmtest {

class Rmm2Test : public RmmTest {
 protected:
  explicit Rmm2Test(bool activate = true, platform::SocConfig cfg = rmesim::testing::SocFixture::small_config())
      : RmmTest(platform::abi::v2_0::kSpec, cfg) {
    if (!activate) return;
    EXPECT_RMI_OK(call(rmi::kRmmConfigSet, {config_page(0, 0)}));
    EXPECT_RMI_OK(call(rmi::kRmmActivate));
  }

  // An RmiRmmConfig in Non-secure memory.
  uint64_t config_page(uint64_t granule_size, uint64_t tracking) {
    std::array<uint8_t, 4096> c{};
    platform::abi::put(c.data(), platform::abi::v2_0::rmm_config::kRmiGranuleSize, granule_size);
    platform::abi::put(c.data(), platform::abi::v2_0::rmm_config::kTrackingRegionSize, tracking);
    return ns_page(c);
  }
  // A Non-secure page holding a list of PAs (OP_MEM_DONATE's list).
  uint64_t list_page(const std::vector<uint64_t>& pas) {
    std::array<uint8_t, 4096> b{};
    std::memcpy(b.data(), pas.data(), 8 * pas.size());
    return ns_page(b);
  }
  std::vector<uint64_t> read_list(uint64_t pa, unsigned n) {
    std::vector<uint64_t> v(n);
    EXPECT_TRUE(read_ns(pa, v.data(), 8 * n));
    return v;
  }

  // REC_CREATE's first call: RMI_INCOMPLETE asking for a donation; the handle in *handle.
  SmcRegs rec_create_start(uint64_t rd, uint64_t rec, RecParams p = {}) {
    p.aux.clear();
    p.num_aux_override = 0;
    return smc(rmi::kRecCreate, {rd, rec, ns_page(p.bytes())});
  }
  // The whole SRO: REC_CREATE, donations of fresh DELEGATED granules, OP_CONTINUE.
  uint64_t make_rec2(uint64_t rd, RecParams p, uint64_t* rec_out = nullptr, std::vector<uint64_t>* aux = nullptr) {
    const uint64_t rec = delegated();
    if (rec_out) *rec_out = rec;
    SmcRegs r = rec_create_start(rd, rec, p);
    const uint64_t handle = r.x[1];
    while (rmi::status_of(r.x[0]) == Status::Incomplete && rmi::memreq_of(r.x[0]) == rmi::MemReq::Donate) {
      std::vector<uint64_t> g;
      for (uint64_t i = 0; i < rmi::donate_req::count(r.x[2]); ++i) g.push_back(delegated());
      r = smc(rmi::kOpMemDonate, {handle, list_page(g), g.size()});
      if (aux) aux->insert(aux->end(), g.begin(), g.begin() + std::min<uint64_t>(r.x[1], g.size()));
    }
    if (rmi::status_of(r.x[0]) == Status::Incomplete) r = smc(rmi::kOpContinue, {handle, 0});
    return r.x[0];
  }
  // REC_DESTROY and every reclaim; the granules handed back in *back.
  uint64_t destroy_rec2(uint64_t rec, std::vector<uint64_t>* back = nullptr) {
    SmcRegs r = smc(rmi::kRecDestroy, {rec});
    const uint64_t handle = r.x[1];
    const uint64_t list = alloc();
    while (rmi::status_of(r.x[0]) == Status::Incomplete) {
      r = smc(rmi::kOpMemReclaim, {handle, list, 512});
      if (back) for (uint64_t pa : read_list(list, static_cast<unsigned>(r.x[1]))) back->push_back(pa);
    }
    return r.x[0];
  }
};

}  // namespace rmmtest
