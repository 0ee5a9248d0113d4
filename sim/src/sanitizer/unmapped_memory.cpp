// Sanitizer build only (RMESIM_SANITIZE): memory that is unmapped holds no poison.
//
// GCC 12's AddressSanitizer keeps the shadow of a range across munmap: a later mmap at the same
// address inherits its poison. SystemC 2.3.4 mmaps each coroutine stack and munmaps it when the
// context is deleted, and the instrumented frames of a thread still waiting in it leave their
// redzones in the shadow. The next context's stacks (a fuzz worker runs one per sequence) could
// land there, and an ordinary access reported as a stack-buffer-overflow that ASan could not
// describe (CHECK "ptr[0] == kCurrentStackFrameMagic": no frame in the fresh, zeroed page).
// The runtime does not intercept munmap, so the executable defines it: unmap, then clear the
// range's shadow.
#include <sanitizer/asan_interface.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

extern "C" int munmap(void* addr, size_t length) {
  const long rc = syscall(SYS_munmap, addr, length);
  if (rc == 0) __asan_unpoison_memory_region(addr, length);
  return static_cast<int>(rc);
}
