// memtouch: writes one 64-bit word every `stride` bytes over N MiB, then reads them back and
// checksums them (for the populate studies).
//   a0 = MiB (default 16), a1 = stride in bytes (default 4096), a2 = base IPA (default: the
//   first MiB boundary after the image)
// Powers off with X1 = checksum, X2 = words touched, X3 = words that read back wrong (0 when
// memory kept every write).
#include "rt.h"

extern uint8_t __guest_end[];

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  uint64_t mib = a0 ? a0 : 16, stride = a1 ? a1 : 4096;
  uint64_t base = a2 ? rt_ipa_to_va(a2) : (((uint64_t)__guest_end + (1u << 20) - 1) & ~((1ull << 20) - 1));
  if (stride < 8) stride = 8;
  uint64_t bytes = mib << 20, words = 0;
  rt_printf("memtouch: %lu MiB at IPA 0x%lx stride %lu\n", mib, rt_virt_to_ipa((const void*)base), stride);
  for (uint64_t off = 0; off < bytes; off += stride) {
    *(volatile uint64_t*)(base + off) = (off + 1) * 0x9E3779B97F4A7C15ull;
    words++;
  }
  uint64_t sum = 0, wrong = 0;
  for (uint64_t off = 0; off < bytes; off += stride) {
    const uint64_t v = *(volatile uint64_t*)(base + off);
    sum = (sum << 1 | sum >> 63) ^ v;
    if (v != (off + 1) * 0x9E3779B97F4A7C15ull) wrong++;  // the memory lost a write
  }
  rt_printf("memtouch: touched %lu words checksum 0x%016lx, %lu read back wrong\n", words, sum, wrong);
  (void)a3;
  psci_system_off(sum, words, wrong);
}
