#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace leadsync::core {

// Adapters declare their options as data (name, type, help); config reads the
// TOML table of a source or connector against these declarations, so config
// never names a concrete adapter and docs can be generated from them.
enum class option_type {
  string,
  integer,
  boolean,
  string_list,  // TOML array of strings
  string_map,   // TOML table whose values are all strings
};

struct option_spec {
  std::string name;
  option_type type = option_type::string;
  bool required = false;
  std::string help;
};

using string_map = std::map<std::string, std::string, std::less<>>;
using option_value =
    std::variant<std::string, std::int64_t, bool, std::vector<std::string>, string_map>;

// The values of one adapter instance's options, already type-checked against
// its option_specs. Absent optional options are simply not present.
class option_values {
 public:
  void set(std::string name, option_value value) { values_[std::move(name)] = std::move(value); }
  bool has(std::string_view name) const { return values_.find(name) != values_.end(); }

  std::string string_or(std::string_view name, std::string fallback) const {
    return get_or<std::string>(name, std::move(fallback));
  }
  std::int64_t integer_or(std::string_view name, std::int64_t fallback) const {
    return get_or<std::int64_t>(name, fallback);
  }
  bool boolean_or(std::string_view name, bool fallback) const { return get_or<bool>(name, fallback); }
  std::vector<std::string> list_or_empty(std::string_view name) const {
    return get_or<std::vector<std::string>>(name, {});
  }
  string_map map_or_empty(std::string_view name) const { return get_or<string_map>(name, {}); }

 private:
  template <typename T>
  T get_or(std::string_view name, T fallback) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
      return fallback;
    }
    if (const T* v = std::get_if<T>(&it->second)) {
      return *v;
    }
    return fallback;
  }

  std::map<std::string, option_value, std::less<>> values_;
};

// A problem with one option, found by an adapter factory. `key` is the option
// name, or a dotted path below it ("map.email"), so config can point at the line.
struct option_error {
  std::string key;
  std::string message;
};

}  // namespace leadsync::core
