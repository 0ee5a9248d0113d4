// A lock that PEs share in simulated time, as firmware's spinlocks are (TF-A's GPT bitlocks).
// It keeps two promises, which temporal decoupling makes separate:
// - in host order, one PE at a time runs the critical section, so the data the lock protects
//   is never updated by two PEs at once. The holder's timed accesses do not yield
//   (Requester::enter_critical), as EL3 runs its sections with interrupts masked; a PE that
//   finds the holder yielded all the same (an explicit wait inside) sleeps on an sc_event
//   until the release, rather than spinning in host time;
// - in simulated time, critical sections never overlap: the lock remembers when it was held,
//   and a section is placed at the first time from its PE's arrival that the lock is free
//   for as long as the section lasts. The wait for a period the PE arrives in is charged at
//   acquire, the wait for a later period the section would overlap (a PE that ran ahead in
//   its quantum held it then) at release.
// A PE that arrives before a section another PE ran ahead to goes first, so waits stay
// accurate to about one critical section whatever the quantum.
#pragma once
#include <map>

#include <systemc>

#include "sim/stats.h"

namespace platform {

class Requester;

class TimedLock {
 public:
  // `waits`, when given, counts the acquisitions that waited and the time they waited.
  explicit TimedLock(TimeStat* waits = nullptr) : waits_(waits) {}

  // Takes the lock on `req`'s thread.
  void acquire(Requester& req);
  // Releases it at `req`'s local time (after any wait the placement needs).
  void release(Requester& req);
  bool held() const { return held_; }

 private:
  bool held_ = false;
  unsigned waiting_ = 0;                       // PEs asleep in acquire()
  sc_core::sc_time arrived_at_, acquired_at_;  // of the holder
  // Simulated time the lock was held, as disjoint [start, end) periods, from the earliest a
  // PE can still arrive in (no PE's local time is behind SystemC time).
  std::map<sc_core::sc_time, sc_core::sc_time> busy_;
  sc_core::sc_event released_;
  TimeStat* waits_;
};

// RAII: holds a TimedLock for a scope on one requester's thread.
class TimedLockGuard {
 public:
  TimedLockGuard(TimedLock& lock, Requester& req) : lock_(lock), req_(req) { lock_.acquire(req_); }
  ~TimedLockGuard() { lock_.release(req_); }
  TimedLockGuard(const TimedLockGuard&) = delete;
  TimedLockGuard& operator=(const TimedLockGuard&) = delete;

 private:
  TimedLock& lock_;
  Requester& req_;
};

}  // namespace platform
