// Guest speed of the CPU layer: MIPS of the full path (UnicornCpu with stage 2 and the GPC
// enforced, time charged, quantum slices) against a bare Unicorn engine with one flat region
// and no hooks, on the same code (the compute image's loops) in the same run. The stage 2
// here is a flat test mapping; realm_bench.cpp measures the same loops inside a realm.
// Counters: full_MIPS, bare_MIPS, bare_blockhook_MIPS, ratio (goal >= 0.8), ratio_vs_blockhook.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "bare_engine.h"
#include "cpu/core.h"
#include "guest_images/compute.h"
#include "loops.h"
#include "platform/guest_cpu.h"
#include "sim/profile.h"
#include "platform/requester.h"
#include "platform/sim_context.h"
#include "platform/soc.h"
#include "timing.h"

namespace {

using namespace platform;
using bench_cpu::BareEngine;

constexpr uint64_t kIpa = 0x80000000, kPa = 0x84000000, kSize = 8 << 20;
constexpr uint64_t kHvcIpa = kIpa + (4 << 20);   // an HVC #0 the loops return to
constexpr uint64_t kDataIpa = kIpa + (6 << 20);  // the load/store loop's 1 MiB

struct FlatStage2 final : Stage2 {
  Stage2Result translate(Pe&, uint64_t ipa) override {
    Stage2Result r;
    if (ipa < kIpa || ipa >= kIpa + kSize) return r;  // Unmapped
    r.kind = Stage2Result::Kind::Mapped;
    r.pa = kPa + (ipa - kIpa);
    r.pas = gpt::Pas::NonSecure;
    return r;
  }
};

struct Bench {
  TimingProfile profile = TimingProfile::load(std::string(RMESIM_PROFILE_DIR) + "/default.yaml");
  std::unique_ptr<Soc> soc;
  std::unique_ptr<cpu::UnicornCpu> cpu;
  FlatStage2 s2;
  Bench() {
    SocConfig c;
    c.cores = 1;
    c.dram_size = 256 * MiB;
    if (const char* q = std::getenv("BENCH_CPU_QUANTUM_NS")) c.quantum_ns = std::strtoull(q, nullptr, 10);
    fresh_simulation_context();
    soc = std::make_unique<Soc>("soc", c, profile);
    cpu = std::make_unique<cpu::UnicornCpu>(profile, soc->stats(), c.seed);
    run([this](Pe& pe) { soc->monitor().boot(pe.requester()); });
    bench_cpu::load_image(guest_images::compute::kBinary, ram(), kSize);
    const uint32_t hvc = 0xd4000002;
    std::memcpy(ram() + (kHvcIpa - kIpa), &hvc, 4);
  }
  void run(Pe::Job job) {
    soc->pe(0).post(std::move(job));
    sc_core::sc_start();
    soc->rethrow_job_errors();
  }
  uint8_t* ram() { return soc->pe(0).requester().dram_pointer(kPa, kSize); }
  static Bench& get() {
    static Bench b;
    return b;
  }

  // Calls `fn` through the full path until its return hits the HVC; instructions retired.
  uint64_t call(uint64_t fn, uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0) {
    GuestState st;
    st.pc = fn;
    st.x[0] = x0; st.x[1] = x1; st.x[2] = x2;
    st.x[30] = kHvcIpa;
    st.sp_el1 = kIpa + kSize - 16;
    uint64_t insns = 0;
    run([&](Pe& pe) {
      GuestExit e;
      do {
        e = cpu->run(pe, st, s2, 1ull << 40);
        insns += e.instructions;
      } while (e.kind == GuestExitKind::Budget);
      if (e.kind != GuestExitKind::Hvc) throw std::runtime_error("unexpected exit");
    });
    return insns;
  }
};

// The three runs are interleaved. Rates come from each one's fastest run; ratios are the
// medians of the ratios of runs made back to back (see timing.h).
void compare(benchmark::State& state, uint64_t insns_expected, const std::function<uint64_t()>& full,
             const std::function<void()>& bare, const std::function<void()>& hooked) {
  double t_full = 1e30, t_bare = 1e30, t_hooked = 1e30;
  std::vector<double> ratios, ratios_hooked;
  uint64_t insns = 0;
  for (auto _ : state) {
    const double a = bench_cpu::thread_seconds();
    insns = full();
    const double b = bench_cpu::thread_seconds();
    bare();
    const double c = bench_cpu::thread_seconds();
    hooked();
    const double d = bench_cpu::thread_seconds();
    t_full = std::min(t_full, b - a);
    t_bare = std::min(t_bare, c - b);
    t_hooked = std::min(t_hooked, d - c);
    ratios.push_back((c - b) / (b - a));
    ratios_hooked.push_back((d - c) / (b - a));
  }
  // The full path also retires the HVC that ends the run; the bare engines stop at it.
  if (insns != insns_expected + 1) state.SkipWithError("the full path retired an unexpected instruction count");
  state.counters["insns"] = static_cast<double>(insns_expected);
  state.counters["full_MIPS"] = insns_expected / t_full / 1e6;
  state.counters["bare_MIPS"] = insns_expected / t_bare / 1e6;
  state.counters["bare_blockhook_MIPS"] = insns_expected / t_hooked / 1e6;
  state.counters["ratio"] = bench_cpu::median(ratios);
  state.counters["ratio_vs_blockhook"] = bench_cpu::median(ratios_hooked);
}

void BM_ComputeLoop(benchmark::State& state) {
  auto& b = Bench::get();
  BareEngine bare(kIpa, kSize, b.ram()), hooked(kIpa, kSize, b.ram(), true);
  const uint64_t iters = static_cast<uint64_t>(state.range(0)), fn = guest_images::compute::k_compute_loop;
  compare(state, bench_cpu::compute_loop_insns(iters), [&] { return b.call(fn, iters, 7); },
          [&] { bare.call(fn, kHvcIpa, iters, 7); }, [&] { hooked.call(fn, kHvcIpa, iters, 7); });
}
BENCHMARK(BM_ComputeLoop)->Arg(5'000'000)->Unit(benchmark::kMillisecond)->Iterations(15);

void BM_LoadStoreLoop(benchmark::State& state) {
  auto& b = Bench::get();
  BareEngine bare(kIpa, kSize, b.ram()), hooked(kIpa, kSize, b.ram(), true);
  const uint64_t passes = static_cast<uint64_t>(state.range(0)), fn = guest_images::compute::k_ldst_loop;
  const uint64_t bytes = bench_cpu::kLdstBytes;
  compare(state, bench_cpu::ldst_loop_insns(passes), [&] { return b.call(fn, passes, kDataIpa, bytes); },
          [&] { bare.call(fn, kHvcIpa, passes, kDataIpa, bytes); },
          [&] { hooked.call(fn, kHvcIpa, passes, kDataIpa, bytes); });
}
BENCHMARK(BM_LoadStoreLoop)->Arg(10)->Unit(benchmark::kMillisecond)->Iterations(15);

// What restarting a slice costs: the compute loop cut into slices of 64 blocks (512
// instructions), restarted with the exits API (as UnicornEngine runs) or with an `until`
// address, against the same loop in one slice; per restart, the fastest of the repeats.
void BM_SliceRestart(benchmark::State& state) {
  auto& b = Bench::get();
  const bool exits = state.range(0) != 0;
  BareEngine e(kIpa, kSize, b.ram(), true);
  const uint64_t iters = 2'000'000, fn = guest_images::compute::k_compute_loop;
  double whole = 1e30, sliced = 1e30;
  uint64_t slices = 0;
  for (auto _ : state) {
    const double a = bench_cpu::thread_seconds();
    e.call_sliced(fn, kHvcIpa, iters, 7, ~uint64_t{0}, exits);
    const double m = bench_cpu::thread_seconds();
    slices = e.call_sliced(fn, kHvcIpa, iters, 7, 64, exits);
    const double z = bench_cpu::thread_seconds();
    whole = std::min(whole, m - a);
    sliced = std::min(sliced, z - m);
  }
  state.counters["slices"] = static_cast<double>(slices);
  state.counters["restart_ns"] = (sliced - whole) / static_cast<double>(slices) * 1e9;
}
BENCHMARK(BM_SliceRestart)->ArgName("exits")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(7);

}  // namespace
