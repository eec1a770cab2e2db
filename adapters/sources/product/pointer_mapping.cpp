#include "adapters/sources/product/pointer_mapping.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters::product {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += out.empty() ? "" : ", ";
    out += n;
  }
  return out;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void check_pointers(const core::string_map& entries, std::string_view option, bool names_are_identifiers,
                    std::vector<core::option_error>& errors) {
  for (const auto& [name, pointer] : entries) {
    const std::string key = std::string{option} + "." + name;
    if (names_are_identifiers) {
      if (auto bad = check_identifier(name)) {
        errors.push_back({key, *bad});
        continue;
      }
    }
    if (auto bad = check_json_pointer(pointer)) {
      errors.push_back({key, *bad});
    }
  }
}

}  // namespace

const std::vector<std::string>& canonical_field_names() {
  static const std::vector<std::string> names{"event_id",     "kind",       "occurred_at", "email",
                                              "anonymous_id", "first_name", "last_name",   "company",
                                              "title",        "phone"};
  return names;
}

std::vector<core::option_spec> pointer_mapping::option_specs(const std::string& map_help, bool map_required) {
  return {
      {"map", core::option_type::string_map, map_required, map_help},
      {"defaults", core::option_type::string_map, false, "field -> value used when the body has none"},
      {"attributes", core::option_type::string_map, false, "attribute name -> JSON pointer, kept on the event"},
      {"external_ids", core::option_type::string_map, false,
       "id name (e.g. \"app_user_id\") -> JSON pointer; the person's id in another system"},
  };
}

pointer_mapping pointer_mapping::from_options(const core::option_values& options, const mapping_fields& fields,
                                              std::vector<core::option_error>& errors) {
  pointer_mapping m;
  const auto configured = options.map_or_empty("map");
  for (const auto& [field, pointer] : configured) {
    if (!contains(fields.names, field)) {
      errors.push_back({"map." + field, "unknown field; expected one of " + joined(fields.names)});
    } else if (auto bad = check_json_pointer(pointer)) {
      errors.push_back({"map." + field, *bad});
    }
  }
  m.map_ = merged(fields.default_pointers, configured);
  m.defaults_ = options.map_or_empty("defaults");
  for (const auto& [field, value] : m.defaults_) {
    if (!contains(fields.names, field) || field == "event_id") {
      errors.push_back({"defaults." + field, "no default possible; expected one of " + joined(fields.names) +
                                                 " other than event_id"});
    }
  }
  m.attributes_ = options.map_or_empty("attributes");
  check_pointers(m.attributes_, "attributes", false, errors);
  m.external_ids_ = options.map_or_empty("external_ids");
  check_pointers(m.external_ids_, "external_ids", true, errors);
  return m;
}

std::string pointer_mapping::pointer_of(std::string_view field) const {
  auto it = map_.find(field);
  return it == map_.end() ? std::string{} : it->second;
}

core::result<pointer_mapping::values> pointer_mapping::read(const boost::json::value& doc) const {
  field_reader reader{doc};
  values out;
  for (const auto& [field, pointer] : map_) {
    if (auto text = reader.text(pointer, field); !text.empty()) {
      out.fields.emplace(field, std::move(text));
    }
  }
  for (const auto& [field, value] : defaults_) {
    out.fields.emplace(field, value);  // emplace keeps a value read from the body
  }
  for (const auto& [name, pointer] : attributes_) {
    if (auto text = reader.text(pointer, "attributes." + name); !text.empty()) {
      out.attributes.emplace(name, std::move(text));
    }
  }
  for (const auto& [name, pointer] : external_ids_) {
    if (auto text = reader.text(pointer, "external_ids." + name); !text.empty()) {
      out.external_ids.emplace(name, std::move(text));
    }
  }
  if (reader.failure()) {
    return *reader.failure();
  }
  return out;
}

void fill_contact(core::event& e, const core::string_map& fields) {
  auto take = [&](std::string_view name, std::string& into) {
    if (auto it = fields.find(name); it != fields.end()) {
      into = it->second;
    }
  };
  take("email", e.email);
  take("anonymous_id", e.anonymous_id);
  take("first_name", e.first_name);
  take("last_name", e.last_name);
  take("company", e.company);
  take("title", e.title);
  take("phone", e.phone);
}

}  // namespace leadsync::adapters::product
