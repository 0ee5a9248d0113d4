// The sanitizer build's munmap (sim/src/sanitizer/unmapped_memory.cpp): a simulation context
// deleted while a thread waits in it leaves no poison where that thread's stack was. Without
// it, GCC 12's ASan kept the redzones of the waiting frames in the shadow of the unmapped
// stack, and a later mapping there inherited them (fuzz workers, one context per sequence).
// Meaningful in the sanitizer build only; skipped in the normal one.
#include <gtest/gtest.h>

#include <systemc>

#include "platform/sim_context.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace {

struct Waiter : sc_core::sc_module {
  const volatile char* frame = nullptr;  // a local of the thread's frame, on its stack
  SC_HAS_PROCESS(Waiter);
  explicit Waiter(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  void run() {
    volatile char local[64] = {1};  // instrumented: redzones around it while the frame lives
    frame = local;
    wait(1, sc_core::SC_SEC);
    wait(1, sc_core::SC_SEC);  // never reached: the context goes first
  }
};

TEST(UnmappedMemory, a_deleted_contexts_thread_stacks_leave_no_poison) {
#if !defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the sanitizer build's check";
#else
  // Around the local: the frame below it and its right redzone, not beyond (the thread's first
  // frame is near the stack's top, and what is mapped above it is not this test's).
  constexpr size_t kBefore = 256, kLocalAndRedzone = 96;
  const char* frame = nullptr;
  {
    platform::ScopedSimulationContext context;
    Waiter w("waiter");
    sc_core::sc_start(sc_core::sc_time(1.5, sc_core::SC_SEC));
    frame = const_cast<const char*>(w.frame);
    ASSERT_NE(frame, nullptr);
    // While the thread waits its frame's redzones are poisoned: what the check below needs.
    ASSERT_NE(__asan_region_is_poisoned(const_cast<char*>(frame) - kBefore, kBefore + kLocalAndRedzone), nullptr);
  }
  // The stack is unmapped now; its shadow is readable and must be clean.
  EXPECT_EQ(__asan_region_is_poisoned(const_cast<char*>(frame) - kBefore, kBefore + kLocalAndRedzone), nullptr);
#endif
}

}  // namespace
