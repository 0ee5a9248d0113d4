// A progress line on stderr for long runs (a populate of GiBs, a Linux boot): what the run is
// doing, in simulated time, refreshed about twice a wall second. A wall-clock ticker thread only
// raises a flag; the simulation thread, at its next charge (Requester::charge), builds and prints
// the line, so it reads the models' state where it is safe to. Nothing of it reaches stats.json
// or trace.json: the outputs do not depend on when the ticker fired.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <ostream>
#include <string>

#include <systemc>

namespace platform {

class Progress {
 public:
  // The line's text at simulated time `now` (without the line end).
  using Describe = std::function<std::string(const sc_core::sc_time& now)>;

  // Prints a line every `period` of wall time until stop(): on a terminal (`tty`) the line
  // rewrites itself, otherwise each is a line of its own. One progress at a time.
  static void start(std::ostream& out, bool tty, std::chrono::milliseconds period, Describe describe);
  static void stop();

  // The hot path's question: has the ticker asked for a line?
  static bool due() { return due_.load(std::memory_order_relaxed); }
  static void print(const sc_core::sc_time& now);

 private:
  static std::atomic<bool> due_;
};

}  // namespace platform
