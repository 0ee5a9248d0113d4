// The kvmtool-like VMM (see vmm.h).
#include "host/vmm.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "host/device_tree.h"
#include "host/guest_image.h"
#include "platform/abi/psci.h"
#include "platform/abi/rmi.h"
#include "platform/devices/gicv3/irq_state.h"
#include "platform/memory_map.h"
#include "sim/config_error.h"
#include "sim/input_file.h"
#include "platform/pe.h"
#include "platform/requester.h"
#include "platform/soc.h"

#ifndef RMESIM_GUEST_DIR
#define RMESIM_GUEST_DIR "guest"
#endif
#ifndef RMESIM_LINUX_DIR
#define RMESIM_LINUX_DIR "linux"
#endif

namespace host {

namespace {
namespace psci = platform::abi::psci;
constexpr uint64_t kPage = PageAllocator::kPage;
constexpr uint64_t MiB = 1024 * 1024;
namespace map = platform::memory_map;

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
unsigned fls64(uint64_t v) {
  unsigned n = 0;
  while (v) { ++n; v >>= 1; }
  return n;
}
std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}
}  // namespace

const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::None: return "running";
    case StopReason::SystemOff: return "system_off";
    case StopReason::SystemReset: return "system_reset";
    case StopReason::Oops: return "oops";
    case StopReason::Shutdown: return "shutdown";
    case StopReason::Error: return "error";
  }
  return "?";
}

std::string Vmm::image_dir() { return RMESIM_GUEST_DIR; }
std::string Vmm::linux_dir() { return RMESIM_LINUX_DIR; }

Vmm::Vmm(Kvm& kvm) : kvm_(kvm) {}

Vmm::VmmStats::VmmStats(platform::StatGroup& vm)
    : group("vmm", &vm),
      populate_calls(group.counter("populate_calls", "KVM_ARM_RMI_POPULATE calls for the initial image and memory")),
      mmio_exits(group.counter("mmio_exits", "KVM_EXIT_MMIO the VMM emulated (the UART)")),
      host_calls(group.counter("host_calls", "KVM_EXIT_HYPERCALL (RSI_HOST_CALL) the VMM answered")),
      psci_exits(group.counter("psci_exits", "KVM_EXIT_PSCI the VMM handled")),
      ripas_changes(group.counter("ripas_changes", "KVM_EXIT_MEMORY_FAULT: RIPAS change requests the VMM decided")) {}
Vmm::~Vmm() = default;

unsigned ipa_bits_for(const VmSpec& spec) {
  if (!spec.realm) return 39;
  if (spec.realm_config.ipa_bits) return spec.realm_config.ipa_bits;
  // kvmtool gives a realm twice the space its RAM needs (at least 36 bits: the guest runtime
  // identity-maps 16 GiB and its unprotected alias), and shared regions below the alias bit.
  const uint64_t ram_top = spec.ram_base + spec.memory;
  unsigned ipa = std::max(35u, std::max(32u, fls64(ram_top - 1)) + 1) + 1;
  for (const auto& s : spec.shared) ipa = std::max(ipa, fls64(s.base + s.size - 1) + 1);
  return ipa;
}

GuestImage Vmm::read_image(const VmSpec& spec) {
  return load_guest_image(guest_image_file(spec.image), spec.ram_base, spec.memory);
}

Vmm::VmState* Vmm::state(const std::string& name) {
  for (auto& v : vms_)
    if (v->spec.name == name) return v.get();
  return nullptr;
}

// kvmtool exits on any error while it builds a VM: its VM fd is closed, so KVM tears down
// what was made (every granule delegated so far goes back), and its memory is unmapped.
std::string Vmm::create(const VmSpec& spec) {
  std::unique_ptr<VmState> vs;
  const std::string err = build(spec, vs);
  if (!err.empty()) {
    if (vs) release(*vs);
    return err;
  }
  next_pe_ += spec.vcpus;
  vms_.push_back(std::move(vs));
  return "";
}

std::string Vmm::build(const VmSpec& spec, std::unique_ptr<VmState>& vs) {
  if (state(spec.name)) return "a VM named " + spec.name + " exists already";
  GuestImage img;
  try {
    img = read_image(spec);
  } catch (const platform::ConfigError& e) {
    return e.what();
  }
  const std::vector<uint8_t>& image = img.bytes;
  const uint64_t load = img.load, entry = img.entry;

  const unsigned cores = kvm_.soc().num_pes();
  if (next_pe_ + spec.vcpus > cores)
    return "needs " + std::to_string(next_pe_ + spec.vcpus) + " cores (the VMM on PE 0 and one PE per vCPU): set platform.cores";

  vs = std::make_unique<VmState>();
  vs->spec = spec;
  vs->first_pe = next_pe_;
  vs->image_entry = entry;
  vs->image_bytes = image.size();
  vs->image = GuestImage{img.load, {}, img.entry, img.end, img.arm64_image, img.text_offset, img.image_size, img.flags};
  Kvm& k = kvm_;
  const unsigned ipa = ipa_bits_for(spec);
  if (spec.realm && !k.check_extension(kCapArmRmi)) return "KVM_CAP_ARM_RMI is not available (no RMM)";
  Vm* vm = k.create_vm((spec.realm ? kVmTypeArmRealm : 0) | ipa, spec.name);
  if (!vm) return "KVM_CREATE_VM failed (IPA size " + std::to_string(ipa) + ")";
  vs->vm = vm;
  vs->counters = std::make_unique<VmmStats>(vm->stats());
  vs->milestones = std::make_unique<BootMilestones>(img.arm64_image ? BootMilestones::linux_markers()
                                                                    : std::vector<std::pair<std::string, std::string>>{});
  if (spec.realm) {
    RealmConfig c = spec.realm_config;
    c.ipa_bits = ipa;
    if (int rc = vm->configure_realm(c)) return "KVM_CAP_ARM_RMI configuration refused (" + std::to_string(rc) + ")";
  }
  auto mem = k.user_alloc(spec.memory);
  if (!mem) return "out of host memory for " + std::to_string(spec.memory >> 20) + " MiB";
  vs->user_mem = *mem;
  vs->user_regions.push_back({*mem, spec.memory});
  UserMemoryRegion r;
  r.slot = 0;
  r.guest_phys_addr = spec.ram_base;
  r.memory_size = spec.memory;
  r.userspace_addr = *mem;
  r.guest_memfd = spec.realm;
  if (int rc = vm->set_user_memory_region(r)) return "KVM_SET_USER_MEMORY_REGION failed (" + std::to_string(rc) + ")";
  uint32_t slot = 1;
  for (const auto& s : spec.shared) {
    auto m = k.user_alloc(s.size);
    if (!m) return "out of host memory for a shared region";
    vs->user_regions.push_back({*m, s.size});
    UserMemoryRegion sr;
    sr.slot = slot++;
    sr.guest_phys_addr = s.base;
    sr.memory_size = s.size;
    sr.userspace_addr = *m;
    sr.guest_memfd = false;
    if (int rc = vm->set_user_memory_region(sr)) return "shared region at " + hex(s.base) + " refused (" + std::to_string(rc) + ")";
  }
  // Load the image into the VMM's copy of guest RAM.
  const uint64_t img_pa = *mem + (load - spec.ram_base);
  if (!k.write(HostAccess::UserData, vm, "image load", img_pa, image.data(), image.size()))
    return "SIGBUS while loading the image";
  k.charge_memcpy(image.size());
  // Populated in the kernel's pages (KVM_ARM_RMI_POPULATE wants PAGE_SIZE alignment).
  const uint64_t page = spec.realm ? k.options().page_size : kPage;
  const uint64_t populate_base = load & ~(page - 1);
  const uint64_t want = spec.populate_size ? spec.populate_size : align_up(load + image.size(), page) - populate_base;
  std::vector<std::pair<uint64_t, uint64_t>> populate{
      {populate_base, std::min(populate_base + align_up(want, page), spec.ram_base + spec.memory)}};

  // The device tree, where kvmtool puts it: 2 MiB below the top of the RAM's first 256 MiB
  // (Linux wants it in lowmem), in X0 at entry.
  DeviceTreeSpec dt;
  dt.realm = spec.realm;
  for (unsigned i = 0; i < spec.vcpus; ++i) dt.mpidrs.push_back(platform::abi::rmi::rec_params::index_to_mpidr(i));
  dt.ram_base = spec.ram_base;
  dt.ram_size = spec.memory;
  dt.uart = spec.uart;
  dt.args = spec.args;
  dt.bootargs = spec.bootargs;
  const uint64_t lowmem_top = spec.ram_base + std::min<uint64_t>(spec.memory, 256 * MiB);
  vs->dtb_ipa = lowmem_top >= spec.ram_base + 2 * MiB ? lowmem_top - 2 * MiB : spec.ram_base;
  // The initrd just below the device tree, 4-byte aligned (kvmtool's INITRD_ALIGN).
  std::string initrd;
  if (!spec.initrd.empty()) {
    try {
      initrd = platform::read_input_file(guest_image_file(spec.initrd), spec.memory, "initrd");
    } catch (const platform::ConfigError& e) {
      return e.what();
    }
    vs->initrd_bytes = initrd.size();
    vs->initrd_ipa = vs->dtb_ipa > initrd.size() + 4 ? (vs->dtb_ipa - initrd.size() - 4 + 3) & ~uint64_t{3} : 0;
    if (vs->initrd_ipa < img.end)
      return "RAM (" + std::to_string(spec.memory >> 20) + " MiB) leaves no room for the initrd (" + std::to_string(initrd.size()) +
             " bytes) between the image (ends at " + hex(img.end) + ") and the device tree at " + hex(vs->dtb_ipa);
    dt.initrd_start = vs->initrd_ipa;
    dt.initrd_end = vs->initrd_ipa + initrd.size();
  }
  vs->dtb = build_device_tree(dt);
  if (vs->dtb_ipa < img.end || vs->dtb_ipa + vs->dtb.size() > spec.ram_base + spec.memory)
    return "RAM (" + std::to_string(spec.memory >> 20) + " MiB) leaves no room for the device tree at " + hex(vs->dtb_ipa) +
           " above the image (ends at " + hex(img.end) + ")";
  if (!initrd.empty()) {
    if (!k.write(HostAccess::UserData, vm, "initrd load", *mem + (vs->initrd_ipa - spec.ram_base), initrd.data(), initrd.size()))
      return "SIGBUS while loading the initrd";
    k.charge_memcpy(initrd.size());
    populate.emplace_back(vs->initrd_ipa & ~(page - 1), align_up(vs->initrd_ipa + initrd.size(), page));
  }
  if (!k.write(HostAccess::UserData, vm, "device tree load", *mem + (vs->dtb_ipa - spec.ram_base), vs->dtb.data(),
               vs->dtb.size()))
    return "SIGBUS while loading the device tree";
  k.charge_memcpy(vs->dtb.size());
  populate.emplace_back(vs->dtb_ipa, align_up(vs->dtb_ipa + vs->dtb.size(), page));

  if (spec.realm) {
    // KVM_ARM_RMI_POPULATE of each range (overlaps merged), looped until the kernel has done
    // everything.
    std::sort(populate.begin(), populate.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (const auto& r : populate)
      if (!merged.empty() && r.first <= merged.back().second) merged.back().second = std::max(merged.back().second, r.second);
      else merged.push_back(r);
    for (const auto& [base, top] : merged) {
      RmiPopulate p;
      p.base = base;
      p.size = top - base;
      p.source_uaddr = *mem + (p.base - spec.ram_base);
      p.flags = spec.measured ? kRmiPopulateMeasure : 0;
      while (p.size) {
        ++vs->counters->populate_calls;
        if (int rc = vm->rmi_populate(p)) return "KVM_ARM_RMI_POPULATE failed (" + std::to_string(rc) + ") at " + hex(p.base);
      }
    }
  }
  for (unsigned i = 0; i < spec.vcpus; ++i) {
    Vcpu* v = vm->create_vcpu(i);
    if (!v) return "KVM_CREATE_VCPU " + std::to_string(i) + " failed";
    v->regs().pc = entry;
    if (i == 0) v->regs().x[0] = vs->dtb_ipa;  // the arm64 boot protocol; X1..X3 stay 0
  }
  vs->runs.resize(spec.vcpus);
  if (spec.uart) {
    VmState* v = vs.get();
    v->uart.enable_for_console();
    v->uart.tx = [this, v](char c) { console_char(*v, c); };
    // UARTINTR drives SPI kUart0Spi of the VM's vGIC (KVM_IRQ_LINE, as kvmtool's irq line).
    v->uart.intr = [vm](bool level) { vm->irq_line(platform::gicv3::kSpiBase + map::kUart0Spi, level); };
  }
  // Shared regions are mapped up front (RMI_RTT_MAP_UNPROTECTED), once the realm exists.
  if (spec.realm)
    for (const auto& s : spec.shared)
      for (uint64_t off = 0; off < s.size; off += page)
        if (int rc = vm->map_page((s.base + off) | vm->unprotected_bit())) return "mapping shared memory failed (" + std::to_string(rc) + ")";
  return "";
}

void Vmm::stop_vm(VmState& vs, StopReason r, const std::string& detail) {
  if (vs.stop == StopReason::None) {
    vs.stop = r;
    vs.stop_detail = detail;
  }
  vs.vm->request_stop();
  for (unsigned i = 0; i < vs.spec.vcpus; ++i) kvm_.kick(vs.first_pe + i);
  changed_.notify(sc_core::SC_ZERO_TIME);
}

void Vmm::console_char(VmState& vs, char c) {
  if (c == '\r') return;  // a tty's ONLCR sends one before every newline: the console is kept as lines
  vs.console += c;
  if (c == '\n') {
    vs.milestones->line(vs.line, vs.uart_access_time);
    vs.line.clear();
    changed_.notify(sc_core::SC_ZERO_TIME);
  } else {
    vs.line += c;
  }
}

void Vmm::emulate_mmio(VmState& vs, KvmRun& run, const sc_core::sc_time& now) {
  ++vs.counters->mmio_exits;
  const uint64_t a = run.mmio.phys_addr;
  if (vs.spec.uart && a >= map::kUart0Base && a < map::kUart0Base + map::kUart0Size) {
    // The access as the PL011 model takes it: a TLM generic payload at the register offset.
    tlm::tlm_generic_payload gp;
    uint64_t data = run.mmio.data;
    gp.set_command(run.mmio.is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(a - map::kUart0Base);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
    gp.set_data_length(run.mmio.len);
    gp.set_streaming_width(run.mmio.len);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    vs.uart_access_time = now;
    vs.uart.b_transport(gp, delay);
    if (!gp.is_response_ok()) {
      data = 0;  // kvmtool's policy for what no device answers: reads as zero, writes ignored
      vs.events.push_back("bad UART access (" + std::to_string(run.mmio.len) + " bytes) at " + hex(a));
    }
    if (!run.mmio.is_write) run.mmio.data = data;
    return;
  }
  // Nothing there: reads as zero, writes ignored (kvmtool warns and carries on).
  if (!run.mmio.is_write) run.mmio.data = 0;
  vs.events.push_back("unhandled MMIO " + std::string(run.mmio.is_write ? "write" : "read") + " at " + hex(a));
}

// RSI_HOST_CALL: kHostCallHello is the realm-hello protocol (gprs[0] = IPA of a shared buffer,
// gprs[1] its length): the VMM reads the realm's message and writes its reply into the same
// buffer. kHostCallResult carries the realm's result (it powers off next).
void Vmm::host_call(VmState& vs, KvmRun& run) {
  ++vs.counters->host_calls;
  auto& g = run.hypercall.gprs;
  std::string what = "host call imm " + std::to_string(run.hypercall.imm);
  if (run.hypercall.imm == kHostCallResult) {
    vs.result = std::array<uint64_t, 3>{g[0], g[1], g[2]};
    vs.events.push_back(what + ": result " + hex(g[0]) + " " + hex(g[1]) + " " + hex(g[2]));
    return;
  }
  if (run.hypercall.imm == kHostCallHello && g[1] > 0 && g[1] <= kPage) {
    const uint64_t gpa = g[0] & ~vs.vm->unprotected_bit();
    uint64_t pa;
    if (vs.vm->user_pa_of(gpa, pa)) {
      std::vector<char> msg(g[1] + 1, 0);
      if (kvm_.read(HostAccess::UserData, vs.vm, "host call buffer", pa, msg.data(), g[1])) {
        what += ": the realm says \"" + std::string(msg.data()) + "\"";
        std::string reply = vs.spec.host_call_reply;
        reply.push_back('\0');
        kvm_.write(HostAccess::UserData, vs.vm, "host call reply", pa, reply.data(), reply.size());
        g[0] = reply.size() - 1;
      } else {
        what += ": SIGBUS reading the buffer";
      }
    }
  }
  vs.events.push_back(what);
}

// PSCI in user space (v14, or v12 with in-kernel PSCI off), kvmtool style.
void Vmm::psci(VmState& vs, Vcpu& vcpu, KvmRun& run) {
  ++vs.counters->psci_exits;
  Vcpu* target = vs.vm->vcpu_by_mpidr(run.psci.args[0]);
  const uint32_t fid = run.psci.fid;
  if (fid == psci::kCpuOn32 || fid == psci::kCpuOn64)
    run.psci.ret = !target ? psci::kInvalidParameters : target->powered_on() ? psci::kAlreadyOn : psci::kSuccess;
  else
    run.psci.ret = target ? (target->powered_on() ? psci::kAffinityOn : psci::kAffinityOff) : psci::kInvalidParameters;
  if (kvm_.options().abi == AbiVariant::V12) {
    const int rc = vcpu.psci_complete(run.psci.args[0], run.psci.ret);
    if (rc) vs.events.push_back("KVM_ARM_VCPU_RMI_PSCI_COMPLETE failed (" + std::to_string(rc) + ")");
  }
}

void Vmm::vcpu_thread(VmState& vs, unsigned index) {
  Vcpu& vcpu = *vs.vm->vcpu(index);
  KvmRun& run = vs.runs[index];
  const platform::Requester& pe = kvm_.soc().pe(vs.first_pe + index).requester();
  if (index == 0) vs.milestones->entry(pe.now());
  for (;;) {
    const int rc = vcpu.run(run);
    if (rc < 0) {
      stop_vm(vs, StopReason::Error, "vCPU " + std::to_string(index) + ": KVM_RUN " + std::to_string(rc) +
                                         (run.detail.empty() ? "" : " (" + run.detail + ")"));
      break;
    }
    bool done = false;
    switch (run.exit_reason) {
      case ExitReason::Mmio: emulate_mmio(vs, run, pe.now()); break;
      case ExitReason::Hypercall: host_call(vs, run); break;
      case ExitReason::Psci: psci(vs, vcpu, run); break;
      case ExitReason::MemoryFault:
        ++vs.counters->ripas_changes;
        run.memory_fault.reject = vs.spec.ripas_reject;
        vs.events.push_back(std::string("RIPAS change to ") + (run.memory_fault.private_ ? "RAM" : "EMPTY") + " of [" +
                            hex(run.memory_fault.base) + ", " + hex(run.memory_fault.top) + "): " +
                            (vs.spec.ripas_reject ? "rejected" : "accepted"));
        break;
      case ExitReason::SystemEvent:
        if (!vs.spec.realm) vs.result = run.system_event.data;  // KVM_GET_ONE_REG of X1..X3
        if (run.system_event.type == kSystemEventShutdown) vs.milestones->poweroff(pe.now());
        stop_vm(vs, run.system_event.type == kSystemEventShutdown ? StopReason::SystemOff : StopReason::SystemReset,
                "vCPU " + std::to_string(index) + " called PSCI SYSTEM_" +
                    (run.system_event.type == kSystemEventShutdown ? "OFF" : "RESET"));
        done = true;
        break;
      case ExitReason::Intr:
        done = vs.vm->stop_requested();
        break;
      case ExitReason::Shutdown:
        stop_vm(vs, vs.vm->oopsed() ? StopReason::Oops : StopReason::Shutdown, run.detail);
        done = true;
        break;
      case ExitReason::InternalError:
        stop_vm(vs, StopReason::Error, "vCPU " + std::to_string(index) + ": " + run.detail);
        done = true;
        break;
    }
    if (done) break;
  }
  --vs.threads;
  changed_.notify(sc_core::SC_ZERO_TIME);
}

bool Vmm::condition(const std::vector<VmState*>& vms, const Until& u) const {
  switch (u.kind) {
    case Until::Kind::Stopped:
      return std::all_of(vms.begin(), vms.end(), [](VmState* v) { return v->stop != StopReason::None; });
    case Until::Kind::Console:
      return std::any_of(vms.begin(), vms.end(), [&](VmState* v) { return v->console.find(u.text) != std::string::npos; });
    case Until::Kind::Time:
      return false;
  }
  return false;
}

std::string Vmm::run(const std::vector<std::string>& names, const Until& until, bool& met) {
  std::vector<VmState*> vms;
  for (const auto& n : names) {
    VmState* v = state(n);
    if (!v) return "no VM named " + n;
    if (v->torn_down) return n + " was torn down";
    vms.push_back(v);
  }
  auto& req = current_pe(kvm_.soc()).requester();
  sc_core::sc_event_or_list events;
  events |= changed_;
  for (VmState* v : vms) {
    events |= v->vm->changed_event();
    if (v->stop != StopReason::None) continue;  // stopped for good
    v->vm->clear_stop();
    for (unsigned i = 0; i < v->spec.vcpus; ++i) {
      ++v->threads;
      kvm_.soc().pe(v->first_pe + i).post([this, v, i](platform::Pe&) { vcpu_thread(*v, i); });
    }
  }
  req.sync();
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + until.timeout;
  auto threads = [&] {
    unsigned n = 0;
    for (VmState* v : vms) n += v->threads;
    return n;
  };
  bool timed_out = false;
  for (;;) {
    met = condition(vms, until);
    if (met || threads() == 0) break;
    if (sc_core::sc_time_stamp() >= deadline) { timed_out = true; break; }
    sc_core::wait(deadline - sc_core::sc_time_stamp(), events);
  }
  // Pause: every vCPU thread leaves KVM_RUN.
  for (VmState* v : vms) {
    if (v->threads == 0) continue;
    v->vm->request_stop();
    for (unsigned i = 0; i < v->spec.vcpus; ++i) kvm_.kick(v->first_pe + i);
  }
  while (threads() > 0) sc_core::wait(events);
  if (until.kind == Until::Kind::Time) met = timed_out;
  std::string out;
  for (VmState* v : vms)
    out += (out.empty() ? "" : "; ") + v->spec.name + ": " + to_string(v->stop) +
           (v->stop_detail.empty() ? "" : " (" + v->stop_detail + ")");
  if (timed_out && until.kind != Until::Kind::Time) out += "; timed out";
  return out;
}

void Vmm::pause(const sc_core::sc_time& t) {
  auto& req = current_pe(kvm_.soc()).requester();
  req.sync();
  sc_core::wait(t);
}

std::string Vmm::teardown(const std::string& name) {
  VmState* v = state(name);
  if (!v) return "no VM named " + name;
  if (v->torn_down) return name + " was torn down already";
  release(*v);
  v->torn_down = true;
  return "";
}

// Closing the VM fd (KVM tears the VM down) and unmapping the VMM's memory.
void Vmm::release(VmState& v) {
  if (v.vm) v.vm->destroy();
  for (auto& [pa, bytes] : v.user_regions) kvm_.user_free(pa, bytes);
  v.user_regions.clear();
}

Vmm::AccessResult Vmm::host_access(const std::string& name, uint64_t ipa, bool write, std::vector<uint8_t>& data) {
  VmState* v = state(name);
  if (!v || v->torn_down) return AccessResult::NotMapped;
  Vm& vm = *v->vm;
  uint64_t pa;
  const uint64_t ubit = vm.unprotected_bit();
  if (vm.is_realm() && !(ipa & ubit)) {
    if (!vm.pa_of(ipa, pa)) return AccessResult::NotMapped;  // the host's own page behind the IPA
  } else if (!vm.user_pa_of(ipa & ~ubit, pa)) {
    return AccessResult::NotMapped;
  }
  const std::string ctx = std::string("VMM ") + (write ? "write" : "read") + " of " + name + " at " + hex(ipa);
  return kvm_.access(HostAccess::UserData, &vm, ctx, write, pa, data.data(), data.size()) ? AccessResult::Ok
                                                                                          : AccessResult::Sigbus;
}

}  // namespace host
