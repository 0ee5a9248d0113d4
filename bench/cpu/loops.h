// The compute image's two loops (guest/compute/*.S), as the speed benchmarks call them: their
// instruction counts from the sources' own accounting, and loading the image into memory.
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace bench_cpu {

constexpr uint64_t kLdstBytes = 1 << 20;  // what the compute image's load/store mode covers

// compute_loop(iterations, seed) up to and including its RET.
constexpr uint64_t compute_loop_insns(uint64_t iterations) { return 8 * iterations + 4; }
// ldst_loop(passes, buffer, kLdstBytes) up to and including its RET.
constexpr uint64_t ldst_loop_insns(uint64_t passes) {
  return 1 + passes * (2 + 7 * kLdstBytes / 64 + 2) + 2;
}

inline void load_image(const std::string& path, uint8_t* memory, uint64_t size) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(path + " missing (build the guest images)");
  const size_t n = std::fread(memory, 1, size, f);
  std::fclose(f);
  if (n == 0) throw std::runtime_error(path + " is empty");
}

}  // namespace bench_cpu
