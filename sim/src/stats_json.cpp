#include "sim/stats_json.h"

#include <vector>

namespace platform {
namespace {

double ns(uint64_t ps) { return static_cast<double>(ps) / 1000.0; }

class JsonVisitor : public StatVisitor {
 public:
  explicit JsonVisitor(const StatsJsonOptions& opt) : opt_(opt) {}
  nlohmann::ordered_json result;

  void begin_group(const StatGroup&) override { stack_.emplace_back(nlohmann::ordered_json::object()); }
  void end_group(const StatGroup& g) override {
    nlohmann::ordered_json done = std::move(stack_.back());
    stack_.pop_back();
    if (stack_.empty()) result = std::move(done);
    else stack_.back()[g.name()] = std::move(done);
  }
  void counter(const StatInfo& i, const Counter& c) override { put(i, c.value); }
  void time(const StatInfo& i, const TimeStat& t) override {
    put(i, nlohmann::ordered_json{{"total_ns", ns(t.total.value())}, {"count", t.count}});
  }
  void histogram(const StatInfo& i, const Histogram& h) override {
    nlohmann::ordered_json buckets = nlohmann::ordered_json::object();
    for (unsigned b = 0; b < Histogram::kBuckets; ++b)
      if (h.buckets[b]) buckets[std::to_string(Histogram::bucket_low(b))] = h.buckets[b];
    put(i, nlohmann::ordered_json{{"count", h.count}, {"sum", h.sum}, {"min", h.min}, {"max", h.max},
                                  {"buckets", std::move(buckets)}});
  }
  void formula(const StatInfo& i, double v) override { put(i, v); }
  void breakdown(const StatInfo& i, const Breakdown& b) override { put(i, breakdown_json(b, opt_.host_seconds)); }

 private:
  void put(const StatInfo& i, nlohmann::ordered_json v) {
    if (opt_.described) v = nlohmann::ordered_json{{"value", std::move(v)}, {"unit", i.unit}, {"desc", i.desc}};
    stack_.back()[i.name] = std::move(v);
  }
  const StatsJsonOptions& opt_;
  std::vector<nlohmann::ordered_json> stack_;
};

}  // namespace

nlohmann::ordered_json breakdown_json(const Breakdown& b, bool host_seconds) {
  nlohmann::ordered_json by_cost = nlohmann::ordered_json::object();
  for (CostId c = 0; c < kNumCostCategories; ++c)
    if (b.by_cost_ps[c]) by_cost[cost_category_name(c)] = b.by_cost_ps[c];
  if (b.wait_ps) by_cost["wait"] = b.wait_ps;
  nlohmann::ordered_json j{{"count", b.count}, {"time_ps", b.time_ps}, {"by_cost_ps", std::move(by_cost)}};
  if (host_seconds) j["host_seconds"] = b.host_seconds;
  return j;
}

nlohmann::ordered_json stats_json(const StatGroup& root, const StatsJsonOptions& opt) {
  JsonVisitor v(opt);
  root.accept(v);
  return std::move(v.result);
}

}  // namespace platform
