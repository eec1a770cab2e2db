#include "adapters/sources/forms/form_common.hpp"

namespace leadsync::adapters::forms {

const core::string_map& default_attributes() {
  static const core::string_map utm{{"utm_source", "utm_source"},
                                    {"utm_medium", "utm_medium"},
                                    {"utm_campaign", "utm_campaign"},
                                    {"utm_term", "utm_term"},
                                    {"utm_content", "utm_content"}};
  return utm;
}

std::vector<core::option_spec> common_options(const std::string& reference_help) {
  return {
      {"fields", core::option_type::string_map, false,
       "contact field (email, first_name, last_name, name, company, title, phone, anonymous_id) -> " + reference_help +
           "; unnamed fields are found by their usual spellings"},
      {"attributes", core::option_type::string_map, false,
       "attribute name -> " + reference_help + ", kept on the event (utm_* are kept by default)"},
      {"kind", core::option_type::string, false, "event kind of a submission (default form_submit)"},
  };
}

submission_mapping read_common_options(const core::option_values& values, std::vector<core::option_error>& errors) {
  submission_mapping m;
  m.contact = contact_mapping::from_options(values.map_or_empty("fields"), values.map_or_empty("attributes"),
                                            default_attributes(), errors);
  m.kind = values.string_or("kind", "form_submit");
  if (auto bad = check_kind(m.kind)) {
    errors.push_back({"kind", *bad});
  }
  return m;
}

core::event submission_event(const submission_mapping& mapping, std::string id, std::optional<core::timestamp> occurred,
                             core::timestamp now, const named_values& values, const type_hints& hints) {
  core::event e;
  e.source_event_id = std::move(id);
  e.kind = mapping.kind;
  e.received_at = now;
  e.occurred_at = occurred.value_or(now);
  mapping.contact.apply(values, e, hints);
  return e;
}

}  // namespace leadsync::adapters::forms
