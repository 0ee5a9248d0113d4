// Duplicate keys in a YAML map. yaml-cpp's node tree keeps the first of two equal keys and
// drops the second without a word, so `cores: 2` then `cores: 8` would run with 2. The check
// reads the parser's events instead of the tree: linear in the text, and an alias is one
// event, never an expansion.
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "rmesim/scenario.h"

namespace rmesim::yaml {
namespace {

class DuplicateKeyFinder : public YAML::EventHandler {
 public:
  explicit DuplicateKeyFinder(const std::string& file) : file_(file) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m, nullptr); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m, nullptr); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string& v) override { node(m, &v); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m, nullptr);
    frames_.push_back(Frame{false, false, {}, 0, {}});
  }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m, nullptr);
    frames_.push_back(Frame{true, false, {}, 0, {}});
  }
  void OnSequenceEnd() override { frames_.pop_back(); }
  void OnMapEnd() override { frames_.pop_back(); }

 private:
  struct Frame {
    bool map;
    bool at_value = false;  // map: the next node is the value of `key`
    std::string key;        // map: the current key; sequence: unused
    size_t index = 0;       // sequence: the next element's index
    std::unordered_set<std::string> keys;
  };

  // The dotted key of the duplicate (steps[3].run.vm): every frame but the last is a container
  // inside its parent's current value (or element), the last is the map with the duplicate.
  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.map) p += (p.empty() ? "" : ".") + f.key;
      else p += "[" + std::to_string(f.index - 1) + "]";  // counted when it began
    }
    return p;
  }

  // Every node event passes here before any frame it opens is pushed.
  void node(const YAML::Mark& m, const std::string* scalar) {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (!f.map) {
      ++f.index;
      return;
    }
    if (f.at_value) {
      f.at_value = false;
      return;
    }
    f.key = scalar ? *scalar : "?";
    if (scalar && !f.keys.insert(*scalar).second) {
      f.at_value = true;
      throw platform::ConfigError(file_, m.line + 1, m.column + 1, path(),
                                  "duplicate key (YAML keys in a map are unique; remove one of them)");
    }
    f.at_value = true;
  }

  const std::string& file_;
  std::vector<Frame> frames_;
};

}  // namespace

void no_duplicate_keys(const std::string& file, const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DuplicateKeyFinder finder(file);
  while (parser.HandleNextDocument(finder)) {}
}

}  // namespace rmesim::yaml
