// A Chrome trace-event (JSON) recorder that Perfetto and chrome://tracing open: one track per
// PE and world ("soc.pe0" / "realm"), drawn by the models that own the work (the RMM its RMI
// and RSI calls and its realms' guest runs, the host its KVM ioctls and exits, the monitor its
// EL3 calls, requesters and the DMA engine their faults, the VMM its scenario steps).
//
// Timestamps are integer nanoseconds: a slice's start and end are each rounded down from
// picoseconds, so a slice that lies inside another in simulated time lies inside it in the file
// too. Tracks are numbered in the order they are first named (the SoC names every PE's tracks
// first, PE0 first) and the file carries that order as sort_index metadata.
//
// A long run keeps a bounded trace that still covers all of it: per track, the first `limit`
// events, the last `limit` events and, in between, every k-th event, k a power of two that
// doubles whenever more than `limit` middle events are kept. Any subset of properly nested
// slices is still properly nested. What was left out is said in the file: a "trace" instant on
// the track where the omission starts, and a per-track summary under "otherData".
// Events are kept in the order recorded, so the file is deterministic for a deterministic run.
#pragma once
#include <cstdint>
#include <deque>
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

  // Events kept at each end of every track, and at most in its decimated middle.
  static constexpr uint64_t kDefaultLimit = 5000;
  void set_limit(uint64_t events);
  uint64_t limit() const { return limit_; }

  // A track is a (process, thread) pair in the trace: process = PE (or "soc" for global
  // tracks), thread = world or lane. Returns a stable id; the same names give the same id.
  int track(const std::string& process, const std::string& thread);

  // A slice from `start` lasting `duration` on `track`.
  void slice(int track, const std::string& name, const std::string& category,
             const sc_core::sc_time& start, const sc_core::sc_time& duration, Args args = {});
  // A point event.
  void instant(int track, const std::string& name, const std::string& category,
               const sc_core::sc_time& at, Args args = {});

  // Events recorded so far, and how many of them the file will leave out.
  uint64_t recorded() const;
  uint64_t omitted() const;

  void write_json(std::ostream& os) const;

  // One event as trace.json spells it (exactly as nlohmann's dump() of the same object).
  static std::string event_json(int pid, int tid, char phase, const std::string& name, const std::string& category,
                                uint64_t ts_ns, uint64_t dur_ns, const Args& args);

 private:
  struct Event {
    char phase;  // 'X' slice, 'i' instant
    uint64_t index;  // position among the track's events
    std::string name, category;
    uint64_t ts_ns, dur_ns;
    // The args packed into one buffer (pack_args): a slot of the tail ring that is refilled
    // reuses it, where a vector of strings would be freed and allocated again (a cache miss
    // on memory last touched `limit` events ago, most of the cost of recording an event).
    std::string args;
  };
  static void pack_args(const Args& args, std::string& out);
  static void unpack_args(const std::string& packed, Args& out);
  struct Track {
    std::string process, thread;
    int pid, tid;
    uint64_t recorded = 0;
    std::vector<Event> head;
    std::deque<Event> middle;
    // The last events, a ring whose slots are reused (so a long run allocates nothing for the
    // events it drops); the oldest is at tail_start once the ring is full.
    std::vector<Event> tail;
    size_t tail_start = 0;
    uint64_t stride = 1;  // the middle keeps events whose index is a multiple of this
    uint64_t omitted = 0, first_omitted_ns = 0, last_omitted_ns = 0;
    void omit(const Event& e);
  };
  void record(int track, char phase, const std::string& name, const std::string& category, uint64_t ts_ns,
              uint64_t dur_ns, Args&& args);
  bool enabled_ = true;
  uint64_t limit_ = kDefaultLimit;
  std::vector<Track> tracks_;
  std::vector<std::string> processes_;
};

}  // namespace platform
