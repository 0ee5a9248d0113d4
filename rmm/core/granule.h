// Granules: the RMM's record of every granule of DRAM (RMM spec 1.0, "Granule"): its state, a
// reference count, and a lock. A granule is 4 KiB under RMM 1.0 and the RMI granule size
// RMM_CONFIG_SET chose under 2.0 (4, 16 or 64 KiB; set_granule_shift before any granule leaves
// UNDELEGATED). One 32-bit descriptor per granule, in one compact array sized from the SoC's
// DRAM (64 GiB of DRAM = 16 Mi 4 KiB granules = 64 MiB of descriptors).
//
//   descriptor = lock[31] | state[19:16] | refcount[15:0]
//
// (A 64 KiB RTT has 8192 entries, each of which may hold a reference.)
//
// Reference counts: RD = number of RECs of the realm; RTT = number of its entries that are
// live (ASSIGNED, ASSIGNED_NS or TABLE); REC = 1 while the REC runs; others 0.
//
// Lock order (every command follows it; no command holds two locks any other way):
//   1. the granules a command names by address (rd, rec, data, rtt, target_rec, ...), in
//      ascending PA order, each one's state checked right after it is locked;
//   2. then RTTs, which are protected by the lock of their realm's RD: a command walks or
//      changes a realm's RTTs only while it holds that RD lock (TF-RMM locks RTTs hand over
//      hand instead; the observable results are the same, with coarser concurrency);
//   3. granules reached through an RTT entry (DATA) or through a REC (REC_AUX) are only ever
//      touched while the RD or REC that owns them is locked, so they need no lock of their own.
// A lock held by another PE's command (that command yielded inside a timed memory access)
// makes the caller wait on the table's unlock event: SystemC cooperative threads, no spinning.
#pragma once
#include <array>
#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <systemc>

#include "rmm/rmm.h"  // GranuleState

namespace rmm {


class GranuleTable {
 public:
  static constexpr uint32_t kLockBit = 1u << 31;
  static constexpr unsigned kStateShift = 16;
  static constexpr uint32_t kStateMask = 0xFu << kStateShift;
  static constexpr uint32_t kRefcountMax = (1u << kStateShift) - 1;  // 65535

  // 4 KiB granules over [dram_base, dram_base + dram_size).
  GranuleTable(uint64_t dram_base, uint64_t dram_size);
  // Granules of 2^shift bytes from now on (RMM_CONFIG_SET, before anything is delegated).
  void set_granule_shift(unsigned shift);
  unsigned granule_shift() const { return shift_; }
  uint64_t granule_size() const { return uint64_t{1} << shift_; }

  // The granule lies in DRAM and `pa` is granule-aligned (the spec's _align and _bound checks
  // are made separately by the handlers; this is the model's own bound).
  bool tracked(uint64_t pa) const {
    return pa >= base_ && pa - base_ < size_ && (pa & (granule_size() - 1)) == 0;
  }
  uint64_t base() const { return base_; }
  uint64_t size() const { return size_; }
  uint64_t count() const { return desc_.size(); }

  GranuleState state(uint64_t pa) const {
    return static_cast<GranuleState>((desc(pa) & kStateMask) >> kStateShift);
  }
  void set_state(uint64_t pa, GranuleState s) {
    uint32_t& d = desc(pa);
    d = (d & ~kStateMask) | (static_cast<uint32_t>(s) << kStateShift);
  }
  unsigned refcount(uint64_t pa) const { return desc(pa) & kRefcountMax; }
  void refcount_add(uint64_t pa, int delta);

  bool locked(uint64_t pa) const { return desc(pa) & kLockBit; }
  // Blocks (SystemC wait) while another command holds the lock.
  void lock(uint64_t pa);
  void unlock(uint64_t pa);

  // Counts of granules per state (reports and tests).
  std::vector<uint64_t> census() const;

 private:
  uint32_t& desc(uint64_t pa) { assert(tracked(pa)); return desc_[(pa - base_) >> shift_]; }
  const uint32_t& desc(uint64_t pa) const {
    assert(tracked(pa));
    return desc_[(pa - base_) >> shift_];
  }

  uint64_t base_, size_;
  unsigned shift_ = 12;
  std::vector<uint32_t> desc_;
  sc_core::sc_event unlocked_;
};

// RAII: locks a set of granules named by address in ascending PA order (lock order rule 1)
// and releases them in reverse order. Duplicates are locked once.
class GranuleLocks {
 public:
  explicit GranuleLocks(GranuleTable& table) : table_(table) {}
  ~GranuleLocks() { release(); }
  GranuleLocks(const GranuleLocks&) = delete;
  GranuleLocks& operator=(const GranuleLocks&) = delete;

  // Locks every address of `pas` (all must be tracked), lowest PA first.
  void lock_sorted(std::vector<uint64_t> pas);
  // The same for a braced list (`{rd}`, the usual single granule), with no list allocated.
  void lock_sorted(std::initializer_list<uint64_t> pas);
  void release();

 private:
  void hold(uint64_t pa);
  GranuleTable& table_;
  // What is held, in locking order: the first few inline (a command locks one or two granules
  // on most calls, several times per stage-2 fault), the rest after them.
  static constexpr unsigned kInline = 4;
  std::array<uint64_t, kInline> first_{};
  unsigned n_first_ = 0;
  std::vector<uint64_t> rest_;
};

}  // namespace rmm
