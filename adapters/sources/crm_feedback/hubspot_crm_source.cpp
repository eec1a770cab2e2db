#include "adapters/sources/crm_feedback/hubspot_crm_source.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/sources/crm_feedback/stage_map.hpp"
#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters::crm_feedback {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;
using product::field_reader;

// HubSpot's default lifecyclestage internal values (wire-formats section 4.4).
const core::string_map& default_lifecycle_stages() {
  static const core::string_map stages{
      {"subscriber", "identified"}, {"lead", "identified"},          {"marketingqualifiedlead", "mql"},
      {"salesqualifiedlead", "sql"}, {"opportunity", "opportunity"}, {"customer", "customer"},
      {"evangelist", "customer"},   {"other", "recycled"},
  };
  return stages;
}

// HubSpot's default hs_lead_status values that mean sales is working the lead.
const core::string_map& default_lead_statuses() {
  static const core::string_map stages{
      {"IN_PROGRESS", "sal"}, {"ATTEMPTED_TO_CONTACT", "sal"}, {"CONNECTED", "sal"}, {"OPEN_DEAL", "opportunity"}};
  return stages;
}

struct hubspot_settings {
  stage_map lifecycle;
  stage_map lead_status;
  bool read_lead_status = true;
  std::vector<std::string> rejected;  // lower-cased hs_lead_status values
  std::vector<std::string> ignored_change_sources;
};

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

class hubspot_crm_source final : public core::source_adapter {
 public:
  explicit hubspot_crm_source(hubspot_settings s) : s_(std::move(s)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    if (auto bad = check_json_content_type(request)) {
      return *bad;
    }
    auto doc = parse_json_body(request.body);
    if (!doc) {
      return doc.failure();
    }
    if (!doc->is_array()) {
      return error{error_kind::unmappable, "not_an_array", "the body must be a JSON array of HubSpot events"};
    }
    std::vector<core::event> out;
    const auto& items = doc->get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string at = "/" + std::to_string(i);
      if (!items[i].is_object()) {
        return error{error_kind::unmappable, "not_an_object", at + " must be a JSON object (a HubSpot event)"};
      }
      field_reader r{items[i], at};
      auto e = one(r, now);
      if (r.failure()) {
        return *r.failure();
      }
      if (e) {
        out.push_back(std::move(*e));
      }
    }
    return out;
  }

 private:
  // The event for one array element, or nullopt when it is not a tracked
  // stage change (other subscription types and properties, cleared values,
  // unmapped values, ignored change sources).
  std::optional<core::event> one(field_reader& r, core::timestamp now) const {
    const std::string type = r.text("/subscriptionType", "subscriptionType");
    const bool contact_change = type == "contact.propertyChange" ||
                                (type == "object.propertyChange" && r.text("/objectTypeId", "objectTypeId") == "0-1");
    const std::string property = r.text("/propertyName", "propertyName");
    const bool tracked = property == "lifecyclestage" || (property == "hs_lead_status" && s_.read_lead_status);
    const std::string value = r.text("/propertyValue", "propertyValue");
    const std::string source = r.text("/changeSource", "changeSource");
    if (!contact_change || !tracked || value.empty() || has(s_.ignored_change_sources, source)) {
      return std::nullopt;
    }
    std::optional<std::string> stage;
    std::string reason;
    if (property == "lifecyclestage") {
      stage = s_.lifecycle.stage_for(value);
    } else if (has(s_.rejected, product::lower(value))) {
      stage = "recycled";
      reason = value;
    } else {
      stage = s_.lead_status.stage_for(value);
    }
    if (!stage) {
      return std::nullopt;
    }

    const std::string event_id = r.text("/eventId", "eventId");
    r.require(event_id, "/eventId", "eventId");
    const std::string object_id = r.text("/objectId", "objectId");
    r.require(object_id, "/objectId", "objectId");
    core::event e;
    // HubSpot documents eventId as "not guaranteed to be unique"; the
    // portal, object and property make the key unique while staying the
    // same on every retry (only attemptNumber changes).
    e.source_event_id = r.text("/portalId", "portalId") + ":" + event_id + ":" + object_id + ":" + property;
    e.kind = "crm_stage_changed";
    e.received_at = now;
    e.occurred_at = product::parse_time(r.text("/occurredAt", "occurredAt")).value_or(now);
    e.anonymous_id = "hubspot:" + object_id;
    e.external_ids.emplace("hubspot_contact_id", object_id);
    e.attributes.emplace("stage", *stage);
    e.attributes.emplace("crm_value", value);
    e.attributes.emplace("property", property);
    if (!reason.empty()) {
      e.attributes.emplace("reason", reason);
    }
    if (!source.empty()) {
      e.attributes.emplace("change_source", source);
    }
    return e;
  }

  hubspot_settings s_;
};

class hubspot_crm_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "hubspot-crm"; }
  std::string_view description() const override {
    return "HubSpot contact.propertyChange webhooks for lifecyclestage / hs_lead_status (stage changes by sales)";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{
        {"stage_map", core::option_type::string_map, false,
         "lifecyclestage value -> stage; overlays the defaults (marketingqualifiedlead = \"mql\", "
         "salesqualifiedlead = \"sql\", opportunity, customer, lead/subscriber = \"identified\", other = "
         "\"recycled\")"},
        {"lead_status", core::option_type::boolean, false, "also read hs_lead_status changes (default true)"},
        {"lead_status_map", core::option_type::string_map, false,
         "hs_lead_status value -> stage; overlays the defaults (IN_PROGRESS, ATTEMPTED_TO_CONTACT, CONNECTED = "
         "\"sal\", OPEN_DEAL = \"opportunity\")"},
        {"rejected_values", core::option_type::string_list, false,
         "hs_lead_status values meaning \"rejected by sales\": stage \"recycled\" with the value as reason "
         "(default [\"UNQUALIFIED\", \"BAD_TIMING\"])"},
        {"ignored_change_sources", core::option_type::string_list, false,
         "changeSource values to skip, e.g. the one leadsyncd's own CRM writes come back with"},
    };
    return specs;
  }

  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    hubspot_settings s;
    s.lifecycle = stage_map::from_options(values, "stage_map", default_lifecycle_stages(), out.errors);
    s.lead_status = stage_map::from_options(values, "lead_status_map", default_lead_statuses(), out.errors);
    s.read_lead_status = values.boolean_or("lead_status", true);
    const auto rejected = values.has("rejected_values") ? values.list_or_empty("rejected_values")
                                                        : std::vector<std::string>{"UNQUALIFIED", "BAD_TIMING"};
    for (const auto& value : rejected) {
      if (value.empty()) {
        out.errors.push_back({"rejected_values", "a value must not be empty"});
      }
      s.rejected.push_back(product::lower(value));
    }
    s.ignored_change_sources = values.list_or_empty("ignored_change_sources");
    if (out.errors.empty()) {
      out.instance = std::make_unique<hubspot_crm_source>(std::move(s));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_hubspot_crm_source_factory() {
  return std::make_unique<hubspot_crm_factory>();
}

}  // namespace leadsync::adapters::crm_feedback
