// A kvmtool-like VMM driving the KVM-like host: it creates VMs from a spec (memory, vCPUs, a
// guest image, measured or unmeasured populate, shared regions, a PL011 console), runs their
// vCPU threads on the platform's PEs, emulates the console, answers PSCI (when KVM routes it to
// user space), host calls and RIPAS change requests, and tears VMs down. The VMM's own thread
// is the caller's PE (PE 0 in rmesim); vCPU i of a VM runs on the VM's first PE + i.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "host/boot_milestones.h"
#include "host/guest_image.h"
#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/vm.h"
#include "platform/devices/pl011/pl011.h"

namespace host {

struct SharedRegion {
  uint64_t base = 0, size = 0;  // guest-physical, outside RAM; the realm reaches it unprotected
};

// RSI_HOST_CALL immediates the VMM answers (guest/runtime/rt.h).
constexpr uint16_t kHostCallHello = 1;   // gprs[0] = IPA of a shared buffer, gprs[1] its length
constexpr uint16_t kHostCallResult = 2;  // gprs[0..2] = the realm's result (X1..X3 of SYSTEM_OFF)

struct VmSpec {
  std::string name;
  bool realm = false;
  uint64_t memory = 64 * 1024 * 1024;
  uint64_t ram_base = 0x8000'0000;
  unsigned vcpus = 1;
  std::string image;             // guest image name (built in guest/), a Linux Image, or a path (guest_image.h)
  std::string initrd;            // an initramfs loaded below the device tree, as kvmtool does ("" none)
  std::string bootargs;          // /chosen/bootargs (the kernel command line)
  std::vector<uint64_t> args;    // rmesim guests' parameters, in the device tree's /chosen/rmesim,args
  bool measured = true;          // KVM_ARM_RMI_POPULATE_FLAGS_MEASURE
  uint64_t populate_size = 0;    // bytes from the load address; 0: the image only
  std::vector<SharedRegion> shared;
  bool uart = true;              // PL011 console at 0x09000000
  RealmConfig realm_config;      // ipa_bits 0: kvmtool's rule max(32, fls(RAM top)) + 1, at least 36
  bool ripas_reject = false;     // answer RIPAS change requests with REJECT
  std::string host_call_reply = "hello from the host";
};

// The IPA size KVM_CREATE_VM gets for `spec`: realm_config.ipa_bits, or kvmtool's rule (a realm
// gets twice the space its RAM and shared regions need, at least 36 bits); a normal VM 39.
unsigned ipa_bits_for(const VmSpec& spec);

// Why a VM stopped running.
enum class StopReason : uint8_t { None, SystemOff, SystemReset, Oops, Shutdown, Error };
const char* to_string(StopReason r);

class Vmm {
 public:
  explicit Vmm(Kvm& kvm);
  ~Vmm();

  // Everything below runs on the VMM's PE thread.
  // KVM_CREATE_VM, memory regions, image load, populate (realm), vCPUs. "" or an error.
  std::string create(const VmSpec& spec);

  struct Until {
    enum class Kind : uint8_t { Stopped, Console, Time } kind = Kind::Stopped;
    std::string text;                                // Console: this text appears
    sc_core::sc_time timeout = sc_core::sc_time(1, sc_core::SC_SEC);
  };
  // Runs the named VMs' vCPUs until `until` holds or the timeout; then pauses them (every vCPU
  // thread returns from KVM_RUN). Returns what happened in one line; `met` says if `until` held.
  std::string run(const std::vector<std::string>& vms, const Until& until, bool& met);
  // The VMM idles for `t` (its PE's time passes).
  void pause(const sc_core::sc_time& t);
  // Tears a VM down (every granule undelegated) and frees its memory.
  std::string teardown(const std::string& vm);

  // Host access to guest memory at `ipa`: the VMM's mapping of RAM or shared memory, or (for a
  // realm's protected IPA) the page the host gave to the realm. False on SIGBUS.
  enum class AccessResult : uint8_t { Ok, Sigbus, NotMapped };
  AccessResult host_access(const std::string& vm, uint64_t ipa, bool write, std::vector<uint8_t>& data);

  // What the VMM counts for one VM (soc.host.<vm>.vmm), declared once.
  struct VmmStats {
    explicit VmmStats(platform::StatGroup& vm);
    platform::StatGroup group;
    platform::Counter &populate_calls, &mmio_exits, &host_calls, &psci_exits, &ripas_changes;
  };
  struct VmState {
    VmSpec spec;
    Vm* vm = nullptr;
    unsigned first_pe = 0;
    uint64_t user_mem = 0;                    // RAM backing (VMM memory)
    std::vector<std::pair<uint64_t, uint64_t>> user_regions;  // (pa, bytes) to free
    uint64_t image_entry = 0, image_bytes = 0;
    std::vector<uint8_t> dtb;                 // the device tree vCPU 0 finds at dtb_ipa (X0)
    uint64_t dtb_ipa = 0;
    uint64_t initrd_ipa = 0, initrd_bytes = 0;
    GuestImage image;                         // what was loaded (its bytes released after the load)
    platform::Pl011 uart;                     // the VM's console, emulated here as kvmtool does
    std::string console, line;                // everything the UART sent; the line in progress
    sc_core::sc_time uart_access_time;        // when the UART access being emulated happened
    std::unique_ptr<BootMilestones> milestones;  // from the first vCPU entry to SYSTEM_OFF
    std::vector<std::string> events;          // host calls, PSCI, RIPAS decisions, faults
    std::vector<KvmRun> runs;                 // one kvm_run per vCPU
    unsigned threads = 0;                     // vCPU threads inside the current run
    StopReason stop = StopReason::None;
    std::string stop_detail;
    // X1..X3 of SYSTEM_OFF: read from a normal VM's vCPU; a realm's registers are hidden
    // from the host, so a realm reports them first by host call (kHostCallResult). Empty
    // until the guest reports.
    std::optional<std::array<uint64_t, 3>> result;
    bool torn_down = false;
    std::unique_ptr<VmmStats> counters;       // from KVM_CREATE_VM on
  };
  VmState* state(const std::string& name);
  const std::vector<std::unique_ptr<VmState>>& states() const { return vms_; }
  Kvm& kvm() { return kvm_; }

  // Where guest images are looked up by name; where the fetched Linux guest's files are.
  static std::string image_dir();
  static std::string linux_dir();
  // The guest image of `spec`, read and checked (guest_image.h: an ELF by its program headers,
  // a raw binary by the .json beside it) for the VM's RAM. Throws platform::ConfigError naming
  // the file and what is wrong; ImageOutsideRam if it is readable but RAM does not hold it.
  static GuestImage read_image(const VmSpec& spec);

 private:
  std::string build(const VmSpec& spec, std::unique_ptr<VmState>& vs);
  void release(VmState& vs);
  void vcpu_thread(VmState& vs, unsigned index);
  void emulate_mmio(VmState& vs, KvmRun& run, const sc_core::sc_time& now);
  void console_char(VmState& vs, char c);
  void host_call(VmState& vs, KvmRun& run);
  void psci(VmState& vs, Vcpu& vcpu, KvmRun& run);
  void stop_vm(VmState& vs, StopReason r, const std::string& detail);
  bool condition(const std::vector<VmState*>& vms, const Until& u) const;

  Kvm& kvm_;
  std::vector<std::unique_ptr<VmState>> vms_;
  unsigned next_pe_ = 1;
  sc_core::sc_event changed_;
};

}  // namespace host
