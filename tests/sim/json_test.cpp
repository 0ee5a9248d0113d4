#include <gtest/gtest.h>

#include <sstream>

#include "sim/stats.h"
#include "sim/stats_json.h"
#include "sim/stats_text.h"

TEST(StatGroup, statistics_and_children_come_out_in_declaration_order_with_their_paths) {
  platform::StatGroup root("soc");
  ++root.counter("b", "");
  platform::StatGroup child("child", &root);
  root.counter("a", "bytes", "") += 3;
  ++child.counter("c", "");
  EXPECT_EQ(platform::stats_json(root).dump(), R"({"b":1,"child":{"c":1},"a":3})");
  EXPECT_EQ(child.path(), "soc.child");
  ASSERT_NE(root.find_counter("child.c"), nullptr);
  EXPECT_EQ(root.find_counter("child.c")->value, 1u);
  EXPECT_EQ(root.find_counter("child.x"), nullptr);
  EXPECT_THROW(root.counter("a", ""), std::logic_error) << "each statistic is declared once";
  EXPECT_THROW(root.time("child", ""), std::logic_error) << "a statistic and a group share the names";
}

TEST(StatGroup, described_format_gives_each_statistic_its_unit_and_description) {
  platform::StatGroup root("soc");
  root.counter("bytes", "bytes", "bytes moved") += 4096;
  root.formula("pages", "count", "bytes in 4 KiB pages", [&] { return root.find_counter("bytes")->value / 4096.0; });
  platform::StatsJsonOptions o;
  o.described = true;
  EXPECT_EQ(platform::stats_json(root, o).dump(),
            R"({"bytes":{"value":4096,"unit":"bytes","desc":"bytes moved"},"pages":{"value":1.0,"unit":"count","desc":"bytes in 4 KiB pages"}})");
}

TEST(Histogram, counts_values_in_power_of_two_buckets) {
  platform::StatGroup root("soc");
  auto& h = root.histogram("latency", "ns", "per call");
  for (uint64_t v : {0u, 1u, 5u, 7u, 8u, 1000u}) h.sample(v);
  EXPECT_EQ(h.count, 6u);
  EXPECT_EQ(h.min, 0u);
  EXPECT_EQ(h.max, 1000u);
  EXPECT_EQ(h.sum, 1021u);
  EXPECT_EQ(platform::stats_json(root)["latency"]["buckets"].dump(), R"({"0":1,"1":1,"4":2,"8":1,"512":1})");
}

TEST(Breakdown, categories_and_wait_sum_exactly_to_the_interval) {
  platform::CostLedger ledger;
  platform::Breakdown b;
  const platform::CostMeter m(ledger, sc_core::sc_time(10, sc_core::SC_NS));
  ledger.add(3, 4000);
  ledger.add(platform::kCostLockWait, 1000);
  m.stop(b, ledger, sc_core::sc_time(17, sc_core::SC_NS));
  EXPECT_EQ(b.count, 1u);
  EXPECT_EQ(b.time_ps, 7000u);
  EXPECT_EQ(b.by_cost_ps[3], 4000u);
  EXPECT_EQ(b.by_cost_ps[platform::kCostLockWait], 1000u);
  EXPECT_EQ(b.wait_ps, 2000u) << "what no charge explains is waiting";
  const auto j = platform::breakdown_json(b, false);
  EXPECT_EQ(j["by_cost_ps"].dump(), std::string(R"({")") + platform::cost_category_name(3) + R"(":4000,"lock_wait":1000,"wait":2000})");
  EXPECT_FALSE(j.contains("host_seconds")) << "host seconds only when asked: they differ from run to run";
  const platform::CostMeter late(ledger, sc_core::sc_time(20, sc_core::SC_NS));
  ledger.add(3, 5000);
  EXPECT_THROW(late.stop(b, ledger, sc_core::sc_time(21, sc_core::SC_NS)), std::logic_error) << "time charged never exceeds time passed";
}

TEST(StatsText, lists_non_zero_statistics_by_path) {
  platform::StatGroup root("soc");
  platform::StatGroup gpc("gpc", &root);
  gpc.counter("checks", "granule protection checks") += 2;
  gpc.counter("walks", "GPT walks");
  std::ostringstream os;
  platform::write_stats_text(os, root);
  EXPECT_NE(os.str().find("soc.gpc.checks"), std::string::npos);
  EXPECT_NE(os.str().find("# granule protection checks"), std::string::npos);
  EXPECT_EQ(os.str().find("walks"), std::string::npos) << "zero counters are left out";
}
