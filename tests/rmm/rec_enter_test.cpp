// RMI_REC_ENTER with a scripted GuestCpu (a test double that plays chosen exits and issues
// RSI/PSCI SMCs): RSI handled inside the RMM, host exits, RIPAS change with RMI_RTT_SET_RIPAS,
// host call round trip, PSCI CPU_ON with RMI_PSCI_COMPLETE, SYSTEM_OFF, emulated MMIO.
#include <deque>
#include <functional>

#include "platform/abi/psci.h"
#include "platform/abi/rsi.h"
#include "platform/guest_cpu.h"
#include "rmm_fixture.h"

namespace rmmtest {
namespace {

namespace rsi = platform::abi::rsi;
namespace psci = platform::abi::psci;
using platform::GuestExit;
using platform::GuestExitKind;
using platform::GuestState;

// Each run() plays the next step: it may look at and change the vCPU state, then exits.
class ScriptedCpu final : public platform::GuestCpu {
 public:
  using Step = std::function<GuestExit(GuestState&, platform::Stage2&, platform::Pe&)>;
  std::deque<Step> steps;
  std::vector<std::pair<uint64_t, uint64_t>> invalidations;

  GuestExit run(platform::Pe& pe, GuestState& s, platform::Stage2& s2, uint64_t) override {
    if (steps.empty()) {
      GuestExit e;
      e.kind = GuestExitKind::Halted;
      e.reason = "script ended";
      return e;
    }
    Step st = std::move(steps.front());
    steps.pop_front();
    return st(s, s2, pe);
  }
  void invalidate_ipa(platform::Stage2&, uint64_t ipa, uint64_t size) override { invalidations.emplace_back(ipa, size); }
  void invalidate_all() override {}

  // The realm executes SMC #0 with X0..X<n> = args (the PC moves past the SMC).
  void smc(std::initializer_list<uint64_t> regs, std::function<void(GuestState&)> check = {}) {
    std::vector<uint64_t> v(regs);
    if (check) {
      steps.push_back([check](GuestState& s, platform::Stage2&, platform::Pe&) {
        check(s);
        GuestExit e;
        e.kind = GuestExitKind::Budget;
        return e;
      });
    }
    steps.push_back([v](GuestState& s, platform::Stage2&, platform::Pe&) {
      for (size_t i = 0; i < v.size(); ++i) s.x[i] = v[i];
      s.pc += 4;
      GuestExit e;
      e.kind = GuestExitKind::Smc;
      return e;
    });
  }
  void then(std::function<void(GuestState&)> f) {
    steps.push_back([f](GuestState& s, platform::Stage2&, platform::Pe&) {
      f(s);
      GuestExit e;
      e.kind = GuestExitKind::Budget;
      return e;
    });
  }
  void exit(GuestExit e) {
    steps.push_back([e](GuestState&, platform::Stage2&, platform::Pe&) { return e; });
  }
};

class RecEnterTest : public RmmTest {
 protected:
  ScriptedCpu cpu;
  Realm r;
  uint64_t rec0 = 0, rec1 = 0, run = 0;
  uint64_t ram_ipa = 0x10000, ram_pa = 0;

  void SetUp() override {
    rmm->attach_guest_cpu(cpu);
    r = make_realm();
    make_rtts(r.rd, 0, 3);
    EXPECT_RMI_OK(call(rmi::kRttInitRipas, {r.rd, 0, 32 * G}));
    std::array<uint8_t, 4096> zero{};
    const uint64_t src = ns_page(zero);
    ram_pa = delegated();
    EXPECT_RMI_OK(call(rmi::kDataCreate, {r.rd, ram_pa, ram_ipa, src, 0}));
    EXPECT_RMI_OK(make_rec(r.rd, {}, &rec0));
    RecParams p1;
    p1.mpidr = 1;
    p1.flags = 0;
    EXPECT_RMI_OK(make_rec(r.rd, p1, &rec1));
    EXPECT_RMI_OK(call(rmi::kRealmActivate, {r.rd}));
    run = alloc();
  }
  uint64_t enter(uint64_t rec, uint64_t flags = 0, std::array<uint64_t, 31> gprs = {}) {
    std::array<uint8_t, 4096> b{};
    std::memcpy(&b[rmi::rec_enter::kFlags], &flags, 8);
    std::memcpy(&b[rmi::rec_enter::kGprs], gprs.data(), 8 * 31);
    EXPECT_TRUE(write_ns(run, b.data(), b.size()));
    return call(rmi::kRecEnter, {rec, run});
  }
  uint64_t exit_field(uint64_t off) {
    uint64_t v = 0;
    EXPECT_TRUE(read_ns(run + off, &v, 8));
    return v;
  }
  rmi::ExitReason exit_reason() { return static_cast<rmi::ExitReason>(exit_field(rmi::rec_exit::kExitReason) & 0xFF); }
};

TEST_F(RecEnterTest, rsi_version_is_answered_in_the_rmm_and_an_irq_exits_to_the_host) {
  uint64_t x0 = 99, x1 = 0;
  cpu.smc({rsi::kVersionFid, rsi::kVersion});
  cpu.then([&](GuestState& s) { x0 = s.x[0]; x1 = s.x[1]; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, 0u);
  EXPECT_EQ(x1, rsi::kVersion);
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Irq);
}

TEST_F(RecEnterTest, fiq_and_serror_exit_to_the_host_with_their_reasons) {
  GuestExit fiq;
  fiq.kind = GuestExitKind::Fiq;
  cpu.exit(fiq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Fiq);
  GuestExit serror;
  serror.kind = GuestExitKind::SError;
  serror.esr = (0x2Full << 26) | 0x1;  // EC SError, some ISS
  cpu.exit(serror);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Serror);
  EXPECT_EQ(exit_field(rmi::rec_exit::kEsr), serror.esr);
}

TEST_F(RecEnterTest, host_call_round_trip_copies_gprs_both_ways) {
  // RsiHostCall at ram_ipa: imm 0x42, X1 = 7.
  std::array<uint8_t, 0x100> hc{};
  hc[0] = 0x42;
  uint64_t seven = 7;
  std::memcpy(&hc[8 + 8], &seven, 8);
  f.run([&](platform::Pe& pe) { pe.requester().write(ram_pa, hc.data(), hc.size(), gpt::Pas::Realm); });
  cpu.smc({rsi::kHostCall, ram_ipa});
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::HostCall);
  EXPECT_EQ(exit_field(rmi::rec_exit::kImm), 0x42u);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGprs + 8), 7u);
  uint64_t x0 = 99;
  cpu.then([&](GuestState& s) { x0 = s.x[0]; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  std::array<uint64_t, 31> answer{};
  answer[0] = 0xAA;
  answer[5] = 0x55;
  EXPECT_RMI_OK(enter(rec0, 0, answer));
  EXPECT_EQ(x0, 0u);
  const auto back = read_realm(ram_pa, 0x100);
  uint64_t g0, g5;
  std::memcpy(&g0, &back[8], 8);
  std::memcpy(&g5, &back[8 + 5 * 8], 8);
  EXPECT_EQ(g0, 0xAAu);
  EXPECT_EQ(g5, 0x55u);
}

TEST_F(RecEnterTest, ipa_state_set_exits_and_rtt_set_ripas_completes_it) {
  cpu.smc({rsi::kIpaStateSet, 0, 4 * G, static_cast<uint64_t>(rsi::Ripas::Empty), 0});
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::RipasChange);
  EXPECT_EQ(exit_field(rmi::rec_exit::kRipasBase), 0u);
  EXPECT_EQ(exit_field(rmi::rec_exit::kRipasTop), 4 * G);
  // base_bound: not the next chunk
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, G, 4 * G}), Status::ErrorInput, 0);
  // rec_owner
  const auto other = make_realm([] { RealmParams p; p.vmid = 9; return p; }());
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {other.rd, rec0, 0, 4 * G}), Status::ErrorRec, 0);
  const SmcRegs s = smc(rmi::kRttSetRipas, {r.rd, rec0, 0, 2 * G});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], 2 * G);
  EXPECT_EQ(read_entry(r.rd, G, 3).ripas, rmi::Ripas::Empty);
  EXPECT_FALSE(cpu.invalidations.empty());
  uint64_t x0 = 9, x1 = 0, x2 = 9;
  cpu.then([&](GuestState& g) { x0 = g.x[0]; x1 = g.x[1]; x2 = g.x[2]; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, 0u);
  EXPECT_EQ(x1, 2 * G);
  EXPECT_EQ(x2, static_cast<uint64_t>(rsi::Response::Accept));
}

TEST_F(RecEnterTest, psci_cpu_on_waits_for_psci_complete_then_target_runs_at_entry) {
  cpu.smc({psci::kCpuOn64, 1, 0x4000, 0xC0FFEE});
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Psci);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGprs), psci::kCpuOn64);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGprs + 8), 1u);
  // rec_psci: the caller cannot run before the host completes the request.
  EXPECT_RMI_FAIL(enter(rec0), Status::ErrorRec, 0);
  // status: AFFINITY_INFO-style statuses are checked; DENIED/SUCCESS accepted for CPU_ON.
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(psci::kInvalidParameters)}), Status::ErrorInput, 0);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(psci::kSuccess)}));
  uint64_t pc = 0, x0 = 0;
  cpu.then([&](GuestState& s) { pc = s.pc; x0 = s.x[0]; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec1));
  EXPECT_EQ(pc, 0x4000u);
  EXPECT_EQ(x0, 0xC0FFEEu);
}

TEST_F(RecEnterTest, system_off_makes_rec_enter_fail_realm_index_1) {
  cpu.smc({psci::kSystemOff});
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Psci);
  EXPECT_EQ(rmm->realm_state(r.rd), RealmState::SystemOff);
  EXPECT_RMI_FAIL(enter(rec0), Status::ErrorRealm, 1);
}

TEST_F(RecEnterTest, emulated_mmio_write_then_read_completion) {
  const uint64_t mmio_ipa = (uint64_t{1} << 39) + 0x9000000;
  // STR X3, [..] (64-bit, Rt = 3) at an unprotected IPA: ISV=1, SAS=3, SRT=3, SF, WnR.
  GuestExit w;
  w.kind = GuestExitKind::Stage2Abort;
  w.esr = (uint64_t{0x24} << 26) | (1u << 25) | (1u << 24) | (3u << 22) | (3u << 16) | (1u << 15) | (1u << 6) | 0x07;
  w.far = 0xFFFF000000000010;
  w.hpfar = (mmio_ipa >> 12) << 4;
  cpu.then([](GuestState& s) { s.x[3] = 0x1122334455667788; });
  cpu.exit(w);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Sync);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGprs), 0x1122334455667788u);
  EXPECT_EQ(exit_field(rmi::rec_exit::kFar), 0x10u);
  EXPECT_EQ(exit_field(rmi::rec_exit::kHpfar), w.hpfar);
  EXPECT_EQ(exit_field(rmi::rec_exit::kEsr) & (1u << 24), 1u << 24);
  // A 32-bit read into W5 (SAS=2, SRT=5, no SF).
  GuestExit rd = w;
  rd.esr = (uint64_t{0x24} << 26) | (1u << 25) | (1u << 24) | (2u << 22) | (5u << 16) | 0x07;
  uint64_t pc_before = 0;
  cpu.then([&](GuestState& s) { pc_before = s.pc; });
  cpu.exit(rd);
  EXPECT_RMI_OK(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio));
  uint64_t x5 = 0, pc = 0;
  cpu.then([&](GuestState& s) { x5 = s.x[5]; pc = s.pc; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  std::array<uint64_t, 31> g{};
  g[0] = 0xDEADBEEFCAFEF00D;
  EXPECT_RMI_OK(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio, g));
  EXPECT_EQ(x5, 0xCAFEF00Du);
  EXPECT_EQ(pc, pc_before + 4);  // the emulated read was stepped over
}

TEST_F(RecEnterTest, abort_on_empty_ripas_injects_sea_without_exit) {
  GuestExit a;
  a.kind = GuestExitKind::Stage2Abort;
  a.esr = (uint64_t{0x24} << 26) | (1u << 25) | 0x07;
  a.hpfar = ((64 * G) >> 12) << 4;  // RIPAS EMPTY
  uint64_t esr_el1 = 0;
  cpu.exit(a);
  cpu.then([&](GuestState& s) { esr_el1 = s.esr_el1; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Irq);
  EXPECT_EQ(esr_el1 & 0x3F, 0x10u);  // synchronous external abort
}

TEST_F(RecEnterTest, measurement_extend_read_and_realm_config) {
  cpu.smc({rsi::kMeasurementExtend, 1, 8, 0x0102030405060708});
  uint64_t st = 9;
  cpu.smc({rsi::kMeasurementRead, 1}, [](GuestState&) {});
  cpu.then([&](GuestState& s) { st = s.x[0]; });
  cpu.smc({rsi::kRealmConfig, ram_ipa});
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(st, 0u);
  const auto rem = *rmm->measurement(r.rd, 1);
  EXPECT_NE(std::count(rem.begin(), rem.begin() + 32, 0), 32);
  const auto cfg = read_realm(ram_pa, 16);
  uint64_t width;
  std::memcpy(&width, cfg.data(), 8);
  EXPECT_EQ(width, 40u);
}

TEST_F(RecEnterTest, attestation_token_init_and_continue_deliver_the_token) {
  uint64_t size = 0, st = 9, total = 0;
  cpu.smc({rsi::kAttestationTokenInit, 1, 2, 3, 4, 5, 6, 7, 8});
  cpu.then([&](GuestState& s) { size = s.x[1]; });
  for (int i = 0; i < 4; ++i) {
    cpu.smc({rsi::kAttestationTokenContinue, ram_ipa, 0, 4096});
    cpu.then([&](GuestState& s) {
      st = s.x[0];
      if (st == 0 || st == static_cast<uint64_t>(rsi::Status::Incomplete)) total += s.x[1];
    });
  }
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_GT(size, 200u);
  EXPECT_EQ(st, static_cast<uint64_t>(rsi::Status::ErrorState));  // the last call: nothing left
  EXPECT_EQ(total, size);
  const auto tok = read_realm(ram_pa, 4);
  EXPECT_EQ(tok[0], 0xD9);  // CBOR tag 399 (0xd9 0x01 0x8f)
  EXPECT_EQ(tok[1], 0x01);
  EXPECT_EQ(tok[2], 0x8F);
}

}  // namespace
}  // namespace rmmtest
