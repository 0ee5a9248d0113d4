// The wall clock as Unicorn sees it: counted in its own reads. QEMU's TCG, which Unicorn is,
// reads the wall clock (gettimeofday) at every TLB flush to decide whether to shrink its software TLB: a TLB
// that was little used during the last 100 ms of wall time is halved. Which guest accesses
// then miss, and so which translations the filler makes and times (a fill costs simulated
// time, translation_fill.cpp), would depend on how fast the host ran: the same scenario would
// give different outputs from run to run once a run is longer than 100 ms (a Linux boot
// diverged after about a second of simulated time). engine_clock.cpp defines gettimeofday
// for the process (it takes precedence over libc's, as any definition in the executable does)
// and gives a caller inside the Unicorn library a clock that advances kMicrosecondsPerRead at
// each of its reads (at engine creation and at each TLB flush): a 100 ms window is then about
// 100 flushes, and the TLB sizes follow the guest's accesses and flushes alone. (A frozen
// clock would never shrink a TLB, and every flush would clear the largest one.) Every other
// caller gets libc's clock. The reads of several engines interleave in one deterministic order,
// because the simulation runs one PE at a time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cpu::engine_clock {

constexpr uint64_t kMicrosecondsPerRead = 1000;

// Finds the Unicorn library's code in the process, once; called by every engine (which also
// links engine_clock.cpp into every program that runs one).
void install();
// Whether `object` (a loaded object's path) is the Unicorn library.
bool is_engine_object(const char* object);
// Whether `pc` is in the Unicorn library's code (false before install()).
bool in_engine(uintptr_t pc);
// The time, in microseconds, of Unicorn's next clock read (and counts it).
uint64_t next_read_us();
// How many times Unicorn read the clock, over the process.
uint64_t engine_reads();

}  // namespace cpu::engine_clock
