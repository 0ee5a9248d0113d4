// trace.json: integer-nanosecond timestamps that keep children inside their parents, a bounded
// trace that still covers the whole run and says what it left out, and track order metadata.
#include "sim/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;
using sc_core::sc_time;

sc_time ps(uint64_t v) { return sc_time::from_value(v); }

json written(const platform::Trace& t) {
  std::ostringstream os;
  t.write_json(os);
  return json::parse(os.str());  // throws on anything that is not JSON
}

// The events of `name` on the track with thread name `thread`, as (ts, end) in whole ns.
struct Span { int64_t ts, end; };
int64_t to_ns(const json& us) { return std::llround(us.get<double>() * 1000); }
std::vector<Span> spans(const json& doc, const std::string& name) {
  std::vector<Span> out;
  for (const auto& e : doc["traceEvents"])
    if (e["ph"] == "X" && e["name"] == name) out.push_back({to_ns(e["ts"]), to_ns(e["ts"]) + to_ns(e["dur"])});
  return out;
}

TEST(Trace, a_child_that_ends_with_its_parent_in_picoseconds_ends_with_it_in_nanoseconds) {
  platform::Trace t;
  const int realm = t.track("soc.pe0", "realm");
  // Parent [999.999 ns, 3000 ns); child [2000.5 ns, 3000 ns): rounding start and duration
  // separately would end the child at 3001 ns.
  t.slice(realm, "RSI_HOST_CALL", "rsi", ps(2'000'500), ps(999'500));
  t.slice(realm, "RMI_REC_ENTER", "rmi", ps(999'999), ps(2'000'001));
  const json doc = written(t);
  const Span child = spans(doc, "RSI_HOST_CALL").at(0), parent = spans(doc, "RMI_REC_ENTER").at(0);
  EXPECT_EQ(parent.ts, 999);
  EXPECT_EQ(parent.end, 3000);
  EXPECT_EQ(child.ts, 2000);
  EXPECT_EQ(child.end, 3000);
}

TEST(Trace, every_nested_slice_stays_inside_its_parent_whatever_the_picoseconds) {
  platform::Trace t;
  const int tr = t.track("soc.pe0", "realm");
  uint64_t seed = 12345;
  auto next = [&] { return (seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 40; };
  uint64_t at = 0;
  for (int i = 0; i < 2000; ++i) {
    // A parent and one child in it, both at arbitrary picosecond offsets.
    const uint64_t p0 = at + next() % 5000, c0 = p0 + next() % 3000, c1 = c0 + next() % 3000, p1 = c1 + next() % 3000;
    t.slice(tr, "child", "c", ps(c0), ps(c1 - c0));
    t.slice(tr, "parent", "p", ps(p0), ps(p1 - p0));
    at = p1;
  }
  const json doc = written(t);
  const auto c = spans(doc, "child"), p = spans(doc, "parent");
  ASSERT_EQ(c.size(), p.size());
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_GE(c[i].ts, p[i].ts) << i;
    EXPECT_LE(c[i].end, p[i].end) << i;
    if (i) EXPECT_GE(p[i].ts, p[i - 1].end) << "siblings stay apart: " << i;
  }
}

TEST(Trace, a_long_track_keeps_its_first_and_last_events_and_a_decimated_middle_and_says_what_it_omitted) {
  platform::Trace t;
  t.set_limit(10);
  const int a = t.track("soc.pe0", "root"), b = t.track("soc.pe0", "realm");
  EXPECT_EQ(t.track("soc.pe0", "root"), a) << "the same names give the same track";
  const uint64_t n = 1000;
  for (uint64_t i = 0; i < n; ++i) t.slice(a, "E" + std::to_string(i), "el3", ps(i * 1000), ps(500));
  t.instant(b, "GPF", "fault", ps(3000));
  EXPECT_EQ(t.recorded(), n + 1);
  const json doc = written(t);
  std::vector<uint64_t> kept;
  for (const auto& e : doc["traceEvents"])
    if (e["ph"] == "X") kept.push_back(std::stoull(e["name"].get<std::string>().substr(1)));
  ASSERT_GE(kept.size(), 20u + 5u);
  ASSERT_LE(kept.size(), 30u);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(kept[i], i) << "the first events";
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(kept[kept.size() - 10 + i], n - 10 + i) << "the last events";
  const uint64_t stride = kept[11] - kept[10];
  for (size_t i = 10; i + 11 < kept.size(); ++i) EXPECT_EQ(kept[i + 1] - kept[i], stride) << "an even middle";
  EXPECT_EQ(t.omitted(), n - kept.size());
  const json& other = doc["otherData"];
  EXPECT_EQ(other["limit_per_track"], 10);
  EXPECT_EQ(other["omitted"], n - kept.size());
  ASSERT_EQ(other["omitted_by_track"].size(), 1u) << "the other track lost nothing";
  EXPECT_EQ(other["omitted_by_track"][0]["thread"], "root");
  EXPECT_EQ(other["omitted_by_track"][0]["middle_kept_one_in"], stride);
  bool marker = false, gpf = false;
  for (const auto& e : doc["traceEvents"]) {
    // value(): metadata events have no "cat" (operator[] on a const object's missing key is undefined).
    marker |= e.value("cat", "") == "trace" && e.value("name", "").find(std::to_string(t.omitted()) + " of 1000 events omitted") == 0;
    gpf |= e.value("name", "") == "GPF";
  }
  EXPECT_TRUE(marker) << "the track says where events are missing";
  EXPECT_TRUE(gpf);
}

TEST(Trace, processes_and_threads_carry_their_order_as_sort_index) {
  platform::Trace t;
  t.track("soc.pe0", "non_secure");
  t.track("soc.pe0", "realm");
  t.track("soc.pe1", "non_secure");
  t.track("soc", "phases");
  const json doc = written(t);
  std::map<std::string, int> process_order;
  std::map<int, std::string> pid_name;
  std::map<std::pair<int, int>, int> thread_order;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] != "M") continue;
    if (e["name"] == "process_name") pid_name[e["pid"]] = e["args"]["name"];
    if (e["name"] == "process_sort_index") process_order[pid_name.at(e["pid"])] = e["args"]["sort_index"];
    if (e["name"] == "thread_sort_index") thread_order[{e["pid"], e["tid"]}] = e["args"]["sort_index"];
  }
  EXPECT_LT(process_order.at("soc.pe0"), process_order.at("soc.pe1"));
  EXPECT_LT(process_order.at("soc.pe1"), process_order.at("soc"));
  EXPECT_LT(thread_order.at({1, 1}), thread_order.at({1, 2}));
  EXPECT_EQ(thread_order.size(), 4u);
}

// The reference: the event as an nlohmann object, the form trace.json had before events were
// written directly (key order ph, name, cat, pid, tid, ts, dur or s, args; a repeated arg key
// keeps its first place and its last value).
std::string nlohmann_event(int pid, int tid, char phase, const std::string& name, const std::string& cat,
                           uint64_t ts_ns, uint64_t dur_ns, const platform::Trace::Args& args) {
  nlohmann::ordered_json j{{"ph", std::string(1, phase)}, {"name", name}, {"cat", cat},
                           {"pid", pid}, {"tid", tid}, {"ts", static_cast<double>(ts_ns) / 1000.0}};
  if (phase == 'X') j["dur"] = static_cast<double>(dur_ns) / 1000.0;
  else j["s"] = "t";
  if (!args.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : args) a[k] = v;
    j["args"] = std::move(a);
  }
  return j.dump();
}

TEST(Trace, every_event_is_spelt_byte_for_byte_as_nlohmann_dumps_it) {
  uint64_t seed = 99;
  auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
  std::vector<uint64_t> times = {0, 1, 9, 10, 999, 1000, 1001, 1010, 1100, 123456789, 999'999'999'999'999,
                                 1'000'000'000'000'000, 18'446'744'073'709'551'615ull};
  for (uint64_t ns = 0; ns < 20000; ++ns) times.push_back(ns);  // every fraction, carries
  for (int i = 0; i < 50000; ++i) times.push_back(next() >> (next() % 64));
  const std::vector<std::string> names = {"RMI_DATA_CREATE", "", "quote\"d", "back\\slash", "tab\there",
                                          "new\nline", std::string("nul\0x", 5), "\x7f del", "caf\xc3\xa9"};
  size_t k = 0;
  for (const uint64_t ts : times) {
    const uint64_t dur = times[next() % times.size()];
    const std::string& name = names[k++ % names.size()];
    const char phase = k % 3 ? 'X' : 'i';
    platform::Trace::Args args;
    if (k % 2) args.push_back({"status", "RMI_SUCCESS"});
    if (k % 5 == 0) args.push_back({"pa", names[k % names.size()]});
    if (k % 7 == 0) args.push_back({"status", "again"});  // a repeated key
    const int pid = k % 11 == 0 ? -1 : static_cast<int>(k % 300), tid = static_cast<int>(k % 7);
    ASSERT_EQ(platform::Trace::event_json(pid, tid, phase, name, "rmi", ts, dur, args),
              nlohmann_event(pid, tid, phase, name, "rmi", ts, dur, args))
        << "ts " << ts << " dur " << dur << " name " << name;
  }
}

TEST(Trace, args_come_back_as_given_from_a_reused_tail_slot_whatever_their_lengths) {
  platform::Trace t;
  t.set_limit(3);
  const int tr = t.track("soc.pe0", "realm");
  // 20 events on a limit of 3: the tail ring's slots are refilled with args of other lengths.
  auto args_of = [](int i) {
    platform::Trace::Args a;
    for (int k = 0; k < i % 4; ++k)
      a.push_back({"k" + std::to_string(k), std::string(static_cast<size_t>(i * 7 % 40), 'v') + std::string(1, '\0')});
    if (i % 5 == 0) a.push_back({"", ""});
    return a;
  };
  for (int i = 0; i < 20; ++i) t.instant(tr, "e" + std::to_string(i), "c", ps(i * 1000), args_of(i));
  const json doc = written(t);
  int seen = 0;
  for (const auto& e : doc["traceEvents"]) {
    const std::string name = e.value("name", "");
    if (e["ph"] != "i" || name.empty() || name[0] != 'e') continue;
    platform::Trace::Args want = args_of(std::stoi(name.substr(1))), got;
    if (e.contains("args"))
      for (const auto& [k, v] : e["args"].items()) got.push_back({k, v.get<std::string>()});
    std::sort(want.begin(), want.end());  // `json` orders keys by name
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want) << name;
    ++seen;
  }
  EXPECT_GE(seen, 6);  // the head and the tail at least
}

TEST(Trace, a_zero_limit_or_one_set_after_recording_is_refused) {
  platform::Trace t;
  EXPECT_THROW(t.set_limit(0), std::invalid_argument);
  t.instant(t.track("soc", "x"), "i", "c", ps(0));
  EXPECT_THROW(t.set_limit(5), std::logic_error);
}

}  // namespace
