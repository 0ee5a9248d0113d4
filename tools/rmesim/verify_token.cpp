#include "verify_token.h"

#include <fstream>

#include "rmm/attestation_verify.h"
#include "sim/config_error.h"

namespace rmesim {
namespace {

constexpr const char* kMarker = "token data ";

std::string hex(const rmm::Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) { s += d[c >> 4]; s += d[c & 15]; }
  return s;
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The bytes of every "token data HEX" line, in order.
rmm::Bytes read_token(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw platform::ConfigError(file, 0, 0, "", "cannot be read");
  rmm::Bytes token;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const size_t at = line.find(kMarker);
    if (at == std::string::npos) continue;
    std::string digits = line.substr(at + std::string(kMarker).size());
    while (!digits.empty() && (digits.back() == '\r' || digits.back() == ' ')) digits.pop_back();
    if (digits.size() % 2) throw platform::ConfigError(file, line_no, 0, "", "an odd number of hex digits");
    for (size_t i = 0; i < digits.size(); i += 2) {
      const int hi = nibble(digits[i]), lo = nibble(digits[i + 1]);
      if (hi < 0 || lo < 0) throw platform::ConfigError(file, line_no, 0, "", "'" + digits + "' is not hex");
      token.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
  }
  if (token.empty())
    throw platform::ConfigError(file, 0, 0, "", "holds no \"token data\" lines (run realm-hello with args [N, 1])");
  return token;
}

}  // namespace

bool verify_token_file(const std::string& console_file, uint64_t seed, std::ostream& out) {
  const rmm::Bytes token = read_token(console_file);
  // The verifier's trust anchor: the public CPAK of the platform this seed simulates.
  const rmm::Bytes cpak = rmm::platform_cpak_point(seed);
  out << "token: " << token.size() << " bytes; CPAK of the platform of seed " << seed << "\n";
  try {
    const rmm::VerifiedToken v = rmm::verify_cca_token(token, cpak);
    out << "platform token: signature ok (CPAK, ES384); profile " << v.platform_profile << ", lifecycle 0x"
        << std::hex << v.lifecycle << std::dec << ", instance id " << hex(v.instance_id) << "\n"
        << "realm token: signature ok (RAK, ES384); bound to the platform token (challenge = SHA-256 of the RAK)\n"
        << "  profile " << v.realm_profile << "\n"
        << "  hash algorithm " << v.hash_algo_id << "\n"
        << "  RIM " << hex(v.rim) << "\n"
        << "  RPV " << hex(v.personalization_value) << "\n"
        << "  challenge " << hex(v.challenge) << "\n";
    for (size_t i = 0; i < v.rems.size(); ++i) out << "  REM" << i << " " << hex(v.rems[i]) << "\n";
    out << "verified\n";
    return true;
  } catch (const rmm::TokenError& e) {
    out << "REJECTED: " << e.what() << "\n";
    return false;
  }
}

}  // namespace rmesim
