// A hash table of page-aligned addresses (open addressing, linear probing, slots in one
// array): what TlbContents keeps per page. A realm that faults its memory in records a page
// per fault, tens of thousands of them, and drops them all at a flush; node-based containers
// paid an allocation per page recorded and a free per page dropped, most of a fault's cost.
//
// Keys are page-aligned, so 1 marks a free slot. Iteration follows the slots, which depend only
// on the keys inserted and erased and their order: deterministic for a deterministic run.
// `Multi` keeps every value inserted under a key (insert never replaces); it has no erase.
#pragma once
#include <cstddef>
#include <cstdint>
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
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    Slot& s = slots_[free_slot(key)];
    s.key = key;
    s.value = V{};
    ++size_;
    return s.value;
  }
  void insert(uint64_t key) { (*this)[key]; }

  // The (first) value under `key`, or null. Valid until the next insert, erase or clear.
  V* find(uint64_t key) {
    if (size_ == 0) return nullptr;
    for (size_t i = home(key);; i = next(i)) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kFree) return nullptr;
    }
  }
  const V* find(uint64_t key) const { return const_cast<PageTable*>(this)->find(key); }
  bool contains(uint64_t key) const { return find(key) != nullptr; }

  // Every value under `key`, in insertion order for a given key.
  template <typename F>
  void for_each_under(uint64_t key, F&& f) const {
    if (size_ == 0) return;
    for (size_t i = home(key); slots_[i].key != kFree; i = next(i))
      if (slots_[i].key == key) f(slots_[i].value);
  }

  // Removes `key` (not for Multi): the slots after it in its run shift back (no tombstones).
  void erase(uint64_t key) {
    static_assert(!Multi, "a multi-table has no erase");
    if (size_ == 0) return;
    size_t i = home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == kFree) return;
      i = next(i);
    }
    for (size_t j = next(i);; j = next(j)) {
      if (slots_[j].key == kFree) break;
      const size_t h = home(slots_[j].key);
      // Slot j's entry may move to the hole at i when its home is not in (i, j] (cyclically).
      if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].key = kFree;
    --size_;
  }

  // Empties the table. A large one gives its memory back, so that a flush after a big run does
  // not pay for clearing slots that the next epoch may never use.
  void clear() {
    if (slots_.size() > kKeepSlots) {
      std::vector<Slot>().swap(slots_);
    } else {
      for (Slot& s : slots_) s.key = kFree;
    }
    size_ = 0;
  }

  template <typename F>
  void for_each(F&& f) const {
    if (size_ == 0) return;
    for (const Slot& s : slots_)
      if (s.key != kFree) f(s.key, s.value);
  }

 private:
  static constexpr uint64_t kFree = 1;
  static constexpr size_t kKeepSlots = 4096;
  struct Slot {
    uint64_t key = kFree;
    V value{};
  };
  size_t home(uint64_t key) const { return static_cast<size_t>(((key >> 12) * 0x9E3779B97F4A7C15ull) >> shift_); }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }
  size_t free_slot(uint64_t key) const {
    size_t i = home(key);
    while (slots_[i].key != kFree) i = next(i);
    return i;
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    const size_t n = old.empty() ? 16 : old.size() * 2;
    slots_.assign(n, Slot{});
    shift_ = 64;
    for (size_t m = n; m > 1; m >>= 1) --shift_;
    for (const Slot& s : old)
      if (s.key != kFree) slots_[free_slot(s.key)] = s;
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
  unsigned shift_ = 64;
};

// A set of pages.
struct PageSetTag {};
using PageSet = PageTable<PageSetTag>;

}  // namespace cpu
