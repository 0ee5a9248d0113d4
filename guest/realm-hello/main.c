// realm-hello: the realm guest that exercises the RSI and PSCI paths end to end.
//   a0 = number of CPUs to bring up (default 4, at most RT_MAX_CPUS)
//   a1 = 1: also print the whole attestation token ("realm-hello: token data HEX", 64 bytes a
//        line), for a verifier outside the realm (rmesim verify-token)
// Prints through the UART (unprotected IPA, emulated by the VMM) and powers off with
// X1 = 0 on success or the number of the step that failed (it prints "step N failed: ..."):
//   1 not in a realm, 2 RSI_VERSION, 3 RSI_MEASUREMENT_READ, 4 attestation token, 5 CPU_ON,
//   6 RSI_IPA_STATE_SET, 7 RSI_HOST_CALL, 8 AFFINITY_INFO, 9 the host's reply.
#include "rt.h"

static volatile uint64_t cpu_seen[RT_MAX_CPUS];
// RSI_IPA_STATE_SET changes whole RTT entries: base and top must be aligned to the realm's
// granule, which the host chose (RMM 2.0: RMM_CONFIG_SET, 4, 16 or 64 KiB) and which the RSI
// does not tell the realm (RsiRealmConfig and RSI_FEATURES have no such field). So the shared
// buffer is aligned to and sized as the largest granule: whole entries under every host. It
// is in .bss.shared (guest.ld), which boot does not zero: the guest never touches it privately.
#define SHARED_SIZE (64 * 1024)
static __attribute__((section(".bss.shared"), aligned(SHARED_SIZE))) uint8_t shared_buffer[SHARED_SIZE];
static __attribute__((aligned(4096))) struct rsi_host_call host_call;
static uint8_t token[8192];

static const char kMessage[] = "hello from the realm";

void secondary_main(unsigned cpu, uint64_t context) {
  if (cpu < RT_MAX_CPUS) cpu_seen[cpu] = context;
  rt_dmb();
}

static void print_hex(const char* what, const uint8_t* p, unsigned n) {
  rt_printf("%s", what);
  for (unsigned i = 0; i < n; i++) rt_printf("%02x", p[i]);
  rt_printf("\n");
}

static int failed(int step, const char* what) {
  rt_printf("realm-hello: step %d failed: %s\n", step, what);
  return step;
}

int main(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  unsigned ncpus = a0 ? (unsigned)a0 : 4;
  if (ncpus > RT_MAX_CPUS) ncpus = RT_MAX_CPUS;
  rt_printf("realm-hello: running on cpu %u\n", rt_cpu_index());
  if (!rt_is_realm()) {
    return failed(1, "not in a realm");
  }

  uint64_t lower = 0, higher = 0;
  uint64_t st = rsi_version(&lower, &higher);
  rt_printf("realm-hello: RSI_VERSION status %lu lower 0x%lx higher 0x%lx\n", st, lower, higher);
  if (st != RSI_SUCCESS) return failed(2, "RSI_VERSION");

  rt_printf("realm-hello: RSI_REALM_CONFIG ipa_width %u\n", rt_ipa_width());

  uint64_t rim[8];
  st = rsi_measurement_read(0, rim);
  rt_printf("realm-hello: RSI_MEASUREMENT_READ status %lu\n", st);
  if (st != RSI_SUCCESS) return failed(3, "RSI_MEASUREMENT_READ");
  print_hex("realm-hello: RIM ", (const uint8_t*)rim, 32);

  uint64_t challenge[8];
  for (int i = 0; i < 8; i++) challenge[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
  uint64_t token_len = 0;
  st = rsi_attest_token(challenge, token, sizeof token, &token_len);
  rt_printf("realm-hello: attestation token status %lu length %lu\n", st, token_len);
  if (st != RSI_SUCCESS || token_len == 0) return failed(4, "attestation token");
  print_hex("realm-hello: token head ", token, token_len < 16 ? (unsigned)token_len : 16);
  // The tail is the realm token's signature: it follows the attestation keys, so the seed.
  if (token_len >= 16) print_hex("realm-hello: token tail ", token + token_len - 16, 16);
  if (a1 == 1)
    for (uint64_t at = 0; at < token_len; at += 64)
      print_hex("realm-hello: token data ", token + at, token_len - at < 64 ? (unsigned)(token_len - at) : 64);

  for (unsigned cpu = 1; cpu < ncpus; cpu++) {
    int64_t rc = psci_cpu_on(cpu, (uint64_t)&_secondary_entry, 0x100 + cpu);
    rt_printf("realm-hello: CPU_ON %u -> %ld\n", cpu, rc);
    if (rc != 0) return failed(5, "CPU_ON");
  }
  for (unsigned cpu = 1; cpu < ncpus; cpu++) {
    while (cpu_seen[cpu] != 0x100 + cpu) rt_dmb();
    int64_t state;
    while ((state = psci_affinity_info(cpu)) == 0) rt_dmb();  // 0 = ON, 1 = OFF
    if (state != 1) return failed(8, "AFFINITY_INFO");
    rt_printf("realm-hello: cpu %u ran with context 0x%lx and is off\n", cpu, cpu_seen[cpu]);
  }

  // Share the buffer with the host: RIPAS EMPTY, then use it through the unprotected alias.
  uint64_t ipa = rt_virt_to_ipa(shared_buffer), response = 0;
  st = rsi_ipa_state_set(ipa, ipa + sizeof shared_buffer, RSI_RIPAS_EMPTY, &response);
  rt_printf("realm-hello: RSI_IPA_STATE_SET status %lu response %lu\n", st, response);
  if (st != RSI_SUCCESS || response != 0) return failed(6, "RSI_IPA_STATE_SET");
  volatile char* shared = (volatile char*)rt_ipa_to_va(ipa | rt_unprotected_bit());
  for (unsigned i = 0; i < sizeof kMessage; i++) shared[i] = kMessage[i];
  host_call.imm = RT_HOST_CALL_HELLO;
  host_call.gprs[0] = ipa | rt_unprotected_bit();
  host_call.gprs[1] = sizeof kMessage;
  st = rsi_host_call(&host_call);
  rt_printf("realm-hello: RSI_HOST_CALL status %lu reply gprs[0] 0x%lx\n", st, host_call.gprs[0]);
  if (st != RSI_SUCCESS) return failed(7, "RSI_HOST_CALL");
  char reply[256];
  unsigned n = 0;
  while (n < sizeof reply - 1 && shared[n]) { reply[n] = shared[n]; n++; }
  reply[n] = 0;
  rt_printf("realm-hello: host wrote \"%s\"\n", reply);
  // The VMM answers with the reply's length in gprs[0]: it must match what it wrote.
  if (host_call.gprs[0] != n) return failed(9, "the host's reply");
  rt_printf("realm-hello: done\n");
  (void)a2; (void)a3;
  return 0;
}
