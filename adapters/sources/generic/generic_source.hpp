#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// format = "generic": any JSON object, mapped field by field through JSON
// pointers (RFC 6901, plus "[key=value]" array selection) named in config.
// See README.md beside this file.
std::unique_ptr<core::source_factory> make_generic_source_factory();

// The generic format's options as a reusable piece, for formats built on it
// (format = "chat"): `map` (canonical field -> pointer path), `defaults`
// (used when the body has none), `constants` (always used) and `attributes`.
// Immutable once built; apply() is safe to call concurrently.
class json_mapping {
 public:
  // The four option specs.
  static std::vector<core::option_spec> option_specs();

  // Validates the options, appending one error per problem.
  static json_mapping from_options(const core::option_values& values, std::vector<core::option_error>& errors);

  // The event `doc` (the parsed `body`) maps to. The kind falls back to
  // `default_kind`; without a mapped event_id the id is the body's SHA-256.
  // An object where a value belongs, or a mapped event_id that is missing,
  // is an unmappable error naming the field.
  core::result<core::event> apply(const boost::json::value& doc, std::string_view body, core::timestamp now,
                                  std::string_view default_kind) const;

 private:
  core::string_map map_;
  core::string_map defaults_;
  core::string_map constants_;
  core::string_map attributes_;
};

}  // namespace leadsync::adapters
