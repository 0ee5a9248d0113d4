#include "sim/trace.h"

#include <cstdio>

#include "sim/json.h"

namespace platform {

int Trace::track(const std::string& process, const std::string& thread) {
  for (size_t i = 0; i < tracks_.size(); ++i)
    if (tracks_[i].process == process && tracks_[i].thread == thread) return static_cast<int>(i);
  int pid = -1;
  for (size_t i = 0; i < processes_.size(); ++i)
    if (processes_[i] == process) pid = static_cast<int>(i) + 1;
  if (pid < 0) {
    processes_.push_back(process);
    pid = static_cast<int>(processes_.size());
  }
  int tid = 1;
  for (const auto& t : tracks_)
    if (t.pid == pid) ++tid;
  tracks_.push_back({process, thread, pid, tid, 0, 0, 0});
  return static_cast<int>(tracks_.size()) - 1;
}

bool Trace::keep(int track, const sc_core::sc_time& at) {
  Track& t = tracks_[static_cast<size_t>(track)];
  if (t.events < kMaxEventsPerTrack) {
    ++t.events;
    return true;
  }
  ++t.elided;
  t.last_elided_ps = at.value();
  return false;
}

void Trace::slice(int track, const std::string& name, const std::string& category,
                  const sc_core::sc_time& start, const sc_core::sc_time& duration, Args args) {
  if (!enabled_ || !keep(track, start)) return;
  events_.push_back({'X', track, name, category, start.value(), duration.value(), std::move(args)});
}

void Trace::instant(int track, const std::string& name, const std::string& category,
                    const sc_core::sc_time& at, Args args) {
  if (!enabled_ || !keep(track, at)) return;
  events_.push_back({'i', track, name, category, at.value(), 0, std::move(args)});
}

namespace {
// Trace-event timestamps are microseconds; ours are picoseconds, printed exactly.
std::string us(uint64_t ps) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(ps / 1000000),
                static_cast<unsigned long long>(ps % 1000000));
  return buf;
}
}  // namespace

void Trace::write_json(std::ostream& os) const {
  os << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  auto sep = [&] {
    if (!first) os << ",\n";
    first = false;
  };
  for (size_t i = 0; i < processes_.size(); ++i) {
    sep();
    os << "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" << i + 1 << ",\"tid\":0,\"args\":{\"name\":\""
       << JsonWriter::escape(processes_[i]) << "\"}}";
  }
  for (const auto& t : tracks_) {
    sep();
    os << "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" << t.pid << ",\"tid\":" << t.tid
       << ",\"args\":{\"name\":\"" << JsonWriter::escape(t.thread) << "\"}}";
  }
  for (const auto& e : events_) {
    const Track& t = tracks_[static_cast<size_t>(e.track)];
    sep();
    os << "{\"ph\":\"" << e.phase << "\",\"name\":\"" << JsonWriter::escape(e.name) << "\",\"cat\":\""
       << JsonWriter::escape(e.category) << "\",\"pid\":" << t.pid << ",\"tid\":" << t.tid
       << ",\"ts\":" << us(e.ts_ps);
    if (e.phase == 'X') os << ",\"dur\":" << us(e.dur_ps);
    else os << ",\"s\":\"t\"";
    if (!e.args.empty()) {
      os << ",\"args\":{";
      for (size_t i = 0; i < e.args.size(); ++i)
        os << (i ? "," : "") << "\"" << JsonWriter::escape(e.args[i].first) << "\":\""
           << JsonWriter::escape(e.args[i].second) << "\"";
      os << "}";
    }
    os << "}";
  }
  for (const auto& t : tracks_) {
    if (!t.elided) continue;
    sep();
    os << "{\"ph\":\"i\",\"name\":\"" << t.elided << " more events elided (trace limit "
       << kMaxEventsPerTrack << " per track)\",\"cat\":\"trace\",\"pid\":" << t.pid << ",\"tid\":" << t.tid
       << ",\"ts\":" << us(t.last_elided_ps) << ",\"s\":\"t\"}";
  }
  os << "\n]}\n";
}

}  // namespace platform
