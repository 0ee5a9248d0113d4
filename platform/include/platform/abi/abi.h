// The RMM ABI as data. One Spec per RMM specification version (rmm_abi_1_0.h, ...) holds every
// RMI and RSI command (name, FID, argument and result registers) and every structure passed by
// address (each field's offset, size and meaning). The RMM's dispatch, the host's RMI client,
// the scenario steps, the tests and `rmesim abi` all read commands and layouts from there.
//
// Everything here is constexpr: a structure's field is looked up by name at compile time
// (`constexpr Field kS2sz = kRealmParams.field("s2sz");`), so the hot path reads a field with a
// constant offset and size, never a string.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace platform::abi {

// A constexpr view of a static array.
template <class T>
struct Table {
  const T* data = nullptr;
  unsigned count = 0;
  constexpr Table() = default;
  template <size_t N>
  constexpr Table(const T (&a)[N]) : data(a), count(N) {}
  constexpr const T* begin() const { return data; }
  constexpr const T* end() const { return data + count; }
  constexpr const T& operator[](unsigned i) const { return data[i]; }
};

// Register names in X1.. order, space-separated ("rd data ipa src flags"): reads like the spec's
// tables, and counts and indexes at compile time.
class RegNames {
 public:
  constexpr RegNames(const char* list = "") : list_(list) {}
  constexpr unsigned size() const {
    unsigned n = 0;
    for (unsigned i = 0; list_[i]; ++i)
      if (list_[i] != ' ' && (i == 0 || list_[i - 1] == ' ')) ++n;
    return n;
  }
  constexpr std::string_view operator[](unsigned k) const {
    unsigned i = 0;
    for (;; --k) {
      while (list_[i] == ' ') ++i;
      unsigned j = i;
      while (list_[j] && list_[j] != ' ') ++j;
      if (k == 0) return std::string_view(list_ + i, j - i);
      i = j;
    }
  }
  // X<n> of a name (1-based, as the register), or 0 when the command has no such register.
  constexpr unsigned reg_of(std::string_view name) const {
    for (unsigned k = 0; k < size(); ++k)
      if ((*this)[k] == name) return k + 1;
    return 0;
  }

 private:
  const char* list_;
};

struct Command {
  const char* name;  // the spec's name: "RMI_DATA_CREATE"
  uint32_t fid;
  RegNames args;     // X1..
  RegNames results;  // X1..; X0 is always the status
  const char* meaning;
};

// A status code a command returns in X0[7:0] (RmiStatusCode).
struct StatusCode {
  const char* name;  // "RMI_ERROR_INPUT"
  uint8_t value;
  const char* meaning;
};

struct Struct;

struct Field {
  const char* name;    // the spec's field name: "s2sz"
  uint32_t offset;     // bytes from the start of the structure
  uint16_t size;       // bytes of one element (1, 2, 4 or 8; a nested structure: its size)
  uint16_t count;      // elements: 1 for a scalar, 64 for rpv[64], 8 for gprs[8]
  bool is_signed;      // a two's complement value (rtt_level_start)
  const char* meaning;
  const Struct* type = nullptr;  // a nested structure (RmiRecRun's enter and exit halves)
  constexpr uint32_t end() const { return offset + uint32_t{size} * count; }
};

// Field constructors that read like the spec: u64("flags", 0x000, "...").
constexpr Field u8(const char* n, uint32_t off, const char* m) { return {n, off, 1, 1, false, m}; }
constexpr Field u16(const char* n, uint32_t off, const char* m) { return {n, off, 2, 1, false, m}; }
constexpr Field u32(const char* n, uint32_t off, const char* m) { return {n, off, 4, 1, false, m}; }
constexpr Field u64(const char* n, uint32_t off, const char* m) { return {n, off, 8, 1, false, m}; }
constexpr Field s64(const char* n, uint32_t off, const char* m) { return {n, off, 8, 1, true, m}; }
constexpr Field bytes(const char* n, uint32_t off, uint16_t count, const char* m) { return {n, off, 1, count, false, m}; }
constexpr Field u64s(const char* n, uint32_t off, uint16_t count, const char* m) { return {n, off, 8, count, false, m}; }

struct Struct {
  const char* name;    // the spec's name: "RmiRealmParams"
  const char* c_name;  // the C tag `rmesim abi --header` gives it: "rmi_realm_params"
  uint32_t size;
  Table<Field> fields;
  const char* meaning;

  // Index-based: a constant expression may not compare a global's address with null when
  // null-pointer checks are kept (GCC's -fsanitize=null implies -fno-delete-null-pointer-checks).
  constexpr unsigned index_of(std::string_view n) const {
    unsigned i = 0;
    while (i < fields.count && n != fields[i].name) ++i;
    return i;  // fields.count: no such field
  }
  constexpr const Field* find(std::string_view n) const {
    const unsigned i = index_of(n);
    return i < fields.count ? &fields[i] : nullptr;
  }
  // A field by name; a wrong name fails to compile where it is used in a constant expression.
  constexpr const Field& field(std::string_view n) const {
    const unsigned i = index_of(n);
    return i < fields.count ? fields[i] : throw std::logic_error("abi: no such field");
  }
  constexpr Field nested(std::string_view outer, std::string_view inner) const {
    const Field& o = field(outer);
    Field f = o.type->field(inner);
    f.offset += o.offset;
    return f;
  }
};

struct Spec {
  const char* version;  // "1.0": what `rmesim abi --spec` takes
  const char* title;    // "RMM specification DEN0137 1.0-rel0"
  Table<Command> rmi;
  Table<Command> rsi;
  Table<const Struct*> structs;
  Table<StatusCode> statuses;  // RMI status codes, ascending
  uint64_t rmi_version;        // what RMI_VERSION reports: (major << 16) | minor

  constexpr const StatusCode* status(unsigned value) const {
    for (const StatusCode& s : statuses)
      if (s.value == value) return &s;
    return nullptr;
  }
  constexpr const Command* rmi_command(uint32_t fid) const {
    for (const Command& c : rmi)
      if (c.fid == fid) return &c;
    return nullptr;
  }
  constexpr const Command* rsi_command(uint32_t fid) const {
    for (const Command& c : rsi)
      if (c.fid == fid) return &c;
    return nullptr;
  }
  constexpr const Struct* structure(std::string_view name) const {
    for (const Struct* s : structs)
      if (name == s->name) return s;
    return nullptr;
  }
};

// --- The codec: a field's element i, little-endian, through its declared offset and size. ---
inline uint64_t get(const uint8_t* base, const Field& f, unsigned i = 0) {
  uint64_t v = 0;
  std::memcpy(&v, base + f.offset + size_t{f.size} * i, f.size);  // little-endian host
  if (f.is_signed && f.size < 8 && (v >> (8 * f.size - 1)) & 1) v |= ~uint64_t{0} << (8 * f.size);
  return v;
}
inline void put(uint8_t* base, const Field& f, uint64_t v, unsigned i = 0) {
  std::memcpy(base + f.offset + size_t{f.size} * i, &v, f.size);
}
// By field name, for code off the hot path (a host filling RmiRealmParams once per realm).
inline void put(uint8_t* base, const Struct& s, std::string_view field, uint64_t v, unsigned i = 0) {
  put(base, s.field(field), v, i);
}
inline uint64_t get(const uint8_t* base, const Struct& s, std::string_view field, unsigned i = 0) {
  return get(base, s.field(field), i);
}
// Whether v (a two's complement value for a signed field) fits one element of f.
constexpr bool fits(const Field& f, uint64_t v) {
  if (f.size >= 8) return true;
  const unsigned bits = 8u * f.size;
  if (!f.is_signed) return (v >> bits) == 0;
  const int64_t s = static_cast<int64_t>(v);
  return s >= -(int64_t{1} << (bits - 1)) && s < (int64_t{1} << (bits - 1));
}

// Checks a declaration once at compile time: FIDs unique and in their range, register counts
// within SMCCC's X1..X17, fields in order, inside the structure and not overlapping.
constexpr bool commands_valid(Table<Command> t, uint32_t first, uint32_t last) {
  for (unsigned i = 0; i < t.count; ++i) {
    if (t[i].fid < first || t[i].fid > last || t[i].args.size() > 17 || t[i].results.size() > 17) return false;
    for (unsigned j = i + 1; j < t.count; ++j)
      if (t[i].fid == t[j].fid) return false;
  }
  return true;
}
constexpr bool struct_valid(const Struct& s) {
  uint32_t end = 0;
  for (const Field& f : s.fields) {
    if (f.offset < end || f.end() > s.size || f.count == 0) return false;
    // A scalar is 1, 2, 4 or 8 bytes; any other size is a nested structure's, which must match
    // it (a null `type` there does not compile).
    if (f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8 && f.type->size != f.size) return false;
    end = f.end();
  }
  return true;
}

}  // namespace platform::abi
