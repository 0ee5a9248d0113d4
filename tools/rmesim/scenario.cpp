#include "rmesim/scenario.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "host/guest_image.h"
#include "host/memory_need.h"
#include "host/vmm.h"
#include "platform/s2_geometry.h"
#include "sim/input_file.h"
#include "paths.h"
#include "rmesim/steps.h"

namespace rmesim {

namespace yaml {

void fail(const std::string& file, const YAML::Node& n, const std::string& key, const std::string& what) {
  const auto m = n.Mark();
  // Nodes made by --set have no position in the file: name the override instead.
  if (m.is_null() || m.line < 0) throw platform::ConfigError("--set", 0, 0, key, what);
  throw platform::ConfigError(file, m.line + 1, m.column + 1, key, what);
}

// Where `s` stops being UTF-8 text (RFC 3629: no overlongs, surrogates or code points past
// U+10FFFF; no C0 control but tab and newline, no DEL), or npos.
static size_t first_bad_byte(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7F) return i;
      ++i;
      continue;
    }
    const size_t len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (!len || i + len > s.size()) return i;
    uint32_t cp = b & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = cp << 6 | (c & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return std::string::npos;
}

// A key as messages show it: bytes that are not printable ASCII as \xNN (a key is echoed to
// the terminal before it is known to be text).
static std::string shown_key(const std::string& k) {
  if (first_bad_byte(k) == std::string::npos) return k;
  std::string out;
  static const char* hexd = "0123456789abcdef";
  for (unsigned char c : k) {
    if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += std::string("\\x") + hexd[c >> 4] + hexd[c & 15];
  }
  return out;
}

std::string str(const std::string& file, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(file, n, key, "must be a string");
  const std::string& s = n.Scalar();
  if (const size_t at = first_bad_byte(s); at != std::string::npos)
    fail(file, n, key, "byte " + std::to_string(at) + " is a control character or not UTF-8 (text is UTF-8, tab and newline allowed)");
  return s;
}

std::string name(const std::string& file, const YAML::Node& n, const std::string& key) {
  const std::string s = str(file, n, key);
  const bool ok = !s.empty() && s.size() <= 32 && std::isalpha(static_cast<unsigned char>(s[0])) &&
                  std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
  if (!ok) fail(file, n, key, "'" + s + "' is not a name: a letter, then letters, digits, - or _, at most 32 characters");
  return s;
}

uint64_t u64(const std::string& file, const YAML::Node& n, const std::string& key) {
  if (n.IsSequence() || n.IsMap()) fail(file, n, key, "must be an integer, not a list or a map");
  const std::string s = str(file, n, key);
  if (s.empty() || s[0] == '-') fail(file, n, key, "must be a non-negative integer");
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end) fail(file, n, key, "'" + s + "' is not an integer");
  return v;
}

uint64_t size(const std::string& file, const YAML::Node& n, const std::string& key) {
  if (n.IsSequence() || n.IsMap()) fail(file, n, key, "must be a size (4096, 64MiB, 2GiB), not a list or a map");
  const std::string s = str(file, n, key);
  static const std::map<std::string, uint64_t> units = {
      {"", 1}, {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
      {"K", 1ull << 10}, {"M", 1ull << 20}, {"G", 1ull << 30}, {"KB", 1ull << 10}, {"MB", 1ull << 20}, {"GB", 1ull << 30}};
  char* end = nullptr;
  errno = 0;
  if (s.empty() || s[0] == '-') fail(file, n, key, "must be a size such as 4096, 64MiB or 2GiB");
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  auto it = units.find(unit);
  if (errno || end == s.c_str() || it == units.end())
    fail(file, n, key, "'" + s + "' is not a size (e.g. 4096, 64MiB, 2GiB)");
  if (v > ~0ull / it->second) fail(file, n, key, "size too large");
  return v * it->second;
}

bool boolean(const std::string& file, const YAML::Node& n, const std::string& key) {
  const std::string s = str(file, n, key);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(file, n, key, "must be true or false");
}

uint64_t duration_ns(const std::string& file, const YAML::Node& n, const std::string& key, uint64_t min_ns,
                     uint64_t max_ns) {
  const std::string s = str(file, n, key);
  const std::string range = " (" + std::to_string(min_ns) + " ns to " + std::to_string(max_ns / 1'000'000'000) + " s)";
  const auto bad = [&](const std::string& why) {
    fail(file, n, key, "'" + s + "' " + why + ": a duration is an integer or decimal and ns, us, ms or s, such as 500ns, 10us, 1.5ms" + range);
  };
  size_t i = 0;
  const auto digits = [&](std::string& out) { while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) out += s[i++]; };
  std::string whole, frac;
  digits(whole);
  if (i < s.size() && s[i] == '.') {
    ++i;
    digits(frac);
    if (frac.empty()) bad("is not a duration");
  }
  static const std::map<std::string, uint64_t> units = {{"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}};
  const auto unit = units.find(s.substr(i));
  if (whole.empty() || unit == units.end()) bad("is not a duration");
  // Exact integer arithmetic: the largest duration allowed is far below 2^64 ns, so anything
  // with more digits than that is out of range before it could overflow.
  if (whole.size() > 12) bad("is out of range");
  uint64_t ns = std::stoull(whole) * unit->second;
  if (frac.size() > 9) bad("is not a whole number of nanoseconds");
  uint64_t f = frac.empty() ? 0 : std::stoull(frac), scale = 1;
  for (size_t k = 0; k < frac.size(); ++k) scale *= 10;
  if (f * unit->second % scale) bad("is not a whole number of nanoseconds");
  ns += f * unit->second / scale;
  if (ns < min_ns || ns > max_ns) bad("is out of range");
  return ns;
}

std::string choice(const std::string& file, const YAML::Node& n, const std::string& key, const Fields& fields,
                   const char* field) {
  const auto d = std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return std::string(x.name) == field; });
  if (d == fields.end()) throw std::logic_error(std::string("no declared field ") + field);
  const std::string v = str(file, n, key);
  std::stringstream alternatives(d->type);
  std::string list;
  for (std::string a; std::getline(alternatives, a, '|');) {
    if (a == v) return v;
    list += (list.empty() ? "" : ", ") + a;
  }
  fail(file, n, key, "'" + v + "': expected one of " + list);
}

void only_keys(const std::string& file, const YAML::Node& n, const std::string& key, const Fields& fields) {
  if (!n.IsMap()) fail(file, n, key, "must be a map");
  for (const auto& kv : n) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (std::none_of(fields.begin(), fields.end(), [&](const Field& d) { return k == d.name; })) {
      std::string list;
      for (const Field& d : fields) list += (list.empty() ? "" : ", ") + std::string(d.name);
      fail(file, kv.first, key.empty() ? shown_key(k) : key + "." + shown_key(k), "unknown key (expected one of: " + list + ")");
    }
  }
  for (const Field& d : fields)
    if (d.required && !n[d.name]) fail(file, n, key + "." + d.name, std::string("missing (") + d.type + ": " + d.help + ")");
}

void only_keys(const std::string& file, const YAML::Node& n, const std::string& key,
               std::initializer_list<const char*> allowed) {
  if (!n.IsMap()) fail(file, n, key, "must be a map");
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(file, kv.first, key.empty() ? shown_key(k) : key + "." + shown_key(k), "unknown key (expected one of: " + list + ")");
    }
  }
}

}  // namespace yaml

namespace {

using yaml::fail;

// GPT geometry accepts the architecture's encodings or the sizes they stand for.
uint8_t parse_pps(const std::string& f, const YAML::Node& n) {
  static const std::map<std::string, uint8_t> names = {
      {"4GB", 0}, {"64GB", 1}, {"1TB", 2}, {"4TB", 3}, {"16TB", 4}, {"256TB", 5}, {"4PB", 6},
      {"32", 0}, {"36", 1}, {"40", 2}, {"42", 3}, {"44", 4}, {"48", 5}, {"52", 6}};
  auto it = names.find(yaml::str(f, n, "platform.gpt.pps"));
  if (it == names.end()) fail(f, n, "platform.gpt.pps", "expected PA bits (32,36,40,42,44,48,52) or 4GB,64GB,1TB,4TB,16TB,256TB,4PB");
  return it->second;
}

gpt::Pgs parse_pgs(const std::string& f, const YAML::Node& n) {
  const uint64_t v = yaml::size(f, n, "platform.gpt.pgs");
  if (v == 4096) return gpt::Pgs::K4;
  if (v == 16384) return gpt::Pgs::K16;
  if (v == 65536) return gpt::Pgs::K64;
  fail(f, n, "platform.gpt.pgs", "expected 4KiB, 16KiB or 64KiB");
}

uint8_t parse_l0gptsz(const std::string& f, const YAML::Node& n) {
  static const std::map<std::string, uint8_t> names = {
      {"1GiB", 0}, {"16GiB", 4}, {"64GiB", 6}, {"512GiB", 9}, {"1GB", 0}, {"16GB", 4}, {"64GB", 6}, {"512GB", 9},
      {"30", 0}, {"34", 4}, {"36", 6}, {"39", 9}};
  auto it = names.find(yaml::str(f, n, "platform.gpt.l0gptsz"));
  if (it == names.end()) fail(f, n, "platform.gpt.l0gptsz", "expected 1GiB, 16GiB, 64GiB or 512GiB (or 30, 34, 36, 39 bits)");
  return it->second;
}

void parse_platform(const std::string& f, const YAML::Node& n, Scenario& s) {
  yaml::only_keys(f, n, "platform", {"cores", "dram", "gpt", "profile", "monitor_size", "rmm_size", "quantum"});
  auto& p = s.platform;
  if (n["cores"]) {
    const uint64_t c = yaml::u64(f, n["cores"], "platform.cores");
    if (c < 1 || c > 64) fail(f, n["cores"], "platform.cores", "must be 1 to 64");
    p.cores = static_cast<unsigned>(c);
  }
  if (n["dram"]) {
    p.dram_size = yaml::size(f, n["dram"], "platform.dram");
    if (auto e = p.validate(); e.rfind("platform.dram", 0) == 0) fail(f, n["dram"], "platform.dram", e.substr(15));
  }
  if (n["quantum"]) {
    p.quantum_ns = yaml::duration_ns(f, n["quantum"], "platform.quantum", 1, 1'000'000'000);
  }
  if (n["monitor_size"]) p.monitor_size = yaml::size(f, n["monitor_size"], "platform.monitor_size");
  if (n["rmm_size"]) p.rmm_size = yaml::size(f, n["rmm_size"], "platform.rmm_size");
  if (const auto g = n["gpt"]) {
    yaml::only_keys(f, g, "platform.gpt", {"pps", "pgs", "l0gptsz", "l1_tables"});
    if (g["l1_tables"]) {
      const std::string t = yaml::str(f, g["l1_tables"], "platform.gpt.l1_tables");
      if (t != "boot" && t != "on_demand")
        fail(f, g["l1_tables"], "platform.gpt.l1_tables", "expected boot (every DRAM block) or on_demand (RMM 2.0's GPT_L1_CREATE)");
      p.gpt_l1_on_demand = t == "on_demand";
    }
    if (g["pps"]) p.gpt_pps = parse_pps(f, g["pps"]);
    if (g["pgs"]) p.gpt_pgs = parse_pgs(f, g["pgs"]);
    if (g["l0gptsz"]) p.gpt_l0gptsz = parse_l0gptsz(f, g["l0gptsz"]);
    if (auto e = p.validate(); !e.empty()) fail(f, g, "platform.gpt", e);
  }
  if (n["profile"]) s.profile = yaml::str(f, n["profile"], "platform.profile");
  if (auto e = p.validate(); !e.empty()) {
    // "platform.rmm_size: why": point at that key when the scenario sets it.
    const std::string k = e.substr(0, e.find(':'));
    const YAML::Node at = k.rfind("platform.", 0) == 0 && k.find('.', 9) == std::string::npos ? n[k.substr(9)] : YAML::Node();
    fail(f, at.IsDefined() && !at.IsNull() ? at : n, k, e.substr(std::min(e.size(), k.size() + 2)));
  }
}

// A size as a scenario writes it: 4KiB, 2MiB, 512MiB (a power of two of at least 1 KiB).
std::string size_name(uint64_t bytes) {
  return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + "MiB" : std::to_string(bytes >> 10) + "KiB";
}

void parse_host(const std::string& f, const YAML::Node& n, Scenario& s) {
  yaml::only_keys(f, n, "host", {"abi", "psci", "populate_chunk", "populate_block", "fault_block", "tick", "page_size"});
  if (n["abi"]) {
    const std::string a = yaml::str(f, n["abi"], "host.abi");
    if (a == "v12") s.host.abi = host::AbiVariant::V12;
    else if (a == "v14") s.host.abi = host::AbiVariant::V14;
    else fail(f, n["abi"], "host.abi", "expected v12 or v14");
  }
  if (n["psci"]) {
    const std::string p = yaml::str(f, n["psci"], "host.psci");
    if (p != "kernel" && p != "vmm") fail(f, n["psci"], "host.psci", "expected kernel or vmm");
    s.host.psci_in_kernel = p == "kernel";
  }
  if (n["populate_chunk"]) {
    s.host.populate_chunk_pages = yaml::u64(f, n["populate_chunk"], "host.populate_chunk");
    if (s.host.populate_chunk_pages < 1 || s.host.populate_chunk_pages > (1u << 20))
      fail(f, n["populate_chunk"], "host.populate_chunk", "pages per KVM_ARM_RMI_POPULATE call: 1 to 1048576");
  }
  if (n["tick"])  // the scheduler tick period: 1 us (a stress setting) to 1 s (CONFIG_HZ 1)
    s.host.tick = sc_core::sc_time(static_cast<double>(yaml::duration_ns(f, n["tick"], "host.tick", 1000, 1'000'000'000)), sc_core::SC_NS);
  if (n["page_size"]) {
    s.host.page_size = yaml::size(f, n["page_size"], "host.page_size");
    if (s.host.page_size != 4096 && s.host.page_size != 16384 && s.host.page_size != 65536)
      fail(f, n["page_size"], "host.page_size", "expected 4KiB, 16KiB or 64KiB (the kernel's PAGE_SIZE)");
  }
  // populate_block and fault_block: a page (the default) or the level-2 block of the page's
  // translation granule (2 MiB, 32 MiB, 64 KiB: 512 MiB).
  const uint64_t page = s.host.page_size, block = platform::s2::geometry_of(page)->entry_size(2);
  const auto page_or_block = [&](const char* key, const std::string& what_block, uint64_t& out) {
    out = page;
    if (!n[key]) return;
    out = yaml::size(f, n[key], std::string("host.") + key);
    if (out != page && out != block)
      fail(f, n[key], std::string("host.") + key,
           "expected " + size_name(page) + " (pages of host.page_size) or " + size_name(block) + " (" + what_block + ")");
  };
  page_or_block("populate_block", "level-2 blocks folded with RMI_RTT_FOLD", s.host.populate_block);
  page_or_block("fault_block", "a level-2 block per fault", s.host.fault_block);
}

// rmm: {version}. The host and the RMM must speak one RMI version: the v12 host knows RMI 1.0
// only (its RMI_VERSION(1.0) fails on a 2.0 RMM, so it would refuse realms), which makes
// v12 + 2.0-bet1 bad input. The v14 host asks for 2.0 and, told the RMM implements 1.0 only
// (RMI_VERSION's lower/higher), falls back to the 1.0 flow: v14 + 1.0 is run negotiated, as
// rmesim's host does (Linux v14 itself would refuse realms there).
void parse_rmm(const std::string& f, const YAML::Node& n, Scenario& s) {
  yaml::only_keys(f, n, "rmm", {"version"});
  if (!n["version"]) return;
  const std::string v = yaml::str(f, n["version"], "rmm.version");
  s.rmm = platform::abi::find_spec(v);
  if (!s.rmm) fail(f, n["version"], "rmm.version", "'" + v + "' is not a declared RMM version (" + platform::abi::spec_names() + ")");
  if (s.host.abi == host::AbiVariant::V12 && s.rmm->rmi_version != platform::abi::rmi::kVersion)
    fail(f, n["version"], "rmm.version",
         "host.abi v12 speaks RMI 1.0 only and an RMM " + v + " does not implement it (RMI_VERSION(1.0) fails): "
         "use host.abi: v14, or rmm.version: 1.0");
}

// A host page other than 4 KiB is the RMI granule only a 2.0 RMM can be configured with
// (RMM_CONFIG_SET): RMM 1.0's granule is 4 KiB.
void check_page_size(const std::string& f, const YAML::Node& root, const Scenario& s) {
  if (s.host.page_size == 4096 || s.rmm->rmi_version != platform::abi::rmi::kVersion) return;
  fail(f, root["host"]["page_size"], "host.page_size",
       "a " + std::to_string(s.host.page_size / 1024) + " KiB page needs rmm.version: 2.0-bet1 and host.abi: v14 "
       "(RMM 1.0's granule is 4 KiB; only 2.0's RMM_CONFIG_SET sets another)");
}

// Level-1 GPT tables on demand need someone to ask for them: RMM 2.0's GPT_L1_CREATE, which the
// v14 host calls at init. Under 1.0 the host's memory beyond the first block could never be
// delegated.
void check_l1_tables(const std::string& f, const YAML::Node& root, const Scenario& s) {
  if (!s.platform.gpt_l1_on_demand || s.rmm->rmi_version != platform::abi::rmi::kVersion) return;
  const YAML::Node g = root["platform"] && root["platform"]["gpt"] ? root["platform"]["gpt"]["l1_tables"] : YAML::Node();
  fail(f, g ? g : root, "platform.gpt.l1_tables",
       "on_demand needs rmm.version: 2.0-bet1 (RMM 1.0 has no GPT_L1_CREATE, so the host could not delegate memory past the first GPT block)");
}

// A level-2 block per protected fault is RTT_DATA_MAP with a block descriptor: RMM 2.0-bet1's.
// (2 MiB populate blocks, DATA_CREATE or RTT_DATA_MAP_INIT then RMI_RTT_FOLD, run under both.)
void check_fault_block(const std::string& f, const YAML::Node& root, const Scenario& s) {
  if (s.host.fault_block == s.host.page_size || s.rmm->rmi_version != platform::abi::rmi::kVersion) return;
  fail(f, root["host"]["fault_block"], "host.fault_block",
       "block faults map a level-2 block with RTT_DATA_MAP, an RMM 2.0-bet1 command: use rmm.version: 2.0-bet1 "
       "(host.abi: v14), or " + size_name(s.host.page_size));
}

// RAM inside the VM's IPA space; a realm's RAM and shared regions below its unprotected alias
// bit, in an IPA space the RMM accepts (RMM 1.0 without LPA2: S2SZ at most 48).
void check_ipa_layout(const std::string& f, const YAML::Node& n, const std::string& key, const host::VmSpec& v) {
  const unsigned bits = host::ipa_bits_for(v);
  const YAML::Node at = n["ipa_bits"] ? n["ipa_bits"] : n;
  if (bits > 48) fail(f, at, key + ".ipa_bits", "RAM and shared regions need a " + std::to_string(bits) + "-bit IPA space; the most is 48");
  const uint64_t limit = uint64_t{1} << (v.realm ? bits - 1 : bits);
  if (v.ram_base + v.memory > limit)
    fail(f, n["ram_base"] ? n["ram_base"] : at, key + (n["ram_base"] ? ".ram_base" : ".ipa_bits"),
         "RAM must end below 2^" + std::to_string(v.realm ? bits - 1 : bits) +
             (v.realm ? ", the unprotected alias bit of the realm's " : ", the end of the VM's ") + std::to_string(bits) + "-bit IPA space");
  const uint64_t alias = limit;
  for (size_t i = 0; i < v.shared.size(); ++i)
    if (v.shared[i].base + v.shared[i].size > alias)
      fail(f, n["shared"][i], key + ".shared[" + std::to_string(i) + "]",
           "must end below the unprotected alias bit 2^" + std::to_string(bits - 1) + " of the realm's " + std::to_string(bits) +
               "-bit IPA space (the realm uses the region at base | 2^" + std::to_string(bits - 1) + ")");
}

host::VmSpec parse_vm(const std::string& f, const YAML::Node& n, const std::string& key, const std::string& name, bool realm) {
  if (realm)
    yaml::only_keys(f, n, key, {"memory", "vcpus", "image", "args", "ram_base", "populate", "populate_size", "shared",
                                "devices", "ipa_bits", "hash", "rpv", "sve_vl", "pmu_counters", "num_bps", "num_wps",
                                "ripas", "host_call_reply", "initrd", "bootargs"});
  else
    yaml::only_keys(f, n, key, {"memory", "vcpus", "image", "args", "ram_base", "devices", "initrd", "bootargs"});
  host::VmSpec v;
  v.name = name;
  v.realm = realm;
  if (!n["image"]) fail(f, n, key + ".image", "missing: the guest image (realm-hello, memtouch, compute, attacker-nvm, or a path to a .bin or .elf)");
  // A path (not a shipped image's name) is relative to the scenario's folder (paths.h).
  auto in_scenario = [&](const std::string& p) { return host::guest_image_file(p) == p ? path_in_scenario(p, f) : p; };
  v.image = in_scenario(yaml::str(f, n["image"], key + ".image"));
  if (n["initrd"]) v.initrd = in_scenario(yaml::str(f, n["initrd"], key + ".initrd"));
  if (n["bootargs"]) v.bootargs = yaml::str(f, n["bootargs"], key + ".bootargs");
  if (n["memory"]) {
    v.memory = yaml::size(f, n["memory"], key + ".memory");
    if (v.memory < (1u << 20) || v.memory > (64ull << 30) || (v.memory & 0xFFF))
      fail(f, n["memory"], key + ".memory", "must be 1 MiB to 64 GiB, a multiple of 4 KiB");
  }
  if (n["vcpus"]) {
    const uint64_t c = yaml::u64(f, n["vcpus"], key + ".vcpus");
    if (c < 1 || c > 8) fail(f, n["vcpus"], key + ".vcpus", "must be 1 to 8");
    v.vcpus = static_cast<unsigned>(c);
  }
  if (n["ram_base"]) {
    v.ram_base = yaml::u64(f, n["ram_base"], key + ".ram_base");
    if (v.ram_base & 0x1FFFFF) fail(f, n["ram_base"], key + ".ram_base", "must be 2 MiB aligned");
    if (v.ram_base > (uint64_t{1} << 48)) fail(f, n["ram_base"], key + ".ram_base", "must be below 2^48 (the largest IPA space)");
  }
  if (const auto a = n["args"]) {
    if (!a.IsSequence() || a.size() > 8) fail(f, a, key + ".args", "must be a list of up to 8 integers (X0..X7)");
    for (size_t i = 0; i < a.size(); ++i) v.args.push_back(yaml::u64(f, a[i], key + ".args[" + std::to_string(i) + "]"));
  }
  if (const auto d = n["devices"]) {
    if (!d.IsSequence()) fail(f, d, key + ".devices", "must be a list (e.g. [uart])");
    v.uart = false;
    for (size_t i = 0; i < d.size(); ++i) {
      const std::string dev = yaml::str(f, d[i], key + ".devices");
      if (dev != "uart") fail(f, d[i], key + ".devices", "unknown device (known: uart)");
      v.uart = true;
    }
  }
  if (!realm) return v;
  if (n["populate"]) {
    const std::string p = yaml::str(f, n["populate"], key + ".populate");
    if (p != "measured" && p != "unmeasured") fail(f, n["populate"], key + ".populate", "expected measured or unmeasured");
    v.measured = p == "measured";
  }
  if (n["populate_size"]) {
    v.populate_size = yaml::size(f, n["populate_size"], key + ".populate_size");
    if (v.populate_size > v.memory || (v.populate_size & 0xFFF))
      fail(f, n["populate_size"], key + ".populate_size", "must be a multiple of 4 KiB, at most the memory size");
  }
  if (const auto sh = n["shared"]) {
    if (!sh.IsSequence()) fail(f, sh, key + ".shared", "must be a list of {base, size}");
    for (size_t i = 0; i < sh.size(); ++i) {
      const std::string k = key + ".shared[" + std::to_string(i) + "]";
      yaml::only_keys(f, sh[i], k, {"base", "size"});
      if (!sh[i]["base"] || !sh[i]["size"]) fail(f, sh[i], k, "needs base and size");
      host::SharedRegion r{yaml::u64(f, sh[i]["base"], k + ".base"), yaml::size(f, sh[i]["size"], k + ".size")};
      if ((r.base | r.size) & 0xFFF || r.size == 0) fail(f, sh[i], k, "base and size must be 4 KiB multiples");
      // Protected IPAs: the realm reaches a region through its alias with the top IPA bit set.
      if (r.base >= (uint64_t{1} << 47) || r.size > (uint64_t{1} << 47) - r.base)
        fail(f, sh[i], k, "must lie below 2^47 (a 48-bit IPA space's protected half)");
      if (r.base < v.ram_base + v.memory && v.ram_base < r.base + r.size) fail(f, sh[i], k, "overlaps the realm's RAM");
      for (size_t j = 0; j < v.shared.size(); ++j)
        if (r.base < v.shared[j].base + v.shared[j].size && v.shared[j].base < r.base + r.size)
          fail(f, sh[i], k, "overlaps " + key + ".shared[" + std::to_string(j) + "]");
      v.shared.push_back(r);
    }
  }
  auto& c = v.realm_config;
  if (n["ipa_bits"]) {
    const uint64_t b = yaml::u64(f, n["ipa_bits"], key + ".ipa_bits");
    if (b < 32 || b > 48) fail(f, n["ipa_bits"], key + ".ipa_bits", "must be 32 to 48");
    c.ipa_bits = static_cast<unsigned>(b);
  }
  if (n["hash"]) {
    const std::string h = yaml::str(f, n["hash"], key + ".hash");
    if (h == "sha256") c.hash = platform::abi::rmi::HashAlgorithm::Sha256;
    else if (h == "sha512") c.hash = platform::abi::rmi::HashAlgorithm::Sha512;
    else fail(f, n["hash"], key + ".hash", "expected sha256 or sha512");
  }
  if (n["rpv"]) {
    const std::string r = yaml::str(f, n["rpv"], key + ".rpv");
    if (r.size() > 64) fail(f, n["rpv"], key + ".rpv", "at most 64 bytes");
    std::copy(r.begin(), r.end(), c.rpv.begin());
  }
  // The ranges RMI_FEATURES register 0 can report under RMM 1.0: SVE_VL 4 bits (in units of
  // 128 bits), PMU_NUM_CTRS 5 bits, NUM_BPS and NUM_WPS 1 to 16.
  const auto ranged = [&](const char* k, uint64_t lo, uint64_t hi, const char* what) {
    const uint64_t x = yaml::u64(f, n[k], key + "." + k);
    if (x < lo || x > hi) fail(f, n[k], key + "." + k, std::string("must be ") + std::to_string(lo) + " to " + std::to_string(hi) + what);
    return static_cast<unsigned>(x);
  };
  if (n["sve_vl"]) { c.sve = true; c.sve_vl = ranged("sve_vl", 0, 15, " (the SVE vector length in 128-bit units, minus 1)"); }
  if (n["pmu_counters"]) { c.pmu = true; c.pmu_counters = ranged("pmu_counters", 0, 31, " (PMU event counters)"); }
  if (n["num_bps"]) c.num_bps = ranged("num_bps", 1, 16, " (breakpoints)");
  if (n["num_wps"]) c.num_wps = ranged("num_wps", 1, 16, " (watchpoints)");
  if (n["ripas"]) {
    const std::string r = yaml::str(f, n["ripas"], key + ".ripas");
    if (r != "accept" && r != "reject") fail(f, n["ripas"], key + ".ripas", "expected accept or reject");
    v.ripas_reject = r == "reject";
  }
  if (n["host_call_reply"]) {
    v.host_call_reply = yaml::str(f, n["host_call_reply"], key + ".host_call_reply");
    if (v.host_call_reply.size() > 200) fail(f, n["host_call_reply"], key + ".host_call_reply", "at most 200 bytes");
  }
  return v;
}

// The most nodes a --set value may copy into. The copy expands aliases, so an alias bomb
// ("[&a [x,x], &b [*a,*a], ...]") would grow without bound: it stops here instead.
constexpr size_t kMaxOverrideNodes = 10000;

// A copy of `n` built node by node, so it carries no position: errors inside it name the --set.
// `budget` counts down the nodes it may still make.
YAML::Node without_marks(const YAML::Node& n, const std::string& key, size_t& budget) {
  if (budget-- == 0)
    throw platform::ConfigError("--set", 0, 0, key, "the value expands to more than " + std::to_string(kMaxOverrideNodes) +
                                                       " YAML nodes (aliases count each time they are used)");
  switch (n.Type()) {
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const auto& e : n) out.push_back(without_marks(e, key, budget));
      return out;
    }
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& kv : n) out[kv.first.Scalar()] = without_marks(kv.second, key, budget);
      return out;
    }
    case YAML::NodeType::Scalar: return YAML::Node(n.Scalar());
    default: return YAML::Node();
  }
}

// The value of a --set: a scalar as written, or a flow list/map ("[4]", "{pa: 0x1000}").
YAML::Node override_value(const Override& o) {
  if (o.value.empty() || (o.value[0] != '[' && o.value[0] != '{')) return YAML::Node(o.value);
  try {
    yaml::no_duplicate_keys("--set " + o.key, o.value);
    size_t budget = kMaxOverrideNodes;
    return without_marks(YAML::Load(o.value), o.key, budget);
  } catch (const YAML::Exception& e) {
    throw platform::ConfigError("--set", 0, 0, o.key, "'" + o.value + "' is not a YAML list or map: " + e.msg);
  }
}

// Applies one --set to the tree: creates the path, replaces the leaf with a scalar.
void apply_override(YAML::Node root, const Override& o) {
  std::vector<std::string> parts;
  std::stringstream ss(o.key);
  for (std::string part; std::getline(ss, part, '.');) {
    if (part.empty()) throw platform::ConfigError("--set", 0, 0, o.key, "empty path component");
    parts.push_back(part);
  }
  // yaml-cpp nodes are handles: walk with reset() copies so we never assign over a parent.
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node cur = chain.back();
    if (!cur.IsMap() && !cur.IsNull())
      throw platform::ConfigError("--set", 0, 0, o.key, "'" + parts[i] + "' is not a map");
    YAML::Node next = cur[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = cur[parts[i]];
    }
    chain.push_back(next);
  }
  YAML::Node leaf = chain.back();
  if (!leaf.IsMap() && !leaf.IsNull())
    throw platform::ConfigError("--set", 0, 0, o.key, "cannot set a key below a scalar");
  leaf.remove(parts.back());  // a fresh node: errors then name the --set, not the file
  leaf[parts.back()] = override_value(o);
}

}  // namespace

// What can be known before anything runs: the guest image loads (a regular file, ELF or raw, inside
// the VM's RAM), and every vCPU gets a PE of its own besides the VMM's (PE 0).
static void check_vm_fits(const std::string& f, const YAML::Node& n, const std::string& key, const Scenario& s) {
  const host::VmSpec& v = s.vms.back();
  const std::string file = host::guest_image_file(v.image);
  if (file != v.image && !std::ifstream(file))
    yaml::fail(f, n["image"], key + ".image", "no guest image at " + file +
         " (shipped images: realm-hello, memtouch, compute, attacker-nvm; make build builds them; "
         "Debian's vmlinuz and initramfs.cpio: make deps fetches them)");
  if (!v.initrd.empty() && !std::ifstream(host::guest_image_file(v.initrd)))
    yaml::fail(f, n["initrd"], key + ".initrd", "no initrd at " + host::guest_image_file(v.initrd) +
         " (initramfs.cpio: make deps builds it)");
  if (!v.initrd.empty()) {
    // What the VMM will read at create, refused now: a device or folder, or more than RAM.
    std::error_code ec;
    const std::string initrd = host::guest_image_file(v.initrd);
    if (!std::filesystem::is_regular_file(initrd, ec))
      yaml::fail(f, n["initrd"], key + ".initrd", initrd + ": the initrd must be a regular file (not a directory or a device)");
    if (std::filesystem::file_size(initrd, ec) > v.memory)
      yaml::fail(f, n["initrd"], key + ".initrd", initrd + ": the initrd is larger than the VM's memory");
  }
  try {
    host::Vmm::read_image(v);
  } catch (const host::ImageOutsideRam& e) {
    // The image's load address is its own (an ELF's segments, the .json beside a binary).
    yaml::fail(f, n["ram_base"] ? n["ram_base"] : n["memory"] ? n["memory"] : n["image"],
               key + (n["ram_base"] ? ".ram_base" : n["memory"] ? ".memory" : ".image"), e.what());
  } catch (const platform::ConfigError& e) {
    yaml::fail(f, n["image"], key + ".image", e.what());
  }
  // The RMM delegates one GPT granule per RMI granule (TF-A's gpt_delegate_pas takes exactly
  // one PGS-sized granule): RMM 1.0's granule is 4 KiB, 2.0's the host's page (RMM_CONFIG_SET
  // with PAGE_SIZE), never smaller than the PGS (spec A2.3.1). The GPT's PGS must be the host's
  // page: a smaller PGS would need several GPT transitions per granule, which the monitor here
  // does not make.
  const uint64_t pgs_bytes = uint64_t{1} << gpt::pgs_bits(s.platform.gpt_pgs);
  if (v.realm && pgs_bytes != s.host.page_size)
    yaml::fail(f, n, key, "a realm needs platform.gpt.pgs to be the host's page (host.page_size " +
               std::to_string(s.host.page_size / 1024) + "KiB, its RMI granule) but it is " + std::to_string(pgs_bytes / 1024) +
               "KiB: the RMM delegates one GPT granule per RMI granule");
  check_ipa_layout(f, n, key, v);
  for (size_t i = 0; i < v.shared.size(); ++i)
    if (v.shared[i].size >= s.platform.dram_size)
      yaml::fail(f, n["shared"][i], key + ".shared[" + std::to_string(i) + "]",
                 "is not smaller than platform.dram: the VMM backs a shared region with host memory");
  unsigned vcpus = 0;
  for (const auto& vm : s.vms) vcpus += vm.vcpus;
  if (vcpus + 1 > s.platform.cores)
    yaml::fail(f, n["vcpus"] ? n["vcpus"] : n, key + ".vcpus",
         "the VMs need " + std::to_string(vcpus + 1) + " cores (the VMM on PE 0 and one PE per vCPU) but platform.cores is " +
             std::to_string(s.platform.cores));
  // Host memory for every VM so far together (the host would otherwise run out part-way).
  if (const std::string e = host::check_memory_fits(s.vms, s.platform, s.host.page_size); !e.empty())
    yaml::fail(f, n["memory"] ? n["memory"] : n, key + ".memory", e);
}

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw platform::ConfigError("--set", 0, 0, text, "expected key=value");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Scenario parse_scenario(const std::string& text, const std::string& origin,
                        const std::vector<Override>& overrides, const uint64_t* seed) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
    // A second document would be ignored without a word: refuse it.
    const std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      const YAML::Mark m = docs[1].Mark();
      throw platform::ConfigError(origin, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, "",
                                  "a scenario is one YAML document, and this file has " + std::to_string(docs.size()));
    }
  } catch (const YAML::Exception& e) {
    throw platform::ConfigError(origin, e.mark.is_null() ? 0 : e.mark.line + 1,
                                e.mark.is_null() ? 0 : e.mark.column + 1, "", e.msg);
  }
  yaml::no_duplicate_keys(origin, text);
  if (!root.IsMap()) throw platform::ConfigError(origin, 1, 1, "", "a scenario is a YAML map (name, platform, steps, ...)");
  Scenario s;
  s.file = recorded_path(origin);  // outputs name the file the same from any folder
  s.overrides = overrides;
  for (const auto& o : overrides) {
    if (o.key.rfind("profile.", 0) == 0) s.profile_overrides.push_back({o.key.substr(8), o.value});
    else apply_override(root, o);
  }
  yaml::only_keys(origin, root, "", {"name", "description", "seed", "platform", "host", "rmm", "realms", "vms", "steps"});
  if (!root["name"]) throw platform::ConfigError(origin, 1, 1, "name", "missing: every scenario has a name (its output folder)");
  s.name = yaml::str(origin, root["name"], "name");
  // The output folder's name: portable file-name characters only (POSIX), not hidden.
  if (s.name.empty() || s.name.size() > 64 || s.name[0] == '.' || s.name[0] == '-' ||
      !std::all_of(s.name.begin(), s.name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'; }))
    fail(origin, root["name"], "name", "must be a plain file name: letters, digits, ., - and _, at most 64 characters, not starting with . or -");
  if (root["description"]) s.description = yaml::str(origin, root["description"], "description");
  if (root["seed"]) s.platform.seed = yaml::u64(origin, root["seed"], "seed");
  if (seed) s.platform.seed = *seed;
  if (root["platform"]) parse_platform(origin, root["platform"], s);
  s.profile = resolve_profile_path(s.profile, std::filesystem::path(origin).parent_path().string());
  if (root["host"]) parse_host(origin, root["host"], s);
  if (root["rmm"]) parse_rmm(origin, root["rmm"], s);
  check_l1_tables(origin, root, s);
  check_fault_block(origin, root, s);
  check_page_size(origin, root, s);
  for (const char* section : {"realms", "vms"}) {
    const YAML::Node list = root[section];
    if (!list) continue;
    if (!list.IsMap()) fail(origin, list, section, "must be a map of name: {memory, vcpus, image, ...}");
    for (const auto& kv : list) {
      const std::string name = yaml::name(origin, kv.first, section);
      if (is_reserved_name(name))
        fail(origin, kv.first, std::string(section) + "." + name,
             "'" + name + "' is a word of the scenario language (" + reserved_names() + "): a VM may not be named so");
      for (const auto& other : s.vms)
        if (other.name == name) fail(origin, kv.first, std::string(section) + "." + name, "a realm or VM with this name exists already");
      const std::string key = std::string(section) + "." + name;
      s.vms.push_back(parse_vm(origin, kv.second, key, name, std::string(section) == "realms"));
      check_vm_fits(origin, kv.second, key, s);
    }
  }
  if (const auto steps = root["steps"]) {
    s.explicit_steps = true;
    if (!steps.IsSequence()) fail(origin, steps, "steps", "must be a list of steps");
    for (size_t i = 0; i < steps.size(); ++i) {
      const YAML::Node st = steps[i];
      const std::string key = "steps[" + std::to_string(i) + "]";
      // A raw RMI call keeps its arguments beside the command: {rmi: DATA_CREATE, rd: r0, ...}.
      const bool rmi_step = st.IsMap() && st["rmi"] && st.size() > 1;
      if (!st.IsMap() || (st.size() != 1 && !rmi_step)) fail(origin, st, key, "a step is a map with exactly one key, its kind (e.g. {delegate: {...}})");
      const auto kv = *st.begin();
      const std::string kind = rmi_step ? "rmi" : kv.first.Scalar();
      const StepKind* sk = find_step_kind(kind);
      if (!sk) fail(origin, kv.first, key + "." + kind, "unknown step kind (known: " + known_step_kinds() + ")");
      const YAML::Node args = rmi_step ? st : kv.second;
      // The declared forms: a map of the kind's fields, or its short form (rmi checks its own
      // keys: they depend on the command).
      if (args.IsMap() && sk->fields.empty())
        fail(origin, args, key + "." + kind, std::string("takes ") + sk->scalar + ", not a map (rmesim help steps)");
      if (!args.IsMap() && !sk->scalar)
        fail(origin, args, key + "." + kind, "takes a map of its fields (rmesim help steps)");
      if (args.IsMap() && !rmi_step) yaml::only_keys(origin, args, key + "." + kind, sk->fields);
      auto step = sk->parse(origin, args, key + "." + kind, s);
      step->kind = kind;
      const auto m = rmi_step ? st.Mark() : kv.first.Mark();
      step->where = m.is_null() || m.line < 0 ? "--set " + key : s.file + ":" + std::to_string(m.line + 1);
      s.steps.push_back(std::move(step));
    }
  }
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides, const uint64_t* seed) {
  return parse_scenario(platform::read_input_file(path, kMaxScenarioBytes, "scenario"), path, overrides, seed);
}

}  // namespace rmesim
