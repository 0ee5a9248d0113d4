// GPT construction and updates, as EL3 firmware does them (TF-A lib/gpt_rme is the model:
// L0 blocks for memory that never changes, L1 tables for memory that does, contiguous L1
// descriptors for aligned runs and shattering when one granule of a run changes).
#include "gpt/table.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "gpt/descriptor.h"

namespace gpt {

namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// Sorted, distinct L0 indices that the regions overlap (inside the PPS).
std::vector<uint64_t> l0_indices(const GpcConfig& cfg, const std::vector<PasRegion>& regions) {
  const unsigned t = cfg.t(), s = cfg.s();
  const uint64_t limit = uint64_t{1} << t;
  std::vector<uint64_t> idx;
  for (const PasRegion& r : regions) {
    if (r.size == 0 || r.base >= limit) continue;
    const uint64_t last = std::min(r.base + (r.size - 1), limit - 1);
    if (s >= t) {
      idx.push_back(0);
      continue;
    }
    for (uint64_t i = r.base >> s; i <= last >> s; ++i) idx.push_back(i);
  }
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  return idx;
}

uint64_t l1_pool_bytes_for(const GpcConfig& cfg, uint64_t tables) {
  // With s > t the one table is only partly reachable; it still has its full alignment.
  return tables == 0 ? 0 : (tables - 1) * cfg.l1_table_bytes() + cfg.l1_used_bytes();
}

std::string check_region(const GpcConfig& cfg, const PasRegion& r, const char* what) {
  const uint64_t g = cfg.granule_size();
  const uint64_t limit = uint64_t{1} << cfg.t();
  const std::string where = std::string(what) + " [" + hex(r.base) + ", +" + hex(r.size) + ")";
  if (!gpi_is_valid(static_cast<uint8_t>(r.gpi)))
    return where + ": GPI " + hex(static_cast<uint8_t>(r.gpi)) + " is reserved";
  if ((r.base | r.size) & (g - 1)) return where + ": not aligned to the granule size " + hex(g);
  if (r.base > limit || r.size > limit - r.base)
    return where + ": outside the PPS (2^" + std::to_string(cfg.t()) + ")";
  return {};
}

}  // namespace

GptTable::GptTable(const GpcConfig& cfg, DescriptorMemory& mem) : cfg_(cfg), mem_(mem) {}

uint64_t GptTable::l1_bytes_for(const GpcConfig& cfg, uint64_t base, uint64_t size) {
  return l1_bytes_for(cfg, std::vector<PasRegion>{{base, size, Gpi::NoAccess}});
}

uint64_t GptTable::l1_bytes_for(const GpcConfig& cfg, const std::vector<PasRegion>& granular) {
  if (!cfg.valid()) return 0;
  return l1_pool_bytes_for(cfg, l0_indices(cfg, granular).size());
}

uint64_t GptTable::l0_entry_pa(uint64_t pa) const {
  const unsigned t = cfg_.t(), s = cfg_.s();
  return cfg_.l0_base + (s < t ? (pa >> s) * 8 : 0);
}

uint64_t GptTable::l1_entry_pa(uint64_t l1_base, uint64_t pa) const {
  const unsigned s = cfg_.s(), p = cfg_.p();
  return l1_base + ((pa >> (p + 4)) & ((uint64_t{1} << (s - p - 4)) - 1)) * 8;
}

bool GptTable::l1_table_of(uint64_t pa, uint64_t& l1_base) {
  uint64_t raw;
  if (!mem_.read_descriptor(l0_entry_pa(pa), raw)) return false;
  const L0Desc d = decode_l0(raw);
  if (d.type != L0Type::Table) return false;
  l1_base = d.l1_base;
  return true;
}

// If the L1 entry for `pa` is contiguous and larger than `down_to` (0: granules), rewrites
// its block as the next smaller contiguous size, again for the sub-block holding `pa`, and
// so on, and finally a 2 MiB block as granule descriptors. Every other granule keeps its
// GPI. A contiguous descriptor holds no address, so each step is one fill of a whole block.
void GptTable::split_contig(uint64_t l1_base, uint64_t pa, uint64_t down_to) {
  uint64_t raw;
  if (!mem_.read_descriptor(l1_entry_pa(l1_base, pa), raw)) return;
  const L1Desc d = decode_l1(raw);
  if (d.type != L1Type::Contiguous) return;
  const uint64_t span = cfg_.l1_entry_span();
  for (uint64_t size = d.contig_size; size > down_to; size /= 16) {
    const uint64_t base = pa & ~(size - 1);
    const uint64_t desc =
        size == kContig2M ? l1_fill(d.contig_gpi) : encode_l1_contiguous(d.contig_gpi, size / 16);
    mem_.fill_descriptors(l1_entry_pa(l1_base, base), size / span, desc);
    if (size == kContig2M) break;
  }
}

// [lo, hi): granule aligned, inside the one L0 entry whose L1 table is at l1_base.
void GptTable::set_l1_range(uint64_t l1_base, uint64_t lo, uint64_t hi, Gpi gpi) {
  const uint64_t span = cfg_.l1_entry_span(), g = cfg_.granule_size();
  const unsigned p = cfg_.p();
  uint64_t cursor = lo;
  while (cursor < hi) {
    bool placed = false;
    for (uint64_t size : {kContig512M, kContig32M, kContig2M}) {
      if ((cursor & (size - 1)) != 0 || hi - cursor < size) continue;
      split_contig(l1_base, cursor, size);  // a larger run around it keeps its other parts
      mem_.fill_descriptors(l1_entry_pa(l1_base, cursor), size / span,
                            encode_l1_contiguous(gpi, size));
      cursor += size;
      placed = true;
      break;
    }
    if (placed) continue;
    split_contig(l1_base, cursor, 0);
    const uint64_t entry = l1_entry_pa(l1_base, cursor);
    if ((cursor & (span - 1)) == 0 && hi - cursor >= span) {
      mem_.write_descriptor(entry, l1_fill(gpi));
      cursor += span;
      continue;
    }
    uint64_t raw;
    // A corrupt entry (bad contiguous form) is rebuilt from NO_ACCESS.
    if (!mem_.read_descriptor(entry, raw) || decode_l1(raw).type == L1Type::Invalid) raw = 0;
    // The granules of this entry that the range covers, in one write.
    const uint64_t stop = std::min(hi, (cursor | (span - 1)) + 1);
    for (; cursor < stop; cursor += g) raw = l1_set_gpi(raw, (cursor >> p) & 0xF, gpi);
    mem_.write_descriptor(entry, raw);
  }
}

std::string GptTable::build(uint64_t l1_pool_base, const std::vector<PasRegion>& granular,
                            Gpi default_gpi, const std::vector<PasRegion>& regions) {
  l1_pool_bytes_ = 0;
  if (std::string why = cfg_.validate(); !why.empty()) return why;
  const uint64_t limit = uint64_t{1} << cfg_.t();
  const uint64_t l0_bytes = cfg_.l0_table_bytes();
  if (!gpi_is_valid(static_cast<uint8_t>(default_gpi)))
    return "default GPI " + hex(static_cast<uint8_t>(default_gpi)) + " is reserved";
  if (cfg_.l0_base & (l0_bytes - 1))
    return "L0 table at " + hex(cfg_.l0_base) + " is not aligned to its size " + hex(l0_bytes);
  if (cfg_.l0_base >= limit || l0_bytes > limit - cfg_.l0_base)
    return "L0 table at " + hex(cfg_.l0_base) + " is outside the PPS";
  for (const PasRegion& r : granular)
    if (std::string why = check_region(cfg_, r, "granular region"); !why.empty()) return why;
  for (const PasRegion& r : regions)
    if (std::string why = check_region(cfg_, r, "region"); !why.empty()) return why;

  const std::vector<uint64_t> tables = l0_indices(cfg_, granular);
  const uint64_t pool_bytes = l1_pool_bytes_for(cfg_, tables.size());
  const uint64_t l1_bytes = cfg_.l1_table_bytes();
  if (!tables.empty()) {
    if (l1_pool_base & (l1_bytes - 1))
      return "L1 pool at " + hex(l1_pool_base) + " is not aligned to the L1 table size " +
             hex(l1_bytes);
    if (l1_pool_base >= limit || pool_bytes > limit - l1_pool_base)
      return "L1 pool [" + hex(l1_pool_base) + ", +" + hex(pool_bytes) + ") is outside the PPS";
    if (l1_pool_base < cfg_.l0_base + l0_bytes && cfg_.l0_base < l1_pool_base + pool_bytes)
      return "L1 pool [" + hex(l1_pool_base) + ", +" + hex(pool_bytes) +
             ") overlaps the L0 table";
  }

  mem_.fill_descriptors(cfg_.l0_base, cfg_.l0_entries(), encode_l0_block(default_gpi));
  // A fresh L1 table is all default_gpi, in the largest runs there are (s >= 30 > 29).
  const uint64_t fresh = encode_l1_contiguous(default_gpi, kContig512M);
  for (size_t k = 0; k < tables.size(); ++k) {
    const uint64_t l1 = l1_pool_base + k * l1_bytes;
    mem_.fill_descriptors(l1, cfg_.l1_used_bytes() / 8, fresh);
    mem_.write_descriptor(cfg_.l0_base + tables[k] * 8, encode_l0_table(l1));
  }
  l1_pool_bytes_ = pool_bytes;

  for (const PasRegion& r : granular)
    if (!set_range(r.base, r.size, r.gpi))
      return "granular region [" + hex(r.base) + ", +" + hex(r.size) + ") could not be set";
  for (const PasRegion& r : regions)
    if (!set_range(r.base, r.size, r.gpi))
      return "region [" + hex(r.base) + ", +" + hex(r.size) +
             ") covers part of an L0 block (make it granular)";
  return {};
}

bool GptTable::set_range(uint64_t base, uint64_t size, Gpi gpi) {
  if (std::string why = check_region(cfg_, {base, size, gpi}, "range"); !why.empty())
    return false;
  if (size == 0) return true;
  const unsigned t = cfg_.t(), s = cfg_.s();
  const unsigned region_bits = std::min(s, t);
  const uint64_t end = base + size;

  // Pass 1: refuse before writing anything if the range covers part of an L0 block (or of
  // an invalid L0 entry); an L0 entry it covers whole becomes a block.
  for (uint64_t rb = base & ~((uint64_t{1} << region_bits) - 1); rb < end;
       rb += uint64_t{1} << region_bits) {
    const uint64_t re = rb + (uint64_t{1} << region_bits);
    uint64_t raw;
    if (!mem_.read_descriptor(l0_entry_pa(rb), raw)) return false;
    if (decode_l0(raw).type == L0Type::Table) continue;
    if (base > rb || end < re) return false;
  }
  // Pass 2: write.
  for (uint64_t rb = base & ~((uint64_t{1} << region_bits) - 1); rb < end;
       rb += uint64_t{1} << region_bits) {
    const uint64_t re = rb + (uint64_t{1} << region_bits);
    uint64_t raw;
    mem_.read_descriptor(l0_entry_pa(rb), raw);
    const L0Desc d = decode_l0(raw);
    if (d.type == L0Type::Table)
      set_l1_range(d.l1_base, std::max(base, rb), std::min(end, re), gpi);
    else
      mem_.write_descriptor(l0_entry_pa(rb), encode_l0_block(gpi));
  }
  return true;
}

bool GptTable::set_granule(uint64_t pa, Gpi gpi) {
  if (!cfg_.valid() || !gpi_is_valid(static_cast<uint8_t>(gpi))) return false;
  if (pa >> cfg_.t()) return false;
  uint64_t l1_base;
  if (!l1_table_of(pa, l1_base)) return false;  // under an L0 block: not transitionable
  const uint64_t entry = l1_entry_pa(l1_base, pa);
  uint64_t raw;
  if (!mem_.read_descriptor(entry, raw)) return false;
  const L1Desc d = decode_l1(raw);
  if (d.type == L1Type::Invalid) return false;
  if (d.type == L1Type::Contiguous) {
    if (d.contig_gpi == gpi) return true;  // nothing changes: keep the run whole
    split_contig(l1_base, pa, 0);
    if (!mem_.read_descriptor(entry, raw)) return false;
  }
  mem_.write_descriptor(entry, l1_set_gpi(raw, (pa >> cfg_.p()) & 0xF, gpi));
  return true;
}

Gpi GptTable::granule_gpi(uint64_t pa) {
  GpcConfig on = cfg_;
  on.enabled = true;
  const GptWalk w = gpt_walk(on, pa, Pas::Root, mem_);
  return w.ok() ? w.gpi : Gpi::NoAccess;
}

bool GptTable::create_l1(uint64_t pa, uint64_t l1_base) {
  if (cfg_.t() < 64 && pa >= (uint64_t{1} << cfg_.t())) return false;
  if (l1_base & (cfg_.l1_table_bytes() - 1)) return false;
  uint64_t raw;
  if (!mem_.read_descriptor(l0_entry_pa(pa), raw)) return false;
  const L0Desc d = decode_l0(raw);
  if (d.type != L0Type::Block) return false;
  // The table first, then the L0 entry: a walk never sees a table that is not filled.
  mem_.fill_descriptors(l1_base, cfg_.l1_used_bytes() / 8, encode_l1_contiguous(d.gpi, kContig512M));
  mem_.write_descriptor(l0_entry_pa(pa), encode_l0_table(l1_base));
  return true;
}

}  // namespace gpt
