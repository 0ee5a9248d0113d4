#include "host/guest_image.h"

#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "host/vmm.h"
#include "sim/config_error.h"
#include "sim/input_file.h"

namespace host {

namespace {

// The ELF structures are read in place: the host is little endian, as the images must be.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the ELF reader assumes a little-endian host");

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

[[noreturn]] void refuse(const std::string& file, const std::string& what) {
  throw platform::ConfigError(file, 0, 0, "", "guest image: " + what);
}

[[noreturn]] void refuse_outside_ram(const std::string& file, const std::string& what, uint64_t ram_base, uint64_t ram_size) {
  throw ImageOutsideRam(file, 0, 0, "", "guest image: " + what + " the VM's RAM (" + hex(ram_base) + ", " + hex(ram_size) + " bytes)");
}

// [base, base + size) lies inside [lo, lo + span) without wrapping.
bool inside(uint64_t base, uint64_t size, uint64_t lo, uint64_t span) {
  return base >= lo && size <= span && base - lo <= span - size;
}

bool is_elf(const std::string& data) {
  return data.size() >= SELFMAG && std::memcmp(data.data(), ELFMAG, SELFMAG) == 0;
}

GuestImage load_elf(const std::string& file, const std::string& data, uint64_t ram_base, uint64_t ram_size) {
  Elf64_Ehdr eh;
  if (data.size() < sizeof eh) refuse(file, "an ELF file shorter than its header (" + std::to_string(data.size()) + " bytes)");
  std::memcpy(&eh, data.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) refuse(file, "not ELF64 (an AArch64 guest is a 64-bit ELF)");
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) refuse(file, "not little endian (EI_DATA)");
  if (eh.e_machine != EM_AARCH64) refuse(file, "e_machine is " + std::to_string(eh.e_machine) + ", not EM_AARCH64 (183)");
  if (eh.e_type != ET_EXEC) refuse(file, "not an executable (e_type ET_EXEC); link the guest at its load address");
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
    refuse(file, "no program headers of the ELF64 size (e_phentsize, e_phnum)");
  if (eh.e_phoff > data.size() || eh.e_phnum > (data.size() - eh.e_phoff) / sizeof(Elf64_Phdr))
    refuse(file, "the program headers run past the end of the file (truncated?)");
  std::vector<Elf64_Phdr> loads;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, data.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    const std::string seg = "PT_LOAD " + std::to_string(i) + " at " + hex(ph.p_paddr);
    if (ph.p_filesz > ph.p_memsz) refuse(file, seg + ": p_filesz is larger than p_memsz");
    if (!inside(ph.p_offset, ph.p_filesz, 0, data.size())) refuse(file, seg + ": its bytes run past the end of the file (truncated?)");
    if (!inside(ph.p_paddr, ph.p_memsz, ram_base, ram_size))
      refuse_outside_ram(file, seg + " (" + hex(ph.p_memsz) + " bytes) does not fit", ram_base, ram_size);
    loads.push_back(ph);
  }
  if (loads.empty()) refuse(file, "no PT_LOAD segment");
  GuestImage img;
  img.load = ~0ull;
  uint64_t file_end = 0;
  for (const auto& ph : loads) {
    img.load = std::min(img.load, ph.p_paddr);
    // A segment of bss only (p_filesz 0, as the linker makes for bss after an alignment gap)
    // gives no bytes: the loader neither copies nor populates zeros up to it.
    if (ph.p_filesz) file_end = std::max(file_end, ph.p_paddr + ph.p_filesz);
    img.end = std::max(img.end, ph.p_paddr + ph.p_memsz);
  }
  // The segments are inside RAM, so the span is too; it may still be far larger than the file.
  if (file_end - img.load > kMaxGuestImageBytes) refuse(file, "its segments span more than 64 MiB");
  img.bytes.assign(file_end - img.load, 0);
  for (const auto& ph : loads)
    std::memcpy(img.bytes.data() + (ph.p_paddr - img.load), data.data() + ph.p_offset, ph.p_filesz);
  // The CPU starts with its MMU off, so it is entered at a physical address. e_entry is a
  // virtual address when the image is linked apart from where it loads (a kernel linked in the
  // TTBR1 half, as guest/runtime and Linux do): the segment that holds it says where it lands.
  bool entry_loaded = false;
  for (const auto& ph : loads) {
    if (inside(eh.e_entry, 4, ph.p_vaddr, ph.p_filesz)) {
      img.entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
      entry_loaded = true;
      break;
    }
  }
  if (!entry_loaded) refuse(file, "the entry point " + hex(eh.e_entry) + " is not in a loaded segment");
  return img;
}

// The arm64 Linux boot image header (Documentation/arch/arm64/booting.rst), 64 bytes.
struct Arm64ImageHeader {
  uint32_t code0, code1;
  uint64_t text_offset;  // where in a 2 MiB-aligned region the image goes
  uint64_t image_size;   // bytes from the load address the kernel occupies (bss included); 0: pre-3.17
  uint64_t flags;        // bit 0 big endian, bits 2:1 page size, bit 3 placement anywhere
  uint64_t res2, res3, res4;
  uint32_t magic, res5;
};
static_assert(sizeof(Arm64ImageHeader) == 64);
constexpr uint32_t kArm64ImageMagic = 0x644d5241;  // "ARM\x64"
constexpr uint64_t k2MiB = 2 << 20;

bool is_arm64_image(const std::string& data) {
  uint32_t magic;
  if (data.size() < sizeof(Arm64ImageHeader)) return false;
  std::memcpy(&magic, data.data() + offsetof(Arm64ImageHeader, magic), 4);
  return magic == kArm64ImageMagic;
}

// Placed as kvmtool does: at RAM's first 2 MiB boundary + text_offset, entered at its start.
GuestImage load_arm64_image(const std::string& file, const std::string& data, uint64_t ram_base, uint64_t ram_size) {
  Arm64ImageHeader h;
  std::memcpy(&h, data.data(), sizeof h);
  if (h.flags & 1) refuse(file, "a big-endian arm64 Image (header flags bit 0)");
  GuestImage img;
  img.arm64_image = true;
  img.text_offset = h.image_size ? h.text_offset : 0x80000;  // booting.rst: older kernels
  img.image_size = h.image_size;
  img.flags = h.flags;
  img.bytes.assign(data.begin(), data.end());
  img.load = img.entry = ((ram_base + k2MiB - 1) & ~(k2MiB - 1)) + img.text_offset;
  const uint64_t span = std::max<uint64_t>(h.image_size, data.size());
  if (!inside(img.load, span, ram_base, ram_size))
    refuse_outside_ram(file, "the kernel (" + hex(span) + " bytes at " + hex(img.load) + ") does not fit", ram_base, ram_size);
  img.end = img.load + span;
  return img;
}

GuestImage load_raw(const std::string& file, const std::string& data, uint64_t ram_base, uint64_t ram_size) {
  GuestImage img;
  img.bytes.assign(data.begin(), data.end());
  img.load = img.entry = ram_base;
  // The build's description beside the binary gives its load address and entry.
  const std::string json = (ends_with(file, ".bin") ? file.substr(0, file.size() - 4) : file) + ".json";
  try {
    const YAML::Node j = YAML::Load(platform::read_input_file(json, 1 << 20, "guest image description"));
    img.load = std::stoull(j["load_address"].as<std::string>(), nullptr, 0);
    img.entry = std::stoull(j["entry"].as<std::string>(), nullptr, 0);
  } catch (const std::exception&) {
    // A raw binary without its description: loaded and entered at the start of RAM.
  }
  if (img.bytes.empty()) refuse(file, "an empty file");
  if (!inside(img.load, img.bytes.size(), ram_base, ram_size))
    refuse_outside_ram(file, "the image (" + hex(img.load) + ", " + std::to_string(img.bytes.size()) + " bytes) is outside",
                       ram_base, ram_size);
  img.end = img.load + img.bytes.size();
  return img;
}

}  // namespace

std::string guest_image_file(const std::string& image) {
  const bool path = image.find('/') != std::string::npos || ends_with(image, ".bin") || ends_with(image, ".elf");
  if (path) return image;
  const std::string shipped = Vmm::image_dir() + "/" + image + ".bin";
  if (std::ifstream(shipped).good()) return shipped;
  return Vmm::linux_dir() + "/" + image;  // a file of the fetched Linux guest (vmlinuz, initramfs.cpio)
}

GuestImage load_guest_image(const std::string& file, uint64_t ram_base, uint64_t ram_size) {
  const std::string data = platform::read_input_file(file, kMaxGuestImageBytes, "guest image");
  if (is_elf(data)) return load_elf(file, data, ram_base, ram_size);
  if (is_arm64_image(data)) return load_arm64_image(file, data, ram_base, ram_size);
  return load_raw(file, data, ram_base, ram_size);
}

}  // namespace host
