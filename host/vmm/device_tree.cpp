#include "host/device_tree.h"

#include <cstdio>
#include <stdexcept>

#include <libfdt.h>

#include "platform/memory_map.h"

namespace host {

namespace {
namespace map = platform::memory_map;

constexpr uint32_t kGicPhandle = 1, kClockPhandle = 2;
// Interrupt specifier cells of "arm,gic-v3" (Linux dt-bindings interrupt-controller/arm-gic.h).
constexpr uint32_t kGicSpi = 0, kGicPpi = 1, kIrqLevelHigh = 4;

// libfdt's sequential writer into a buffer that starts at 64 KiB (kvmtool's FDT_MAX_SIZE).
class Writer {
 public:
  Writer() : buf_(64 * 1024) {
    check(fdt_create(buf_.data(), static_cast<int>(buf_.size())), "create");
    check(fdt_finish_reservemap(buf_.data()), "finish_reservemap");
  }
  void check(int rc, const char* what) {
    if (rc < 0) throw std::runtime_error(std::string("libfdt ") + what + ": " + fdt_strerror(rc));
  }
  void begin(const std::string& name) { check(fdt_begin_node(buf_.data(), name.c_str()), "begin_node"); }
  void end() { check(fdt_end_node(buf_.data()), "end_node"); }
  void str(const char* name, const std::string& v) { check(fdt_property_string(buf_.data(), name, v.c_str()), name); }
  // A string list ("a\0b\0").
  void strs(const char* name, std::initializer_list<const char*> v) {
    std::string s;
    for (const char* e : v) s.append(e).push_back('\0');
    check(fdt_property(buf_.data(), name, s.data(), static_cast<int>(s.size())), name);
  }
  void u32(const char* name, uint32_t v) { check(fdt_property_u32(buf_.data(), name, v), name); }
  void u64(const char* name, uint64_t v) { check(fdt_property_u64(buf_.data(), name, v), name); }
  void empty(const char* name) { check(fdt_property(buf_.data(), name, nullptr, 0), name); }
  void cells(const char* name, const std::vector<uint32_t>& v) {
    std::vector<fdt32_t> be;
    for (uint32_t c : v) be.push_back(cpu_to_fdt32(c));
    check(fdt_property(buf_.data(), name, be.data(), static_cast<int>(be.size() * 4)), name);
  }
  // reg with #address-cells = #size-cells = 2.
  void reg(const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
    std::vector<uint32_t> c;
    for (auto [base, size] : ranges)
      c.insert(c.end(), {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)});
    cells("reg", c);
  }
  std::vector<uint8_t> finish() {
    check(fdt_finish(buf_.data()), "finish");
    buf_.resize(fdt_totalsize(buf_.data()));
    return std::move(buf_);
  }

 private:
  std::vector<uint8_t> buf_;
};

std::string node(const char* name, uint64_t addr) {
  char s[64];
  std::snprintf(s, sizeof s, "%s@%llx", name, static_cast<unsigned long long>(addr));
  return s;
}
}  // namespace

std::vector<uint8_t> build_device_tree(const DeviceTreeSpec& spec) {
  Writer w;
  const uint64_t gicd = map::kGicdBase, gicr = map::kGicrBase, uart = map::kUart0Base;
  w.begin("");
  w.str("compatible", "linux,dummy-virt");
  w.u32("#address-cells", 2);
  w.u32("#size-cells", 2);
  w.u32("interrupt-parent", kGicPhandle);

  w.begin("chosen");
  w.str("bootargs", spec.bootargs);
  if (spec.initrd_end > spec.initrd_start) {
    w.u64("linux,initrd-start", spec.initrd_start);
    w.u64("linux,initrd-end", spec.initrd_end);
  }
  if (spec.uart) w.str("stdout-path", "/" + node("pl011", uart));
  if (!spec.args.empty()) {
    std::vector<uint32_t> c;
    for (uint64_t a : spec.args) c.insert(c.end(), {uint32_t(a >> 32), uint32_t(a)});
    w.cells("rmesim,args", c);
  }
  w.end();

  w.begin(node("memory", spec.ram_base));
  w.str("device_type", "memory");
  w.reg({{spec.ram_base, spec.ram_size}});
  w.end();

  w.begin("cpus");
  w.u32("#address-cells", 1);  // MPIDR Aff2..Aff0
  w.u32("#size-cells", 0);
  for (uint64_t mpidr : spec.mpidrs) {
    const uint32_t id = static_cast<uint32_t>(mpidr & 0xFFFFFF);
    w.begin(node("cpu", id));
    w.str("device_type", "cpu");
    w.str("compatible", "arm,armv8");
    w.str("enable-method", "psci");
    w.u32("reg", id);
    w.end();
  }
  w.end();

  // PSCI 1.0 (DEN0022): the RMM answers a realm's SMCs, KVM a normal VM's HVCs.
  w.begin("psci");
  w.strs("compatible", {"arm,psci-1.0", "arm,psci-0.2"});
  w.str("method", spec.realm ? "smc" : "hvc");
  w.end();

  w.begin(node("intc", gicd));
  w.str("compatible", "arm,gic-v3");
  w.u32("#interrupt-cells", 3);
  w.empty("interrupt-controller");
  w.u32("#address-cells", 2);  // dtc's interrupt_provider check wants them (kvmtool has them too)
  w.u32("#size-cells", 2);
  w.reg({{gicd, map::kGicdSize}, {gicr, map::kGicrStride * spec.mpidrs.size()}});
  w.u32("phandle", kGicPhandle);
  w.end();

  // Secure physical, non-secure physical, virtual and hypervisor timers, in the order the
  // "arm,armv8-timer" binding lists them.
  w.begin("timer");
  w.str("compatible", "arm,armv8-timer");
  std::vector<uint32_t> ppis;
  for (unsigned intid : {map::kPpiSecurePhysTimer, map::kPpiPhysTimer, map::kPpiVirtTimer,
                         map::kPpiHypTimer})
    ppis.insert(ppis.end(), {kGicPpi, intid - map::kPpiBase, kIrqLevelHigh});
  w.cells("interrupts", ppis);
  w.empty("always-on");
  w.end();

  if (spec.uart) {
    w.begin("apb-pclk");
    w.str("compatible", "fixed-clock");
    w.u32("#clock-cells", 0);
    w.u32("clock-frequency", map::kUartClockHz);
    w.str("clock-output-names", "clk24mhz");
    w.u32("phandle", kClockPhandle);
    w.end();

    w.begin(node("pl011", uart));
    w.strs("compatible", {"arm,pl011", "arm,primecell"});
    w.reg({{uart, map::kUart0Size}});
    w.cells("interrupts", {kGicSpi, map::kUart0Spi, kIrqLevelHigh});
    w.cells("clocks", {kClockPhandle, kClockPhandle});
    w.strs("clock-names", {"uartclk", "apb_pclk"});
    w.end();
  }
  w.end();
  return w.finish();
}

}  // namespace host
