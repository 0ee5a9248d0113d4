#include "gpt/gpi.h"

#include <cctype>
#include <string>

#include "gpt/pas.h"

namespace gpt {

const char* to_string(Pas pas) {
  switch (pas) {
    case Pas::Secure: return "Secure";
    case Pas::NonSecure: return "NonSecure";
    case Pas::Root: return "Root";
    case Pas::Realm: return "Realm";
  }
  return "?";
}

// Names as TF-A spells the GPIs (GPT_GPI_*).
const char* to_string(Gpi gpi) {
  switch (gpi) {
    case Gpi::NoAccess: return "NO_ACCESS";
    case Gpi::Secure: return "SECURE";
    case Gpi::NonSecure: return "NS";
    case Gpi::Root: return "ROOT";
    case Gpi::Realm: return "REALM";
    case Gpi::Any: return "ANY";
  }
  return "RESERVED";
}

std::optional<Gpi> gpi_from_string(std::string_view name) {
  // Case and '_' / '-' / ' ' are not significant: "non_secure", "NonSecure", "NS" all match.
  std::string key;
  for (char c : name) {
    if (c == '_' || c == '-' || c == ' ') continue;
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (key == "noaccess" || key == "none") return Gpi::NoAccess;
  if (key == "secure" || key == "s") return Gpi::Secure;
  if (key == "nonsecure" || key == "ns") return Gpi::NonSecure;
  if (key == "root") return Gpi::Root;
  if (key == "realm") return Gpi::Realm;
  if (key == "any" || key == "all") return Gpi::Any;
  return std::nullopt;
}

}  // namespace gpt
