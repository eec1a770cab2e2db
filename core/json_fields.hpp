#pragma once

// Small helpers for reading and writing the flat JSON objects core stores.
// Internal to core's .cpp files.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

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

}  // namespace leadsync::core::json_fields
