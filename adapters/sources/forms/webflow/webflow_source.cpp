// format = "webflow": Webflow's form_submission webhook (wire-formats §2.3;
// developers.webflow.com "Working with webhooks"). The v2 body wraps the
// submission in {"triggerType", "payload"}; the v1 body is the submission
// itself (name, site, data, d, _id). payload.data is keyed by the labels the
// site author chose, so field lookup goes by spelling unless `fields` says.
#include <boost/json.hpp>

#include "adapters/sources/forms/form_common.hpp"
#include "adapters/sources/forms/form_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::forms {
namespace {

namespace json = boost::json;

named_values data_of(const json::value& submission) {
  named_values out;
  const json::value* data = find_at_path(submission, "/data");
  if (data == nullptr || !data->is_object()) {
    return out;
  }
  for (const auto& kv : data->get_object()) {
    if (auto text = scalar_text(kv.value())) {
      out.push_back({std::string{kv.key()}, "", "", std::move(*text)});
    }
  }
  return out;
}

class webflow_source final : public core::source_adapter {
 public:
  explicit webflow_source(submission_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    const json::value* submission = &*doc;
    if (find_at_path(*doc, "/triggerType") != nullptr) {
      if (text_at(*doc, "/triggerType") != "form_submission") {
        return std::vector<core::event>{};  // site_publish, ecomm_*, ...: not a lead signal
      }
      submission = find_at_path(*doc, "/payload");
      if (submission == nullptr || !submission->is_object()) {
        return missing_field("payload: a form_submission without a payload object");
      }
    }
    std::string id = first_text_at(*submission, {"/id", "/_id"});
    if (id.empty()) {
      return missing_field("payload.id: the submission has no id");
    }
    const named_values values = data_of(*submission);
    core::event e = submission_event(mapping_, std::move(id),
                                     parse_timestamp(first_text_at(*submission, {"/submittedAt", "/d"})), now, values);
    const std::pair<const char*, std::string> extra[] = {
        {"form_id", first_text_at(*submission, {"/formId"})},
        {"form_title", first_text_at(*submission, {"/name"})},
        {"site_id", first_text_at(*submission, {"/siteId", "/site"})},
        {"page_url", first_text_at(*submission, {"/pageUrl", "/publishedPath"})},
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

std::unique_ptr<core::source_factory> make_webflow_factory() {
  return std::make_unique<submission_factory<webflow_source>>("webflow", "Webflow form_submission webhooks",
                                                          "a form field name as in payload.data");
}

}  // namespace leadsync::adapters::forms
