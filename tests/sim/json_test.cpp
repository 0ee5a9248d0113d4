#include "sim/json.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sim/stats.h"

TEST(JsonWriter, writes_nested_values_in_order_with_escapes) {
  std::ostringstream os;
  platform::JsonWriter w(os, false);
  w.begin_object().field("a", uint64_t{1}).field("s", "q\"\n").key("l").begin_array();
  w.value(1.5).value(true).null().end_array().end_object();
  EXPECT_EQ(os.str(), R"({"a":1,"s":"q\"\n","l":[1.500,true,null]})");
}

TEST(StatGroup, counters_and_children_come_out_in_registration_order) {
  platform::StatGroup root("root");
  platform::StatGroup child("child", &root);
  ++root.counter("b", "");
  root.counter("a", "") += 3;
  ++child.counter("c", "");
  std::ostringstream os;
  platform::JsonWriter w(os, false);
  root.write_json(w);
  EXPECT_EQ(os.str(), R"({"b":1,"a":3,"child":{"c":1}})");
  ASSERT_NE(root.find_counter("child.c"), nullptr);
  EXPECT_EQ(root.find_counter("child.c")->value, 1u);
  EXPECT_EQ(root.find_counter("child.x"), nullptr);
}

#include "sim/trace.h"

TEST(Trace, keeps_a_bounded_number_of_events_per_track_and_says_how_many_it_elided) {
  platform::Trace t;
  const int a = t.track("soc.pe0", "root"), b = t.track("soc.pe0", "realm");
  EXPECT_EQ(t.track("soc.pe0", "root"), a) << "the same names give the same track";
  const uint64_t n = platform::Trace::kMaxEventsPerTrack + 5;
  for (uint64_t i = 0; i < n; ++i)
    t.slice(a, "GTSI_DELEGATE", "el3", sc_core::sc_time(double(i), sc_core::SC_NS), sc_core::sc_time(1, sc_core::SC_NS));
  t.instant(b, "gpf", "fault", sc_core::sc_time(3, sc_core::SC_NS));
  std::ostringstream os;
  t.write_json(os);
  const std::string s = os.str();
  size_t slices = 0;
  for (size_t p = s.find("\"ph\":\"X\""); p != std::string::npos; p = s.find("\"ph\":\"X\"", p + 1)) ++slices;
  EXPECT_EQ(slices, platform::Trace::kMaxEventsPerTrack);
  EXPECT_NE(s.find("\"5 more events elided"), std::string::npos);
  EXPECT_NE(s.find("\"name\":\"gpf\""), std::string::npos) << "other tracks are not affected";
  EXPECT_EQ(s.find("\"ts\":0.000001,\"dur\":0.000001"), std::string::npos) << "timestamps are microseconds";
  EXPECT_NE(s.find("\"ts\":0.001000,\"dur\":0.001000"), std::string::npos);
}
