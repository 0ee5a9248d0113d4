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
#include <array>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <systemc>

namespace platform {

// An event's argument, a key and its value as the file spells them: what a model passes at
// the call, e.g. {{"status", "RMI_SUCCESS"}, {"vm", name}}, without building a Trace::Args.
struct TraceArg {
  std::string_view key, value;
};

// The arguments of one call: a braced list of TraceArg, or a Trace::Args. Only for the call's
// duration (it refers to them).
class TraceArgList {
 public:
  using Args = std::vector<std::pair<std::string, std::string>>;
  TraceArgList() = default;
  TraceArgList(std::initializer_list<TraceArg> list) : list_(list), size_(list.size()) {}
  TraceArgList(const Args& args) : args_(&args), size_(args.size()) {}
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view key(size_t i) const { return args_ ? std::string_view((*args_)[i].first) : list_.begin()[i].key; }
  std::string_view value(size_t i) const {
    return args_ ? std::string_view((*args_)[i].second) : list_.begin()[i].value;
  }

 private:
  std::initializer_list<TraceArg> list_;
  const Args* args_ = nullptr;
  size_t size_ = 0;
};

class Trace {
 public:
  using Args = TraceArgList::Args;

  using Arg = TraceArg;
  using ArgList = TraceArgList;

  bool enabled() const { return enabled_; }
  void set_enabled(bool on) { enabled_ = on; }

  // Events kept at each end of every track, and at most in its decimated middle.
  static constexpr uint64_t kDefaultLimit = 5000;
  void set_limit(uint64_t events);
  uint64_t limit() const { return limit_; }

  // A track is a (process, thread) pair in the trace: process = PE (or "soc" for global
  // tracks), thread = world or lane. Returns a stable id; the same names give the same id.
  int track(std::string_view process, std::string_view thread);

  // A slice from `start` lasting `duration` on `track`.
  void slice(int track, std::string_view name, std::string_view category, const sc_core::sc_time& start,
             const sc_core::sc_time& duration, ArgList args = {});
  // A point event.
  void instant(int track, std::string_view name, std::string_view category, const sc_core::sc_time& at,
               ArgList args = {});

  // Events recorded so far, and how many of them the file will leave out.
  uint64_t recorded() const;
  uint64_t omitted() const;

  void write_json(std::ostream& os) const;

  // One event as trace.json spells it (exactly as nlohmann's dump() of the same object).
  static std::string event_json(int pid, int tid, char phase, const std::string& name, const std::string& category,
                                uint64_t ts_ns, uint64_t dur_ns, const Args& args);

 private:
  // An event as kept: names interned, args packed (pack_args) into the event itself when they
  // fit, which most do. A slot of the tail ring is refilled `limit` events after it was last
  // written, so everything an event needs is in one place, not in three heap blocks.
  struct Event {
    uint64_t index;  // position among the track's events
    uint64_t ts_ns, dur_ns;
    uint32_t name, category;  // in names_
    char phase;               // 'X' slice, 'i' instant
    static constexpr size_t kInline = 78;
    uint8_t inline_bytes = 0;  // packed args in `packed` (kInline + 1: they are in `spilled`)
    char packed[kInline];
    std::string spilled;
    std::string_view args() const {
      return inline_bytes <= kInline ? std::string_view(packed, inline_bytes) : std::string_view(spilled);
    }
  };
  static void pack_args(const ArgList& args, Event& e);
  class PackedArgs;  // an ArgList-like view of an event's packed args (trace.cpp)
  uint32_t intern(std::string_view name);
  struct Track {
    std::string process, thread;
    int pid, tid;
    uint64_t recorded = 0;
    std::vector<Event> head;
    std::vector<Event> middle;
    // The last events, a ring whose slots are reused (so a long run allocates nothing for the
    // events it drops); the oldest is at tail_start once the ring is full.
    std::vector<Event> tail;
    size_t tail_start = 0;
    uint64_t stride = 1;  // the middle keeps events whose index is a multiple of this
    uint64_t omitted = 0, first_omitted_ns = 0, last_omitted_ns = 0;
    void omit(const Event& e);
  };
  void record(int track, char phase, std::string_view name, std::string_view category, uint64_t ts_ns,
              uint64_t dur_ns, const ArgList& args);
  bool enabled_ = true;
  uint64_t limit_ = kDefaultLimit;
  std::vector<Track> tracks_;
  std::vector<std::string> processes_;
  // Track ids by "process\0thread": models name their track at every event.
  std::unordered_map<std::string, int> track_index_;
  std::string track_key_;  // the lookup's key, reused
  // Every event name and category once (models name events from a fixed set; what varies
  // goes in args), and their ids.
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> name_ids_;
  // The last ids found, by where the caller's text was (mostly a constant, so its address
  // repeats); a hit is confirmed by comparing the text, the address is only a hint.
  struct RecentName {
    const char* at = nullptr;
    uint32_t id = 0;
  };
  std::array<RecentName, 64> recent_names_{};
};

}  // namespace platform
