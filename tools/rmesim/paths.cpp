#include "paths.h"

#include <filesystem>

#include <unistd.h>

namespace rmesim {

namespace fs = std::filesystem;

std::string resolve_profile_path(const std::string& p, const std::string& base_dir) {
  const bool path = p.find('/') != std::string::npos || (p.size() > 5 && p.substr(p.size() - 5) == ".yaml");
  if (!path) return std::string(RMESIM_PROFILE_DIR) + "/" + p + ".yaml";
  return base_dir.empty() || fs::path(p).is_absolute() ? p : (fs::path(base_dir) / p).string();
}

std::string path_in_scenario(const std::string& path, const std::string& scenario_file) {
  const fs::path dir = fs::path(scenario_file).parent_path();
  return fs::path(path).is_absolute() || dir.empty() ? path : (dir / path).string();
}

std::string recorded_path(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return path;  // not a file (a test's stand-in name): as given
  const fs::path full = fs::weakly_canonical(fs::absolute(path, ec), ec);
  const fs::path repo = fs::weakly_canonical(RMESIM_SOURCE_DIR, ec);
  const fs::path rel = full.lexically_relative(repo);
  if (!ec && !rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return fs::path(path).filename().string();
}

std::string folder_problem(const std::string& dir_text) {
  const fs::path dir(dir_text);
  std::error_code ec;
  fs::path p = dir.empty() ? fs::path(".") : dir;
  // The nearest part of the path that exists decides: a folder we may write in, or not.
  while (!fs::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) p = p.parent_path();
  if (!fs::exists(p, ec)) p = ".";
  if (!fs::is_directory(p, ec)) return (p == dir ? "not a folder" : p.string() + " is not a folder");
  if (::access(p.c_str(), W_OK | X_OK) != 0) return "cannot write in " + p.string();
  return "";
}

}  // namespace rmesim
