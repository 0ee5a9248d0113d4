// Granule Protection Information: the 4-bit value the GPT holds for every granule.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "gpt/pas.h"

namespace gpt {

// Encodings of base FEAT_RME. The GDI (SA 0x4, NSP 0x5) and GPC2 (NSO 0xD) values need
// GPCCR_EL3 enables we do not model, so here they are reserved and make the walk fault.
// A Gpi read from a descriptor may hold a reserved value: check gpi_is_valid().
enum class Gpi : uint8_t {
  NoAccess = 0x0,
  Secure = 0x8,
  NonSecure = 0x9,
  Root = 0xA,
  Realm = 0xB,
  Any = 0xF,
};

// True for the encodings base FEAT_RME defines (0x0, 0x8-0xB, 0xF); every other value makes
// the walk fault (GPCF_Walk at the level of the descriptor that holds it).
constexpr bool gpi_is_valid(uint8_t raw) { return raw < 16 && ((0x8F01u >> raw) & 1u) != 0; }

// Whether an access in `pas` to a granule with `gpi` passes the check: ANY admits every
// PAS, NO_ACCESS none, 0b10xx only the PAS xx (see pas.h for why this lines up), and a
// reserved value none (the walk faults before this matters). Bit 4*gpi + pas of one mask,
// so the hot path has no branch on a value that varies granule by granule.
inline constexpr uint64_t kGpiPermitMask = uint64_t{0xF} << (4 * 0xF)  // ANY: all four
                                         | uint64_t{1} << (4 * 0x8 + 0)  // SECURE
                                         | uint64_t{1} << (4 * 0x9 + 1)  // NS
                                         | uint64_t{1} << (4 * 0xA + 2)  // ROOT
                                         | uint64_t{1} << (4 * 0xB + 3);  // REALM
constexpr bool gpi_permits(Gpi gpi, Pas pas) {
  return (kGpiPermitMask >> ((4 * static_cast<unsigned>(gpi) + static_cast<unsigned>(pas)) & 63)) & 1;
}

const char* to_string(Gpi gpi);                             // "REALM"; "RESERVED" if reserved
std::optional<Gpi> gpi_from_string(std::string_view name);  // "REALM", "non_secure", "ns", ...

}  // namespace gpt
