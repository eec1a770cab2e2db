#include "adapters/sources/product/auth_user_source.hpp"

#include <tuple>

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters::product {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

// The entry of `list` (Clerk's email_addresses / phone_numbers) whose id is
// `primary_id`, read at `field`; the first entry when no primary is named.
std::string primary_entry(field_reader& r, const char* list, const std::string& primary_id, const char* field) {
  const json::value* entries = r.find(list);
  if (entries == nullptr || !entries->is_array()) {
    return {};
  }
  const auto& array = entries->get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = std::string{list} + "/" + std::to_string(i);
    if (primary_id.empty() || r.text(at + "/id", "id") == primary_id) {
      return r.text(at + "/" + field, field);
    }
  }
  return {};
}

// Clerk: https://clerk.com/docs webhooks; wire-formats section 2.8.
void read_clerk(field_reader& r, core::event& e, std::string& user_id) {
  user_id = r.text("/data/id", "data.id");
  r.require(user_id, "/data/id", "user id");
  e.email = primary_entry(r, "/data/email_addresses", r.text("/data/primary_email_address_id", "primary email id"),
                          "email_address");
  e.phone = primary_entry(r, "/data/phone_numbers", r.text("/data/primary_phone_number_id", "primary phone id"),
                          "phone_number");
  e.first_name = r.text("/data/first_name", "first_name");
  e.last_name = r.text("/data/last_name", "last_name");
  e.company = r.first({"/data/unsafe_metadata/company", "/data/public_metadata/company"}, "company");
  e.occurred_at = parse_time(r.first({"/data/created_at", "/timestamp"}, "created_at")).value_or(e.occurred_at);
  e.external_ids.emplace("clerk_user_id", user_id);
  e.anonymous_id = "clerk:" + user_id;
  e.attributes.emplace("provider", "clerk");
}

// Auth0 Event Streams: https://auth0.com/docs/customize/events/event-types
// (the user is data.object, with Auth0's normalised profile fields).
void read_auth0(field_reader& r, core::event& e, std::string& user_id) {
  user_id = r.text("/data/object/user_id", "data.object.user_id");
  r.require(user_id, "/data/object/user_id", "user id");
  e.email = r.text("/data/object/email", "email");
  e.first_name = r.text("/data/object/given_name", "given_name");
  e.last_name = r.text("/data/object/family_name", "family_name");
  if (e.first_name.empty() && e.last_name.empty()) {
    std::tie(e.first_name, e.last_name) = split_name(r.text("/data/object/name", "name"));
  }
  e.phone = r.text("/data/object/phone_number", "phone_number");
  e.company = r.first({"/data/object/user_metadata/company", "/data/object/app_metadata/company"}, "company");
  e.occurred_at = parse_time(r.first({"/time", "/data/object/created_at"}, "time")).value_or(e.occurred_at);
  e.external_ids.emplace("auth0_user_id", user_id);
  e.anonymous_id = "auth0:" + user_id;
  e.attributes.emplace("provider", "auth0");
  if (auto connection = r.text("/data/object/identities/0/connection", "connection"); !connection.empty()) {
    e.attributes.emplace("connection", connection);
  }
}

class auth_user_source final : public core::source_adapter {
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
      return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object (a user event)"};
    }
    field_reader r{*doc};
    const std::string type = r.text("/type", "type");
    r.require(type, "/type", "type");
    if (r.failure()) {
      return *r.failure();
    }
    std::vector<core::event> out;
    if (type != "user.created" && type != "com.auth0.user.created") {
      return out;  // updates, deletions, sessions ...: acknowledged, nothing stored
    }
    const json::value* data = r.find("/data");
    if (data == nullptr || !data->is_object()) {
      return error{error_kind::unmappable, "missing_field", "data: /data must be an object holding the user"};
    }

    core::event e;
    e.kind = "product_signup";
    e.received_at = now;
    e.occurred_at = now;
    std::string user_id;
    const json::value* object = data->get_object().if_contains("object");
    if (object != nullptr && object->is_object()) {
      read_auth0(r, e, user_id);
    } else {
      read_clerk(r, e, user_id);
    }
    if (r.failure()) {
      return *r.failure();
    }
    // Standard Webhooks senders (Clerk via Svix) keep the message id across
    // retries; without it the user id is the natural key of a sign-up.
    e.source_event_id = standard_webhooks_id(request).value_or(type + ":" + user_id);
    out.push_back(std::move(e));
    return out;
  }
};

class auth_user_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "auth-user"; }
  std::string_view description() const override {
    return "new users from the auth provider (Clerk user.created, Auth0 Event Streams user.created)";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{};
    return specs;
  }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& /*values*/) const override {
    core::build_result<core::source_adapter> out;
    out.instance = std::make_unique<auth_user_source>();
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_auth_user_source_factory() {
  return std::make_unique<auth_user_factory>();
}

}  // namespace leadsync::adapters::product
