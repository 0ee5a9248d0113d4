#include "sim/progress.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace platform {

std::atomic<bool> Progress::due_{false};

namespace {

struct Ticker {
  std::ostream* out = nullptr;
  bool tty = false;
  Progress::Describe describe;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  size_t width = 0;  // of the last line on a terminal, to blank what a shorter one leaves
};

Ticker& ticker() {
  static Ticker t;
  return t;
}

}  // namespace

void Progress::start(std::ostream& out, bool tty, std::chrono::milliseconds period, Describe describe) {
  stop();
  Ticker& t = ticker();
  t.out = &out;
  t.tty = tty;
  t.describe = std::move(describe);
  t.stopping = false;
  t.width = 0;
  t.thread = std::thread([period, &t] {
    std::unique_lock<std::mutex> lock(t.mutex);
    while (!t.wake.wait_for(lock, period, [&t] { return t.stopping; })) due_.store(true, std::memory_order_relaxed);
  });
}

void Progress::stop() {
  Ticker& t = ticker();
  if (!t.thread.joinable()) return;
  {
    const std::lock_guard<std::mutex> lock(t.mutex);
    t.stopping = true;
  }
  t.wake.notify_all();
  t.thread.join();
  due_.store(false, std::memory_order_relaxed);
  if (t.tty && t.width) *t.out << "\n" << std::flush;
  t.describe = nullptr;
}

void Progress::print(const sc_core::sc_time& now) {
  due_.store(false, std::memory_order_relaxed);
  Ticker& t = ticker();
  if (!t.describe) return;
  const std::string line = t.describe(now);
  if (t.tty) {
    *t.out << "\r" << line << std::string(t.width > line.size() ? t.width - line.size() : 0, ' ') << std::flush;
    t.width = line.size();
  } else {
    *t.out << line << "\n" << std::flush;
  }
}

}  // namespace platform
