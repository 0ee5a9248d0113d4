// Names of the platform's enumerations, for logs and outputs.
#include "platform/world.h"

namespace platform {

const char* to_string(World w) {
  switch (w) {
    case World::Secure: return "secure";
    case World::NonSecure: return "non_secure";
    case World::Realm: return "realm";
    case World::Root: return "root";
  }
  return "?";
}

}  // namespace platform
