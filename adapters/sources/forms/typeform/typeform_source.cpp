// format = "typeform": Typeform's form_response webhook (wire-formats §2.1).
// Answers are positional objects keyed by field.ref/field.id; the value sits
// under a key named after the answer type. Hidden fields ride along in
// form_response.hidden and may carry the email of a known visitor.
#include <boost/json.hpp>

#include "adapters/sources/forms/form_common.hpp"
#include "adapters/sources/forms/form_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::forms {
namespace {

namespace json = boost::json;

// The answer's value as text: under its type's key, a choice's label, or the
// labels of several choices joined.
std::string answer_text(const json::object& answer, const std::string& type) {
  const json::value* v = answer.if_contains(type);
  if (v == nullptr) {
    return {};
  }
  if (auto text = scalar_text(*v)) {
    return *text;
  }
  if (type == "choice") {
    std::string label = text_at(*v, "/label");
    return label.empty() ? text_at(*v, "/other") : label;
  }
  if (type == "choices") {
    std::string joined;
    if (const json::value* labels = find_at_path(*v, "/labels"); labels != nullptr && labels->is_array()) {
      for (const json::value& label : labels->get_array()) {
        if (auto text = scalar_text(label)) {
          joined += (joined.empty() ? "" : ", ") + *text;
        }
      }
    }
    return joined;
  }
  return {};
}

// Question titles by field id, from the form definition sent along.
std::string title_of(const json::value& response, std::string_view field_id) {
  const json::value* fields = find_at_path(response, "/definition/fields");
  if (fields == nullptr || !fields->is_array()) {
    return {};
  }
  for (const json::value& f : fields->get_array()) {
    if (text_at(f, "/id") == field_id) {
      return text_at(f, "/title");
    }
  }
  return {};
}

named_values collect(const json::value& response) {
  named_values out;
  if (const json::value* answers = find_at_path(response, "/answers"); answers != nullptr && answers->is_array()) {
    for (const json::value& a : answers->get_array()) {
      if (!a.is_object()) {
        continue;
      }
      const std::string type = text_at(a, "/type");
      const std::string ref = text_at(a, "/field/ref");
      const std::string id = text_at(a, "/field/id");
      std::string value = answer_text(a.get_object(), type);
      out.push_back({ref.empty() ? id : ref, title_of(response, id), type, value});
      if (!ref.empty() && !id.empty() && id != ref) {
        out.push_back({id, "", type, std::move(value)});  // so a field id works as a reference too
      }
    }
  }
  if (const json::value* hidden = find_at_path(response, "/hidden"); hidden != nullptr && hidden->is_object()) {
    for (const auto& kv : hidden->get_object()) {
      if (auto text = scalar_text(kv.value())) {
        out.push_back({std::string{kv.key()}, "", "hidden", std::move(*text)});
      }
    }
  }
  return out;
}

class typeform_source final : public core::source_adapter {
 public:
  explicit typeform_source(submission_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    const std::string event_type = text_at(*doc, "/event_type");
    if (!event_type.empty() && event_type != "form_response") {
      return std::vector<core::event>{};  // partial responses and future types: nothing to take
    }
    const json::value* response = find_at_path(*doc, "/form_response");
    if (response == nullptr || !response->is_object()) {
      return missing_field("form_response: the body has no form_response object; is this a Typeform webhook?");
    }
    // The response token identifies the submission across redeliveries.
    std::string id = text_at(*response, "/token");
    if (id.empty()) {
      id = text_at(*doc, "/event_id");
    }
    if (id.empty()) {
      return missing_field("form_response.token: missing, and there is no event_id either");
    }
    const named_values values = collect(*response);
    core::event e = submission_event(mapping_, std::move(id), parse_timestamp(text_at(*response, "/submitted_at")), now,
                                     values, {{"email", "email"}, {"phone", "phone_number"}});
    if (std::string form = text_at(*response, "/form_id"); !form.empty()) {
      e.attributes.emplace("form_id", std::move(form));
    }
    if (std::string title = text_at(*response, "/definition/title"); !title.empty()) {
      e.attributes.emplace("form_title", std::move(title));
    }
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  submission_mapping mapping_;
};

}  // namespace

std::unique_ptr<core::source_factory> make_typeform_factory() {
  return std::make_unique<submission_factory<typeform_source>>("typeform", "Typeform form_response webhooks",
                                                          "a field ref, field id or hidden field name");
}

}  // namespace leadsync::adapters::forms
