// Physical address spaces (Arm ARM, RME: "PAS") and the security states that own them.
#pragma once
#include <cstdint>

namespace gpt {

// Encoded so that (gpi & 3) == pas for the four single-PAS GPIs 0b10xx (see gpi.h); this is
// the order QEMU's ARMSecuritySpace uses (Secure 0, NonSecure 1, Root 2, Realm 3). It is NOT
// the {NSE, NS} bit pair of MFAR_EL3 / DC CIPAPA operands (Root is {1,0}, Realm {1,1}).
enum class Pas : uint8_t { Secure = 0, NonSecure = 1, Root = 2, Realm = 3 };

constexpr unsigned kNumPas = 4;

const char* to_string(Pas pas);

}  // namespace gpt
