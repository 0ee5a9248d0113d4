// The flattened device tree the VMM gives each VM and realm (built with libfdt, laid out as
// kvmtool's arm/fdt.c does): memory, CPUs with PSCI, the GICv3 distributor and
// redistributors, the architected timer's PPIs, the PL011 console and `chosen`.
//
// Devices appear at their IPAs in a realm's tree too: a realm guest reaches an emulated
// device through the unprotected alias (IPA | 2^(ipa_width-1)) by itself, as Linux does
// (ioremap asks RSI_IPA_STATE_GET whether a range is protected, which fails for an alias
// IPA, then maps it shared), so the tree does not name the alias.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace host {

struct DeviceTreeSpec {
  bool realm = false;               // PSCI through SMC (the RMM) instead of HVC (KVM)
  std::vector<uint64_t> mpidrs;     // one cpu node per vCPU
  uint64_t ram_base = 0, ram_size = 0;
  bool uart = true;
  std::string bootargs;
  uint64_t initrd_start = 0, initrd_end = 0;  // [start, end); none when equal
  std::vector<uint64_t> args;       // /chosen/rmesim,args: the parameters of rmesim's own guests
};

// The DTB. Throws std::runtime_error if libfdt fails (a bug: the buffer grows as needed).
std::vector<uint8_t> build_device_tree(const DeviceTreeSpec& spec);

}  // namespace host
