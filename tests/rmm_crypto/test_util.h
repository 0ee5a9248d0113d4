// Helpers shared by the rmm_crypto tests. They use OpenSSL directly, never the code under test,
// so that expected values are computed independently.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

namespace rmm_test {

using Bytes = std::vector<uint8_t>;

inline Bytes from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad hex");
  };
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return out;
}

inline std::string to_hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}
inline std::string to_hex(const Bytes& b) { return to_hex(b.data(), b.size()); }

// EVP one-shot digest by OpenSSL name ("SHA256", "SHA384", "SHA512").
inline Bytes digest(const char* name, const void* data, size_t len) {
  const EVP_MD* md = EVP_get_digestbyname(name);
  if (md == nullptr) throw std::runtime_error("unknown digest");
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  if (EVP_Digest(data, len, out.data(), &n, md, nullptr) != 1) throw std::runtime_error("digest");
  out.resize(n);
  return out;
}
inline Bytes digest(const char* name, const Bytes& b) { return digest(name, b.data(), b.size()); }

inline void put_le64(uint8_t* base, size_t offset, uint64_t v) {
  for (int i = 0; i < 8; ++i) base[offset + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace rmm_test
