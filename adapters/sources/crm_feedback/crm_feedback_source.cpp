#include "adapters/sources/crm_feedback/crm_feedback_source.hpp"

#include <boost/json.hpp>

#include "adapters/sources/crm_feedback/stage_map.hpp"
#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"
#include "adapters/sources/product/pointer_mapping.hpp"

namespace leadsync::adapters::crm_feedback {
namespace {

using core::error;
using core::error_kind;
using product::pointer_mapping;

const product::mapping_fields& feedback_fields() {
  static const product::mapping_fields fields{
      {"event_id", "occurred_at", "email", "anonymous_id", "first_name", "last_name", "company", "title", "phone",
       "stage", "reason", "record_id"},
      {{"event_id", "/id"},
       {"email", "/email"},
       {"stage", "/stage"},
       {"reason", "/reason"},
       {"occurred_at", "/occurred_at"},
       {"record_id", "/record_id"}}};
  return fields;
}

// Sales' words for what happened to a lead, and the stage each one means.
const core::string_map& default_stages() {
  static const core::string_map stages{
      {"accepted", "sal"},       {"qualified", "sql"}, {"opportunity", "opportunity"}, {"won", "customer"},
      {"rejected", "recycled"}, {"lost", "recycled"}, {"nurture", "recycled"},
  };
  return stages;
}

class crm_feedback_source final : public core::source_adapter {
 public:
  crm_feedback_source(pointer_mapping mapping, stage_map stages, std::string record_system)
      : mapping_(std::move(mapping)), stages_(std::move(stages)), record_system_(std::move(record_system)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    if (auto bad = check_json_content_type(request)) {
      return *bad;
    }
    auto doc = parse_json_body(request.body);
    if (!doc) {
      return doc.failure();
    }
    if (!doc->is_object()) {
      return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object"};
    }
    auto values = mapping_.read(*doc);
    if (!values) {
      return values.failure();
    }
    const auto& fields = values->fields;
    auto get = [&](std::string_view name) {
      auto it = fields.find(name);
      return it == fields.end() ? std::string{} : it->second;
    };
    auto missing = [&](std::string_view name) {
      return error{error_kind::unmappable, "missing_field",
                   std::string{name} + ": JSON pointer " + mapping_.pointer_of(name) +
                       " is missing or empty in the body"};
    };

    core::event e;
    e.source_event_id = get("event_id");
    if (e.source_event_id.empty()) {
      return missing("event_id");
    }
    const std::string crm_value = get("stage");
    if (crm_value.empty()) {
      return missing("stage");
    }
    const auto stage = stages_.stage_for(crm_value);
    if (!stage) {
      return error{error_kind::unmappable, "unknown_stage",
                   "stage: \"" + crm_value + "\" (at " + mapping_.pointer_of("stage") +
                       ") is not in stage_map; known values: " + stages_.known_values()};
    }
    e.kind = "crm_stage_changed";
    e.received_at = now;
    e.occurred_at = product::parse_time(get("occurred_at")).value_or(now);
    product::fill_contact(e, fields);
    e.attributes = std::move(values->attributes);
    e.external_ids = std::move(values->external_ids);
    e.attributes.insert_or_assign("stage", *stage);
    e.attributes.insert_or_assign("crm_value", crm_value);
    if (auto reason = get("reason"); !reason.empty()) {
      e.attributes.insert_or_assign("reason", reason);
    }
    if (auto record = get("record_id"); !record.empty()) {
      e.external_ids.insert_or_assign(record_system_ + "_id", record);
      if (e.anonymous_id.empty()) {
        e.anonymous_id = record_system_ + ":" + record;  // keys the lead when the CRM sends no email
      }
    }
    if (e.email.empty() && e.anonymous_id.empty()) {
      return error{error_kind::unmappable, "no_identity",
                   "email (" + mapping_.pointer_of("email") + ") and record_id (" + mapping_.pointer_of("record_id") +
                       ") are both missing; the stage change names nobody"};
    }
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  pointer_mapping mapping_;
  stage_map stages_;
  std::string record_system_;
};

class crm_feedback_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "crm-feedback"; }
  std::string_view description() const override {
    return "stage changes made by sales, posted as flat JSON by a CRM workflow (e.g. a Salesforce Flow callout)";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = [] {
      auto s = pointer_mapping::option_specs(
          "field -> JSON pointer; overlays the defaults event_id = \"/id\", email = \"/email\", stage = \"/stage\", "
          "reason = \"/reason\", occurred_at = \"/occurred_at\", record_id = \"/record_id\" (also: anonymous_id, "
          "first_name, last_name, company, title, phone)",
          false);
      s.push_back({"stage_map", core::option_type::string_map, false,
                   "CRM value -> stage; overlays the defaults accepted = \"sal\", qualified = \"sql\", opportunity, "
                   "won = \"customer\", rejected / lost / nurture = \"recycled\""});
      s.push_back({"record_system", core::option_type::string, false,
                   "names the CRM record id: external id \"<record_system>_id\", anonymous id "
                   "\"<record_system>:<id>\" (default \"salesforce\")"});
      return s;
    }();
    return specs;
  }

  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    auto mapping = pointer_mapping::from_options(values, feedback_fields(), out.errors);
    auto stages = stage_map::from_options(values, "stage_map", default_stages(), out.errors);
    auto record_system = values.string_or("record_system", "salesforce");
    if (auto bad = product::check_identifier(record_system)) {
      out.errors.push_back({"record_system", *bad});
    }
    if (out.errors.empty()) {
      out.instance =
          std::make_unique<crm_feedback_source>(std::move(mapping), std::move(stages), std::move(record_system));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_crm_feedback_source_factory() {
  return std::make_unique<crm_feedback_factory>();
}

}  // namespace leadsync::adapters::crm_feedback
