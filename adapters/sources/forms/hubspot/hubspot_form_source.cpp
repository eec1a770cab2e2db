// format = "hubspot-form": a HubSpot form submission as a contact-based
// workflow's "Send a webhook" action posts it. HubSpot documents that body as
// "the exact same data you'd get when pulling that object using the relevant
// object API": the legacy v1 contact (properties.<name>.value plus
// "form-submissions"), or a v3 object (properties.<name> as plain strings).
// The app webhooks of wire-formats §2.2 carry no form data and are refused
// with a pointer to the workflow route.
#include <boost/json.hpp>

#include "adapters/sources/forms/form_common.hpp"
#include "adapters/sources/forms/form_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::forms {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

// Property values: {"value": "..."} in v1, a plain string in v3.
named_values properties_of(const json::value& doc) {
  named_values out;
  const json::value* props = find_at_path(doc, "/properties");
  if (props == nullptr || !props->is_object()) {
    return out;
  }
  for (const auto& kv : props->get_object()) {
    std::optional<std::string> text = scalar_text(kv.value());
    if (!text && kv.value().is_object()) {
      text = text_at(kv.value(), "/value");
    }
    if (text && !text->empty()) {
      out.push_back({std::string{kv.key()}, "", "", std::move(*text)});
    }
  }
  return out;
}

// The newest entry of "form-submissions" (of `form_id` when given), or nullptr.
const json::value* latest_submission(const json::value& doc, const std::string& form_id) {
  const json::value* list = find_at_path(doc, "/form-submissions");
  if (list == nullptr || !list->is_array()) {
    return nullptr;
  }
  const json::value* best = nullptr;
  std::int64_t best_time = -1;
  for (const json::value& s : list->get_array()) {
    if (!s.is_object() || (!form_id.empty() && text_at(s, "/form-id") != form_id)) {
      continue;
    }
    const auto t = parse_epoch(text_at(s, "/timestamp"));
    const std::int64_t ms = t ? core::to_millis(*t) : 0;
    if (ms > best_time) {
      best = &s;
      best_time = ms;
    }
  }
  return best;
}

std::string primary_email_identity(const json::value& doc) {
  const json::value* profiles = find_at_path(doc, "/identity-profiles");
  if (profiles == nullptr || !profiles->is_array()) {
    return {};
  }
  for (const json::value& profile : profiles->get_array()) {
    const json::value* identities = find_at_path(profile, "/identities");
    if (identities == nullptr || !identities->is_array()) {
      continue;
    }
    for (const json::value& identity : identities->get_array()) {
      if (text_at(identity, "/type") == "EMAIL") {
        return text_at(identity, "/value");
      }
    }
  }
  return {};
}

class hubspot_form_source final : public core::source_adapter {
 public:
  hubspot_form_source(submission_mapping mapping, std::string form_id)
      : mapping_(std::move(mapping)), form_id_(std::move(form_id)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    if (auto bad = check_json_content_type(request)) {
      return *bad;
    }
    auto doc = parse_json_body(request.body);
    if (!doc) {
      return doc.failure();
    }
    if (doc->is_array()) {
      return error{error_kind::unmappable, "not_an_object",
                   "the body is a JSON array: that is a HubSpot app webhook batch (contact.creation, ...), which "
                   "carries no form data; post form submissions from a workflow's \"Send a webhook\" action"};
    }
    if (!doc->is_object()) {
      return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object (a HubSpot contact)"};
    }
    std::string contact_id = text_at(*doc, "/canonical-vid");
    for (const char* pointer : {"/vid", "/id"}) {
      if (contact_id.empty()) {
        contact_id = text_at(*doc, pointer);
      }
    }
    const named_values values = properties_of(*doc);
    std::string id;
    std::optional<core::timestamp> occurred;
    core::string_map form;
    if (const json::value* s = latest_submission(*doc, form_id_)) {
      // The conversion id names this one submission; redeliveries repeat it.
      id = text_at(*s, "/conversion-id");
      occurred = parse_epoch(text_at(*s, "/timestamp"));
      form = {{"form_id", text_at(*s, "/form-id")},
              {"form_title", text_at(*s, "/title")},
              {"page_url", text_at(*s, "/page-url")},
              {"page_title", text_at(*s, "/page-title")}};
      if (id.empty()) {
        return missing_field("form-submissions[].conversion-id: the newest form submission has no conversion id");
      }
    } else if (!form_id_.empty()) {
      return missing_field("form-submissions: no submission of form " + form_id_ + " (option form_id) in the body");
    } else if (const named_value* date = find_value(values, "recent_conversion_date");
               date != nullptr && !contact_id.empty()) {
      // A v3 contact: no submission list, but the newest conversion's time.
      id = contact_id + ":" + date->value;
      occurred = parse_timestamp(date->value);
      if (const named_value* name = find_value(values, "recent_conversion_event_name")) {
        form.emplace("form_title", name->value);
      }
    } else {
      return missing_field(
          "form-submissions: the contact has no form submission (nor properties.recent_conversion_date); send "
          "the webhook from a workflow triggered by a form submission");
    }
    core::event e = submission_event(mapping_, std::move(id), occurred, now, values);
    if (e.email.empty()) {
      e.email = primary_email_identity(*doc);
    }
    if (!contact_id.empty()) {
      e.external_ids.emplace("hubspot_contact_id", contact_id);
    }
    for (auto& [name, value] : form) {
      if (!value.empty()) {
        e.attributes.emplace(name, std::move(value));
      }
    }
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  submission_mapping mapping_;
  std::string form_id_;
};

class hubspot_form_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "hubspot-form"; }
  std::string_view description() const override {
    return "HubSpot form submissions posted by a workflow's \"Send a webhook\" action (the contact record)";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = [] {
      auto s = common_options("a HubSpot contact property name (firstname, jobtitle, ...)");
      s.push_back({"form_id", core::option_type::string, false,
                   "only submissions of this form GUID count (default: the contact's newest submission)"});
      return s;
    }();
    return specs;
  }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    submission_mapping mapping = read_common_options(values, out.errors);
    if (out.errors.empty()) {
      out.instance = std::make_unique<hubspot_form_source>(std::move(mapping), values.string_or("form_id", ""));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_hubspot_form_factory() { return std::make_unique<hubspot_form_factory>(); }

}  // namespace leadsync::adapters::forms
