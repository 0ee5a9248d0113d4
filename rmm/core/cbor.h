// CBOR encoding with libcbor for the attestation token (RFC 8949): owning handles, integers in
// their shortest form and maps with integer keys in core deterministic order (4.2.1), so the
// same inputs always give the same bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <cbor.h>

namespace rmm {

using Bytes = std::vector<uint8_t>;

// libcbor with ownership: every builder returns an owning handle; containers take their own
// reference (libcbor's incref convention) and the handle drops ours.
struct CborDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborItem = std::unique_ptr<cbor_item_t, CborDeleter>;

// Takes the reference of a freshly built item (aborts when libcbor could not allocate it).
CborItem owned(cbor_item_t* item);
// Integers in the smallest width that holds the value (RFC 8949 4.2.1: shortest form).
CborItem cbor_uint(uint64_t v);
CborItem cbor_int(int64_t v);
CborItem cbor_bytes(const uint8_t* data, size_t len);
CborItem cbor_bytes(const Bytes& b);
CborItem cbor_text(std::string_view s);
CborItem cbor_tagged(uint64_t tag, CborItem inner);
Bytes serialize(const cbor_item_t* item);

class CborArray {
 public:
  CborArray& add(CborItem value) {
    items_.push_back(std::move(value));
    return *this;
  }
  CborItem build();

 private:
  std::vector<CborItem> items_;
};

// A map with integer keys, emitted in the bytewise order of the keys' encodings (unsigned
// before negative, then by magnitude), i.e. RFC 8949 core deterministic order.
class CborIntMap {
 public:
  CborIntMap& add(int64_t key, CborItem value) {
    entries_.emplace_back(key, std::move(value));
    return *this;
  }
  CborItem build();

 private:
  std::vector<std::pair<int64_t, CborItem>> entries_;
};

}  // namespace rmm
