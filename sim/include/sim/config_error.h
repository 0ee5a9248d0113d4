// A configuration error that names where it came from (file:line:column and key), so a user
// can fix a scenario or a profile without reading our code.
#pragma once
#include <stdexcept>
#include <string>

namespace platform {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, int column, std::string key, const std::string& what)
      : std::runtime_error(format(file, line, column, key, what)),
        file_(std::move(file)), line_(line), column_(column), key_(std::move(key)) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }      // 1-based, 0 when unknown
  int column() const { return column_; }  // 1-based, 0 when unknown
  const std::string& key() const { return key_; }

 private:
  static std::string format(const std::string& file, int line, int column,
                            const std::string& key, const std::string& what) {
    std::string s = file.empty() ? std::string("<config>") : file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    s += ": ";
    if (!key.empty()) s += "'" + key + "': ";
    return s + what;
  }
  std::string file_;
  int line_, column_;
  std::string key_;
};

}  // namespace platform
