// Every RMM ABI version the simulator declares (one table file each), and lookups by name for
// the places that take names from people: the scenario loader and `rmesim abi`. The model
// implements each of them (`rmm.version` picks one per run; kImplemented is the default); the
// hot paths index their tables at init time.
#pragma once
#include <cctype>
#include <string>
#include <string_view>

#include "platform/abi/rmm_abi_1_0.h"
#include "platform/abi/rmm_abi_2_0.h"

namespace platform::abi {

inline constexpr const Spec* kSpecs[] = {&v1_0::kSpec, &v2_0::kSpec};
inline constexpr const Spec& kImplemented = v1_0::kSpec;  // the default version

inline const Spec* find_spec(std::string_view version) {
  for (const Spec* s : kSpecs)
    if (version == s->version) return s;
  return nullptr;
}
// "1.0, 2.0-bet1": what find_spec takes, for error messages.
inline std::string spec_names() {
  std::string s;
  for (const Spec* v : kSpecs) s += (s.empty() ? "" : ", ") + std::string(v->version);
  return s;
}

// A command of `table` by name, any case, with or without its prefix ("data_create",
// "RMI_DATA_CREATE"); nullptr when there is none.
inline const Command* find_command(Table<Command> table, std::string_view name, std::string_view prefix) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (n.compare(0, prefix.size(), prefix) != 0) n.insert(0, prefix);
  for (const Command& c : table)
    if (n == c.name) return &c;
  return nullptr;
}

}  // namespace platform::abi
