#include "sim/trace.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace platform {

using Json = nlohmann::ordered_json;

void Trace::set_limit(uint64_t events) {
  if (events == 0) throw std::invalid_argument("trace limit must be at least 1 event");
  if (recorded()) throw std::logic_error("trace limit set after events were recorded");
  limit_ = events;
}

int Trace::track(const std::string& process, const std::string& thread) {
  for (size_t i = 0; i < tracks_.size(); ++i)
    if (tracks_[i].process == process && tracks_[i].thread == thread) return static_cast<int>(i);
  auto p = std::find(processes_.begin(), processes_.end(), process);
  if (p == processes_.end()) p = processes_.insert(processes_.end(), process);
  const int pid = static_cast<int>(p - processes_.begin()) + 1;
  int tid = 1;
  for (const auto& t : tracks_)
    if (t.pid == pid) ++tid;
  Track t;
  t.process = process;
  t.thread = thread;
  t.pid = pid;
  t.tid = tid;
  tracks_.push_back(std::move(t));
  return static_cast<int>(tracks_.size()) - 1;
}

void Trace::Track::omit(const Event& e) {
  first_omitted_ns = omitted ? std::min(first_omitted_ns, e.ts_ns) : e.ts_ns;
  last_omitted_ns = omitted ? std::max(last_omitted_ns, e.ts_ns) : e.ts_ns;
  ++omitted;
}

// The first `limit` events stay; later ones go to the tail, and what the tail pushes out goes
// to the middle when its index is a multiple of the stride. A full middle doubles the stride
// and drops what is no longer a multiple of it.
void Trace::record(int track, char phase, const std::string& name, const std::string& category, uint64_t ts_ns,
                   uint64_t dur_ns, Args&& args) {
  Track& t = tracks_.at(static_cast<size_t>(track));
  const uint64_t index = t.recorded++;
  if (t.head.size() < limit_ || t.tail.size() < limit_) {
    auto& to = t.head.size() < limit_ ? t.head : t.tail;
    to.push_back({phase, index, name, category, ts_ns, dur_ns, {}});
    pack_args(args, to.back().args);
    return;
  }
  Event& slot = t.tail[t.tail_start];
  t.tail_start = (t.tail_start + 1) % t.tail.size();
  const bool keep = (slot.index & (t.stride - 1)) == 0;  // the stride is a power of two
  // The slot is refilled below: its event moves to the middle rather than being copied.
  if (keep) t.middle.push_back(std::move(slot));
  else t.omit(slot);
  slot.phase = phase;
  slot.index = index;
  slot.name.assign(name);
  slot.category.assign(category);
  slot.ts_ns = ts_ns;
  slot.dur_ns = dur_ns;
  pack_args(args, slot.args);
  if (!keep || t.middle.size() <= limit_) return;
  t.stride *= 2;
  std::deque<Event> kept;
  for (auto& m : t.middle) {
    if (m.index & (t.stride - 1)) t.omit(m);
    else kept.push_back(std::move(m));
  }
  t.middle.swap(kept);
}

// Each string as its length (8 bytes, host order) then its bytes: key, value, key, value...
// Sized once and copied into (an append per piece was most of recording an event).
void Trace::pack_args(const Args& args, std::string& out) {
  size_t bytes = 0;
  for (const auto& [k, v] : args) bytes += 2 * sizeof(uint64_t) + k.size() + v.size();
  out.resize(bytes);
  char* at = out.data();
  auto put = [&](const std::string& v) {
    const uint64_t n = v.size();
    std::memcpy(at, &n, sizeof n);
    std::memcpy(at + sizeof n, v.data(), n);
    at += sizeof n + n;
  };
  for (const auto& [k, v] : args) {
    put(k);
    put(v);
  }
}

void Trace::unpack_args(const std::string& packed, Args& out) {
  out.clear();
  size_t at = 0;
  auto get = [&](std::string& v) {
    uint64_t n;
    std::memcpy(&n, packed.data() + at, sizeof n);
    v.assign(packed, at + sizeof n, n);
    at += sizeof n + n;
  };
  while (at < packed.size()) {
    out.emplace_back();
    get(out.back().first);
    get(out.back().second);
  }
}

namespace {
// Rounded down to whole nanoseconds, start and end alike, so nesting survives the rounding.
uint64_t floor_ns(const sc_core::sc_time& t) { return t.value() / 1000; }
}  // namespace

void Trace::slice(int track, const std::string& name, const std::string& category,
                  const sc_core::sc_time& start, const sc_core::sc_time& duration, Args args) {
  if (!enabled_) return;
  const uint64_t ts = floor_ns(start);
  record(track, 'X', name, category, ts, floor_ns(start + duration) - ts, std::move(args));
}

void Trace::instant(int track, const std::string& name, const std::string& category,
                    const sc_core::sc_time& at, Args args) {
  if (!enabled_) return;
  record(track, 'i', name, category, floor_ns(at), 0, std::move(args));
}

uint64_t Trace::recorded() const {
  uint64_t n = 0;
  for (const auto& t : tracks_) n += t.recorded;
  return n;
}

uint64_t Trace::omitted() const {
  uint64_t n = 0;
  for (const auto& t : tracks_) n += t.omitted;
  return n;
}

namespace {
// Trace-event timestamps are microseconds; ours are whole nanoseconds, so three decimals say
// them exactly (the shortest form of ns / 1000.0 that reads back as the same double).
double us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

Json metadata(const char* name, int pid, int tid, Json args) {
  return Json{{"ph", "M"}, {"name", name}, {"pid", pid}, {"tid", tid}, {"args", std::move(args)}};
}

// The events are most of a long run's trace.json and of its writing time, so they are written
// straight into text, byte for byte as nlohmann's dump() writes the same object (the metadata
// and the summary still go through nlohmann). What the direct form cannot be sure to spell as
// nlohmann does takes nlohmann's own path: a string with anything but printable ASCII, a
// timestamp past 10^15 ns (where the shortest double stops being plain digits), repeated args.
void append_string(std::string& out, const std::string& s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  });
  if (!plain) {
    out += Json(s).dump();
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

void append_uint(std::string& out, uint64_t v) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, r.ptr);
}

constexpr uint64_t kDirectNsLimit = 1'000'000'000'000'000;

// ns / 1000 as nlohmann writes the double: the integer part, then the fraction without trailing
// zeros, or ".0" when there is none.
void append_us(std::string& out, uint64_t ns) {
  append_uint(out, ns / 1000);
  unsigned frac = static_cast<unsigned>(ns % 1000);
  if (frac == 0) {
    out += ".0";
    return;
  }
  char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10), 0};
  for (int i = 2; digits[i] == '0'; --i) digits[i] = 0;
  out += '.';
  out += digits;
}

bool has_repeated_key(const Trace::Args& args) {
  for (size_t i = 0; i < args.size(); ++i)
    for (size_t j = i + 1; j < args.size(); ++j)
      if (args[i].first == args[j].first) return true;
  return false;
}
}  // namespace

std::string Trace::event_json(int pid, int tid, char phase, const std::string& name, const std::string& category,
                              uint64_t ts_ns, uint64_t dur_ns, const Args& args) {
  std::string out;
  out.reserve(160);  // most events: one allocation
  if (pid >= 0 && tid >= 0 && ts_ns < kDirectNsLimit && dur_ns < kDirectNsLimit && !has_repeated_key(args)) {
    out += "{\"ph\":\"";
    out += phase;
    out += "\",\"name\":";
    append_string(out, name);
    out += ",\"cat\":";
    append_string(out, category);
    out += ",\"pid\":";
    append_uint(out, static_cast<uint64_t>(pid));
    out += ",\"tid\":";
    append_uint(out, static_cast<uint64_t>(tid));
    out += ",\"ts\":";
    append_us(out, ts_ns);
    if (phase == 'X') {
      out += ",\"dur\":";
      append_us(out, dur_ns);
    } else {
      out += ",\"s\":\"t\"";
    }
    if (!args.empty()) {
      out += ",\"args\":{";
      for (size_t i = 0; i < args.size(); ++i) {
        if (i) out += ',';
        append_string(out, args[i].first);
        out += ':';
        append_string(out, args[i].second);
      }
      out += '}';
    }
    out += '}';
    return out;
  }
  Json j{{"ph", std::string(1, phase)}, {"name", name}, {"cat", category},
         {"pid", pid}, {"tid", tid}, {"ts", us(ts_ns)}};
  if (phase == 'X') j["dur"] = us(dur_ns);
  else j["s"] = "t";
  if (!args.empty()) {
    Json a = Json::object();
    for (const auto& [k, v] : args) a[k] = v;
    j["args"] = std::move(a);
  }
  return j.dump();
}

void Trace::write_json(std::ostream& os) const {
  os << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  auto put_text = [&](const std::string& text) {
    if (!first) os << ",\n";
    first = false;
    os << text;
  };
  auto put = [&](const Json& j) { put_text(j.dump()); };
  for (size_t i = 0; i < processes_.size(); ++i) {
    const int pid = static_cast<int>(i) + 1;
    put(metadata("process_name", pid, 0, {{"name", processes_[i]}}));
    put(metadata("process_sort_index", pid, 0, {{"sort_index", pid}}));
  }
  for (const auto& t : tracks_) {
    put(metadata("thread_name", t.pid, t.tid, {{"name", t.thread}}));
    put(metadata("thread_sort_index", t.pid, t.tid, {{"sort_index", t.tid}}));
  }
  Args args;
  auto event = [&](const Track& t, const Event& e) {
    unpack_args(e.args, args);
    put_text(event_json(t.pid, t.tid, e.phase, e.name, e.category, e.ts_ns, e.dur_ns, args));
  };
  Json summary = Json::array();
  for (const auto& t : tracks_) {
    for (const auto& e : t.head) event(t, e);
    if (t.omitted) {
      put_text(event_json(t.pid, t.tid, 'i',
                          std::to_string(t.omitted) + " of " + std::to_string(t.recorded) +
                              " events omitted from here on (trace limit " + std::to_string(limit_) + ")",
                          "trace", t.first_omitted_ns, 0,
                          {{"first_omitted_ns", std::to_string(t.first_omitted_ns)},
                           {"last_omitted_ns", std::to_string(t.last_omitted_ns)},
                           {"middle_kept_one_in", std::to_string(t.stride)}}));
      summary.push_back({{"process", t.process}, {"thread", t.thread}, {"recorded", t.recorded},
                         {"omitted", t.omitted}, {"first_omitted_ns", t.first_omitted_ns},
                         {"last_omitted_ns", t.last_omitted_ns}, {"middle_kept_one_in", t.stride}});
    }
    for (const auto& e : t.middle) event(t, e);
    for (size_t i = 0; i < t.tail.size(); ++i) event(t, t.tail[(t.tail_start + i) % t.tail.size()]);
  }
  const Json other{{"limit_per_track", limit_}, {"recorded", recorded()}, {"omitted", omitted()},
                   {"omitted_by_track", std::move(summary)}};
  os << "\n],\"otherData\":" << other.dump() << "}\n";
}

}  // namespace platform
