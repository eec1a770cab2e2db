#pragma once

// Finding a person's contact details among the named values a tool sends
// (form answers, form fields, CRM properties, chat custom attributes), and
// the `fields` / `attributes` options that steer it. Shared by the form and
// chat source formats. Pure functions; a contact_mapping is immutable once
// built and safe to use from several threads.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "core/options.hpp"

namespace leadsync::adapters {

// One value a tool sent, with what the tool says about it.
struct named_value {
  std::string key;    // the stable name: Typeform ref, Tally key, form field name, property name
  std::string label;  // a human label when the tool has one (question title, Tally label), else ""
  std::string type;   // the tool's field type when it has one ("email", "INPUT_EMAIL"), else ""
  std::string value;  // as text
};
using named_values = std::vector<named_value>;

// (canonical field, tool field type): a value of that type is the field when
// `fields` does not name one, e.g. {"email", "INPUT_EMAIL"}. Compared ignoring case.
using type_hints = std::vector<std::pair<std::string, std::string>>;

// Ignores case, spaces, '-', '_' and '.': "First Name", "first_name" and
// "firstName" all give "firstname".
std::string normalise_key(std::string_view key);

// "Ada King Lovelace" -> {"Ada", "King Lovelace"}; one word -> {word, ""}.
std::pair<std::string, std::string> split_name(std::string_view full);

// The first non-empty value `ref` names: an exact key, else an exact label,
// else a key or label equal after normalise_key(). nullptr when none.
const named_value* find_value(const named_values& values, std::string_view ref);

// nullopt when `kind` is usable as an event kind ([a-z0-9_], 1..64
// characters), else what is wrong.
std::optional<std::string> check_kind(std::string_view kind);

// Fields a `fields` option may name: email, first_name, last_name, name (a
// full name, split when first and last are not given), company, title,
// phone, anonymous_id.
const std::vector<std::string>& contact_field_names();

// Which value is which contact field, and which values are kept as
// attributes. Unless `fields` names a field, common spellings find it
// ("Email Address", "firstname", "Job Title", ...), then `type_hints`.
class contact_mapping {
 public:
  // Validates `fields` (contact field -> reference) and `attributes`
  // (attribute name -> reference); `default_attributes` are kept unless
  // `attributes` names them differently. Errors are keyed "fields.<name>" and
  // "attributes.<name>".
  static contact_mapping from_options(const core::string_map& fields, const core::string_map& attributes,
                                      const core::string_map& default_attributes,
                                      std::vector<core::option_error>& errors);

  // Fills the contact fields of `e` that are still empty and adds the
  // attributes found in `values`.
  void apply(const named_values& values, core::event& e, const type_hints& hints = {}) const;

 private:
  std::string find(const named_values& values, const std::string& field, const type_hints& hints) const;

  core::string_map fields_;
  core::string_map attributes_;
};

}  // namespace leadsync::adapters
