#include "adapters/sources/product/stripe_source.hpp"

#include <tuple>

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters::product {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

// Which lifecycle step a subscription event is; "" for one we ignore.
// Conversion needs previous_attributes.status: Stripe only sends it when
// the status changed, which is what tells a conversion from a plan change.
std::string kind_of(std::string_view type, std::string_view status, std::string_view previous_status,
                    bool has_trial_end) {
  if (type == "customer.subscription.deleted") {
    return "subscription_canceled";
  }
  if (type == "customer.subscription.created") {
    if (status == "trialing" && has_trial_end) {
      return "trial_started";
    }
    return status == "active" ? "subscription_started" : "";
  }
  if (type == "customer.subscription.updated" && !previous_status.empty() && previous_status != status) {
    if (status == "active" && previous_status == "trialing") {
      return "trial_converted";
    }
    if (status == "canceled") {
      return "subscription_canceled";
    }
    if (status == "trialing" && has_trial_end) {
      return "trial_started";  // e.g. incomplete -> trialing once a payment method was added
    }
  }
  return {};
}

class stripe_source final : public core::source_adapter {
 public:
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
      return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object (a Stripe event)"};
    }
    field_reader r{*doc};
    const std::string id = r.text("/id", "id");
    r.require(id, "/id", "id");
    const std::string type = r.text("/type", "type");
    r.require(type, "/type", "type");
    if (r.failure()) {
      return *r.failure();
    }
    std::vector<core::event> out;
    if (!type.starts_with("customer.subscription.")) {
      return out;  // not a subscription lifecycle event: acknowledged, nothing stored
    }
    const json::value* object = r.find("/data/object");
    if (object == nullptr || !object->is_object()) {
      return error{error_kind::unmappable, "missing_field", "data.object: /data/object must be the subscription"};
    }

    const std::string status = r.text("/data/object/status", "status");
    const std::string previous_status = r.text("/data/previous_attributes/status", "previous status");
    const std::string trial_end = r.text("/data/object/trial_end", "trial_end");
    const std::string kind = kind_of(type, status, previous_status, !trial_end.empty());
    if (r.failure()) {
      return *r.failure();
    }
    if (kind.empty()) {
      return out;  // a subscription change that is no lifecycle step (plan change, past_due ...)
    }

    // `customer` is an id, or the customer object when the event was expanded.
    const json::value* customer = r.find("/data/object/customer");
    const bool expanded = customer != nullptr && customer->is_object();
    const std::string customer_id = r.text(expanded ? "/data/object/customer/id" : "/data/object/customer", "customer");
    r.require(customer_id, "/data/object/customer", "customer");

    core::event e;
    e.source_event_id = id;
    e.kind = kind;
    e.received_at = now;
    e.occurred_at = parse_time(r.text("/created", "created")).value_or(now);
    e.email = r.first({"/data/object/metadata/email", "/data/object/customer_email"}, "email");
    if (expanded) {
      if (e.email.empty()) {
        e.email = r.text("/data/object/customer/email", "email");
      }
      std::tie(e.first_name, e.last_name) = split_name(r.text("/data/object/customer/name", "name"));
      e.phone = r.text("/data/object/customer/phone", "phone");
    }
    e.anonymous_id = "stripe:" + customer_id;  // subscription events rarely carry an email
    e.external_ids.emplace("stripe_customer_id", customer_id);

    auto keep = [&](const std::string& name, std::string value) {
      if (!value.empty()) {
        e.attributes.emplace(name, std::move(value));
      }
    };
    keep("stripe_event_type", type);
    keep("subscription_id", r.text("/data/object/id", "subscription id"));
    keep("status", status);
    keep("previous_status", previous_status);
    keep("plan", r.first({"/data/object/items/data/0/price/id", "/data/object/plan/id"}, "price id"));
    keep("product", r.first({"/data/object/items/data/0/price/product", "/data/object/plan/product"}, "product"));
    keep("cancellation_reason", r.text("/data/object/cancellation_details/reason", "cancellation reason"));
    keep("livemode", r.text("/livemode", "livemode"));
    if (auto end = parse_time(trial_end)) {
      keep("trial_end", core::format_rfc3339(*end));  // RFC 3339 UTC, like every time leadsyncd writes
    }
    if (r.failure()) {
      return *r.failure();
    }
    out.push_back(std::move(e));
    return out;
  }
};

class stripe_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "stripe"; }
  std::string_view description() const override {
    return "Stripe customer.subscription.* events: trial started / converted, subscription started / canceled";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{};
    return specs;
  }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& /*values*/) const override {
    core::build_result<core::source_adapter> out;
    out.instance = std::make_unique<stripe_source>();
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_stripe_source_factory() { return std::make_unique<stripe_factory>(); }

}  // namespace leadsync::adapters::product
