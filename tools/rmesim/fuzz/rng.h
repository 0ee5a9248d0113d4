// The fuzzer's random numbers: SplitMix64, so a seed means the same sequence on every host and
// compiler (the standard distributions are implementation-defined).
#pragma once
#include <cstdint>
#include <initializer_list>

namespace rmesim::fuzz {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T>
  const T& pick(std::initializer_list<T> xs) { return xs.begin()[below(xs.size())]; }

 private:
  uint64_t s_;
};

// The seed of sequence `index` of a campaign: each sequence reproduces on its own.
constexpr uint64_t sequence_seed(uint64_t campaign_seed, uint64_t index) {
  uint64_t z = campaign_seed * 0x9E3779B97F4A7C15ull + index + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace rmesim::fuzz
