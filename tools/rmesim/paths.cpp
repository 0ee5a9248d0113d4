#include "paths.h"

#include <filesystem>

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

}  // namespace rmesim
