// format = "form": any HTML form or landing page that can POST, as
// application/x-www-form-urlencoded (a plain <form>) or as a flat JSON object
// (fetch(), Zapier, n8n). Fields are found by name: `fields` names them, or
// their usual spellings do (email, first_name / "First Name", company, ...).
#include <boost/json.hpp>

#include "adapters/sources/forms/form/urlencoded.hpp"
#include "adapters/sources/forms/form_common.hpp"
#include "adapters/sources/forms/form_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::forms {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

// Top-level scalars; an array of scalars (checkbox group) is joined with ", ".
// Nested objects are not form fields and are skipped.
named_values json_fields(const json::object& body) {
  named_values out;
  for (const auto& kv : body) {
    std::optional<std::string> text = scalar_text(kv.value());
    if (!text && kv.value().is_array()) {
      std::string joined;
      for (const json::value& item : kv.value().get_array()) {
        if (auto t = scalar_text(item)) {
          joined += (joined.empty() ? "" : ", ") + *t;
        }
      }
      text = std::move(joined);
    }
    if (text) {
      out.push_back({std::string{kv.key()}, "", "", std::move(*text)});
    }
  }
  return out;
}

core::result<named_values> read_fields(const core::inbound_request& request) {
  std::string type = media_type(request);
  if (type.empty()) {
    // No Content-Type: a JSON object starts with '{', anything else is form data.
    const auto first = request.body.find_first_not_of(" \t\r\n");
    type = first != std::string::npos && request.body[first] == '{' ? "application/json"
                                                                    : "application/x-www-form-urlencoded";
  }
  if (type == "application/x-www-form-urlencoded") {
    auto pairs = parse_urlencoded(request.body);
    if (!pairs) {
      return pairs.failure();
    }
    named_values out;
    for (auto& [name, value] : *pairs) {
      out.push_back({std::move(name), "", "", std::move(value)});
    }
    return out;
  }
  if (type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"))) {
    auto doc = parse_json_body(request.body);
    if (!doc) {
      return doc.failure();
    }
    if (!doc->is_object()) {
      return error{error_kind::unmappable, "not_an_object", "a JSON body must be an object of form fields"};
    }
    return json_fields(doc->get_object());
  }
  return error{error_kind::unsupported_media, "unsupported_media_type",
               "content type '" + type +
                   "' is not accepted here; send application/x-www-form-urlencoded or application/json "
                   "(multipart/form-data is not supported)"};
}

class form_source final : public core::source_adapter {
 public:
  form_source(submission_mapping mapping, std::string event_id_field)
      : mapping_(std::move(mapping)), event_id_field_(std::move(event_id_field)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto values = read_fields(request);
    if (!values) {
      return values.failure();
    }
    std::string id;
    if (!event_id_field_.empty()) {
      const named_value* v = find_value(*values, event_id_field_);
      if (v == nullptr) {
        return missing_field(event_id_field_ + ": the field named by event_id_field is missing or empty");
      }
      id = v->value;
    } else {
      // No id from the sender: identical bodies are the same submission.
      id = "sha256:" + sha256_hex(request.body);
    }
    std::vector<core::event> out;
    out.push_back(submission_event(mapping_, std::move(id), std::nullopt, now, *values));
    return out;
  }

 private:
  submission_mapping mapping_;
  std::string event_id_field_;
};

class form_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "form"; }
  std::string_view description() const override {
    return "HTML form posts: application/x-www-form-urlencoded or a flat JSON object";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = [] {
      auto s = common_options("a form field name");
      s.push_back({"event_id_field", core::option_type::string, false,
                   "form field holding a unique submission id (default: SHA-256 of the body)"});
      return s;
    }();
    return specs;
  }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    submission_mapping mapping = read_common_options(values, out.errors);
    const std::string event_id_field = values.string_or("event_id_field", "");
    if (values.has("event_id_field") && event_id_field.empty()) {
      out.errors.push_back({"event_id_field", "empty field name; name the field, or leave the key out"});
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<form_source>(std::move(mapping), event_id_field);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_form_factory() { return std::make_unique<form_factory>(); }

}  // namespace leadsync::adapters::forms
