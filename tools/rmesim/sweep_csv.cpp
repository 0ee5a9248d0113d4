// sweep.csv: the points' records merged into one table (sweep.h).
//
// stats.json is flattened to one column per scalar, its path joined by '.': objects by key,
// arrays of objects that carry a "name" (phases) by that name, other arrays by index. So
// phases.populate... and stats.soc.rmm.rmi.DATA_CREATE.time.rmm.sha256_ps are columns. The
// columns are the union over the points, in the order they first appear, so that a point
// that failed before writing stats.json (exit 2) only leaves its cells empty.
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep.h"

namespace rmesim::sweep {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

using Row = std::map<std::string, std::string>;

class Columns {
 public:
  void add(const std::string& name) {
    if (index_.emplace(name, names_.size()).second) names_.push_back(name);
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::map<std::string, size_t> index_;
};

std::string cell(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

void flatten(const Json& j, const std::string& path, Row& row, Columns& cols) {
  auto child = [&](const std::string& k) { return path.empty() ? k : path + "." + k; };
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, child(k), row, cols);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      const Json& e = j[i];
      const bool named = e.is_object() && e.contains("name") && e["name"].is_string();
      flatten(e, child(named ? e["name"].get<std::string>() : std::to_string(i)), row, cols);
    }
  } else {
    // The same name twice (two phases both called "run") keeps the first.
    if (row.emplace(path, cell(j)).second) cols.add(path);
  }
}

// RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled.
std::string quoted(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return Json();
  try {
    return Json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error(p.string() + ": not JSON: " + e.what());
  }
}

}  // namespace

void write_csv(const Sweep& s, const fs::path& csv) {
  Columns cols;
  cols.add("point");
  for (const Axis& a : s.grid) cols.add(a.key);
  for (const char* c : {"exit_status", "message", "wall_seconds"}) cols.add(c);
  std::vector<Row> rows;
  for (size_t i = 0; i < s.points.size(); ++i) {
    Row row{{"point", std::to_string(i)}};
    for (const auto& [k, v] : s.points[i]) row[k] = v;
    const Json rec = read_json(s.point_dir(i) / "point.json");
    if (rec.is_null()) {
      row["message"] = "not run";
    } else {
      row["exit_status"] = cell(rec.at("exit_status"));
      row["message"] = cell(rec.at("message"));
      row["wall_seconds"] = cell(rec.at("wall_seconds"));
    }
    const Json stats = read_json(s.point_dir(i) / "stats.json");
    if (!stats.is_null()) flatten(stats, "", row, cols);
    rows.push_back(std::move(row));
  }
  const fs::path tmp = csv.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    const auto& names = cols.names();
    for (size_t c = 0; c < names.size(); ++c) out << (c ? "," : "") << quoted(names[c]);
    out << "\n";
    for (const Row& r : rows) {
      for (size_t c = 0; c < names.size(); ++c) {
        const auto it = r.find(names[c]);
        out << (c ? "," : "") << (it == r.end() ? "" : quoted(it->second));
      }
      out << "\n";
    }
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, csv);
}

}  // namespace rmesim::sweep
