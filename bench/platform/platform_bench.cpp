// Platform speed: GPC checks through a PE's GPC unit (warm cache, cold walk) and granule
// transitions through the monitor. Wall-clock rates; simulated time is not the point here.
#include <benchmark/benchmark.h>

#include <memory>

#include "platform/abi/smccc.h"
#include "platform/gpc_unit.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/sim_context.h"
#include "platform/soc.h"

namespace {

using namespace platform;

// One booted SoC shared by every benchmark; each benchmark runs as a job on PE 0.
struct Bench {
  TimingProfile profile = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml");
  std::unique_ptr<Soc> soc;
  Bench() {
    SocConfig c;
    c.cores = 2;
    c.dram_size = 2 * GiB;
    fresh_simulation_context();
    soc = std::make_unique<Soc>("soc", c, profile);
    run([this](Pe& pe) { soc->monitor().boot(pe.requester()); });
  }
  void run(Pe::Job job) {
    soc->pe(0).post(std::move(job));
    sc_core::sc_start();
    soc->rethrow_job_errors();
  }
  static Bench& get() {
    static Bench b;
    return b;
  }
};

void BM_GpcCheckWarm(benchmark::State& state) {
  auto& b = Bench::get();
  b.run([&](Pe& pe) {
    const uint64_t base = b.soc->config().dram_base;
    platform::Delay d;
    uint64_t i = 0;
    for (auto _ : state) {
      // 64 granules in turn: all stay in the cache.
      auto r = pe.gpc().check(base + ((i++ & 63) << 12), 8, gpt::Pas::NonSecure, d);
      benchmark::DoNotOptimize(r);
    }
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GpcCheckWarm);

void BM_GpcCheckColdWalk(benchmark::State& state) {
  auto& b = Bench::get();
  b.run([&](Pe& pe) {
    const uint64_t base = b.soc->config().dram_base;
    // Shatter the first 2 MiB so the walk ends at a granule descriptor, as for delegated memory.
    abi::SmcRegs r;
    r.x[0] = abi::kRmmGtsiDelegate;
    r.x[1] = base;
    b.soc->monitor().smc(pe.requester(), World::Realm, r);
    platform::Delay d;
    uint64_t i = 0;
    for (auto _ : state) {
      const uint64_t pa = base + 0x1000 + ((i++ & 255) << 12);
      pe.gpc().tlbi_rpa(pa, 0x1000);  // forget it: the check walks L0 and L1
      auto res = pe.gpc().check(pa, 8, gpt::Pas::NonSecure, d);
      benchmark::DoNotOptimize(res);
    }
    r.x[0] = abi::kRmmGtsiUndelegate;
    r.x[1] = base;
    b.soc->monitor().smc(pe.requester(), World::Realm, r);
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GpcCheckColdWalk);

void BM_NsRead64ThroughRequester(benchmark::State& state) {
  auto& b = Bench::get();
  b.run([&](Pe& pe) {
    const uint64_t base = b.soc->config().dram_base + 0x10000000;
    uint64_t v, i = 0;
    for (auto _ : state) {
      auto st = pe.requester().read64(base + ((i++ & 511) << 3), v, gpt::Pas::NonSecure);
      benchmark::DoNotOptimize(st);
    }
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NsRead64ThroughRequester);

void BM_DelegateUndelegatePair(benchmark::State& state) {
  auto& b = Bench::get();
  b.run([&](Pe& pe) {
    auto& m = b.soc->monitor();
    const uint64_t base = b.soc->config().dram_base + 0x20000000;
    uint64_t i = 0;
    for (auto _ : state) {
      const uint64_t pa = base + ((i++ & 4095) << 12);
      abi::SmcRegs r;
      r.x[0] = abi::kRmmGtsiDelegate;
      r.x[1] = pa;
      m.smc(pe.requester(), World::Realm, r);
      r.x[0] = abi::kRmmGtsiUndelegate;
      r.x[1] = pa;
      m.smc(pe.requester(), World::Realm, r);
      if (r.x[0] != abi::kRmmEl3Ok) state.SkipWithError("transition failed");
    }
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DelegateUndelegatePair);

}  // namespace
