// RMM speed: RMI commands per wall-clock second, issued as SMCs from the Non-secure world on
// PE 0 through the monitor (the full path a host takes): GRANULE_DELEGATE + UNDELEGATE pairs,
// and DATA_CREATE of 4 KiB measured (SHA-256 of the content) and unmeasured, each followed by
// the DATA_DESTROY + UNDELEGATE + DELEGATE that let it repeat on the same granule.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>

#include "platform/abi/rmm_abi_1_0.h"
#include "platform/abi/rmi.h"
#include "platform/abi/smccc.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/sim_context.h"
#include "platform/soc.h"
#include "rmm/rmm.h"

namespace {

using namespace platform;
namespace rmi = platform::abi::rmi;
constexpr uint64_t G = 4096;

struct Bench {
  TimingProfile profile = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml");
  std::unique_ptr<Soc> soc;
  std::unique_ptr<rmm::Rmm> rmm;
  uint64_t next;
  Bench() {
    SocConfig c;
    c.cores = 1;
    c.dram_size = 256 * MiB;
    fresh_simulation_context();
    soc = std::make_unique<Soc>("soc", c, profile);
    rmm = std::make_unique<rmm::Rmm>(*soc);
    next = c.dram_base + MiB;
    run([this](Pe& pe) { soc->monitor().boot(pe.requester()); });
  }
  void run(Pe::Job job) {
    soc->pe(0).post(std::move(job));
    sc_core::sc_start();
    soc->rethrow_job_errors();
  }
  uint64_t alloc(uint64_t n = 1, uint64_t align = G) {
    next = (next + align - 1) & ~(align - 1);
    const uint64_t pa = next;
    next += n * G;
    return pa;
  }
  static Bench& get() {
    static Bench b;
    return b;
  }
};

uint64_t smc(Pe& pe, Monitor& m, uint32_t fid, std::initializer_list<uint64_t> args) {
  abi::SmcRegs r;
  r.x[0] = fid;
  unsigned i = 1;
  for (uint64_t a : args) r.x[i++] = a;
  m.smc(pe.requester(), World::NonSecure, r);
  return r.x[0];
}

void BM_DelegateUndelegate(benchmark::State& state) {
  auto& b = Bench::get();
  const uint64_t pa = b.alloc();
  b.run([&](Pe& pe) {
    auto& m = b.soc->monitor();
    const sc_core::sc_time t0 = pe.requester().now();
    for (auto _ : state) {
      if (smc(pe, m, rmi::kGranuleDelegate, {pa}) != 0 || smc(pe, m, rmi::kGranuleUndelegate, {pa}) != 0)
        state.SkipWithError("delegate/undelegate failed");
    }
    state.counters["rmi_per_s"] = benchmark::Counter(2.0 * state.iterations(), benchmark::Counter::kIsRate);
    state.counters["sim_ns_per_pair"] = (pe.requester().now() - t0).to_seconds() * 1e9 / state.iterations();
  });
}
BENCHMARK(BM_DelegateUndelegate);

void data_create(benchmark::State& state, uint64_t flags) {
  auto& b = Bench::get();
  // A realm with RTTs for IPA 0, a source page, and one data granule reused.
  const uint64_t rd = b.alloc(), rtt = b.alloc(2, 2 * G), l2 = b.alloc(), l3 = b.alloc();
  const uint64_t params = b.alloc(), src = b.alloc(), data = b.alloc();
  static uint64_t vmid = 1;
  const uint64_t my_vmid = vmid++;
  b.run([&](Pe& pe) {
    auto& m = b.soc->monitor();
    for (uint64_t g : {rd, rtt, rtt + G, l2, l3, data}) smc(pe, m, rmi::kGranuleDelegate, {g});
    std::array<uint8_t, 4096> p{};
    auto put = [&](const char* field, uint64_t v) { platform::abi::put(p.data(), platform::abi::v1_0::kRealmParams, field, v); };
    put("s2sz", 40);
    put("num_bps", 1);
    put("num_wps", 1);
    put("vmid", my_vmid);
    put("rtt_base", rtt);
    put("rtt_level_start", 1);
    put("rtt_num_start", 2);
    pe.requester().write(params, p.data(), p.size(), gpt::Pas::NonSecure);
    p.fill(0x3C);
    pe.requester().write(src, p.data(), p.size(), gpt::Pas::NonSecure);
    if (smc(pe, m, rmi::kRealmCreate, {rd, params}) != 0 || smc(pe, m, rmi::kRttCreate, {rd, l2, 0, 2}) != 0 ||
        smc(pe, m, rmi::kRttCreate, {rd, l3, 0, 3}) != 0)
      state.SkipWithError("realm setup failed");
    const sc_core::sc_time t0 = pe.requester().now();
    uint64_t ipa = 0;
    for (auto _ : state) {
      if (smc(pe, m, rmi::kDataCreate, {rd, data, ipa, src, flags}) != 0) state.SkipWithError("DATA_CREATE failed");
      state.PauseTiming();
      smc(pe, m, rmi::kDataDestroy, {rd, ipa});
      ipa = (ipa + G) % (512 * G);
      state.ResumeTiming();
    }
    state.counters["data_create_per_s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
    (void)t0;
  });
}

void BM_DataCreateMeasured(benchmark::State& state) { data_create(state, rmi::kDataMeasureContent); }
void BM_DataCreateUnmeasured(benchmark::State& state) { data_create(state, rmi::kDataNoMeasureContent); }
BENCHMARK(BM_DataCreateMeasured);
BENCHMARK(BM_DataCreateUnmeasured);

}  // namespace
