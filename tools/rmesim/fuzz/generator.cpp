#include "fuzz/generator.h"

#include <functional>
#include <sstream>
#include <string_view>

#include "fuzz/rng.h"
#include "platform/abi/specs.h"

namespace rmesim::fuzz {
namespace {

namespace abi = platform::abi;

// The platform every sequence runs on: 4 cores (the VMM, two realm vCPUs, one VM vCPU) and
// DRAM small enough that checking every granule after every step is cheap.
constexpr uint64_t kDram = 64u << 20;

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

// What one sequence declares, and the names its steps share.
struct Walk {
  Rng rng;
  bool realm = false, vm = false;  // r0 (a realm) and v0 (a normal VM) declared
  unsigned realm_vcpus = 1;
  uint64_t realm_ipa_bits = 36;    // kvmtool's rule for 2 MiB of RAM at 2 GiB
  const abi::Spec* spec = &abi::kImplemented;  // rmm.version: 1.0 or 2.0-bet1
  bool v2 = false;
  std::vector<std::string> steps;

  explicit Walk(uint64_t seed) : rng(seed) {}
  void add(const std::string& s) { steps.push_back(s); }

  // A granule argument: a name of the pool (fresh Non-secure pages the host allocates on
  // first use), an object of the VMM's realm, or a boundary address.
  std::string granule() {
    const uint64_t k = rng.below(100);
    if (v2 && k < 35) return region(static_cast<unsigned>(rng.below(kRegionPages + 2)));
    if (k < 55) return "g" + std::to_string(rng.below(8));
    if (k < 62) return "x" + std::to_string(rng.below(16));
    if (k < 80 && realm) {
      switch (rng.below(5)) {
        case 0: return "r0.rd";
        case 1: return "r0.rtt";
        case 2: return "r0.rec" + std::to_string(rng.below(realm_vcpus));
        default: return "r0.data@" + hex(0x80000000 + (rng.below(512) << 12));
      }
    }
    switch (rng.below(8)) {
      case 0: return "0";
      case 1: return "dram";  // the monitor's carve-out: never delegable
      case 2: return "dram+" + hex(rng.below(kDram) & ~0xfffull);
      case 3: return "dram+" + hex(rng.below(kDram) | 1);  // unaligned
      case 4: return hex(0x80000000ull + kDram);  // the end of DRAM
      case 5: return "-1";
      case 6: return "s0";
      default: return hex(rng.next());
    }
  }

  // 2.0's range commands need contiguous granules: the recipe's realm lives in a fixed region
  // of DRAM the host's allocator (lowest address first) never reaches.
  static constexpr uint64_t kRegion = 40u << 20;  // below the RMM's carve-out (44 MiB of 64 are Non-secure)
  static constexpr unsigned kRegionPages = 48;
  static std::string region(unsigned page, uint64_t low_bits = 0) { return "dram+" + hex(kRegion + page * 4096ull + low_bits); }

  // A PA range's end for GRANULE_RANGE_* and GRANULE_TRACKING_GET: a few granules on, or wrong.
  std::string pa_top(const std::string& base) {
    if (rng.chance(70) && base.rfind("dram+", 0) == 0)
      return "dram+" + hex(std::stoull(base.substr(5), nullptr, 16) + (rng.below(rng.chance(80) ? 16 : 600) << 12));
    return rng.chance(50) ? region(static_cast<unsigned>(rng.below(kRegionPages + 1))) : granule();
  }

  // RmiAddrRangeDesc: a run of region pages (DELEGATED ones for RTT_DATA_MAP), or junk.
  std::string oaddr(bool undelegated) {
    if (undelegated && rng.chance(70)) {
      const uint64_t page = (kDram / 2 + rng.below(kDram / 4)) & ~0xfffull;
      return "dram+" + hex((uint64_t{1} << 63) | page | (1 + rng.below(4)) << 2);  // STATE: undelegated
    }
    if (rng.chance(75)) {
      const uint64_t cnt = rng.chance(85) ? 1 + rng.below(8) : rng.pick<uint64_t>({0, 0x3ff, 600});
      const uint64_t sz = rng.chance(90) ? 0 : 1 + rng.below(3);
      return region(static_cast<unsigned>(rng.below(kRegionPages)), (cnt << 2) | sz);
    }
    return number();
  }

  // An SRO handle: the last one an operation returned, a stale or foreign one, or junk.
  std::string handle() {
    if (rng.chance(75)) return "$handle";
    return rng.pick<const char*>({"0", "0x5a00001", "0x5a00002", "0x5a00003", "-1", "0x5a00000"});
  }

  // OP_MEM_DONATE's list: region granules (recipe's auxiliary run, any, twice the same).
  std::string donate_list() {
    if (rng.chance(5)) return granule();
    const unsigned n = rng.chance(80) ? 8 : static_cast<unsigned>(1 + rng.below(12));
    const unsigned first = static_cast<unsigned>(rng.chance(70) ? 14 + 8 * rng.below(2) : rng.below(kRegionPages));
    std::string l;
    for (unsigned i = 0; i < n; ++i) l += (i ? ", " : "") + (rng.chance(95) ? region(first + i) : granule());
    return "[" + l + "]";
  }

  // A granule argument that names, more often than not, the object of its kind the recipe
  // (realm_recipe) or the VMM made: so the walk reaches the checks past "is this an RD".
  std::string object(std::initializer_list<const char*> recipe, const char* vmm) {
    if (rng.chance(45)) return recipe.begin()[rng.below(recipe.size())];
    if (realm && rng.chance(35)) return vmm;
    return granule();
  }
  std::string rec() {
    return realm && rng.chance(30) ? "r0.rec" + std::to_string(rng.below(realm_vcpus)) : object({"g6", "g7"}, "r0.rec0");
  }

  // An IPA: aligned to some level, in or beyond the protected half, unaligned, or huge.
  std::string ipa() {
    const uint64_t k = rng.below(100);
    const unsigned bits = rng.chance(50) ? 36 : static_cast<unsigned>(32 + rng.below(17));
    if (k < 25) return hex(rng.below(16) << 12);
    if (k < 45) return hex(0x80000000ull + (rng.below(512) << 12));
    if (k < 60) return hex((rng.below(8) << (12 + 9 * rng.below(3))));
    if (k < 70) return hex((uint64_t{1} << (bits - 1)) + (rng.below(16) << 12));  // the unprotected half
    if (k < 78) return hex(rng.below(uint64_t{1} << bits) | 1);                   // unaligned
    if (k < 86) return hex(uint64_t{1} << bits);                                  // the end of the IPA space
    if (k < 92) return "-1";
    return hex(rng.next());
  }

  std::string level() {
    if (rng.chance(85)) return std::to_string(1 + rng.below(3));
    return rng.pick<const char*>({"0", "-1", "4", "-2", "255", "0x8000000000000003"});
  }

  std::string number() {
    switch (rng.below(6)) {
      case 0: return "0";
      case 1: return "1";
      case 2: return std::to_string(rng.below(32));
      case 3: return "-1";
      case 4: return hex(uint64_t{1} << rng.below(64));
      default: return hex(rng.next());
    }
  }

  // RmiRealmParams: mostly a configuration the RMM accepts, one field at a time wrong.
  std::string realm_params() {
    if (rng.chance(5)) return granule();
    const char* hash = rng.chance(85) ? "0" : rng.pick<const char*>({"1", "2", "255"});
    std::string s2sz = rng.chance(80) ? "36" : rng.pick<const char*>({"32", "48", "52", "0", "255", "40"});
    std::string lvl = rng.chance(80) ? "1" : rng.pick<const char*>({"0", "2", "3", "-1", "4"});
    std::string num = rng.chance(85) ? "1" : rng.pick<const char*>({"0", "2", "16", "17"});
    std::string p = "{s2sz: " + s2sz + (v2 ? std::string() : ", vmid: " + std::to_string(rng.below(4) + 1)) +
                    ", rtt_base: " + (v2 && rng.chance(60) ? region(1) : granule()) +
                    ", rtt_level_start: " + lvl + ", rtt_num_start: " + num + ", hash_algo: " + hash;
    if (rng.chance(10)) p += ", flags: " + number();
    if (rng.chance(10)) p += ", num_bps: " + std::to_string(rng.below(20));
    if (rng.chance(5)) p += ", sve_vl: " + std::to_string(rng.below(16));
    return p + "}";
  }

  // RmiRecParams: 16 auxiliary granules from the x pool, RUNNABLE, an entry point.
  std::string rec_params() {
    if (rng.chance(5)) return granule();
    if (v2)  // no auxiliary granules: they are donated
      return "{flags: " + std::string(rng.chance(80) ? "1" : "0") + ", mpidr: " +
             std::to_string(rng.chance(80) ? rng.below(3) : rng.next() & 0xffffff) + ", pc: " + hex(rng.chance(80) ? 0x1000 : rng.next()) + "}";
    std::string aux;
    const unsigned n = rng.chance(85) ? 16 : static_cast<unsigned>(rng.below(17));
    for (unsigned i = 0; i < n; ++i) aux += (i ? ", " : "") + (rng.chance(95) ? "x" + std::to_string(i) : granule());
    return "{flags: " + std::string(rng.chance(80) ? "1" : "0") + ", mpidr: " + std::to_string(rng.chance(80) ? rng.below(3) : rng.next() & 0xffffff) +
           ", pc: " + hex(rng.chance(80) ? 0x1000 : rng.next()) + ", num_aux: " + (rng.chance(90) ? "16" : std::to_string(rng.below(32))) +
           ", aux: [" + aux + "]}";
  }

  // A descriptor for RTT_MAP_UNPROTECTED: a Non-secure page with host attributes, or junk.
  std::string desc() {
    const uint64_t page = (kDram / 2 + rng.below(kDram / 2)) & ~0xfffull;
    static constexpr uint64_t kAttrs = (0x6 << 2) | (0x3 << 6) | (0x3 << 8);  // Normal WB, RW, inner shareable
    switch (rng.below(4)) {
      case 0: return "dram+" + hex(page | kAttrs);
      case 1: return "dram+" + hex(page);
      case 2: return "dram+" + hex(page | (rng.next() & 0xfff));
      default: return hex(rng.next());
    }
  }
};

// An argument by its register name in the ABI declaration: the plug-in point for new commands.
struct ArgGen {
  const char* name;
  std::string (*draw)(Walk&);
};
const ArgGen kArgs[] = {
    {"addr", [](Walk& w) { return w.granule(); }},
    {"rd", [](Walk& w) { return w.v2 && w.rng.chance(45) ? Walk::region(0) : w.object({"g0"}, "r0.rd"); }},
    {"rec", [](Walk& w) { return w.v2 && w.rng.chance(40) ? Walk::region(w.rng.chance(70) ? 13 : 30) : w.rec(); }},
    {"data", [](Walk& w) {
       return w.v2 && w.rng.chance(45) ? Walk::region(4 + static_cast<unsigned>(w.rng.below(9)))
                                       : w.object({"g4", "g5", "g7"}, "r0.data@0x80000000");
     }},
    {"rtt", [](Walk& w) {
       return w.v2 && w.rng.chance(45) ? Walk::region(2 + static_cast<unsigned>(w.rng.below(2)))
                                       : w.object({"g2", "g3", "g7"}, "r0.rtt");
     }},
    {"handle", [](Walk& w) { return w.handle(); }},
    {"count", [](Walk& w) { return w.rng.chance(80) ? std::to_string(1 + w.rng.below(16)) : w.number(); }},
    {"capacity", [](Walk& w) { return w.rng.chance(80) ? std::to_string(1 + w.rng.below(16)) : w.number(); }},
    {"config", [](Walk& w) { return w.rng.chance(70) ? std::string("cfg") : w.granule(); }},
    {"pa", [](Walk& w) {  // GPT_L1_CREATE: an L0GPTSZ block of DRAM, or not
       return w.rng.chance(60) ? "dram+" + hex(w.rng.below(2) << 30) : w.granule();
     }},
    {"src", [](Walk& w) { return w.rng.chance(80) ? std::string("s0") : w.granule(); }},
    {"run", [](Walk& w) { return w.rng.chance(85) ? std::string("run0") : w.granule(); }},
    {"calling_rec", [](Walk& w) { return w.rec(); }},
    {"target_rec", [](Walk& w) { return w.rec(); }},
    {"ipa", [](Walk& w) { return w.ipa(); }},           {"base", [](Walk& w) { return w.ipa(); }},
    {"top", [](Walk& w) { return w.ipa(); }},           {"level", [](Walk& w) { return w.level(); }},
    {"desc", [](Walk& w) { return w.desc(); }},
    {"flags", [](Walk& w) { return w.rng.chance(80) ? std::to_string(w.rng.below(2)) : w.number(); }},
    {"version", [](Walk& w) { return w.rng.chance(60) ? std::string("0x10000") : w.number(); }},
    {"index", [](Walk& w) { return w.rng.chance(70) ? std::to_string(w.rng.below(2)) : w.number(); }},
    {"status", [](Walk& w) { return w.rng.chance(60) ? std::to_string(w.rng.below(2)) : w.number(); }},
};

std::string draw_arg(Walk& w, uint32_t fid, std::string_view name) {
  namespace rmi = abi::rmi;
  if (name == "params") return fid == rmi::kRealmCreate ? w.realm_params() : w.rec_params();
  // Names 2.0 gives two meanings: a PA range (tracking, delegation) or an IPA range (mapping).
  const bool pa_range = fid == rmi::kGranuleRangeDelegate || fid == rmi::kGranuleRangeUndelegate || fid == rmi::kGranuleTrackingGet;
  if (pa_range && name == "base") return w.rng.chance(70) ? Walk::region(static_cast<unsigned>(w.rng.below(Walk::kRegionPages))) : w.granule();
  if (pa_range && name == "top") return "$pa_top";  // rmi_call draws it from the base
  if (name == "list") return fid == rmi::kOpMemDonate ? w.donate_list() : (w.rng.chance(80) ? std::string("l0") : w.granule());
  if (name == "oaddr") return w.oaddr(fid == rmi::kRttUnprotMap);
  if (name == "flags" && (fid == rmi::kRttDataMap || fid == rmi::kRttDataUnmap || fid == rmi::kRttUnprotUnmap))
    return w.rng.chance(80) ? std::to_string(w.rng.below(2)) : w.number();
  if (name == "flags" && fid == rmi::kRttUnprotMap)
    return w.rng.chance(80) ? hex(rmi::map_flags::make_unprot(w.rng.chance(80) ? 6 : w.rng.below(8), w.rng.below(4)))
                            : w.number();
  for (const ArgGen& a : kArgs)
    if (name == a.name) return a.draw(w);
  return w.number();  // an argument no row knows yet: any 64-bit value
}

// One RMI call with every argument drawn.
std::string rmi_call(Walk& w, const abi::Command& c, const std::vector<std::pair<std::string, std::string>>& fixed = {}) {
  std::string s = "{rmi: " + std::string(c.name).substr(4), base;
  for (unsigned i = 0; i < c.args.size(); ++i) {
    const std::string name(c.args[i]);
    std::string v;
    for (const auto& [k, val] : fixed)
      if (k == name) v = val;
    if (v.empty() || w.rng.chance(3)) v = draw_arg(w, c.fid, name);  // a recipe's step, now and then mutated
    if (name == "top" && (c.fid == abi::rmi::kGranuleRangeDelegate || c.fid == abi::rmi::kGranuleRangeUndelegate ||
                          c.fid == abi::rmi::kGranuleTrackingGet) && v == "$pa_top")
      v = w.pa_top(base);
    if (name == "base") base = v;
    s += ", " + name + ": " + v;
  }
  if (c.fid == abi::rmi::kRecEnter) s += ", timeout: " + std::to_string(50 + w.rng.below(200)) + "us";
  return s + ", expect: any}";
}

const abi::Command& command(const Walk& w, uint32_t fid) { return *w.spec->rmi_command(fid); }

// A realm built by hand in the order the spec allows (RECs while it is NEW, then ACTIVATE),
// cut short at a random point: the walk then continues from whatever state it reached.
void realm_recipe(Walk& w) {
  namespace rmi = abi::rmi;
  std::vector<std::string> r;
  auto call = [&](uint32_t fid, std::vector<std::pair<std::string, std::string>> args) {
    r.push_back(rmi_call(w, command(w, fid), args));
  };
  auto delegate = [&](const std::string& g) { call(rmi::kGranuleDelegate, {{"addr", g}}); };
  delegate("g0");
  delegate("g1");
  call(rmi::kRealmCreate, {{"rd", "g0"}, {"params", "{s2sz: 36, vmid: " + std::to_string(1 + w.rng.below(4)) +
                                                        ", rtt_base: g1, rtt_level_start: 1, rtt_num_start: 1}"}});
  delegate("g2");
  call(rmi::kRttCreate, {{"rd", "g0"}, {"rtt", "g2"}, {"ipa", "0"}, {"level", "2"}});
  delegate("g3");
  call(rmi::kRttCreate, {{"rd", "g0"}, {"rtt", "g3"}, {"ipa", "0"}, {"level", "3"}});
  // Sometimes folded back while every entry is alike (the only way the walk folds), then made again.
  if (w.rng.chance(30)) {
    call(rmi::kRttFold, {{"rd", "g0"}, {"ipa", "0"}, {"level", "3"}});
    call(rmi::kRttCreate, {{"rd", "g0"}, {"rtt", "g3"}, {"ipa", "0"}, {"level", "3"}});
  }
  delegate("g4");
  call(rmi::kDataCreate, {{"rd", "g0"}, {"data", "g4"}, {"ipa", "0x1000"}, {"src", "s0"}, {"flags", std::to_string(w.rng.below(2))}});
  call(rmi::kRttInitRipas, {{"rd", "g0"}, {"base", "0x2000"}, {"top", hex(0x2000 + (w.rng.below(8) << 12))}});
  delegate("g5");
  call(rmi::kDataCreateUnknown, {{"rd", "g0"}, {"data", "g5"}, {"ipa", "0x2000"}});
  for (unsigned i = 0; i < 16; ++i) delegate("x" + std::to_string(i));
  delegate("g6");
  std::string aux;
  for (unsigned i = 0; i < 16; ++i) aux += (i ? ", x" : "x") + std::to_string(i);
  // Not RUNNABLE now and then: REC_ENTER must then refuse it (RMI_ERROR_REC).
  call(rmi::kRecCreate, {{"rd", "g0"}, {"rec", "g6"},
                         {"params", "{flags: " + std::string(w.rng.chance(70) ? "1" : "0") +
                                        ", mpidr: 0, pc: 0x1000, num_aux: 16, aux: [" + aux + "]}"}});
  call(rmi::kRealmActivate, {{"rd", "g0"}});  // RECs are made while the realm is NEW
  call(rmi::kRecEnter, {{"rec", "g6"}, {"run", "run0"}});
  const size_t n = 1 + w.rng.below(r.size());
  for (size_t i = 0; i < n; ++i) w.add(r[i]);
}

// The same under RMM 2.0-bet1, in its own region of contiguous granules: range delegation,
// REALM_CREATE, RTTs, RTT_DATA_MAP_INIT, INIT_RIPAS, RTT_DATA_MAP, an unprotected mapping,
// REC_CREATE's stateful operation taken one of several ways (finished, cancelled halfway,
// stopped, continued too early, given a wrong list), ACTIVATE, REC_ENTER, and now and then the
// teardown (TERMINATE, REC_DESTROY's reclaim, unmaps, RTT_DESTROY, REALM_DESTROY, range
// undelegation); cut at a random point.
void realm_recipe_2_0(Walk& w) {
  namespace rmi = abi::rmi;
  using R = Walk;
  std::vector<std::string> r;
  auto call = [&](uint32_t fid, std::vector<std::pair<std::string, std::string>> args) {
    r.push_back(rmi_call(w, command(w, fid), args));
  };
  auto list = [](unsigned first, unsigned n) {
    std::string l;
    for (unsigned i = 0; i < n; ++i) l += (i ? ", " : "") + R::region(first + i);
    return "[" + l + "]";
  };
  const unsigned n = static_cast<unsigned>(1 + w.rng.below(8));  // pages RTT_DATA_MAP maps
  const uint64_t unprot = uint64_t{1} << 35;                     // the unprotected half of a 36-bit IPA space
  call(rmi::kGranuleRangeDelegate, {{"base", R::region(0)}, {"top", R::region(R::kRegionPages)}});
  call(rmi::kRealmCreate, {{"rd", R::region(0)}, {"params", "{s2sz: 36, rtt_base: " + R::region(1) + ", rtt_level_start: 1, rtt_num_start: 1}"}});
  call(rmi::kRttCreate, {{"rd", R::region(0)}, {"rtt", R::region(2)}, {"ipa", "0"}, {"level", "2"}});
  call(rmi::kRttCreate, {{"rd", R::region(0)}, {"rtt", R::region(3)}, {"ipa", "0"}, {"level", "3"}});
  if (w.rng.chance(25)) {
    call(rmi::kRttFold, {{"rd", R::region(0)}, {"ipa", "0"}, {"level", "3"}});
    call(rmi::kRttCreate, {{"rd", R::region(0)}, {"rtt", R::region(3)}, {"ipa", "0"}, {"level", "3"}});
  }
  call(rmi::kRttDataMapInit, {{"rd", R::region(0)}, {"data", R::region(4)}, {"ipa", "0x1000"}, {"src", "s0"}, {"flags", std::to_string(w.rng.below(2))}});
  call(rmi::kRttInitRipas, {{"rd", R::region(0)}, {"base", "0x2000"}, {"top", hex(0x3000 + (n << 12))}});
  call(rmi::kRttDataMap, {{"rd", R::region(0)}, {"base", "0x3000"}, {"top", hex(0x3000 + (n << 12))}, {"flags", "1"},
                          {"oaddr", R::region(5, n << 2)}});
  if (w.rng.chance(40)) {
    call(rmi::kRttCreate, {{"rd", R::region(0)}, {"rtt", R::region(46)}, {"ipa", hex(unprot)}, {"level", "2"}});
    call(rmi::kRttCreate, {{"rd", R::region(0)}, {"rtt", R::region(47)}, {"ipa", hex(unprot)}, {"level", "3"}});
    call(rmi::kRttUnprotMap, {{"rd", R::region(0)}, {"base", hex(unprot)}, {"top", hex(unprot + 0x1000)},
                              {"flags", hex(rmi::map_flags::make_unprot(6, 3))}, {"oaddr", w.oaddr(true)}});
  }
  call(rmi::kRecCreate, {{"rd", R::region(0)}, {"rec", R::region(13)},
                         {"params", "{flags: " + std::string(w.rng.chance(70) ? "1" : "0") + ", mpidr: 0, pc: 0x1000}"}});
  auto donate = [&](unsigned first, unsigned count) {
    call(rmi::kOpMemDonate, {{"handle", "$handle"}, {"list", list(first, count)}, {"count", std::to_string(count)}});
  };
  auto reclaim = [&] { call(rmi::kOpMemReclaim, {{"handle", "$handle"}, {"list", "l0"}, {"capacity", "16"}}); };
  switch (w.rng.below(6)) {
    case 0:  // cancelled halfway: the donated granules come back
      donate(14, 8);
      call(rmi::kOpCancel, {{"handle", "$handle"}});
      reclaim();
      break;
    case 1:  // stopped by OP_CONTINUE
      donate(14, 8);
      call(rmi::kOpContinue, {{"handle", "$handle"}, {"flags", "1"}});
      reclaim();
      break;
    case 2:  // continued before the memory came, then given a wrong list (an RD, twice a granule)
      call(rmi::kOpContinue, {{"handle", "$handle"}, {"flags", "0"}});
      call(rmi::kOpMemDonate, {{"handle", "$handle"}, {"list", "[" + R::region(0) + ", " + R::region(14) + "]"}, {"count", "2"}});
      call(rmi::kOpMemDonate, {{"handle", "$handle"}, {"list", "[" + R::region(14) + ", " + R::region(14) + "]"}, {"count", "2"}});
      [[fallthrough]];
    default:
      donate(14, 8);
      donate(22, 8);
      call(rmi::kOpContinue, {{"handle", "$handle"}, {"flags", "0"}});
      break;
  }
  call(rmi::kRealmActivate, {{"rd", R::region(0)}});  // RECs are made while the realm is NEW
  call(rmi::kRecEnter, {{"rec", R::region(13)}, {"run", "run0"}});
  if (w.rng.chance(50)) {
    call(rmi::kRealmTerminate, {{"rd", R::region(0)}});
    call(rmi::kRecDestroy, {{"rec", R::region(13)}});
    reclaim();
    reclaim();
    call(rmi::kRttDataUnmap, {{"rd", R::region(0)}, {"base", "0x1000"}, {"top", hex(0x3000 + (n << 12))}, {"flags", "1"}, {"oaddr", "0"}});
    call(rmi::kRttDestroy, {{"rd", R::region(0)}, {"ipa", "0"}, {"level", "3"}});
    call(rmi::kRttDestroy, {{"rd", R::region(0)}, {"ipa", "0"}, {"level", "2"}});
    call(rmi::kRealmDestroy, {{"rd", R::region(0)}});
    call(rmi::kGranuleRangeUndelegate, {{"base", R::region(0)}, {"top", R::region(R::kRegionPages)}});
  }
  const size_t cut = 1 + w.rng.below(r.size());
  for (size_t i = 0; i < cut; ++i) w.add(r[i]);
}

std::string vm_name(Walk& w) {
  if (w.realm && w.vm) return w.rng.chance(60) ? "r0" : "v0";
  return w.realm ? "r0" : "v0";
}

// The walk's step kinds and how often each is drawn.
struct Action {
  const char* name;
  unsigned weight;
  bool needs_vm;
  bool self_test;  // drawn only by --self-test
  std::function<void(Walk&)> draw;
};

const std::vector<Action>& actions() {
  static const std::vector<Action> table = {
      {"rmi", 50, false, false,
       [](Walk& w) {
         const auto& all = w.spec->rmi;
         w.add(rmi_call(w, all[static_cast<unsigned>(w.rng.below(all.count))]));
       }},
      {"realm_recipe", 4, false, false, [](Walk& w) { w.v2 ? realm_recipe_2_0(w) : realm_recipe(w); }},
      {"create", 6, true, false, [](Walk& w) { w.add("create: " + vm_name(w)); }},
      {"teardown", 2, true, false, [](Walk& w) { w.add("teardown: " + vm_name(w)); }},
      {"run", 10, true, false,
       [](Walk& w) {
         w.add("run: {vm: " + vm_name(w) + ", for: " + std::to_string(20 + w.rng.below(w.rng.chance(20) ? 3000 : 400)) +
               "us, allow_timeout: true}");
       }},
      {"host_access", 6, true, false,
       [](Walk& w) {
         const std::string vm = vm_name(w);
         uint64_t ipa = 0x80000000 + (w.rng.below(640) << 12) + (w.rng.chance(20) ? w.rng.below(4096) : 0);
         if (vm == "r0" && w.rng.chance(30)) ipa |= uint64_t{1} << (w.realm_ipa_bits - 1);
         const bool write = w.rng.chance(40);
         w.add(std::string(write ? "host_write" : "host_read") + ": {vm: " + vm + ", ipa: " + hex(ipa) + ", size: " +
               std::to_string(1 + w.rng.below(4096 - (ipa & 0xfff))) + (write ? ", value: " + std::to_string(w.rng.below(256)) : "") + "}");
       }},
      {"dma", 4, true, false,
       [](Walk& w) {
         const std::string vm = vm_name(w);
         w.add("dma: {vm: " + vm + ", ipa: " + hex(0x80000000 + (w.rng.below(640) << 12)) + ", direction: " +
               (w.rng.chance(50) ? "to_guest" : "from_guest") + "}");
       }},
      {"smmu", 3, true, false,
       [](Walk& w) {
         // The host points the DMA engine's stream (or another) anywhere, and may not invalidate.
         std::string kind = w.rng.pick<const char*>({"bypass", "stage2", "stage2", "abort", "invalid", "reserved"});
         std::string s = "smmu: {ste: " + kind;
         if (kind == "stage2") {
           if (w.vm && w.rng.chance(60)) s += ", vm: v0";
           else if (w.realm && w.rng.chance(50)) s += ", ttb: r0.rtt";
           else s += ", ttb: " + w.granule();
         }
         if (w.rng.chance(10)) s += ", sid: " + std::to_string(w.rng.below(256));
         if (w.rng.chance(35)) s += std::string(", invalidate: ") + w.rng.pick<const char*>({"none", "all"});
         w.add(s + "}");
       }},
      {"dma_pa", 3, true, false,
       [](Walk& w) {
         // The device through its STE as it is: a realm's page by PA, any granule, any address.
         std::string pa;
         const uint64_t k = w.rng.below(100);
         if (k < 30 && w.realm) pa = "r0.data@" + hex(0x80000000 + (w.rng.below(512) << 12));
         else if (k < 45 && w.vm) pa = hex(0x80000000 + (w.rng.below(1024) << 12));  // an IPA of v0's stage 2
         else pa = w.granule();
         w.add("dma: {pa: " + pa + ", size: " + std::to_string(w.rng.chance(70) ? 4096 : 1 + w.rng.below(4096)) +
               ", direction: " + (w.rng.chance(50) ? "to_guest" : "from_guest") + ", expect: any}");
       }},
      {"pe_access", 5, false, false,
       [](Walk& w) {
         // The host's accesses: writes in the Non-secure PAS only (a Realm-PAS write is the
         // RMM's power, not the host's); reads in any PAS, which the GPC must refuse.
         const bool write = w.rng.chance(30);
         const char* pas = write || w.rng.chance(80) ? "non_secure" : w.rng.pick<const char*>({"realm", "secure", "root"});
         w.add(std::string(write ? "write" : "read") + ": {pa: dram+" + hex(w.rng.below(kDram) & ~7ull) +
               ", pas: " + pas + ", size: 8}");
       }},
      {"pause", 1, false, false, [](Walk& w) { w.add("pause: " + std::to_string(1 + w.rng.below(100)) + "us"); }},
      {"gtsi_behind_rmm", 2, false, true,
       [](Walk& w) { w.add("delegate: {base: dram+" + hex(kDram / 2 + (w.rng.below(kDram / 2) & ~0xfffull)) + "}"); }},
  };
  return table;
}

}  // namespace

std::string Sequence::text(const std::vector<bool>& keep) const {
  std::string t = header;
  for (size_t i = 0; i < steps.size(); ++i)
    if (keep.empty() || keep[i]) t += "  - " + steps[i] + "\n";
  return t;
}

std::string Sequence::name() const { return "fuzz-" + hex(seed) + ".yaml"; }

Sequence generate(uint64_t seed, unsigned max_steps, bool self_test) {
  Walk w(seed);
  Sequence s;
  s.seed = seed;
  w.realm = w.rng.chance(70);
  w.vm = w.rng.chance(40);
  w.realm_vcpus = static_cast<unsigned>(1 + w.rng.below(2));
  // Half the sequences run RMM 2.0-bet1 (the v14 host's flow), now and then with level-1 GPT
  // tables made on demand.
  w.v2 = w.rng.chance(50);
  if (w.v2) w.spec = &abi::v2_0::kSpec;
  const bool l1_on_demand = w.v2 && w.rng.chance(30);
  std::ostringstream h;
  h << "# rmesim fuzz sequence " << hex(seed) << ": replay with `rmesim fuzz --replay FILE`\n"
    << "name: fuzz\nseed: " << (seed & 0xffffffff) << "\nplatform: {cores: 4, dram: " << (kDram >> 20) << "MiB"
    << (l1_on_demand ? ", gpt: {l1_tables: on_demand}" : "") << "}\n";
  if (w.v2) h << "rmm: {version: " << w.spec->version << "}\n";
  auto guest = [&](const char* kind, const char* name, unsigned vcpus) {
    h << kind << ":\n  " << name << ": {memory: 4MiB, vcpus: " << vcpus << ", image: fuzz-guest, args: [" << (w.rng.next() >> 1)
      << ", " << 4 + w.rng.below(60) << ", 2]}\n";
  };
  if (w.realm) guest("realms", "r0", w.realm_vcpus);
  if (w.vm) guest("vms", "v0", 1);
  h << "steps:\n";
  s.header = h.str();
  unsigned total = 0;
  auto drawn = [&](const Action& a) { return (!a.needs_vm || w.realm || w.vm) && (!a.self_test || self_test); };
  for (const Action& a : actions())
    if (drawn(a)) total += a.weight;
  const unsigned n = 1 + static_cast<unsigned>(w.rng.below(max_steps));
  while (w.steps.size() < n) {
    uint64_t k = w.rng.below(total);
    for (const Action& a : actions()) {
      if (!drawn(a)) continue;
      if (k < a.weight) { a.draw(w); break; }
      k -= a.weight;
    }
  }
  w.steps.resize(n);
  s.steps = std::move(w.steps);
  return s;
}

std::vector<std::string> action_names() {
  std::vector<std::string> n;
  for (const Action& a : actions()) n.push_back(a.name);
  return n;
}

}  // namespace rmesim::fuzz
