#include "platform/json.h"

#include <gtest/gtest.h>

#include <sstream>

#include "platform/stats.h"

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
