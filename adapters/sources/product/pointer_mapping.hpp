#pragma once

// The generic source's way of reading a JSON body, as a reusable piece: the
// options `map` (field -> JSON pointer), `defaults` (field -> value used when
// the body has none), `attributes` and `external_ids` (name -> JSON pointer).
// Used by format = "product" and format = "crm-feedback". Immutable after
// from_options(); read() is safe to call concurrently.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/event.hpp"
#include "core/options.hpp"
#include "core/result.hpp"

namespace leadsync::adapters::product {

// What a format lets `map` and `defaults` name.
struct mapping_fields {
  std::vector<std::string> names;     // fields `map` and `defaults` accept
  core::string_map default_pointers;  // `map` entries used unless configured
};

// The canonical event fields: event_id, kind, occurred_at, email,
// anonymous_id, first_name, last_name, company, title, phone.
const std::vector<std::string>& canonical_field_names();

class pointer_mapping {
 public:
  struct values {
    core::string_map fields;  // field -> text; absent when the body has none and there is no default
    core::string_map attributes;
    core::string_map external_ids;
  };

  // The four option specs; `map_help` describes the `map` option, which is
  // required unless the format has default pointers.
  static std::vector<core::option_spec> option_specs(const std::string& map_help, bool map_required);

  // Validates the options against `fields`, appending one error per problem.
  static pointer_mapping from_options(const core::option_values& options, const mapping_fields& fields,
                                      std::vector<core::option_error>& errors);

  bool maps(std::string_view field) const { return map_.find(field) != map_.end(); }
  // The pointer `field` is read from; "" when unmapped.
  std::string pointer_of(std::string_view field) const;

  // Every mapped value. An object or array where a scalar belongs is an
  // unmappable error naming the field and pointer.
  core::result<values> read(const boost::json::value& doc) const;

 private:
  core::string_map map_;
  core::string_map defaults_;
  core::string_map attributes_;
  core::string_map external_ids_;
};

// Copies email, anonymous_id, first_name, last_name, company, title and
// phone from `fields` into `e`.
void fill_contact(core::event& e, const core::string_map& fields);

}  // namespace leadsync::adapters::product
