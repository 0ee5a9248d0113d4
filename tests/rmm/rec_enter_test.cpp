// RMI_REC_ENTER with a scripted GuestCpu (a test double that plays chosen exits and issues
// RSI/PSCI SMCs): RSI handled inside the RMM, host exits, RIPAS change with RMI_RTT_SET_RIPAS,
// host call round trip, PSCI CPU_ON with RMI_PSCI_COMPLETE, SYSTEM_OFF, emulated MMIO.
#include <deque>
#include <functional>

#include "platform/abi/psci.h"
#include "platform/abi/rsi.h"
#include "platform/devices/gicv3/virtual_cpu_interface.h"
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
  uint64_t rec0 = 0, rec1 = 0, rec2 = 0, run = 0;
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
    RecParams p2;
    p2.mpidr = 2;
    p2.flags = 0;
    EXPECT_RMI_OK(make_rec(r.rd, p2, &rec2));
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
  // REC_ENTER with a run page whose RmiRecEnter GIC fields are set.
  uint64_t enter_gic(uint64_t rec, uint64_t hcr, unsigned lr, uint64_t lr_value) {
    std::vector<uint64_t> lrs(lr + 1, 0);
    lrs[lr] = lr_value;
    return enter_lrs(rec, hcr, lrs);
  }
  // REC_ENTER with ICH_HCR bits `hcr` and list registers 0.. from `lrs`.
  uint64_t enter_lrs(uint64_t rec, uint64_t hcr, const std::vector<uint64_t>& lrs) {
    std::array<uint8_t, 4096> b{};
    std::memcpy(&b[rmi::rec_enter::kGicv3Hcr], &hcr, 8);
    for (size_t i = 0; i < lrs.size(); ++i) std::memcpy(&b[rmi::rec_enter::kGicv3Lrs + 8 * i], &lrs[i], 8);
    EXPECT_TRUE(write_ns(run, b.data(), b.size()));
    return call(rmi::kRecEnter, {rec, run});
  }
  // An RMI call made by the host on another PE while `rec` runs: issued from inside a
  // scripted step, so that the REC is RUNNING when the RMM sees the call.
  uint64_t while_running(uint64_t rec, uint32_t fid, std::vector<uint64_t> args) {
    uint64_t x0 = ~uint64_t{0};
    std::vector<uint64_t> census_before, census_after;
    cpu.steps.push_back([&, fid, args](GuestState&, platform::Stage2&, platform::Pe& pe) {
      SmcRegs regs;
      regs.x[0] = fid;
      for (size_t i = 0; i < args.size(); ++i) regs.x[i + 1] = args[i];
      census_before = census();
      f.soc->monitor().smc(pe.requester(), platform::World::NonSecure, regs);
      census_after = census();
      x0 = regs.x[0];
      GuestExit irq;
      irq.kind = GuestExitKind::Irq;
      return irq;
    });
    EXPECT_RMI_OK(enter(rec));
    EXPECT_EQ(census_before, census_after) << "a failing command changed granule states";
    return x0;
  }
  // Runs rec0 until it exits to the host with a data abort (syndrome esr) at `ipa`.
  void abort_exit(uint64_t ipa, uint64_t esr) {
    GuestExit a;
    a.kind = GuestExitKind::Stage2Abort;
    a.esr = esr;
    a.far = 0xFFFF000000000000 | (ipa & 0xFFF);
    a.hpfar = (ipa >> 12) << 4;
    cpu.exit(a);
    EXPECT_RMI_OK(enter(rec0));
    EXPECT_EQ(exit_reason(), rmi::ExitReason::Sync);
  }
  // rec0 makes a PSCI call naming another REC and exits to the host.
  void psci_exit(uint64_t fid, uint64_t target_mpidr) {
    const bool affinity = fid == psci::kAffinityInfo32 || fid == psci::kAffinityInfo64;
    if (affinity)
      cpu.smc({fid, target_mpidr, 0});
    else
      cpu.smc({fid, target_mpidr, 0x4000, 0xC0FFEE});
    EXPECT_RMI_OK(enter(rec0));
    EXPECT_EQ(exit_reason(), rmi::ExitReason::Psci);
  }
  // rec0 asks for a RIPAS change of [base, top) and exits to the host.
  void ripas_exit(uint64_t base, uint64_t top, rsi::Ripas ripas) {
    cpu.smc({rsi::kIpaStateSet, base, top, static_cast<uint64_t>(ripas), 0});
    EXPECT_RMI_OK(enter(rec0));
    EXPECT_EQ(exit_reason(), rmi::ExitReason::RipasChange);
  }
  void irq_next() {
    GuestExit irq;
    irq.kind = GuestExitKind::Irq;
    cpu.exit(irq);
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

TEST_F(RecEnterTest, smccc_version_is_1_2_and_smccc_arch_features_not_supported_as_tf_rmm_answers) {
  uint64_t version = 0, features = 0, psci_features = 99;
  cpu.smc({psci::kSmcccVersion});
  cpu.then([&](GuestState& s) { version = s.x[0]; });
  cpu.smc({psci::kSmcccArchFeatures, psci::kSmcccVersion});
  cpu.then([&](GuestState& s) { features = s.x[0]; });
  cpu.smc({psci::kFeatures, psci::kSmcccVersion});  // SMCCC 1.1 discovery (DEN0028 7.2)
  cpu.then([&](GuestState& s) { psci_features = s.x[0]; });
  GuestExit irq;
  irq.kind = GuestExitKind::Irq;
  cpu.exit(irq);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(version, psci::version(1, 2));
  EXPECT_EQ(features, psci::ret(psci::kNotSupported));
  EXPECT_EQ(psci_features, psci::ret(psci::kSuccess));
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

// RTT_SET_RIPAS on a level-2 block (as RTT_FOLD or 2.0's RTT_DATA_MAP make one): a range
// covering the block changes it whole at level 2; one that starts inside it is RMI_ERROR_RTT(2).
TEST_F(RecEnterTest, rtt_set_ripas_changes_a_block_whole_and_refuses_part_of_it) {
  constexpr uint64_t kBlock = 512 * G;
  make_rtts(r.rd, kBlock, 3, 3);
  const uint64_t g = delegated(512, kBlock);
  for (uint64_t i = 0; i < 512; ++i)
    ASSERT_EQ(rmi::pack(Status::Success), call(rmi::kDataCreateUnknown, {r.rd, g + i * G, kBlock + i * G}));
  ASSERT_EQ(smc(rmi::kRttFold, {r.rd, kBlock, 3}).x[0], rmi::pack(Status::Success));
  ASSERT_EQ(read_entry(r.rd, kBlock, 2).ripas, rmi::Ripas::Empty);
  ripas_exit(kBlock, 2 * kBlock, rsi::Ripas::Ram);
  const SmcRegs s = smc(rmi::kRttSetRipas, {r.rd, rec0, kBlock, 2 * kBlock});
  EXPECT_RMI_OK(s.x[0]);
  EXPECT_EQ(s.x[1], 2 * kBlock);
  const ReadEntry e = read_entry(r.rd, kBlock, 2);
  EXPECT_EQ(e.level, 2);
  EXPECT_EQ(e.state, rmi::RttEntryState::Assigned);
  EXPECT_EQ(e.ripas, rmi::Ripas::Ram);
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  ripas_exit(kBlock + G, 2 * kBlock, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, kBlock + G, 2 * kBlock}), Status::ErrorRtt, 2);
  EXPECT_EQ(read_entry(r.rd, kBlock, 2).ripas, rmi::Ripas::Ram);
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

// TF-RMM forward_args_to_host: the FID (and the target MPIDR for CPU_ON/AFFINITY_INFO) in
// rec_exit.gprs, every other gprs zero; the realm's X1..X3 of SYSTEM_OFF stay in the realm.
TEST_F(RecEnterTest, psci_exits_forward_the_fid_and_target_only) {
  auto gprs = [&] {
    std::array<uint64_t, 31> g;
    for (unsigned i = 0; i < 31; ++i) g[i] = exit_field(rmi::rec_exit::kGprs + 8 * i);
    return g;
  };
  auto expect_forwarded = [&](std::array<uint64_t, 31> want, const char* what) {
    EXPECT_EQ(exit_reason(), rmi::ExitReason::Psci) << what;
    EXPECT_EQ(gprs(), want) << what;
  };
  cpu.smc({psci::kCpuSuspend64, 0x11, 0x4000, 0x33, 0x44});
  EXPECT_RMI_OK(enter(rec0));
  expect_forwarded({psci::kCpuSuspend64}, "CPU_SUSPEND");
  cpu.smc({psci::kAffinityInfo64, 1, 0, 0x33, 0x44});
  EXPECT_RMI_OK(enter(rec0));
  expect_forwarded({psci::kAffinityInfo64, 1}, "AFFINITY_INFO");
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(psci::kSuccess)}));
  cpu.smc({psci::kCpuOn64, 2, 0x4000, 0xC0FFEE, 0x44});
  EXPECT_RMI_OK(enter(rec0));
  expect_forwarded({psci::kCpuOn64, 2}, "CPU_ON");
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec2, psci::ret(psci::kSuccess)}));
  cpu.smc({psci::kSystemOff, 0x16e213cd45039518, 0x22, 0x33, 0x44});
  EXPECT_RMI_OK(enter(rec0));
  expect_forwarded({psci::kSystemOff}, "SYSTEM_OFF");
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

// ---------------------------------------------------------------------------------------------
// RMI_REC_ENTER failure conditions, one per condition ID. RecEnterTest: realm ACTIVE, rec0
// RUNNABLE, rec1 and rec2 not runnable.

constexpr uint64_t kUnprotIpa = (uint64_t{1} << 39) + 0x9000000;  // an emulated device
constexpr uint64_t kDabt = (uint64_t{0x24} << 26) | (1u << 25) | 0x07;  // level-3 translation fault
constexpr uint64_t kDabtIsvRead32 = kDabt | (1u << 24) | (2u << 22) | (5u << 16);  // LDR W5

TEST_F(RecEnterTest, rec_enter_rec_align_fails_input_for_an_unaligned_rec) {
  EXPECT_RMI_FAIL(enter(rec0 + 8), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_bound_fails_input_outside_delegable_memory) {
  EXPECT_RMI_FAIL(enter(0x1000), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_state_fails_input_for_an_rd) {
  EXPECT_RMI_FAIL(enter(r.rd), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_state_fails_input_for_a_delegated_granule) {
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(enter(d), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_running_fails_rec_while_the_rec_runs_on_another_pe) {
  const uint64_t x0 = while_running(rec0, rmi::kRecEnter, {rec0, alloc()});
  EXPECT_EQ(rmi::status_of(x0), Status::ErrorRec);
  EXPECT_EQ(rmi::index_of(x0), 0u);
}

TEST_F(RecEnterTest, rec_enter_run_align_fails_input_for_an_unaligned_run_ptr) {
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec0, run + 8}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_run_bound_fails_input_outside_memory) {
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec0, 0x1000}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_run_pas_fails_input_for_a_delegated_run_page) {
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec0, d}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_run_pas_fails_input_for_the_rec_itself) {
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec0, rec0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_system_off_fails_realm_index_1_for_every_rec) {
  cpu.smc({psci::kSystemReset});
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Psci);
  EXPECT_RMI_FAIL(enter(rec0), Status::ErrorRealm, 1);
  EXPECT_RMI_FAIL(enter(rec1), Status::ErrorRealm, 1);
}

TEST_F(RecEnterTest, rec_enter_system_off_is_reported_before_rec_runnable) {
  cpu.smc({psci::kSystemOff});
  EXPECT_RMI_OK(enter(rec0));
  // rec1 is not runnable as well: the realm's state wins (ERROR_REALM, 1).
  EXPECT_RMI_FAIL(enter(rec1), Status::ErrorRealm, 1);
}

TEST_F(RecEnterTest, rec_enter_run_pas_is_reported_before_system_off) {
  cpu.smc({psci::kSystemOff});
  EXPECT_RMI_OK(enter(rec0));
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec0, d}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_runnable_fails_rec_for_a_rec_created_not_runnable) {
  EXPECT_RMI_FAIL(enter(rec1), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_runnable_fails_rec_after_cpu_off) {
  cpu.smc({psci::kCpuOff});
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Psci);
  EXPECT_RMI_FAIL(enter(rec0), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_psci_fails_rec_while_affinity_info_is_pending) {
  psci_exit(psci::kAffinityInfo64, 1);
  EXPECT_RMI_FAIL(enter(rec0), Status::ErrorRec, 0);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(psci::kSuccess)}));
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_an_hcr_bit_the_host_may_not_set) {
  for (unsigned bit = 0; bit < 32; ++bit) {
    const uint64_t b = uint64_t{1} << bit;
    if (b & rmi::kGicv3HcrAllowed) continue;
    SCOPED_TRACE(bit);
    EXPECT_RMI_FAIL(enter_gic(rec0, b, 0, 0), Status::ErrorRec, 0);
  }
}

TEST_F(RecEnterTest, rec_enter_rec_gic_accepts_every_permitted_hcr_bit) {
  irq_next();
  EXPECT_RMI_OK(enter_gic(rec0, rmi::kGicv3HcrAllowed, 0, 0));
  EXPECT_EQ(exit_field(rmi::rec_exit::kGicv3Hcr), rmi::kGicv3HcrAllowed);
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_a_hardware_interrupt_in_a_list_register) {
  const uint64_t lr = rmi::kGicv3LrHw | (uint64_t{1} << 62) | 27;  // HW, pending, vINTID 27
  EXPECT_RMI_FAIL(enter_gic(rec0, 0, 0, lr), Status::ErrorRec, 0);
  EXPECT_RMI_FAIL(enter_gic(rec0, 0, 3, lr), Status::ErrorRec, 0);
}

// A pending group 1 list register for `vintid` at priority 0xA0, plus `extra` bits.
uint64_t pending_lr(uint32_t vintid, uint64_t extra = 0) {
  return platform::gicv3::lr::make(vintid, 0xA0, true) | extra;
}

TEST_F(RecEnterTest, rec_enter_rec_gic_ignores_every_field_of_a_list_register_in_state_invalid) {
  irq_next();
  EXPECT_RMI_OK(enter_gic(rec0, 0, 0, rmi::kGicv3LrHw | (uint64_t{1} << 32) | 1020));
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_a_priority_bit_below_the_implemented_ones) {
  for (unsigned bit = 0; bit < 3; ++bit) {  // 5 priority bits: [2:0] RES0
    SCOPED_TRACE(bit);
    EXPECT_RMI_FAIL(enter_gic(rec0, 0, 1, pending_lr(27, uint64_t{1} << (48 + bit))), Status::ErrorRec, 0);
  }
  irq_next();
  EXPECT_RMI_OK(enter_gic(rec0, 0, 1, platform::gicv3::lr::make(27, 0xF8, true)));
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_a_pintid_bit_other_than_eoi) {
  for (unsigned bit = 32; bit <= 44; ++bit) {
    if (bit == 41) continue;
    SCOPED_TRACE(bit);
    EXPECT_RMI_FAIL(enter_gic(rec0, 0, 2, pending_lr(40, uint64_t{1} << bit)), Status::ErrorRec, 0);
  }
  irq_next();
  EXPECT_RMI_OK(enter_gic(rec0, 0, 2, pending_lr(40, platform::gicv3::lr::kEoi)));
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_a_res0_bit_of_a_list_register) {
  for (unsigned bit : {45u, 46u, 47u, 56u, 57u, 58u, 59u}) {
    SCOPED_TRACE(bit);
    EXPECT_RMI_FAIL(enter_gic(rec0, 0, 0, pending_lr(40, uint64_t{1} << bit)), Status::ErrorRec, 0);
  }
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_a_vintid_the_virtual_interface_lacks) {
  // Special (1020..1023), the unimplemented extended ranges, beyond 16 ID bits.
  for (uint32_t id : {1020u, 1023u, 1024u, 4096u, 8191u, 0x10000u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(id);
    EXPECT_RMI_FAIL(enter_gic(rec0, 0, 0, pending_lr(id)), Status::ErrorRec, 0);
  }
  for (uint32_t id : {0u, 1019u, 8192u, 0xFFFFu}) {
    SCOPED_TRACE(id);
    irq_next();
    EXPECT_RMI_OK(enter_gic(rec0, 0, 0, pending_lr(id)));
  }
}

TEST_F(RecEnterTest, rec_enter_rec_gic_fails_rec_for_one_vintid_in_two_valid_list_registers) {
  namespace lr = platform::gicv3::lr;
  EXPECT_RMI_FAIL(enter_lrs(rec0, 0, {pending_lr(27), 0, 0, pending_lr(27)}), Status::ErrorRec, 0);
  EXPECT_RMI_FAIL(enter_lrs(rec0, 0, {0, lr::make(33, 0x80, true, lr::kActive), pending_lr(33)}),
                  Status::ErrorRec, 0);
  irq_next();  // the same vINTID in a list register in state Invalid is no duplicate
  EXPECT_RMI_OK(enter_lrs(rec0, 0, {pending_lr(27), pending_lr(27) & ~lr::kStateMask, pending_lr(28)}));
}

TEST_F(RecEnterTest, rec_enter_rec_gic_checks_only_the_implemented_list_registers) {
  irq_next();  // RmiRecRun has 16; only ICH_VTR.ListRegs + 1 = 4 are loaded or checked
  EXPECT_RMI_OK(enter_gic(rec0, 0, 4, pending_lr(1020, rmi::kGicv3LrHw)));
}

TEST_F(RecEnterTest, rec_enter_rec_psci_is_reported_before_rec_gic_with_the_same_status) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(enter_gic(rec0, 1, 0, 0), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_mmio_fails_rec_with_no_previous_exit) {
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_mmio_fails_rec_after_an_abort_without_a_valid_syndrome) {
  abort_exit(kUnprotIpa, kDabt);  // ISV = 0: the host cannot emulate it
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_mmio_fails_rec_after_an_abort_at_a_protected_ipa) {
  abort_exit(16 * G, kDabtIsvRead32);  // RIPAS RAM, unmapped: the host maps memory, no emulation
  EXPECT_EQ(exit_field(rmi::rec_exit::kEsr) & (1u << 24), 0u);  // ISV hidden from the host
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_mmio_fails_rec_after_an_irq_exit) {
  abort_exit(kUnprotIpa, kDabtIsvRead32);
  irq_next();
  EXPECT_RMI_OK(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Irq);
  // The abort was completed by the previous entry: nothing is left to emulate.
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagEmulatedMmio), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_sea_fails_rec_with_no_previous_exit) {
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagInjectSea), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_sea_fails_rec_after_an_abort_at_a_protected_ipa) {
  abort_exit(16 * G, kDabt);
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagInjectSea), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_rec_sea_fails_rec_after_a_non_abort_exit) {
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_RMI_FAIL(enter(rec0, rmi::rec_enter::kFlagInjectSea), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rec_enter_inject_sea_after_an_unprotected_data_abort_injects_it) {
  abort_exit(kUnprotIpa, kDabt);
  uint64_t esr_el1 = 0, far_el1 = 0;
  cpu.then([&](GuestState& s) { esr_el1 = s.esr_el1; far_el1 = s.far_el1; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0, rmi::rec_enter::kFlagInjectSea));
  EXPECT_EQ((esr_el1 >> 26) & 0x3C, 0x24u);  // a data abort
  EXPECT_EQ(esr_el1 & 0x3F, 0x10u);          // synchronous external abort
  EXPECT_EQ(far_el1 & 0xFFF, kUnprotIpa & 0xFFF);
}

TEST_F(RecEnterTest, rec_enter_inject_sea_wins_over_emul_mmio_after_an_emulatable_read) {
  abort_exit(kUnprotIpa, kDabtIsvRead32);
  uint64_t x5 = 0x5555, esr_el1 = 0;
  cpu.then([&](GuestState& s) { x5 = s.x[5]; esr_el1 = s.esr_el1; });
  irq_next();
  std::array<uint64_t, 31> g{};
  g[0] = 0x1234;
  EXPECT_RMI_OK(enter(rec0, rmi::rec_enter::kFlagInjectSea | rmi::rec_enter::kFlagEmulatedMmio, g));
  EXPECT_NE(x5, 0x1234u);                    // not emulated
  EXPECT_EQ(esr_el1 & 0x3F, 0x10u);          // aborted instead
}

TEST_F(RecEnterTest, rec_enter_inject_sea_with_emul_mmio_after_an_abort_without_syndrome_succeeds) {
  abort_exit(kUnprotIpa, kDabt);
  uint64_t esr_el1 = 0;
  cpu.then([&](GuestState& s) { esr_el1 = s.esr_el1; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0, rmi::rec_enter::kFlagInjectSea | rmi::rec_enter::kFlagEmulatedMmio));
  EXPECT_EQ(esr_el1 & 0x3F, 0x10u);
}

TEST_F(RecEnterTest, rec_enter_failure_writes_no_exit_record) {
  std::array<uint8_t, 4096> pattern;
  pattern.fill(0xA5);
  uint64_t flags = rmi::rec_enter::kFlagInjectSea;
  std::memcpy(&pattern[rmi::rec_enter::kFlags], &flags, 8);
  uint64_t zero = 0;
  std::memcpy(&pattern[rmi::rec_enter::kGicv3Hcr], &zero, 8);
  EXPECT_TRUE(write_ns(run, pattern.data(), pattern.size()));
  EXPECT_RMI_FAIL(call(rmi::kRecEnter, {rec0, run}), Status::ErrorRec, 0);
  std::array<uint8_t, 4096> after{};
  EXPECT_TRUE(read_ns(run, after.data(), after.size()));
  EXPECT_EQ(after, pattern);
}

// ---------------------------------------------------------------------------------------------
// RMI_RTT_SET_RIPAS failure conditions. rec0 asks for [0, 4G) to become EMPTY unless a test
// asks for something else; RTTs exist down to level 3 for [0, 2 MiB) only.

constexpr uint64_t kL2 = uint64_t{1} << 21;

TEST_F(RecEnterTest, rtt_set_ripas_rd_align_fails_input) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd + 8, rec0, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rd_bound_fails_input) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {0x1000, rec0, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rd_state_fails_input_for_a_rec_granule) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {rec1, rec0, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rec_align_fails_input) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0 + 8, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rec_bound_fails_input) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, 0x1000, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rec_gran_state_fails_input_for_an_rd) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, r.rd, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rec_state_fails_rec_while_the_rec_runs) {
  const uint64_t x0 = while_running(rec0, rmi::kRttSetRipas, {r.rd, rec0, 0, 4 * G});
  EXPECT_EQ(x0, rmi::pack(Status::ErrorRec));
}

TEST_F(RecEnterTest, rtt_set_ripas_rec_owner_fails_rec_for_another_realms_rd) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  RealmParams p;
  p.vmid = 9;
  const auto other = make_realm(p);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {other.rd, rec0, 0, 4 * G}), Status::ErrorRec, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_size_valid_fails_input_when_top_is_not_above_base) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, 0, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_base_bound_fails_input_with_no_pending_request) {
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, 0, 4 * G}), Status::ErrorInput, 0);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec1, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_base_bound_fails_input_when_base_is_not_the_next_address) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, G, 4 * G}), Status::ErrorInput, 0);
  const SmcRegs s = smc(rmi::kRttSetRipas, {r.rd, rec0, 0, 2 * G});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  // The request moved on: its old base is no longer the next address.
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, 0, 4 * G}), Status::ErrorInput, 0);
  EXPECT_RMI_OK(call(rmi::kRttSetRipas, {r.rd, rec0, 2 * G, 4 * G}));
}

TEST_F(RecEnterTest, rtt_set_ripas_top_bound_fails_input_beyond_the_requested_top) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, 0, 5 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_top_gran_align_fails_input) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, 0, 2 * G + 8}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_base_align_fails_rtt_at_the_walk_level) {
  // [2 MiB + 4 KiB, 2 MiB + 8 KiB) is covered by a level-2 entry with RIPAS EMPTY.
  ripas_exit(kL2 + G, kL2 + 2 * G, rsi::Ripas::Ram);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, kL2 + G, kL2 + 2 * G}), Status::ErrorRtt, 2);
}

TEST_F(RecEnterTest, rtt_set_ripas_no_progress_fails_rtt_when_the_entry_crosses_top) {
  ripas_exit(kL2, kL2 + G, rsi::Ripas::Ram);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, kL2, kL2 + G}), Status::ErrorRtt, 2);
}

TEST_F(RecEnterTest, rtt_set_ripas_base_bound_is_reported_before_base_align) {
  ripas_exit(kL2 + G, kL2 + 2 * G, rsi::Ripas::Ram);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, kL2 + 2 * G, kL2 + 3 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_top_gran_align_is_reported_before_no_progress) {
  ripas_exit(kL2, kL2 + G, rsi::Ripas::Ram);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rd, rec0, kL2, kL2 + 8}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rec_gran_state_is_reported_before_rec_owner) {
  ripas_exit(0, 4 * G, rsi::Ripas::Empty);
  RealmParams p;
  p.vmid = 9;
  const auto other = make_realm(p);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {other.rd, other.rd, 0, 4 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_rd_state_is_reported_before_base_align) {
  ripas_exit(kL2 + G, kL2 + 2 * G, rsi::Ripas::Ram);
  EXPECT_RMI_FAIL(call(rmi::kRttSetRipas, {r.rtt_base, rec0, kL2 + G, kL2 + 2 * G}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, rtt_set_ripas_to_ram_changes_empty_entries_and_reports_the_top) {
  ripas_exit(64 * G, 80 * G, rsi::Ripas::Ram);
  const SmcRegs s = smc(rmi::kRttSetRipas, {r.rd, rec0, 64 * G, 80 * G});
  EXPECT_EQ(s.x[0], rmi::pack(Status::Success));
  EXPECT_EQ(s.x[1], 80 * G);
  EXPECT_EQ(read_entry(r.rd, 79 * G, 3).ripas, rmi::Ripas::Ram);
  EXPECT_EQ(read_entry(r.rd, 80 * G, 3).ripas, rmi::Ripas::Empty);
}

// ---------------------------------------------------------------------------------------------
// RMI_PSCI_COMPLETE failure conditions: rec0 has called CPU_ON(1) unless a test says otherwise.

TEST_F(RecEnterTest, psci_complete_alias_fails_input_for_one_rec_twice) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec0, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_calling_align_fails_input) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0 + 8, rec1, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_calling_bound_fails_input) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {0x1000, rec1, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_calling_state_fails_input_for_an_rd) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {r.rd, rec1, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_target_align_fails_input) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1 + 8, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_target_bound_fails_input) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, 0x1000, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_target_state_fails_input_for_a_delegated_granule) {
  psci_exit(psci::kCpuOn64, 1);
  const uint64_t d = delegated();
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, d, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_pending_fails_input_with_no_request) {
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_pending_fails_input_after_the_request_was_completed) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, 0}));
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_owner_fails_input_for_a_rec_of_another_realm) {
  psci_exit(psci::kCpuOn64, 1);
  // Leave the realm in NEW with RECs of MPIDR 0 and 1; rec1 of that realm matches the MPIDR.
  RealmParams p;
  p.vmid = 9;
  const auto other = make_realm(p);
  uint64_t o0, o1;
  EXPECT_RMI_OK(make_rec(other.rd, {}, &o0));
  RecParams q;
  q.mpidr = 1;
  EXPECT_RMI_OK(make_rec(other.rd, q, &o1));
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, o1, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_target_fails_input_for_a_rec_the_call_did_not_name) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec2, 0}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_status_fails_input_for_cpu_on_with_a_status_other_than_success_or_denied) {
  psci_exit(psci::kCpuOn64, 1);
  for (int64_t st : {psci::kNotSupported, psci::kInvalidParameters, psci::kAlreadyOn, psci::kOnPending,
                     psci::kInternalFailure, psci::kInvalidAddress, int64_t{1}}) {
    SCOPED_TRACE(st);
    EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(st)}), Status::ErrorInput, 0);
  }
}

TEST_F(RecEnterTest, psci_complete_status_fails_input_for_affinity_info_with_denied) {
  psci_exit(psci::kAffinityInfo64, 1);
  EXPECT_RMI_FAIL(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(psci::kDenied)}), Status::ErrorInput, 0);
}

TEST_F(RecEnterTest, psci_complete_denied_cpu_on_returns_denied_and_leaves_the_target_off) {
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, psci::ret(psci::kDenied)}));
  uint64_t x0 = 0;
  cpu.then([&](GuestState& s) { x0 = s.x[0]; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, psci::ret(psci::kDenied));
  EXPECT_RMI_FAIL(enter(rec1), Status::ErrorRec, 0);  // rec_runnable
}

TEST_F(RecEnterTest, psci_complete_cpu_on_of_a_running_target_returns_already_on) {
  cpu.smc({psci::kCpuOn64, 0, 0x4000, 0});  // rec0 names itself: answered in the RMM
  uint64_t x0 = 0;
  cpu.then([&](GuestState& s) { x0 = s.x[0]; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, psci::ret(psci::kAlreadyOn));
  // Now CPU_ON(1) twice: the second finds rec1 runnable.
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, 0}));
  psci_exit(psci::kCpuOn64, 1);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, 0}));
  cpu.then([&](GuestState& s) { x0 = s.x[0]; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, psci::ret(psci::kAlreadyOn));
}

TEST_F(RecEnterTest, psci_complete_affinity_info_reports_off_then_on) {
  psci_exit(psci::kAffinityInfo64, 1);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, 0}));
  psci_exit(psci::kCpuOn64, 1);  // the first run of rec0 returns the AFFINITY_INFO result in X0...
  uint64_t x0 = 9;
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, 0}));
  psci_exit(psci::kAffinityInfo64, 1);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec1, 0}));
  cpu.then([&](GuestState& s) { x0 = s.x[0]; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, psci::ret(psci::kAffinityOn));
}

TEST_F(RecEnterTest, psci_complete_affinity_info_of_an_off_rec_reports_off) {
  psci_exit(psci::kAffinityInfo64, 2);
  EXPECT_RMI_OK(call(rmi::kPsciComplete, {rec0, rec2, 0}));
  uint64_t x0 = 9;
  cpu.then([&](GuestState& s) { x0 = s.x[0]; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(x0, psci::ret(psci::kAffinityOff));
}

}  // namespace
}  // namespace rmmtest

namespace rmmtest {
namespace {

namespace gic = platform::gicv3;

TEST_F(RecEnterTest, rec_enter_loads_the_hosts_list_registers_and_rec_exit_returns_their_state) {
  const uint64_t lr = gic::lr::make(27, 0xA0, true);
  uint64_t hcr_seen = 0, lr_seen = 0;
  bool masked = false;
  cpu.steps.push_back([&](GuestState& s, platform::Stage2&, platform::Pe&) {
    hcr_seen = s.vgic.hcr;
    lr_seen = s.vgic.lrs[2];
    masked = s.cntv_hyp_masked;
    // The guest acknowledges and ends it (its ICV_IAR1/EOIR1), and opens group 1.
    s.vgic.vmcr = gic::vmcr::kVeng1 | (uint64_t{0xF0} << gic::vmcr::kVpmrShift);
    s.vgic.lrs[2] = 0;
    GuestExit e;
    e.kind = GuestExitKind::Irq;
    return e;
  });
  EXPECT_RMI_OK(enter_gic(rec0, gic::hcr::kNpie, 2, lr));
  EXPECT_EQ(hcr_seen, gic::hcr::kNpie | gic::hcr::kEn);  // the RMM enables the interface
  EXPECT_EQ(lr_seen, lr);
  EXPECT_TRUE(masked);  // the virtual timer's vINTID is in a list register
  EXPECT_EQ(exit_field(rmi::rec_exit::kGicv3Lrs + 16), 0u);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGicv3Hcr), gic::hcr::kNpie);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGicv3Misr), gic::misr::kNp);  // nothing pending, NPIE
  EXPECT_EQ(exit_field(rmi::rec_exit::kGicv3Vmcr), gic::vmcr::kVeng1 | (uint64_t{0xF0} << gic::vmcr::kVpmrShift));
}

TEST_F(RecEnterTest, rec_enter_leaves_the_timers_unmasked_with_no_timer_interrupt_in_the_list_registers) {
  bool v = true, p = true;
  cpu.steps.push_back([&](GuestState& s, platform::Stage2&, platform::Pe&) {
    v = s.cntv_hyp_masked;
    p = s.cntp_hyp_masked;
    GuestExit e;
    e.kind = GuestExitKind::Irq;
    return e;
  });
  EXPECT_RMI_OK(enter_gic(rec0, 0, 0, gic::lr::make(40, 0xA0, true)));
  EXPECT_FALSE(v);
  EXPECT_FALSE(p);
}

TEST_F(RecEnterTest, a_trapped_sgi1r_write_exits_sync_with_the_value_in_gprs_0_and_is_complete) {
  uint64_t pc_before = 0;
  cpu.steps.push_back([&](GuestState& s, platform::Stage2&, platform::Pe&) {
    pc_before = s.pc;
    s.x[5] = 0x0300'0002;  // SGI 3 to Aff0 1
    GuestExit e;
    e.kind = GuestExitKind::SysregTrap;
    e.esr = platform::esr_sysreg(3, 0, 12, 11, 5, 5, false);
    return e;
  });
  uint64_t pc_after = 0;
  cpu.then([&](GuestState& s) { pc_after = s.pc; });
  irq_next();
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(exit_reason(), rmi::ExitReason::Sync);
  EXPECT_EQ(exit_field(rmi::rec_exit::kEsr) >> 26, platform::kEcSysreg);
  EXPECT_EQ(platform::esr_sysreg_rt(exit_field(rmi::rec_exit::kEsr)), 0u);
  EXPECT_EQ(exit_field(rmi::rec_exit::kGprs), 0x0300'0002u);
  EXPECT_RMI_OK(enter(rec0));
  EXPECT_EQ(pc_after, pc_before + 4);
}

}  // namespace
}  // namespace rmmtest
