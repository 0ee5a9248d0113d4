// `rmesim verify-token CONSOLE [--seed N]`: checks, outside the realm, an attestation token a
// realm fetched and printed (realm-hello's "token data HEX" lines, args [N, 1]). The verifier
// is the token tests' (rmm/attestation_verify.h); its trust anchor is the CPAK of the
// simulated platform, which the scenario's seed determines.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

namespace rmesim {

// Prints the token's claims and returns true when both signatures and the binding hold;
// prints why and returns false when not. Throws platform::ConfigError when the file cannot be
// read or holds no token lines.
bool verify_token_file(const std::string& console_file, uint64_t seed, std::ostream& out);

}  // namespace rmesim
