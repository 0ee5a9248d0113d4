// Host speed of the RMM model's crypto (not simulated time): how many measured DATA_CREATE
// extensions and how many CCA tokens the simulator can produce per second of wall clock.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "core/attestation_token.h"
#include "core/measurement.h"

namespace {

rmm::Measurement fresh_measurement(rmm::HashAlgorithm algo) {
  rmm::RealmParamsMeasured p;
  p.s2sz = 40;
  p.algorithm = algo;
  rmm::Measurement m;
  m.init_rim(p);
  return m;
}

// One RMI_DATA_CREATE(MEASURE_CONTENT) RIM extension: hash the 4 KiB granule, then the
// 256-byte descriptor.
void BM_DataCreateMeasured(benchmark::State& state) {
  const auto algo = static_cast<rmm::HashAlgorithm>(state.range(0));
  rmm::Measurement m = fresh_measurement(algo);
  std::vector<uint8_t> page(rmm::kStructSize);
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<uint8_t>(i * 13);
  uint64_t ipa = 0;
  for (auto _ : state) {
    m.extend_data(ipa, rmm::kRmiMeasureContent, page.data(), page.size());
    ipa += rmm::kStructSize;
    benchmark::DoNotOptimize(m.rim().data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(rmm::kStructSize));
  state.SetLabel(algo == rmm::HashAlgorithm::Sha256 ? "sha-256" : "sha-512");
}
BENCHMARK(BM_DataCreateMeasured)->Arg(0)->Arg(1);

// RMI_DATA_CREATE without MEASURE_CONTENT: the descriptor hash only.
void BM_DataCreateUnmeasured(benchmark::State& state) {
  const auto algo = static_cast<rmm::HashAlgorithm>(state.range(0));
  rmm::Measurement m = fresh_measurement(algo);
  uint64_t ipa = 0;
  for (auto _ : state) {
    m.extend_data(ipa, 0, nullptr, 0);
    ipa += rmm::kStructSize;
    benchmark::DoNotOptimize(m.rim().data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(algo == rmm::HashAlgorithm::Sha256 ? "sha-256" : "sha-512");
}
BENCHMARK(BM_DataCreateUnmeasured)->Arg(0)->Arg(1);

// RSI_MEASUREMENT_EXTEND with 64 bytes.
void BM_RemExtend(benchmark::State& state) {
  const auto algo = static_cast<rmm::HashAlgorithm>(state.range(0));
  rmm::Measurement m = fresh_measurement(algo);
  std::array<uint8_t, 64> data{};
  for (auto _ : state) {
    m.extend_rem(1, data.data(), data.size());
    benchmark::DoNotOptimize(m.slot(1).data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(algo == rmm::HashAlgorithm::Sha256 ? "sha-256" : "sha-512");
}
BENCHMARK(BM_RemExtend)->Arg(0)->Arg(1);

// RSI_ATTEST_TOKEN_INIT/CONTINUE end to end: realm claims CBOR, ES384 sign (deterministic
// nonce), COSE_Sign1, tag-399 collection around the boot-time platform token.
void BM_TokenBuild(benchmark::State& state) {
  const auto platform = rmm::PlatformAttestation::from_seed(1);
  const rmm::Measurement m = fresh_measurement(rmm::HashAlgorithm::Sha256);
  std::array<uint8_t, 64> challenge{}, rpv{};
  auto claims = rmm::RealmClaims::from_measurement(m, challenge, rpv);
  size_t bytes = 0;
  for (auto _ : state) {
    ++claims.challenge[0];  // a fresh challenge each time, as a verifier would send
    auto token = rmm::AttestationToken::build(claims, platform);
    bytes = token.size();
    benchmark::DoNotOptimize(token.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["token_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_TokenBuild)->Unit(benchmark::kMicrosecond);

// Boot-time work: derive CPAK and RAK from the seed and sign the platform token.
void BM_PlatformBoot(benchmark::State& state) {
  uint64_t seed = 0;
  for (auto _ : state) {
    auto platform = rmm::PlatformAttestation::from_seed(seed++);
    benchmark::DoNotOptimize(platform.platform_token().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlatformBoot)->Unit(benchmark::kMicrosecond);

}  // namespace
