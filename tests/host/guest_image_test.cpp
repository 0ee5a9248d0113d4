#include "host/guest_image.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "sim/config_error.h"

using host::GuestImage;
using host::load_guest_image;

namespace {

constexpr uint64_t kRam = 0x8000'0000, kRamSize = 64 << 20;

// A file of this test's own: ctest runs each test as its own process, in parallel.
std::string scratch_path(const char* suffix) {
  return ::testing::TempDir() + "guest_image_test." +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix;
}

// A small AArch64 executable: two PT_LOAD segments with a gap between them, the second with
// a bss (p_memsz > p_filesz), and a PT_GNU_STACK that carries nothing.
struct ElfBuilder {
  Elf64_Ehdr eh{};
  std::vector<Elf64_Phdr> ph;
  std::vector<uint8_t> body = std::vector<uint8_t>(0x200, 0);

  ElfBuilder() {
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = kRam + 0x10;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<uint8_t>(i + 1);
    ph.push_back(segment(PT_LOAD, 0x000, kRam, 0x100, 0x100));
    ph.push_back(segment(PT_LOAD, 0x100, kRam + 0x1000, 0x100, 0x3000));
    ph.push_back(segment(PT_GNU_STACK, 0, 0, 0, 0));
  }
  static Elf64_Phdr segment(uint32_t type, uint64_t body_off, uint64_t pa, uint64_t filesz, uint64_t memsz) {
    Elf64_Phdr p{};
    p.p_type = type;
    p.p_offset = body_off;  // relative to the body until write() places it
    p.p_paddr = p.p_vaddr = pa;
    p.p_filesz = filesz;
    p.p_memsz = memsz;
    return p;
  }
  // Writes the file; returns its path.
  std::string write(size_t truncate_to = 0) {
    eh.e_phnum = static_cast<uint16_t>(ph.size());
    const uint64_t body_at = sizeof eh + ph.size() * sizeof(Elf64_Phdr);
    std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
    for (auto p : ph) {
      if (p.p_type == PT_LOAD) p.p_offset += body_at;
      out.append(reinterpret_cast<const char*>(&p), sizeof p);
    }
    out.append(body.begin(), body.end());
    if (truncate_to) out.resize(truncate_to);
    const std::string path = scratch_path(".elf");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
    return path;
  }
};

// The message of the ConfigError loading `path` throws ("" when it loads).
std::string refusal(const std::string& path, uint64_t ram = kRam, uint64_t size = kRamSize) {
  try {
    load_guest_image(path, ram, size);
  } catch (const platform::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(GuestImage, elf_is_loaded_by_its_program_headers_gaps_zero_and_bss_left_to_ram) {
  ElfBuilder b;
  const GuestImage img = load_guest_image(b.write(), kRam, kRamSize);
  EXPECT_EQ(img.load, kRam);
  EXPECT_EQ(img.entry, kRam + 0x10);
  ASSERT_EQ(img.bytes.size(), 0x1100u) << "from the first segment to the end of the last one's file bytes";
  EXPECT_EQ(img.bytes[0], 1);
  EXPECT_EQ(img.bytes[0xFF], 0x00);  // body byte 0xff is (0xff + 1) & 0xff
  EXPECT_EQ(img.bytes[0x800], 0) << "the gap between segments is zero";
  EXPECT_EQ(img.bytes[0x1000], 0x01) << "the second segment's first byte is body byte 0x100";
  EXPECT_EQ(img.end, kRam + 0x4000) << "the bss counts in the memory the image occupies";
}

TEST(GuestImage, a_segment_of_bss_only_adds_memory_but_no_bytes) {
  ElfBuilder b;
  b.ph.insert(b.ph.begin() + 2, ElfBuilder::segment(PT_LOAD, 0, kRam + 0x10000, 0, 0x10000));
  const GuestImage img = load_guest_image(b.write(), kRam, kRamSize);
  EXPECT_EQ(img.bytes.size(), 0x1100u) << "the bytes end with the last file bytes, not at the bss segment";
  EXPECT_EQ(img.end, kRam + 0x20000) << "the bss segment counts in the memory the image occupies";
}

TEST(GuestImage, the_shipped_elf_and_bin_load_the_same_bytes_at_the_same_entry) {
  const std::string dir = RMESIM_GUEST_DIR;
  const GuestImage elf = load_guest_image(dir + "/realm-hello.elf", kRam, kRamSize);
  const GuestImage bin = load_guest_image(dir + "/realm-hello.bin", kRam, kRamSize);
  EXPECT_EQ(elf.load, bin.load);
  EXPECT_EQ(elf.entry, bin.entry);
  EXPECT_EQ(elf.bytes, bin.bytes);
}

TEST(GuestImage, a_bad_elf_is_refused_naming_what_is_wrong) {
  {
    ElfBuilder b;
    EXPECT_NE(refusal(b.write(40)).find("shorter than its header"), std::string::npos);
  }
  {
    ElfBuilder b;
    EXPECT_NE(refusal(b.write(sizeof(Elf64_Ehdr) + 10)).find("program headers run past"), std::string::npos);
  }
  {
    ElfBuilder b;
    EXPECT_NE(refusal(b.write(sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr) + 0x80)).find("truncated"), std::string::npos);
  }
  {
    ElfBuilder b;
    b.eh.e_machine = EM_X86_64;
    EXPECT_NE(refusal(b.write()).find("EM_AARCH64"), std::string::npos);
  }
  {
    ElfBuilder b;
    b.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    EXPECT_NE(refusal(b.write()).find("little endian"), std::string::npos);
  }
  {
    ElfBuilder b;
    b.eh.e_type = ET_DYN;
    EXPECT_NE(refusal(b.write()).find("ET_EXEC"), std::string::npos);
  }
  {
    ElfBuilder b;
    b.eh.e_entry = kRam + 0x800;  // in the gap
    EXPECT_NE(refusal(b.write()).find("entry point"), std::string::npos);
  }
  {
    ElfBuilder b;
    b.ph[1].p_filesz = 0x4000;
    EXPECT_NE(refusal(b.write()).find("p_filesz is larger"), std::string::npos);
  }
  {
    ElfBuilder b;
    b.ph[1].p_paddr = ~0ull - 0x10;  // wraps
    EXPECT_NE(refusal(b.write()).find("does not fit the VM's RAM"), std::string::npos);
  }
  {
    ElfBuilder b;
    EXPECT_NE(refusal(b.write(), kRam, 0x2000).find("does not fit the VM's RAM"), std::string::npos) << "bss past RAM";
  }
}

TEST(GuestImage, a_raw_binary_outside_ram_or_a_non_file_is_refused) {
  const std::string dir = RMESIM_GUEST_DIR;
  EXPECT_NE(refusal(dir + "/realm-hello.bin", 0x4000'0000).find("outside the VM's RAM"), std::string::npos);
  EXPECT_NE(refusal(dir).find("regular file"), std::string::npos);
  EXPECT_NE(refusal("/dev/zero").find("regular file"), std::string::npos);
}

// The loader names the VM's ram_base or memory for an image RAM does not hold, and the image
// for everything else: only the first is ImageOutsideRam.
TEST(GuestImage, only_an_image_ram_does_not_hold_is_outside_ram) {
  ElfBuilder b;
  EXPECT_THROW(load_guest_image(b.write(), kRam, 0x2000), host::ImageOutsideRam);
  EXPECT_THROW(load_guest_image(std::string(RMESIM_GUEST_DIR) + "/realm-hello.bin", 0x4000'0000, kRamSize), host::ImageOutsideRam);
  try {
    load_guest_image(b.write(40), kRam, kRamSize);
    ADD_FAILURE() << "a truncated ELF loaded";
  } catch (const host::ImageOutsideRam&) {
    ADD_FAILURE() << "a truncated ELF is not a RAM problem";
  } catch (const platform::ConfigError&) {
  }
}

// An arm64 Linux Image (Documentation/arch/arm64/booting.rst): 64-byte header with the magic
// "ARM\x64" at 0x38, then `body` bytes.
std::string write_arm64_image(uint64_t text_offset, uint64_t image_size, uint64_t flags, size_t body = 0x1000) {
  std::string d(64 + body, '\x5a');
  auto put64 = [&](size_t off, uint64_t v) { std::memcpy(&d[off], &v, 8); };
  put64(0x08, text_offset);
  put64(0x10, image_size);
  put64(0x18, flags);
  const uint32_t magic = 0x644d5241;
  std::memcpy(&d[0x38], &magic, 4);
  const std::string path = scratch_path(".Image");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << d;
  return path;
}

TEST(GuestImage, an_arm64_image_loads_at_the_2mib_boundary_plus_text_offset_with_its_header_fields) {
  const GuestImage img = load_guest_image(write_arm64_image(0x10000, 0x200000, 0xa), kRam + 0x1000, kRamSize - 0x1000);
  EXPECT_TRUE(img.arm64_image);
  EXPECT_EQ(img.load, kRam + 0x200000 + 0x10000);  // RAM's first 2 MiB boundary + text_offset
  EXPECT_EQ(img.entry, img.load);
  EXPECT_EQ(img.end, img.load + 0x200000);         // image_size: the kernel's bss included
  EXPECT_EQ(img.text_offset, 0x10000u);
  EXPECT_EQ(img.image_size, 0x200000u);
  EXPECT_EQ(img.flags, 0xau);
  EXPECT_EQ(img.bytes.size(), 64u + 0x1000);
  // image_size 0: a kernel before 3.17, whose text_offset is 0x80000 whatever the field says.
  EXPECT_EQ(load_guest_image(write_arm64_image(0x1234, 0, 0), kRam, kRamSize).load, kRam + 0x80000);
}

TEST(GuestImage, a_big_endian_or_too_large_arm64_image_is_refused) {
  EXPECT_NE(refusal(write_arm64_image(0, 0x200000, 1)).find("big-endian"), std::string::npos);
  EXPECT_THROW(load_guest_image(write_arm64_image(0, 0x2000000, 0xa), kRam, 0x1000000), host::ImageOutsideRam);
}

}  // namespace
