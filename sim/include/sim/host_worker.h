// A host thread of a model's own that runs the jobs it is handed, in order, while the simulation
// goes on: host work done ahead (HostPrefault's page faults, ContentDigests' hashes), never
// anything simulated. It sleeps when it has nothing to do and is woken only then (a wake-up costs
// microseconds). Destroying it drops what it has not started and waits for what it has.
#pragma once
#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace platform {

// Whether a worker can gain anything here: on a single host core it would only take turns with
// the simulation. Models make none then, and do the work in place.
inline bool host_workers_worthwhile() { return std::thread::hardware_concurrency() >= 2; }

template <class Job>
class HostWorker {
 public:
  // `run` is called on the thread, one job at a time, with nothing of this object held. `name`
  // (at most 15 characters) is the thread's, as top and perf show it. Throws std::system_error
  // when the host gives no thread.
  HostWorker(std::string name, std::function<void(const Job&)> run)
      : name_(std::move(name)), run_(std::move(run)), thread_([this] { work(); }) {}
  ~HostWorker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      jobs_.clear();
    }
    wake_.notify_one();
    thread_.join();
  }
  HostWorker(const HostWorker&) = delete;
  HostWorker& operator=(const HostWorker&) = delete;

  template <class It>
  void hand(It first, It last) {
    if (first == last) return;
    bool wake;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.insert(jobs_.end(), first, last);
      wake = waiting_;
    }
    if (wake) wake_.notify_one();
  }

 private:
  void work() {
    pthread_setname_np(pthread_self(), name_.c_str());
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      waiting_ = true;
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      waiting_ = false;
      if (stop_) return;
      const Job job = jobs_.front();
      jobs_.pop_front();
      lock.unlock();
      run_(job);
      lock.lock();
    }
  }

  const std::string name_;
  const std::function<void(const Job&)> run_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stop_ = false, waiting_ = false;
  std::thread thread_;  // last: it starts once the rest is made
};

}  // namespace platform
