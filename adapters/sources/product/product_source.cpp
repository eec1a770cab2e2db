#include "adapters/sources/product/product_source.hpp"

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"
#include "adapters/sources/product/pointer_mapping.hpp"

namespace leadsync::adapters::product {
namespace {

using core::error;
using core::error_kind;

class product_source final : public core::source_adapter {
 public:
  explicit product_source(pointer_mapping mapping) : mapping_(std::move(mapping)) {}

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

    core::event e;
    e.received_at = now;
    e.occurred_at = parse_time(get("occurred_at")).value_or(now);
    e.kind = get("kind");
    if (e.kind.empty()) {
      e.kind = "product_event";
    }
    fill_contact(e, fields);
    e.attributes = std::move(values->attributes);
    e.external_ids = std::move(values->external_ids);
    if (mapping_.maps("event_id")) {
      e.source_event_id = get("event_id");
      if (e.source_event_id.empty()) {
        return error{error_kind::unmappable, "missing_field",
                     "event_id: JSON pointer " + mapping_.pointer_of("event_id") + " is missing or empty in the body"};
      }
    } else {
      // No id from the sender: identical bodies are the same event.
      e.source_event_id = "sha256:" + sha256_hex(request.body);
    }
    if (e.email.empty() && e.anonymous_id.empty()) {
      return error{error_kind::unmappable, "no_identity",
                   "email (" + mapping_.pointer_of("email") + ") and anonymous_id (" +
                       mapping_.pointer_of("anonymous_id") + ") are both missing; the event names nobody"};
    }
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  pointer_mapping mapping_;
};

class product_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "product"; }
  std::string_view description() const override {
    return "a product event from your own app as any JSON object, mapped through JSON pointers";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = pointer_mapping::option_specs(
        "field -> JSON pointer into the body (event_id, kind, occurred_at, email, anonymous_id, first_name, "
        "last_name, company, title, phone); map email or anonymous_id at least",
        true);
    return specs;
  }

  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    const mapping_fields fields{canonical_field_names(), {}};
    auto mapping = pointer_mapping::from_options(values, fields, out.errors);
    if (!mapping.maps("email") && !mapping.maps("anonymous_id")) {
      out.errors.push_back({"map", "must map at least `email` or `anonymous_id`, or no lead can ever be found"});
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<product_source>(std::move(mapping));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_product_source_factory() { return std::make_unique<product_factory>(); }

}  // namespace leadsync::adapters::product
