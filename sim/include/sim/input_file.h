// Reading a file a user names (a scenario, a profile, a guest image). Only a regular file of
// at most `max_bytes` is read: a directory, /dev/zero, a FIFO or a huge file is bad input at
// load (a ConfigError naming the file and the cap), never a read that does not end.
#pragma once
#include <cstdint>
#include <string>

namespace platform {

// The whole file. `what` names it in errors ("scenario", "timing profile", "guest image").
std::string read_input_file(const std::string& path, uint64_t max_bytes, const std::string& what);

}  // namespace platform
