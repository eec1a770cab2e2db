#include "adapters/sources/chat/chat_common.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::chat {

const std::vector<std::string>& qualifier_names() {
  static const std::vector<std::string> names{"budget", "authority", "need", "timeline", "challenges", "priority"};
  return names;
}

void check_qualifier_names(const core::string_map& qualifiers, std::vector<core::option_error>& errors) {
  const auto& names = qualifier_names();
  for (const auto& [name, source] : qualifiers) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      errors.push_back({"qualifiers." + name,
                        "unknown qualifier; expected one of budget, authority, need, timeline, challenges, priority"});
    } else if (source.empty()) {
      errors.push_back({"qualifiers." + name, "empty reference; name where the answer is, or leave the key out"});
    }
  }
}

void mark_qualified(core::event& e) {
  if (!e.qualifiers.empty()) {
    e.kind = std::string{qualified_kind};
  }
}

named_values object_values(const boost::json::value* object) {
  named_values out;
  if (object == nullptr || !object->is_object()) {
    return out;
  }
  for (const auto& kv : object->get_object()) {
    if (auto text = scalar_text(kv.value())) {
      out.push_back({std::string{kv.key()}, "", "", std::move(*text)});
    }
  }
  return out;
}

std::vector<core::option_spec> chat_mapping::option_specs(const std::string& attribute_help,
                                                          const core::string_map& default_kinds) {
  std::string kinds;
  for (const auto& [type, kind] : default_kinds) {
    kinds += (kinds.empty() ? "" : ", ") + type + " = " + kind;
  }
  return {
      {"fields", core::option_type::string_map, false,
       "contact field (company, title, phone, ...) -> " + attribute_help + "; used when the contact itself lacks it"},
      {"qualifiers", core::option_type::string_map, false,
       "qualifier (budget, authority, need, timeline, challenges, priority) -> " + attribute_help +
           " (default: the qualifier's own name)"},
      {"kinds", core::option_type::string_map, false,
       "event type -> event kind, \"\" to ignore the type; defaults: " + kinds},
  };
}

chat_mapping chat_mapping::from_options(const core::option_values& values, const core::string_map& default_kinds,
                                        std::vector<core::option_error>& errors) {
  chat_mapping m;
  m.contact_ = contact_mapping::from_options(values.map_or_empty("fields"), {}, {}, errors);
  for (const auto& name : qualifier_names()) {
    m.qualifiers_[name] = name;
  }
  const core::string_map configured = values.map_or_empty("qualifiers");
  check_qualifier_names(configured, errors);
  for (const auto& [name, attribute] : configured) {
    m.qualifiers_[name] = attribute;
  }
  m.kinds_ = default_kinds;
  for (const auto& [type, kind] : values.map_or_empty("kinds")) {
    if (!kind.empty()) {
      if (auto bad = check_kind(kind)) {
        errors.push_back({"kinds." + type, *bad});
      }
    }
    m.kinds_[type] = kind;
  }
  return m;
}

std::optional<std::string> chat_mapping::kind_of(std::string_view event_type) const {
  auto it = kinds_.find(event_type);
  if (it == kinds_.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second;
}

void chat_mapping::apply(const named_values& attributes, core::event& e) const {
  contact_.apply(attributes, e);
  for (const auto& [qualifier, attribute] : qualifiers_) {
    if (e.qualifiers.count(qualifier) != 0) {
      continue;
    }
    if (const named_value* v = find_value(attributes, attribute)) {
      e.qualifiers.emplace(qualifier, v->value);
    }
  }
}

}  // namespace leadsync::adapters::chat
