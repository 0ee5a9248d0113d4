#include "sim/stats.h"

#include <algorithm>

#include "sim/json.h"

namespace platform {

StatGroup::StatGroup(std::string name, StatGroup* parent) : name_(std::move(name)), parent_(parent) {
  if (parent_) parent_->children_.push_back(this);
}

StatGroup::~StatGroup() {
  if (parent_) {
    auto& c = parent_->children_;
    c.erase(std::remove(c.begin(), c.end(), this), c.end());
  }
  for (StatGroup* child : children_) child->parent_ = nullptr;
}

Counter& StatGroup::counter(const std::string& name, const std::string& desc) {
  for (auto& e : counters_)
    if (e.name == name) return e.c;
  counters_.push_back({name, desc, {}});
  return counters_.back().c;
}

TimeStat& StatGroup::time(const std::string& name, const std::string& desc) {
  for (auto& e : times_)
    if (e.name == name) return e.t;
  times_.push_back({name, desc, {}});
  return times_.back().t;
}

const StatGroup* StatGroup::find_group(const std::string& path) const {
  if (path.empty()) return this;
  const auto dot = path.find('.');
  const std::string head = path.substr(0, dot);
  for (const StatGroup* c : children_) {
    if (c->name_ == head) return dot == std::string::npos ? c : c->find_group(path.substr(dot + 1));
  }
  return nullptr;
}

const Counter* StatGroup::find_counter(const std::string& path) const {
  const auto dot = path.rfind('.');
  const StatGroup* g = dot == std::string::npos ? this : find_group(path.substr(0, dot));
  if (!g) return nullptr;
  const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
  for (const auto& e : g->counters_)
    if (e.name == leaf) return &e.c;
  return nullptr;
}

const TimeStat* StatGroup::find_time(const std::string& path) const {
  const auto dot = path.rfind('.');
  const StatGroup* g = dot == std::string::npos ? this : find_group(path.substr(0, dot));
  if (!g) return nullptr;
  const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
  for (const auto& e : g->times_)
    if (e.name == leaf) return &e.t;
  return nullptr;
}

void StatGroup::write_json(JsonWriter& w) const {
  w.begin_object();
  for (const auto& e : counters_) w.field(e.name, e.c.value);
  for (const auto& e : times_) {
    w.key(e.name).begin_object();
    w.field("total_ns", e.t.total.to_seconds() * 1e9);
    w.field("count", e.t.count);
    w.end_object();
  }
  for (const StatGroup* c : children_) {
    w.key(c->name_);
    c->write_json(w);
  }
  w.end_object();
}

void StatGroup::write_text(std::ostream& os, int indent) const {
  const std::string pad(static_cast<size_t>(indent) * 2, ' ');
  for (const auto& e : counters_)
    if (e.c.value) os << pad << e.name << " = " << e.c.value << "\n";
  for (const auto& e : times_)
    if (e.t.count) os << pad << e.name << " = " << e.t.total << " (" << e.t.count << ")\n";
  for (const StatGroup* c : children_) {
    os << pad << c->name_ << ":\n";
    c->write_text(os, indent + 1);
  }
}

}  // namespace platform
