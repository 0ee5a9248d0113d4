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

int Trace::track(std::string_view process, std::string_view thread) {
  track_key_.assign(process);
  track_key_ += '\0';
  track_key_ += thread;
  if (const auto it = track_index_.find(track_key_); it != track_index_.end()) return it->second;
  auto p = std::find(processes_.begin(), processes_.end(), process);
  if (p == processes_.end()) p = processes_.insert(processes_.end(), std::string(process));
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
  const int id = static_cast<int>(tracks_.size()) - 1;
  track_index_.emplace(track_key_, id);
  return id;
}

void Trace::Track::omit(const Event& e) {
  first_omitted_ns = omitted ? std::min(first_omitted_ns, e.ts_ns) : e.ts_ns;
  last_omitted_ns = omitted ? std::max(last_omitted_ns, e.ts_ns) : e.ts_ns;
  ++omitted;
}

// The first `limit` events stay; later ones go to the tail, and what the tail pushes out goes
// to the middle when its index is a multiple of the stride. A full middle doubles the stride
// and drops what is no longer a multiple of it.
uint32_t Trace::intern(std::string_view name) {
  RecentName& r = recent_names_[(reinterpret_cast<uintptr_t>(name.data()) >> 3) % recent_names_.size()];
  if (r.at == name.data() && names_[r.id] == name) return r.id;
  r.at = name.data();
  if (const auto it = name_ids_.find(name); it != name_ids_.end()) return r.id = it->second;
  r.id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(names_.back(), r.id);
  return r.id;
}

void Trace::record(int track, char phase, std::string_view name, std::string_view category, uint64_t ts_ns,
                   uint64_t dur_ns, const ArgList& args) {
  Track& t = tracks_.at(static_cast<size_t>(track));
  const uint64_t index = t.recorded++;
  Event* slot;
  bool keep = false;
  if (t.head.size() < limit_ || t.tail.size() < limit_) {
    auto& to = t.head.size() < limit_ ? t.head : t.tail;
    slot = &to.emplace_back();
  } else {
    slot = &t.tail[t.tail_start];
    t.tail_start = (t.tail_start + 1) % t.tail.size();
    keep = (slot->index & (t.stride - 1)) == 0;  // the stride is a power of two
    if (keep) t.middle.push_back(*slot);
    else t.omit(*slot);
  }
  slot->index = index;
  slot->ts_ns = ts_ns;
  slot->dur_ns = dur_ns;
  slot->name = intern(name);
  slot->category = intern(category);
  slot->phase = phase;
  pack_args(args, *slot);
  if (!keep || t.middle.size() <= limit_) return;
  t.stride *= 2;
  size_t kept = 0;
  for (auto& m : t.middle) {
    if (m.index & (t.stride - 1)) t.omit(m);
    else if (&t.middle[kept++] != &m) t.middle[kept - 1] = std::move(m);
  }
  t.middle.resize(kept);
}

// Each string as its length (4 bytes, host order) then its bytes: key, value, key, value...,
// in the event when it fits.
void Trace::pack_args(const ArgList& args, Event& e) {
  size_t bytes = 0;
  for (size_t i = 0; i < args.size(); ++i) bytes += 2 * sizeof(uint32_t) + args.key(i).size() + args.value(i).size();
  char* at;
  if (bytes <= Event::kInline) {
    e.inline_bytes = static_cast<uint8_t>(bytes);
    at = e.packed;
  } else {
    e.inline_bytes = Event::kInline + 1;
    e.spilled.resize(bytes);
    at = e.spilled.data();
  }
  auto put = [&](std::string_view v) {
    if (v.size() > UINT32_MAX) throw std::length_error("trace: an argument longer than 4 GiB");
    const auto n = static_cast<uint32_t>(v.size());
    std::memcpy(at, &n, sizeof n);
    std::memcpy(at + sizeof n, v.data(), n);
    at += sizeof n + n;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    put(args.key(i));
    put(args.value(i));
  }
}

// An event's packed args read back as views into it, key i and value i as ArgList gives them.
class Trace::PackedArgs {
 public:
  explicit PackedArgs(std::string_view packed) {
    size_t at = 0;
    auto get = [&] {
      uint32_t n;
      std::memcpy(&n, packed.data() + at, sizeof n);
      const std::string_view v = packed.substr(at + sizeof n, n);
      at += sizeof n + n;
      return v;
    };
    while (at < packed.size()) {
      const std::string_view k = get();
      views_.push_back({k, get()});
    }
  }
  size_t size() const { return views_.size(); }
  bool empty() const { return views_.empty(); }
  std::string_view key(size_t i) const { return views_[i].key; }
  std::string_view value(size_t i) const { return views_[i].value; }

 private:
  std::vector<Arg> views_;
};

namespace {
// Rounded down to whole nanoseconds, start and end alike, so nesting survives the rounding.
uint64_t floor_ns(const sc_core::sc_time& t) { return t.value() / 1000; }
}  // namespace

void Trace::slice(int track, std::string_view name, std::string_view category, const sc_core::sc_time& start,
                  const sc_core::sc_time& duration, ArgList args) {
  if (!enabled_) return;
  const uint64_t ts = floor_ns(start);
  record(track, 'X', name, category, ts, floor_ns(start + duration) - ts, args);
}

void Trace::instant(int track, std::string_view name, std::string_view category, const sc_core::sc_time& at,
                    ArgList args) {
  if (!enabled_) return;
  record(track, 'i', name, category, floor_ns(at), 0, args);
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
void append_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  });
  if (!plain) {
    out += Json(std::string(s)).dump();
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

template <typename A>
bool has_repeated_key(const A& args) {
  for (size_t i = 0; i < args.size(); ++i)
    for (size_t j = i + 1; j < args.size(); ++j)
      if (args.key(i) == args.key(j)) return true;
  return false;
}

// One event appended to `out`; `args` gives size(), key(i) and value(i) (an ArgList or the
// view of a packed buffer).
template <typename A>
void append_event(std::string& out, int pid, int tid, char phase, std::string_view name, std::string_view category,
                  uint64_t ts_ns, uint64_t dur_ns, const A& args) {
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
        append_string(out, args.key(i));
        out += ':';
        append_string(out, args.value(i));
      }
      out += '}';
    }
    out += '}';
    return;
  }
  Json j{{"ph", std::string(1, phase)}, {"name", std::string(name)}, {"cat", std::string(category)},
         {"pid", pid}, {"tid", tid}, {"ts", us(ts_ns)}};
  if (phase == 'X') j["dur"] = us(dur_ns);
  else j["s"] = "t";
  if (!args.empty()) {
    Json a = Json::object();
    for (size_t i = 0; i < args.size(); ++i) a[std::string(args.key(i))] = std::string(args.value(i));
    j["args"] = std::move(a);
  }
  out += j.dump();
}
}  // namespace

std::string Trace::event_json(int pid, int tid, char phase, const std::string& name, const std::string& category,
                              uint64_t ts_ns, uint64_t dur_ns, const Args& args) {
  std::string out;
  append_event(out, pid, tid, phase, name, category, ts_ns, dur_ns, ArgList(args));
  return out;
}

void Trace::write_json(std::ostream& os) const {
  // Written through a buffer of about 1 MiB: an ostream insertion per event was most of the
  // writing.
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  constexpr size_t kFlushAt = size_t{1} << 20;
  bool first = true;
  auto separate = [&] {
    if (!first) out += ",\n";
    first = false;
  };
  auto flush_if_full = [&] {
    if (out.size() < kFlushAt) return;
    os.write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  };
  auto put_text = [&](const std::string& text) {
    separate();
    out += text;
    flush_if_full();
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
  auto event = [&](const Track& t, const Event& e) {
    separate();
    append_event(out, t.pid, t.tid, e.phase, names_[e.name], names_[e.category], e.ts_ns, e.dur_ns, PackedArgs(e.args()));
    flush_if_full();
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
  os.write(out.data(), static_cast<std::streamsize>(out.size()));
  os << "\n],\"otherData\":" << other.dump() << "}\n";
}

}  // namespace platform
