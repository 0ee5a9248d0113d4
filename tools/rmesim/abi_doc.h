// `rmesim abi`: the ABI declaration of one spec version (platform/abi/specs.h) printed as a C
// header (structures with padding to the declared offsets, static_assert(offsetof) for every
// field, SMC FIDs) or as a markdown reference. Both come from the declaration alone.
#pragma once
#include <ostream>

#include "platform/abi/abi.h"

namespace rmesim {

void print_abi_header(const platform::abi::Spec& spec, std::ostream& out);
void print_abi_markdown(const platform::abi::Spec& spec, std::ostream& out);

}  // namespace rmesim
