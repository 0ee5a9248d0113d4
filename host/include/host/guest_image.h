// A guest image as the VMM loads it into guest RAM. Three formats:
//  - an ELF64 little-endian AArch64 executable (the build's <name>.elf): loaded by its PT_LOAD
//    program headers at their physical addresses (the guests run with the MMU off, then
//    identity-mapped), entered at e_entry;
//  - an arm64 Linux kernel `Image` (its header's magic "ARM\x64"): loaded as kvmtool does, at
//    the first 2 MiB boundary of RAM + text_offset, and entered at its first instruction;
//  - a raw binary (the build's <name>.bin): loaded at the load_address of the <name>.json
//    beside it and entered at its entry, or without one at the start of RAM.
// Everything is checked when the scenario is loaded: a bad image is bad input, not a guest
// that runs garbage.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config_error.h"

namespace host {

struct GuestImage {
  uint64_t load = 0;           // guest-physical address of bytes[0]
  std::vector<uint8_t> bytes;  // the file's contents of every segment; gaps between them zero
  uint64_t entry = 0;          // where vCPU 0 starts
  uint64_t end = 0;            // end of the memory the image occupies (an ELF's bss included)
  bool arm64_image = false;    // a Linux kernel Image: its header's fields follow
  uint64_t text_offset = 0, image_size = 0, flags = 0;
};

// A readable image that the VM's RAM does not hold: the VM's ram_base or memory is as much at
// fault as the image, so the loader names them.
class ImageOutsideRam : public platform::ConfigError {
 public:
  using platform::ConfigError::ConfigError;
};

// The largest image file read (the shipped ones are about 100 KiB as ELF).
constexpr uint64_t kMaxGuestImageBytes = 64ull << 20;  // Debian's cloud-arm64 Image: about 38 MiB

// The file that `image` (VmSpec::image) names: a shipped image by name ("realm-hello": the
// build's guest/realm-hello.bin), else a file of the fetched Linux guest by name ("vmlinuz":
// Vmm::linux_dir()/vmlinuz), or a path (with a '/', or ending .bin or .elf).
std::string guest_image_file(const std::string& image);

// Reads and checks the image in `file` for a VM whose RAM is [ram_base, ram_base + ram_size).
// Throws platform::ConfigError naming the file and what is wrong (ImageOutsideRam: RAM does not
// hold it).
GuestImage load_guest_image(const std::string& file, uint64_t ram_base, uint64_t ram_size);

}  // namespace host
