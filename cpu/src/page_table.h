// A hash table of page-aligned addresses (open addressing, linear probing, keys in one
// array): what TlbContents keeps per page. A realm that faults its memory in records a page
// per fault, tens of thousands of them, and drops them all at a flush; node-based containers
// paid an allocation per page recorded and a free per page dropped, most of a fault's cost.
//
// Keys are page-aligned, so 1 marks a free slot. Iteration follows the slots, which depend only
// on the keys inserted and erased and their order: deterministic for a deterministic run.
// `Multi` keeps every value inserted under a key (insert never replaces); it has no erase.
#pragma once
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace cpu {

template <typename V, bool Multi = false>
class PageTable {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Multi: adds (key, v). Otherwise: the value under `key`, default-constructed when new.
  V& operator[](uint64_t key) {
    if (!Multi)
      if (V* v = find(key)) return *v;
    if ((size_ + 1) * 2 > keys_.size()) grow();
    const size_t i = free_slot(key);
    keys_[i] = key;
    ++size_;
    if constexpr (kHasValues) {
      if (free_values_.empty()) {
        index_[i] = static_cast<uint32_t>(values_.size());
        values_.emplace_back();
      } else {
        index_[i] = free_values_.back();
        free_values_.pop_back();
        values_[index_[i]] = V{};
      }
    }
    return value(i);
  }
  void insert(uint64_t key) { (*this)[key]; }

  // The (first) value under `key`, or null. Valid until the next insert, erase or clear.
  V* find(uint64_t key) {
    if (size_ == 0) return nullptr;
    for (size_t i = home(key);; i = next(i)) {
      if (keys_[i] == key) return &value(i);
      if (keys_[i] == kFree) return nullptr;
    }
  }
  const V* find(uint64_t key) const { return const_cast<PageTable*>(this)->find(key); }
  bool contains(uint64_t key) const { return find(key) != nullptr; }

  // Every value under `key`, in insertion order for a given key.
  template <typename F>
  void for_each_under(uint64_t key, F&& f) const {
    if (size_ == 0) return;
    for (size_t i = home(key); keys_[i] != kFree; i = next(i))
      if (keys_[i] == key) f(value(i));
  }

  // Removes `key` (not for Multi): the slots after it in its run shift back (no tombstones).
  void erase(uint64_t key) {
    static_assert(!Multi, "a multi-table has no erase");
    if (size_ == 0) return;
    size_t i = home(key);
    while (keys_[i] != key) {
      if (keys_[i] == kFree) return;
      i = next(i);
    }
    if constexpr (kHasValues) free_values_.push_back(index_[i]);
    for (size_t j = next(i); keys_[j] != kFree; j = next(j)) {
      const size_t h = home(keys_[j]);
      // Slot j's entry may move to the hole at i when its home is not in (i, j] (cyclically).
      if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
        keys_[i] = keys_[j];
        if constexpr (kHasValues) index_[i] = index_[j];
        i = j;
      }
    }
    keys_[i] = kFree;
    --size_;
  }

  // Empties the table. A large one gives its memory back, so that a flush after a big run does
  // not pay for clearing slots that the next epoch may never use.
  void clear() {
    if (keys_.size() > kKeepSlots) {
      std::vector<uint64_t>().swap(keys_);
      std::vector<uint32_t>().swap(index_);
      std::vector<V>().swap(values_);
    } else {
      std::fill(keys_.begin(), keys_.end(), kFree);
      values_.clear();
    }
    free_values_.clear();
    size_ = 0;
  }

  // Values stored, live or erased and waiting for reuse (tests: erasing frees a value's place).
  size_t stored_values() const { return values_.size(); }

  template <typename F>
  void for_each(F&& f) const {
    if (size_ == 0) return;
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != kFree) f(keys_[i], value(i));
  }

 private:
  static constexpr uint64_t kFree = 1;
  static constexpr size_t kKeepSlots = 4096;
  // Keys apart from values, so that a probe reads eight keys per cache line, and values in
  // the order inserted, so that recording one writes where the last one was written (the
  // place of an erased one is reused first); a set stores no values at all.
  static constexpr bool kHasValues = !std::is_empty_v<V>;
  V& value(size_t i) {
    if constexpr (kHasValues) return values_[index_[i]];
    else return none_;
  }
  const V& value(size_t i) const { return const_cast<PageTable*>(this)->value(i); }
  // Eight neighbouring pages share a home cache line (their group's eight slots), the group
  // hashed: a realm faulting its pages in order records, and probes for, pages whose
  // neighbours were just recorded, so a probe finds its line in the cache instead of missing
  // once per fault into tables of 10^5 pages.
  size_t home(uint64_t key) const {
    const uint64_t page = key >> 12;
    const size_t group = static_cast<size_t>(((page >> 3) * 0x9E3779B97F4A7C15ull) >> shift_);
    return (group & ~size_t{7}) | static_cast<size_t>(page & 7);
  }
  size_t next(size_t i) const { return (i + 1) & (keys_.size() - 1); }
  size_t free_slot(uint64_t key) const {
    size_t i = home(key);
    while (keys_[i] != kFree) i = next(i);
    return i;
  }
  void grow() {
    std::vector<uint64_t> old_keys(keys_.empty() ? 16 : keys_.size() * 2, kFree);
    old_keys.swap(keys_);
    std::vector<uint32_t> old_index;
    if constexpr (kHasValues) {
      old_index.swap(index_);
      index_.resize(keys_.size());
    }
    shift_ = 64;
    for (size_t m = keys_.size(); m > 1; m >>= 1) --shift_;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == kFree) continue;
      const size_t j = free_slot(old_keys[i]);
      keys_[j] = old_keys[i];
      if constexpr (kHasValues) index_[j] = old_index[i];
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> index_;  // by slot: where its value is in values_ (unused for a set)
  std::vector<V> values_;
  std::vector<uint32_t> free_values_;  // places in values_ that erased entries left
  V none_{};               // a set's values
  size_t size_ = 0;
  unsigned shift_ = 64;
};

// A set of pages.
struct PageSetTag {};
using PageSet = PageTable<PageSetTag>;

}  // namespace cpu
