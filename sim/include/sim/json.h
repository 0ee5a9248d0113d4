// A small streaming JSON writer for our outputs (stats.json, trace.json). Deterministic:
// keys come out in the order written and numbers in a fixed format.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace platform {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& os, bool pretty = true) : os_(os), pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(unsigned v) { return value(static_cast<uint64_t>(v)); }
  JsonWriter& value(double v);  // fixed 3 decimals, the unit's resolution for ns and us
  JsonWriter& value(bool b);
  JsonWriter& null();
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) { key(k); return value(v); }

  static std::string escape(std::string_view s);

 private:
  void before_value();
  void newline();
  std::ostream& os_;
  bool pretty_;
  struct Level { bool array; bool first; };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace platform
