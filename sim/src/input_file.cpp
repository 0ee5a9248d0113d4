#include "sim/input_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "sim/config_error.h"

namespace platform {

std::string read_input_file(const std::string& path, uint64_t max_bytes, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw ConfigError(path, 0, 0, "", "cannot read the " + what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw ConfigError(path, 0, 0, "", "the " + what + " must be a regular file (not a directory or a device)");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    throw ConfigError(path, 0, 0, "", "the " + what + " is " + std::to_string(st.st_size) + " bytes; the limit is " +
                                          std::to_string(max_bytes >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, 0, "", "cannot read the " + what);
  // One byte more than its size: a file that grows while it is read is refused, not followed.
  std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (static_cast<uint64_t>(in.gcount()) > static_cast<uint64_t>(st.st_size))
    throw ConfigError(path, 0, 0, "", "the " + what + " changed while it was read");
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

}  // namespace platform
