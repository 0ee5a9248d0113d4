// Security states ("worlds") of an RME system and the PAS each uses by default.
#pragma once
#include <cstdint>

#include "gpt/pas.h"

namespace platform {

enum class World : uint8_t { Secure, NonSecure, Realm, Root };

constexpr gpt::Pas default_pas(World w) {
  switch (w) {
    case World::Secure: return gpt::Pas::Secure;
    case World::NonSecure: return gpt::Pas::NonSecure;
    case World::Realm: return gpt::Pas::Realm;
    case World::Root: return gpt::Pas::Root;
  }
  return gpt::Pas::NonSecure;
}

// The world whose own PAS `pas` is (the inverse of default_pas).
constexpr World world_of(gpt::Pas pas) {
  switch (pas) {
    case gpt::Pas::Secure: return World::Secure;
    case gpt::Pas::NonSecure: return World::NonSecure;
    case gpt::Pas::Realm: return World::Realm;
    case gpt::Pas::Root: return World::Root;
  }
  return World::NonSecure;
}

// Which PAS a security state may name in an access (Arm ARM, RME: Root reaches all four,
// Realm reaches Realm and Non-secure, Secure reaches Secure and Non-secure).
constexpr bool world_may_access(World w, gpt::Pas pas) {
  switch (w) {
    case World::Root: return true;
    case World::Realm: return pas == gpt::Pas::Realm || pas == gpt::Pas::NonSecure;
    case World::Secure: return pas == gpt::Pas::Secure || pas == gpt::Pas::NonSecure;
    case World::NonSecure: return pas == gpt::Pas::NonSecure;
  }
  return false;
}

const char* to_string(World w);

}  // namespace platform
