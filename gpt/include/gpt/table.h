// Building and updating a GPT in memory (what EL3 firmware does), through a writer the
// caller supplies, so the platform decides how the table's Root-PAS memory is reached.
// The table in memory is the only state: every update reads the descriptors it changes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gpt/check.h"
#include "gpt/config.h"
#include "gpt/gpi.h"

namespace gpt {

class DescriptorMemory : public DescriptorReader {
 public:
  virtual void write_descriptor(uint64_t pa, uint64_t value) = 0;
  // Writes `value` to `count` consecutive descriptors from `pa` (whole L0/L1 tables at
  // build time). Override when the memory can do it faster than one call per descriptor.
  virtual void fill_descriptors(uint64_t pa, uint64_t count, uint64_t value) {
    for (uint64_t i = 0; i < count; ++i) write_descriptor(pa + 8 * i, value);
  }
 protected:
  ~DescriptorMemory() = default;
};

struct PasRegion {
  uint64_t base;
  uint64_t size;
  Gpi gpi;
};

// Layout of a GPT: L0 at cfg.l0_base, and an L1 table for every L0 entry that overlaps a
// `granular` range (the memory whose granules may change state later); everything else is
// described by L0 block descriptors.
class GptTable {
 public:
  // Nothing is written until build(). cfg.enabled does not matter here.
  GptTable(const GpcConfig& cfg, DescriptorMemory& mem);

  const GpcConfig& config() const { return cfg_; }

  // Bytes of L1 tables build() needs so that every L0 entry overlapping [base, base+size),
  // or any of `granular`, is a table (overlaps counted once).
  static uint64_t l1_bytes_for(const GpcConfig& cfg, uint64_t base, uint64_t size);
  static uint64_t l1_bytes_for(const GpcConfig& cfg, const std::vector<PasRegion>& granular);

  // Writes L0 (every entry a block of `default_gpi`) and one L1 table per L0 entry that a
  // `granular` range overlaps (every entry `default_gpi`, as 512 MiB contiguous
  // descriptors), placing the L1 tables from l1_pool_base upwards, one every
  // cfg.l1_table_bytes(). Then applies the GPIs of `granular`, and then `regions`, in
  // order, with set_range(). Alignment: l0_base to cfg.l0_table_bytes(), l1_pool_base to
  // cfg.l1_table_bytes(). Returns an error string, empty on success.
  std::string build(uint64_t l1_pool_base, const std::vector<PasRegion>& granular,
                    Gpi default_gpi, const std::vector<PasRegion>& regions);

  // Changes the GPI of one granule. Fails (returns false, writes nothing) if the granule is
  // not described at granule level (L0 block) - the firmware rule for transitions - or is
  // outside the PPS, or `gpi` is not a valid GPI. A contiguous L1 descriptor covering the
  // granule is shattered first (into the next smaller contiguous sizes around it, down to
  // granule descriptors for its 2 MiB block), so its neighbours keep their GPI.
  bool set_granule(uint64_t pa, Gpi gpi);
  // The GPI the table gives `pa`, as a walk would find it (NoAccess if the walk faults).
  Gpi granule_gpi(uint64_t pa);

  // Gives [base, base+size) the GPI `gpi`, using contiguous descriptors for naturally
  // aligned 2M/32M/512M runs, and rewriting L0 blocks that the range covers whole. Fails
  // (returns false, writes nothing) if the range is not granule aligned, leaves the PPS,
  // or covers part of an L0 block.
  bool set_range(uint64_t base, uint64_t size, Gpi gpi);

  // Bytes of L1 pool build() used (from l1_pool_base).
  uint64_t l1_pool_bytes() const { return l1_pool_bytes_; }

  // Describes the L0 block holding `pa` at granule level from now on: an L1 table at
  // `l1_base` (aligned to cfg.l1_table_bytes()) giving every granule the block's GPI, then the
  // L0 entry pointing at it (RMM 2.0's GPT_L1_CREATE, done by EL3). False, with nothing
  // written, when the L0 entry is not a block (a table exists) or `pa` is outside the PPS.
  bool create_l1(uint64_t pa, uint64_t l1_base);

 private:
  uint64_t l0_entry_pa(uint64_t pa) const;
  uint64_t l1_entry_pa(uint64_t l1_base, uint64_t pa) const;
  bool l1_table_of(uint64_t pa, uint64_t& l1_base);
  void split_contig(uint64_t l1_base, uint64_t pa, uint64_t down_to);
  void set_l1_range(uint64_t l1_base, uint64_t lo, uint64_t hi, Gpi gpi);

  GpcConfig cfg_;
  DescriptorMemory& mem_;
  uint64_t l1_pool_bytes_ = 0;
};

}  // namespace gpt
