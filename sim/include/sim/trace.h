// A Chrome trace-event (JSON) recorder that Perfetto and chrome://tracing open: one track per
// PE and world ("pe0 / realm"), slices for RMI and RSI calls, exits, phases, and instants for
// faults. Events are kept in memory in the order recorded and written at the end, so the file
// is deterministic for a deterministic simulation.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

namespace platform {

class Trace {
 public:
  using Args = std::vector<std::pair<std::string, std::string>>;

  bool enabled() const { return enabled_; }
  void set_enabled(bool on) { enabled_ = on; }

  // A track is a (process, thread) pair in the trace: process = PE (or "soc" for global
  // tracks), thread = world or lane. Returns a stable id; the same names give the same id.
  int track(const std::string& process, const std::string& thread);

  // A slice from `start` lasting `duration` on `track`.
  void slice(int track, const std::string& name, const std::string& category,
             const sc_core::sc_time& start, const sc_core::sc_time& duration, Args args = {});
  // A point event.
  void instant(int track, const std::string& name, const std::string& category,
               const sc_core::sc_time& at, Args args = {});

  size_t size() const { return events_.size(); }

  // At most this many events are kept per track: a 1 GiB populate makes hundreds of thousands
  // of transitions. Later ones are counted, and the file says how many each track elided.
  static constexpr uint64_t kMaxEventsPerTrack = 20000;
  void write_json(std::ostream& os) const;

 private:
  struct Track {
    std::string process, thread;
    int pid, tid;
    uint64_t events = 0, elided = 0;
    uint64_t last_elided_ps = 0;
  };
  bool keep(int track, const sc_core::sc_time& at);
  struct Event {
    char phase;  // 'X' slice, 'i' instant
    int track;
    std::string name, category;
    uint64_t ts_ps, dur_ps;
    Args args;
  };
  bool enabled_ = true;
  std::vector<Track> tracks_;
  std::vector<std::string> processes_;
  std::vector<Event> events_;
};

}  // namespace platform
