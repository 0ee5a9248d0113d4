// bench_host: wall time of whole scenarios (realm-lifecycle, populate-1g), the populate
// throughput in GiB per wall second next to a plain memcpy + SHA-256 of the same amount of
// data on this machine (what the populate path must at least do for a measured realm), and
// page-by-page fault-in against realm size next to the host's first-touch cost.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include "rmesim/runner.h"
#include "rmesim/scenario.h"

namespace {

rmesim::RunResult run(const std::string& file, const std::vector<rmesim::Override>& sets = {}) {
  const auto s = rmesim::load_scenario(std::string(RMESIM_SCENARIO_DIR) + "/" + file, sets);
  rmesim::RunOptions o;
  o.quiet = true;
  o.out_dir = (std::filesystem::temp_directory_path() / ("bench_host_" + s.name)).string();
  std::ostringstream sink;
  auto r = rmesim::run_scenario(s, o, sink);
  if (!r.ok) throw std::runtime_error(file + ": " + r.failure);
  return r;
}

void BM_RealmLifecycle(benchmark::State& state) {
  for (auto _ : state) {
    auto r = run("realm-lifecycle.yaml");
    state.counters["sim_ms"] = r.sim_time.to_seconds() * 1e3;
  }
}
BENCHMARK(BM_RealmLifecycle)->Unit(benchmark::kMillisecond)->Iterations(3);

// The whole populate-1g scenario, and its create step (KVM_ARM_RMI_POPULATE of 1 GiB,
// measured) as GiB per wall second.
void BM_Populate1G(benchmark::State& state) {
  double create_wall = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run("populate-1g.yaml");
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // The create step's share of the run, by simulated time of phases is not wall time: time
    // a scenario that only creates (no run, no teardown) instead.
    (void)total;
    state.counters["sim_s"] = r.sim_time.to_seconds();
  }
  (void)create_wall;
}
BENCHMARK(BM_Populate1G)->Unit(benchmark::kSecond)->Iterations(1);

// Populate only: the realm is created and populated (1 GiB, measured); the wall time of that
// step alone gives GiB per wall second.
void BM_Populate1GCreateOnly(benchmark::State& state) {
  const char* text = R"(name: bench-populate-1g
platform: {cores: 4, dram: 4GiB}
realms:
  r0: {memory: 1GiB, vcpus: 2, image: realm-hello, args: [2], populate: measured, populate_size: 1GiB}
steps:
  - create: r0
)";
  for (auto _ : state) {
    const auto s = rmesim::parse_scenario(text, "bench", {});
    rmesim::RunOptions o;
    o.quiet = true;
    o.out_dir = (std::filesystem::temp_directory_path() / "bench_host_populate").string();
    std::ostringstream sink;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = rmesim::run_scenario(s, o, sink);
    const double all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok) throw std::runtime_error(r.failure);
    state.counters["run_with_teardown_s"] = all;
    state.counters["populate_sim_s"] = (r.steps.at(0).end - r.steps.at(0).start).to_seconds();
  }
}
BENCHMARK(BM_Populate1GCreateOnly)->Unit(benchmark::kSecond)->Iterations(1);

// Page-by-page fault-in against realm size: memtouch writes one word per 4 KiB page of M MiB
// (every page a stage-2 fault: exit, the host's DELEGATE + DATA_CREATE_UNKNOWN, re-entry) and
// reads them back. Per fault: the wall-time difference to an 8 MiB touch over the page
// difference (teardown of each page included). Beside it, the host's own floor in the same
// run: the first write to each 4 KiB page of M MiB of fresh anonymous memory (what the
// simulator's DRAM pays the host kernel for every page a realm touches first).
double wall_of_touch(uint64_t mib) {
  std::ostringstream text;
  text << "name: bench-fault-in\nplatform: {cores: 2, dram: 4GiB}\nrealms:\n"
       << "  r0: {memory: " << (mib + 64) << "MiB, vcpus: 1, image: memtouch, args: [" << mib << ", 4096]}\n"
       << "steps:\n  - create: r0\n  - run: {vm: r0, until: stopped, timeout: 100s}\n"
       << "  - check: {vm: r0, stopped: system_off}\n  - teardown: r0\n";
  const auto s = rmesim::parse_scenario(text.str(), "bench", {});
  rmesim::RunOptions o;
  o.quiet = true;
  o.out_dir = (std::filesystem::temp_directory_path() / "bench_host_fault_in").string();
  std::ostringstream sink;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = rmesim::run_scenario(s, o, sink);
  if (!r.ok) throw std::runtime_error("fault-in run failed: " + r.failure);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double wall_of_host_first_touch(uint64_t mib) {
  const size_t bytes = size_t{mib} << 20;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("mmap");
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t off = 0; off < bytes; off += 4096) static_cast<volatile uint8_t*>(p)[off] = 1;
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  munmap(p, bytes);
  return t;
}

void BM_FaultIn(benchmark::State& state) {
  const uint64_t mib = static_cast<uint64_t>(state.range(0)), base_mib = 8;
  double best = 1e30, floor = 1e30;
  for (auto _ : state) {
    best = std::min(best, wall_of_touch(mib) - wall_of_touch(base_mib));
    floor = std::min(floor, wall_of_host_first_touch(mib));
  }
  const double pages = static_cast<double>((mib - base_mib) << 8);
  state.counters["us_per_fault"] = best / pages * 1e6;
  state.counters["host_first_touch_us_per_page"] = floor / static_cast<double>(mib << 8) * 1e6;
  state.counters["wall_s"] = best;
}
BENCHMARK(BM_FaultIn)->ArgName("MiB")->Arg(32)->Arg(128)->Arg(512)->Arg(1024)->Unit(benchmark::kSecond)->Iterations(2);

// Baseline: copy 1 GiB page by page and hash each page with SHA-256 (OpenSSL).
void BM_MemcpySha256_1G(benchmark::State& state) {
  const size_t kPage = 4096, kBytes = size_t{1} << 30;
  std::vector<uint8_t> src(kBytes, 0x5A), dst(kBytes);
  uint8_t md[32];
  for (auto _ : state) {
    for (size_t off = 0; off < kBytes; off += kPage) {
      std::memcpy(&dst[off], &src[off], kPage);
      unsigned int len = 0;
      EVP_Digest(&dst[off], kPage, md, &len, EVP_sha256(), nullptr);
    }
    benchmark::DoNotOptimize(md);
  }
  state.counters["GiB_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MemcpySha256_1G)->Unit(benchmark::kSecond)->Iterations(2);

}  // namespace
