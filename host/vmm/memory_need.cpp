#include "host/memory_need.h"

#include <algorithm>
#include <stdexcept>

#include "host/kvm.h"
#include "host/vm.h"
#include "platform/abi/rmi.h"
#include "platform/dram_layout.h"
#include "platform/soc_config.h"

namespace host {

namespace {
constexpr uint64_t kPage = PageAllocator::kPage;
constexpr uint64_t kUserAlign = 2 * 1024 * 1024;  // Kvm::user_alloc's alignment

// Sizes from a scenario can be anything: saturate rather than wrap.
uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? ~uint64_t{0} : a + b; }
uint64_t align_up(uint64_t v, uint64_t a) { return sat_add(v, a - 1) & ~(a - 1); }

// Tables at levels (level_start, 3] that mapping [base, base + size) creates: one per
// block of the level above that the range touches.
uint64_t tables_for(const platform::s2::Geometry& g, uint64_t base, uint64_t size, int level_start) {
  if (size == 0) return 0;
  const uint64_t last = sat_add(base, size - 1);
  uint64_t n = 0;
  for (int level = level_start + 1; level <= 3; ++level) {
    const unsigned shift = g.level_shift(level - 1);
    n = sat_add(n, (last >> shift) - (base >> shift) + 1);
  }
  return n;
}

std::string mib(uint64_t bytes) {
  return bytes < (1u << 20) ? std::to_string((bytes + 1023) >> 10) + " KiB"
                            : std::to_string((sat_add(bytes, (1u << 20) - 1)) >> 20) + " MiB";
}
}  // namespace

uint64_t MemoryNeed::total() const { return sat_add(sat_add(vmm, priv), sat_add(tables, objects)); }

MemoryNeed& MemoryNeed::operator+=(const MemoryNeed& o) {
  vmm = sat_add(vmm, o.vmm);
  priv = sat_add(priv, o.priv);
  tables = sat_add(tables, o.tables);
  objects = sat_add(objects, o.objects);
  return *this;
}

MemoryNeed memory_need(const VmSpec& vm, uint64_t page_size) {
  const uint64_t page = vm.realm ? page_size : kPage;
  const platform::s2::Geometry g = *platform::s2::geometry_of(page);
  MemoryNeed need;
  need.vmm = align_up(vm.memory, kUserAlign);
  for (const auto& s : vm.shared) need.vmm = sat_add(need.vmm, align_up(s.size, kUserAlign));
  const unsigned ipa_bits = ipa_bits_for(vm);
  const Stage2Geometry geo = stage2_geometry(ipa_bits, g);
  uint64_t tables = geo.num_root, objects = 0;
  tables = sat_add(tables, tables_for(g, vm.ram_base, vm.memory, geo.level_start));
  if (vm.realm) {
    need.priv = align_up(vm.memory, page);
    const uint64_t unprotected = uint64_t{1} << (ipa_bits - 1);
    for (const auto& s : vm.shared) tables = sat_add(tables, tables_for(g, s.base | unprotected, s.size, geo.level_start));
    // The RD and an RMI params page, then per vCPU its REC, AUX granules and rec_run page.
    objects = 2 + uint64_t{vm.vcpus} * (1 + platform::abi::rmi::rec_params::kMaxAux + 1);
  } else {
    for (const auto& s : vm.shared) tables = sat_add(tables, tables_for(g, s.base, s.size, geo.level_start));
  }
  need.tables = tables * page;
  need.objects = objects * page;
  return need;
}

std::string check_memory_fits(const std::vector<VmSpec>& vms, const platform::SocConfig& cfg, uint64_t page_size) {
  platform::DramLayout layout;
  try {
    layout = platform::dram_layout(cfg);
  } catch (const std::invalid_argument&) {
    return "";
  }
  const HostPool pool = host_pool(cfg);
  MemoryNeed all;
  std::string each;
  for (const auto& vm : vms) {
    const MemoryNeed n = memory_need(vm, page_size);
    all += n;
    each += (each.empty() ? "" : "; ") + vm.name + ": " + mib(n.vmm) + " VMM memory" +
            (vm.realm ? " + " + mib(n.priv) + " private" : "") + " + " + mib(n.tables + n.objects) +
            (vm.realm ? " RTTs, RD and RECs" : " stage-2 tables");
  }
  if (all.total() <= pool.size) return "";
  std::string fw;
  for (size_t i = 1; i < layout.regions.size(); ++i)
    fw += ", " + layout.regions[i].name + " " + mib(layout.regions[i].size);
  return (vms.size() > 1 ? "the VMs need " + mib(all.total()) + " of host memory together (" : "needs " + mib(all.total()) + " of host memory (") +
         each + ") but platform.dram of " + mib(cfg.dram_size) + " leaves the host " + mib(pool.size) +
         " (after the host kernel's " + mib(kHostReserved) + fw + ")";
}

}  // namespace host
