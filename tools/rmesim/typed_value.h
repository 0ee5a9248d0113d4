// The bytes a write step stores, given as a typed value instead of one repeated byte:
//   [0x12, 0x34, ...]                    bytes, in order
//   {u8|u16|u32|u64: N | [N, ...]}       little-endian integers
//   {RealmParams: {s2sz: 40, ...}}       a structure of the ABI declaration (RmiRealmParams,
//                                        RecParams, RecRun, RsiHostCall, ...) by field names;
//                                        unset fields are zero, an array field takes a list
// (The old form, a plain integer, is the fill byte; its caller handles it.)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "platform/abi/abi.h"

namespace rmesim {

std::vector<uint8_t> parse_typed_value(const std::string& file, const YAML::Node& n, const std::string& key);

// A structure of the implemented ABI by name, with or without its Rmi/Rsi prefix; nullptr if none.
const platform::abi::Struct* abi_struct(const std::string& name);

// One number for `field` (negative only for a signed field), refused at `n` when it does not
// fit the field's declared size.
uint64_t field_number(const std::string& file, const YAML::Node& n, const std::string& key,
                      const platform::abi::Field& field);

// The forms, for `rmesim help steps`.
std::string typed_value_help();

}  // namespace rmesim
