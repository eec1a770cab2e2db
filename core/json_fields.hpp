#pragma once

// Small helpers for reading and writing the flat JSON objects core stores.
// Internal to core's .cpp files.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "core/options.hpp"

namespace leadsync::core::json_fields {

inline void put_if(boost::json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) {
    o[key] = value;
  }
}

inline std::string get_string(const boost::json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v != nullptr && v->is_string()) {
    return std::string{v->get_string()};
  }
  return {};
}

inline std::int64_t get_int(const boost::json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v != nullptr && v->is_int64()) {
    return v->get_int64();
  }
  return 0;
}

inline boost::json::object map_to_json(const string_map& m) {
  boost::json::object o;
  for (const auto& [k, v] : m) {
    o[k] = v;
  }
  return o;
}

// The string members of an object (others are skipped).
inline string_map string_members(const boost::json::object& m) {
  string_map out;
  for (const auto& kv : m) {
    if (kv.value().is_string()) {
      out.emplace(std::string{kv.key()}, std::string{kv.value().get_string()});
    }
  }
  return out;
}

// o[key] as a map of its string members; empty when absent or not an object.
inline string_map map_from_json(const boost::json::object& o, std::string_view key) {
  if (const auto* m = o.if_contains(key); m != nullptr && m->is_object()) {
    return string_members(m->get_object());
  }
  return {};
}

// Writes m under key unless it is empty.
inline void put_map(boost::json::object& o, std::string_view key, const string_map& m) {
  if (!m.empty()) {
    o[key] = map_to_json(m);
  }
}

}  // namespace leadsync::core::json_fields
