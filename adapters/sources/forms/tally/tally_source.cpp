// format = "tally": Tally's FORM_RESPONSE webhook (wire-formats §2.3,
// tally.so/help/webhooks "Example webhook event"). data.fields[] holds one
// entry per question with a stable `key`, the author's `label`, a `type`
// (INPUT_EMAIL, INPUT_PHONE_NUMBER, MULTIPLE_CHOICE, HIDDEN_FIELDS, ...) and
// the `value`; choice values are option ids resolved through `options`.
#include <boost/json.hpp>

#include "adapters/sources/forms/form_common.hpp"
#include "adapters/sources/forms/form_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::forms {
namespace {

namespace json = boost::json;

// An option id's text, or the id itself when the field lists no such option.
std::string option_text(const json::value& field, const std::string& id) {
  if (const json::value* options = find_at_path(field, "/options"); options != nullptr && options->is_array()) {
    for (const json::value& o : options->get_array()) {
      if (text_at(o, "/id") == id) {
        return text_at(o, "/text");
      }
    }
  }
  return id;
}

std::string value_text(const json::value& field) {
  const json::value* v = find_at_path(field, "/value");
  if (v == nullptr) {
    return {};
  }
  if (!v->is_array()) {
    return option_text(field, scalar_text(*v).value_or(std::string{}));
  }
  std::string joined;
  for (const json::value& item : v->get_array()) {
    if (auto text = scalar_text(item)) {
      joined += (joined.empty() ? "" : ", ") + option_text(field, *text);
    }
  }
  return joined;
}

named_values fields_of(const json::value& data) {
  named_values out;
  const json::value* fields = find_at_path(data, "/fields");
  if (fields == nullptr || !fields->is_array()) {
    return out;
  }
  for (const json::value& f : fields->get_array()) {
    if (f.is_object()) {
      out.push_back({text_at(f, "/key"), text_at(f, "/label"), text_at(f, "/type"), value_text(f)});
    }
  }
  return out;
}

class tally_source final : public core::source_adapter {
 public:
  explicit tally_source(submission_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    const std::string event_type = text_at(*doc, "/eventType");
    if (!event_type.empty() && event_type != "FORM_RESPONSE") {
      return std::vector<core::event>{};
    }
    const json::value* data = find_at_path(*doc, "/data");
    if (data == nullptr || !data->is_object()) {
      return missing_field("data: the body has no data object; is this a Tally webhook?");
    }
    std::string id = text_at(*doc, "/eventId");
    if (id.empty()) {
      id = text_at(*data, "/responseId");
    }
    if (id.empty()) {
      return missing_field("eventId: missing, and there is no data.responseId either");
    }
    const named_values values = fields_of(*data);
    core::event e = submission_event(mapping_, std::move(id),
                                     parse_timestamp(first_text_at(*doc, {"/data/createdAt", "/createdAt"})), now,
                                     values, {{"email", "INPUT_EMAIL"}, {"phone", "INPUT_PHONE_NUMBER"}});
    if (e.anonymous_id.empty()) {
      e.anonymous_id = text_at(*data, "/respondentId");  // Tally's id of the browser that answered
    }
    const std::pair<const char*, std::string> extra[] = {
        {"form_id", text_at(*data, "/formId")},
        {"form_title", text_at(*data, "/formName")},
        {"response_id", text_at(*data, "/responseId")},
    };
    for (const auto& [name, value] : extra) {
      if (!value.empty()) {
        e.attributes.emplace(name, value);
      }
    }
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  submission_mapping mapping_;
};

}  // namespace

std::unique_ptr<core::source_factory> make_tally_factory() {
  return std::make_unique<submission_factory<tally_source>>("tally", "Tally FORM_RESPONSE webhooks",
                                                          "a Tally field key (question_...) or label");
}

}  // namespace leadsync::adapters::forms
