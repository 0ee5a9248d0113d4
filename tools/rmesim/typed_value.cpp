#include "typed_value.h"

#include <cerrno>
#include <cstdlib>

#include "platform/abi/specs.h"
#include "rmesim/scenario.h"

namespace rmesim {
namespace {

namespace abi = platform::abi;
using AbiField = abi::Field;  // rmesim::Field is a scenario key
using abi::Struct;
using yaml::fail;

constexpr size_t kMaxBytes = 1 << 20;  // a write step's limit

std::string struct_names() {
  std::string s;
  for (const Struct* st : platform::abi::kImplemented.structs) s += (s.empty() ? "" : ", ") + std::string(st->name);
  return s;
}

void put_number(std::vector<uint8_t>& out, uint64_t v, unsigned size) {
  for (unsigned i = 0; i < size; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void check_size(const std::string& f, const YAML::Node& n, const std::string& key, size_t bytes) {
  if (bytes == 0 || bytes > kMaxBytes) fail(f, n, key, "a value of 1 byte to 1 MiB");
}

// Fills `field` (element by element for an array) in `base`; a nested structure takes a map.
void put_field(const std::string& f, const YAML::Node& n, const std::string& key, const AbiField& field, uint8_t* base);

void put_struct(const std::string& f, const YAML::Node& n, const std::string& key, const Struct& s, uint8_t* base) {
  if (!n.IsMap()) fail(f, n, key, std::string("a map of ") + s.name + " fields");
  for (const auto& kv : n) {
    const std::string name = kv.first.Scalar();
    const AbiField* field = s.find(name);
    if (!field) {
      std::string known;
      for (const AbiField& x : s.fields) known += (known.empty() ? "" : ", ") + std::string(x.name);
      fail(f, kv.first, key + "." + name, "no field " + name + " in " + s.name + " (fields: " + known + ")");
    }
    put_field(f, kv.second, key + "." + name, *field, base);
  }
}

void put_field(const std::string& f, const YAML::Node& n, const std::string& key, const AbiField& field, uint8_t* base) {
  if (field.type) return put_struct(f, n, key, *field.type, base + field.offset);
  if (field.count == 1) return platform::abi::put(base, field, field_number(f, n, key, field));
  if (!n.IsSequence())
    fail(f, n, key, std::string(field.name) + " is an array of " + std::to_string(field.count) + ": a list");
  if (n.size() > field.count)
    fail(f, n, key, std::to_string(n.size()) + " elements, " + field.name + " has " + std::to_string(field.count));
  for (size_t i = 0; i < n.size(); ++i)
    platform::abi::put(base, field, field_number(f, n[i], key + "[" + std::to_string(i) + "]", field),
                       static_cast<unsigned>(i));
}

}  // namespace

const Struct* abi_struct(const std::string& name) {
  for (const Struct* s : platform::abi::kImplemented.structs) {
    const std::string full = s->name;
    if (name == full || name == full.substr(3)) return s;  // "RmiRealmParams" or "RealmParams"
  }
  return nullptr;
}

uint64_t field_number(const std::string& f, const YAML::Node& n, const std::string& key, const AbiField& field) {
  const std::string s = yaml::str(f, n, key);
  if (!s.empty() && s[0] == '-') {
    if (!field.is_signed) fail(f, n, key, std::string(field.name) + " is unsigned");
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 0);
    if (s.size() < 2 || errno || *end) fail(f, n, key, "'" + s + "' is not an integer");
    return static_cast<uint64_t>(v);
  }
  const uint64_t v = yaml::u64(f, n, key);
  if (!platform::abi::fits(field, v))
    fail(f, n, key, std::to_string(v) + " does not fit " + field.name + " (" + std::to_string(field.size) + " B)");
  return v;
}

std::vector<uint8_t> parse_typed_value(const std::string& f, const YAML::Node& n, const std::string& key) {
  std::vector<uint8_t> out;
  if (n.IsSequence()) {
    static constexpr AbiField kByte = platform::abi::u8("byte", 0, "");
    check_size(f, n, key, n.size());
    for (size_t i = 0; i < n.size(); ++i) out.push_back(static_cast<uint8_t>(field_number(f, n[i], key + "[" + std::to_string(i) + "]", kByte)));
    return out;
  }
  if (!n.IsMap() || n.size() != 1)
    fail(f, n, key, "a fill byte, a byte list, {u8|u16|u32|u64: N or [N...]} or {STRUCT: {field: value}} (" +
                        struct_names() + ")");
  const auto kv = *n.begin();
  const std::string type = kv.first.Scalar();
  const std::string k = key + "." + type;
  for (const AbiField& w : {platform::abi::u8("u8", 0, ""), platform::abi::u16("u16", 0, ""),
                         platform::abi::u32("u32", 0, ""), platform::abi::u64("u64", 0, "")}) {
    if (type != w.name) continue;
    if (!kv.second.IsSequence()) {
      put_number(out, field_number(f, kv.second, k, w), w.size);
      return out;
    }
    check_size(f, kv.second, k, kv.second.size() * w.size);
    for (size_t i = 0; i < kv.second.size(); ++i)
      put_number(out, field_number(f, kv.second[i], k + "[" + std::to_string(i) + "]", w), w.size);
    return out;
  }
  const Struct* s = abi_struct(type);
  if (!s)
    fail(f, kv.first, k, "unknown type '" + type + "' (u8, u16, u32, u64, or a structure: " + struct_names() + ")");
  out.assign(s->size, 0);
  put_struct(f, kv.second, k, *s, out.data());
  return out;
}

std::string typed_value_help() {
  return "\nTyped values (write and host_write `value`):\n"
         "  N                                 the old form: a fill byte, size times (default size 8)\n"
         "  [0x12, 0x34, ...]                 these bytes\n"
         "  {u8|u16|u32|u64: N | [N, ...]}    little-endian integers\n"
         "  {STRUCT: {FIELD: N, ...}}         a structure by field names, unset fields zero, an array\n"
         "                                    field a list, a nested one a map (`rmesim abi --markdown`\n"
         "                                    lists the fields); STRUCT, Rmi/Rsi prefix optional, one of:\n"
         "                                    " + struct_names() + "\n";
}

}  // namespace rmesim
