#include "explain.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config_error.h"

namespace rmesim {
namespace {

using Json = nlohmann::ordered_json;

// A statistic as --stats-format described writes it: {"value", "unit", "desc"}.
bool is_described(const Json& n) { return n.is_object() && n.contains("desc") && n.contains("unit") && n.contains("value"); }

std::vector<std::string> split(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1) parts.push_back(key.substr(start, dot - start));
  parts.push_back(key.substr(start));
  return parts;
}

std::string children_of(const Json& group) {
  std::string names;
  for (const auto& [k, v] : group.items()) names += (names.empty() ? "" : ", ") + k;
  return names;
}

void print_stat(const std::string& path, const Json& n, std::ostream& out) {
  out << path << " = " << n["value"].dump() << " " << n["unit"].get<std::string>() << "\n    "
      << n["desc"].get<std::string>() << "\n";
}

// Every described statistic under `group`, depth first in the file's order.
void print_group(const std::string& path, const Json& group, std::ostream& out) {
  for (const auto& [k, v] : group.items()) {
    if (is_described(v)) print_stat(path + "." + k, v, out);
    else if (v.is_object()) print_group(path + "." + k, v, out);
  }
}

}  // namespace

void explain_stat(const std::string& stats_file, const std::string& key, std::ostream& out) {
  std::ifstream in(stats_file);
  if (!in) throw platform::ConfigError(stats_file, 0, 0, "", "cannot be read");
  Json doc = Json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("stats") || !doc["stats"].is_object())
    throw platform::ConfigError(stats_file, 0, 0, "", "is not an rmesim stats.json (no \"stats\" tree)");
  std::vector<std::string> parts = split(key);
  if (!parts.empty() && (parts[0] == "stats" || parts[0] == "soc")) parts.erase(parts.begin());
  const Json* node = &doc["stats"];
  std::string path;
  // A statistic's own name may hold a dot: a part not found is tried joined with the next.
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string name = parts[i];
    while (!node->contains(name) && i + 1 < parts.size()) name += "." + parts[++i];
    if (!node->is_object() || is_described(*node) || !node->contains(name))
      throw platform::ConfigError(stats_file, 0, 0, key,
                                  "no statistic '" + name + "' under '" + (path.empty() ? "stats" : path) +
                                      "' (there: " + (is_described(*node) ? std::string("none") : children_of(*node)) + ")");
    node = &(*node)[name];
    path += (path.empty() ? "" : ".") + name;
  }
  if (is_described(*node)) {
    print_stat(path, *node, out);
    return;
  }
  if (!node->is_object())
    throw platform::ConfigError(stats_file, 0, 0, key,
                                "has no description: write stats.json with `rmesim run --stats-format described`");
  std::ostringstream listed;
  print_group(path.empty() ? "stats" : path, *node, listed);
  if (listed.str().empty())
    throw platform::ConfigError(stats_file, 0, 0, key,
                                "has no description: write stats.json with `rmesim run --stats-format described`");
  out << listed.str();
}

}  // namespace rmesim
