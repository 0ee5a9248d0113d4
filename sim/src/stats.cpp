#include "sim/stats.h"

#include <algorithm>
#include <stdexcept>

namespace platform {

void Histogram::sample(uint64_t v) {
  unsigned b = 0;
  for (uint64_t x = v; x; x >>= 1) ++b;
  ++buckets[b];
  min = count ? std::min(min, v) : v;
  max = count ? std::max(max, v) : v;
  ++count;
  sum += v;
}

void Breakdown::add(const CostLedger::Totals& before, const CostLedger::Totals& after,
                    const sc_core::sc_time& elapsed, double host_s) {
  ++count;
  time_ps += elapsed.value();
  // The ledger keeps its total as the sum of its categories, so the loop is a plain vector add.
  const uint64_t charged = after.total - before.total;
  for (unsigned i = 0; i < kNumCostCategories; ++i) by_cost_ps[i] += after.ps[i] - before.ps[i];
  // A PE's local time only moves forward from what it was charged: the rest is waiting.
  if (charged > elapsed.value())
    throw std::logic_error("cost accounting: more time charged than passed");
  wait_ps += elapsed.value() - charged;
  host_seconds += host_s;
}

StatGroup::StatGroup(std::string name, StatGroup* parent) : name_(std::move(name)), parent_(parent) {
  if (parent_) {
    parent_->declare(Kind::Group, name_, 0);
    parent_->order_.back().group = this;
    parent_->children_.push_back(this);
  }
}

StatGroup::~StatGroup() {
  if (parent_) {
    auto& c = parent_->children_;
    c.erase(std::remove(c.begin(), c.end(), this), c.end());
    auto& o = parent_->order_;
    o.erase(std::remove_if(o.begin(), o.end(), [this](const Ref& r) { return r.group == this; }), o.end());
  }
  for (StatGroup* child : children_) child->parent_ = nullptr;
}

std::string StatGroup::path() const {
  return parent_ ? parent_->path() + "." + name_ : name_;
}

void StatGroup::declare(Kind kind, const std::string& name, size_t index) {
  auto named = [&](const auto& stats) {
    for (const auto& s : stats)
      if (s.info.name == name) return true;
    return false;
  };
  bool taken = named(counters_) || named(times_) || named(histograms_) || named(formulas_) || named(breakdowns_);
  for (const StatGroup* c : children_) taken = taken || c->name_ == name;
  if (taken) throw std::logic_error("stat '" + path() + "." + name + "' declared twice");
  order_.push_back({kind, index, nullptr});
}

Counter& StatGroup::counter(const std::string& name, const std::string& unit, const std::string& desc) {
  declare(Kind::Counter, name, counters_.size());
  return counters_.emplace_back(Stat<Counter>{{name, unit, desc}, {}}).value;
}

TimeStat& StatGroup::time(const std::string& name, const std::string& desc) {
  declare(Kind::Time, name, times_.size());
  return times_.emplace_back(Stat<TimeStat>{{name, "ns", desc}, {}}).value;
}

Histogram& StatGroup::histogram(const std::string& name, const std::string& unit, const std::string& desc) {
  declare(Kind::Histogram, name, histograms_.size());
  return histograms_.emplace_back(Stat<Histogram>{{name, unit, desc}, {}}).value;
}

void StatGroup::formula(const std::string& name, const std::string& unit, const std::string& desc,
                        std::function<double()> value) {
  declare(Kind::Formula, name, formulas_.size());
  formulas_.push_back({{name, unit, desc}, std::move(value)});
}

Breakdown& StatGroup::breakdown(const std::string& name, const std::string& desc) {
  declare(Kind::Breakdown, name, breakdowns_.size());
  return breakdowns_.emplace_back(Stat<Breakdown>{{name, "ps", desc}, {}}).value;
}

const StatGroup* StatGroup::find_group(const std::string& path) const {
  if (path.empty()) return this;
  const auto dot = path.find('.');
  const std::string head = path.substr(0, dot);
  for (const StatGroup* c : children_)
    if (c->name_ == head) return dot == std::string::npos ? c : c->find_group(path.substr(dot + 1));
  return nullptr;
}

template <typename T>
const T* StatGroup::find_stat(const std::string& path, std::deque<Stat<T>> StatGroup::*kind) const {
  const auto dot = path.rfind('.');
  const StatGroup* g = dot == std::string::npos ? this : find_group(path.substr(0, dot));
  const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
  if (g)
    for (const auto& s : g->*kind)
      if (s.info.name == leaf) return &s.value;
  return nullptr;
}

const Counter* StatGroup::find_counter(const std::string& path) const { return find_stat(path, &StatGroup::counters_); }
const TimeStat* StatGroup::find_time(const std::string& path) const { return find_stat(path, &StatGroup::times_); }
const Histogram* StatGroup::find_histogram(const std::string& path) const { return find_stat(path, &StatGroup::histograms_); }
const Breakdown* StatGroup::find_breakdown(const std::string& path) const { return find_stat(path, &StatGroup::breakdowns_); }

void StatGroup::accept(StatVisitor& v) const {
  v.begin_group(*this);
  for (const Ref& r : order_) {
    switch (r.kind) {
      case Kind::Counter: v.counter(counters_[r.index].info, counters_[r.index].value); break;
      case Kind::Time: v.time(times_[r.index].info, times_[r.index].value); break;
      case Kind::Histogram: v.histogram(histograms_[r.index].info, histograms_[r.index].value); break;
      case Kind::Formula: v.formula(formulas_[r.index].info, formulas_[r.index].value()); break;
      case Kind::Breakdown: v.breakdown(breakdowns_[r.index].info, breakdowns_[r.index].value); break;
      case Kind::Group: r.group->accept(v); break;
    }
  }
  v.end_group(*this);
}

}  // namespace platform
