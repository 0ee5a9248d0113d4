#include "core/cbor.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace rmm {
namespace {

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "rmm attestation: failure in %s\n", what);
  std::abort();
}

}  // namespace

CborItem owned(cbor_item_t* item) {
  if (item == nullptr) fatal("libcbor allocation");
  return CborItem(item);
}

// libcbor serialises an integer with the width of the item it was built as, so pick the
// smallest width that holds the value.
CborItem cbor_uint(uint64_t v) {
  if (v <= 0xff) return owned(cbor_build_uint8(static_cast<uint8_t>(v)));
  if (v <= 0xffff) return owned(cbor_build_uint16(static_cast<uint16_t>(v)));
  if (v <= 0xffffffffu) return owned(cbor_build_uint32(static_cast<uint32_t>(v)));
  return owned(cbor_build_uint64(v));
}

CborItem cbor_int(int64_t v) {
  if (v >= 0) return cbor_uint(static_cast<uint64_t>(v));
  const uint64_t m = static_cast<uint64_t>(-(v + 1));  // CBOR negative n encodes -1 - n
  if (m <= 0xff) return owned(cbor_build_negint8(static_cast<uint8_t>(m)));
  if (m <= 0xffff) return owned(cbor_build_negint16(static_cast<uint16_t>(m)));
  if (m <= 0xffffffffu) return owned(cbor_build_negint32(static_cast<uint32_t>(m)));
  return owned(cbor_build_negint64(m));
}

CborItem cbor_bytes(const uint8_t* data, size_t len) {
  // libcbor copies; a zero-length bstr still needs a non-null pointer.
  static const uint8_t kEmpty = 0;
  return owned(cbor_build_bytestring(len != 0 ? data : &kEmpty, len));
}
CborItem cbor_bytes(const Bytes& b) { return cbor_bytes(b.data(), b.size()); }

CborItem cbor_text(std::string_view s) { return owned(cbor_build_stringn(s.data(), s.size())); }

CborItem cbor_tagged(uint64_t tag, CborItem inner) {
  return owned(cbor_build_tag(tag, inner.get()));
}

Bytes serialize(const cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  size_t capacity = 0;
  const size_t length = cbor_serialize_alloc(item, &buffer, &capacity);
  if (length == 0 || buffer == nullptr) fatal("cbor_serialize_alloc");
  Bytes out(buffer, buffer + length);
  std::free(buffer);
  return out;
}

CborItem CborArray::build() {
  CborItem array = owned(cbor_new_definite_array(items_.size()));
  for (auto& v : items_)
    if (!cbor_array_push(array.get(), v.get())) fatal("cbor_array_push");
  return array;
}

CborItem CborIntMap::build() {
  auto order = [](int64_t k) { return std::make_pair(k < 0, k < 0 ? -(k + 1) : k); };
  std::stable_sort(entries_.begin(), entries_.end(), [&](const auto& a, const auto& b) {
    return order(a.first) < order(b.first);
  });
  CborItem map = owned(cbor_new_definite_map(entries_.size()));
  for (auto& [key, value] : entries_) {
    CborItem k = cbor_int(key);
    if (!cbor_map_add(map.get(), cbor_pair{k.get(), value.get()})) fatal("cbor_map_add");
  }
  return map;
}

}  // namespace rmm
