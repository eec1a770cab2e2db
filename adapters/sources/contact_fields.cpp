#include "adapters/sources/contact_fields.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace leadsync::adapters {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// Spellings that find a field when `fields` does not name it, already
// normalised. Forms are built by marketers, so labels vary; these cover the
// usual English ones and the property names of HubSpot and Intercom.
const std::map<std::string, std::vector<std::string>, std::less<>>& aliases() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> table{
      {"email", {"email", "emailaddress", "workemail", "businessemail", "youremail"}},
      {"first_name", {"firstname", "givenname", "fname"}},
      {"last_name", {"lastname", "surname", "familyname", "lname"}},
      {"name", {"name", "fullname", "yourname", "contactname"}},
      {"company", {"company", "companyname", "organization", "organisation", "businessname"}},
      {"title", {"title", "jobtitle", "role", "position"}},
      {"phone", {"phone", "phonenumber", "telephone", "mobile", "mobilephone"}},
  };
  return table;
}

const named_value* find_alias(const named_values& values, const std::vector<std::string>& names, bool needs_at) {
  for (const std::string& name : names) {
    for (const named_value& v : values) {
      if (v.value.empty() || (needs_at && v.value.find('@') == std::string::npos)) {
        continue;
      }
      if (normalise_key(v.key) == name || (!v.label.empty() && normalise_key(v.label) == name)) {
        return &v;
      }
    }
  }
  return nullptr;
}

}  // namespace

std::string normalise_key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (unsigned char c : key) {
    if (c != ' ' && c != '-' && c != '_' && c != '.') {
      out.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  return out;
}

std::pair<std::string, std::string> split_name(std::string_view full) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!full.empty() && is_space(full.front())) {
    full.remove_prefix(1);
  }
  while (!full.empty() && is_space(full.back())) {
    full.remove_suffix(1);
  }
  const auto gap = std::find_if(full.begin(), full.end(), is_space);
  std::string first{full.begin(), gap};
  auto rest = std::find_if_not(gap, full.end(), is_space);
  return {std::move(first), std::string{rest, full.end()}};
}

const named_value* find_value(const named_values& values, std::string_view ref) {
  for (const named_value& v : values) {
    if (!v.value.empty() && v.key == ref) {
      return &v;
    }
  }
  for (const named_value& v : values) {
    if (!v.value.empty() && !v.label.empty() && v.label == ref) {
      return &v;
    }
  }
  const std::string wanted = normalise_key(ref);
  for (const named_value& v : values) {
    if (!v.value.empty() &&
        (normalise_key(v.key) == wanted || (!v.label.empty() && normalise_key(v.label) == wanted))) {
      return &v;
    }
  }
  return nullptr;
}

std::optional<std::string> check_kind(std::string_view kind) {
  const bool ok = !kind.empty() && kind.size() <= 64 && std::all_of(kind.begin(), kind.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (ok) {
    return std::nullopt;
  }
  return "\"" + std::string{kind} + "\" is not an event kind; use 1 to 64 of a-z, 0-9 and _ (e.g. demo_request)";
}

const std::vector<std::string>& contact_field_names() {
  static const std::vector<std::string> names{"email",   "first_name", "last_name", "name",
                                              "company", "title",      "phone",     "anonymous_id"};
  return names;
}

contact_mapping contact_mapping::from_options(const core::string_map& fields, const core::string_map& attributes,
                                              const core::string_map& default_attributes,
                                              std::vector<core::option_error>& errors) {
  contact_mapping m;
  const auto& names = contact_field_names();
  for (const auto& [field, ref] : fields) {
    if (std::find(names.begin(), names.end(), field) == names.end()) {
      std::string list;
      for (const auto& n : names) {
        list += (list.empty() ? "" : ", ") + n;
      }
      errors.push_back({"fields." + field, "unknown contact field; expected one of " + list});
    } else if (ref.empty()) {
      errors.push_back({"fields." + field, "empty reference; name the tool's field, or leave the key out"});
    }
  }
  for (const auto& [name, ref] : attributes) {
    if (name.empty() || ref.empty()) {
      errors.push_back({"attributes." + name, "attribute name and reference must not be empty"});
    }
  }
  m.fields_ = fields;
  m.attributes_ = default_attributes;
  for (const auto& [name, ref] : attributes) {
    m.attributes_[name] = ref;
  }
  return m;
}

std::string contact_mapping::find(const named_values& values, const std::string& field, const type_hints& hints) const {
  if (auto it = fields_.find(field); it != fields_.end()) {
    const named_value* v = find_value(values, it->second);
    return v != nullptr ? v->value : std::string{};
  }
  if (auto it = aliases().find(field); it != aliases().end()) {
    if (const named_value* v = find_alias(values, it->second, field == "email")) {
      return v->value;
    }
  }
  for (const auto& [hinted, type] : hints) {
    if (hinted != field) {
      continue;
    }
    for (const named_value& v : values) {
      if (!v.value.empty() && equal_ignoring_case(v.type, type)) {
        return v.value;
      }
    }
  }
  return {};
}

void contact_mapping::apply(const named_values& values, core::event& e, const type_hints& hints) const {
  const std::array<std::pair<const char*, std::string*>, 7> slots{{{"email", &e.email},
                                                                   {"first_name", &e.first_name},
                                                                   {"last_name", &e.last_name},
                                                                   {"company", &e.company},
                                                                   {"title", &e.title},
                                                                   {"phone", &e.phone},
                                                                   {"anonymous_id", &e.anonymous_id}}};
  for (const auto& [field, slot] : slots) {
    if (slot->empty()) {
      *slot = find(values, field, hints);
    }
  }
  if (e.first_name.empty() && e.last_name.empty()) {
    auto [first, last] = split_name(find(values, "name", hints));
    e.first_name = std::move(first);
    e.last_name = std::move(last);
  }
  for (const auto& [name, ref] : attributes_) {
    if (e.attributes.count(name) != 0) {
      continue;
    }
    if (const named_value* v = find_value(values, ref)) {
      e.attributes.emplace(name, v->value);
    }
  }
}

}  // namespace leadsync::adapters
