#include "adapters/crm/salesforce/token_manager.hpp"

#include <boost/json.hpp>

#include "adapters/crm/common/http_answer.hpp"
#include "adapters/crm/salesforce/jwt.hpp"
#include "adapters/crm/salesforce/url_encoding.hpp"

namespace leadsync::adapters::salesforce {
namespace {

// Salesforce accepts a JWT for at most 3 minutes; leave room for clock skew.
constexpr std::chrono::seconds jwt_lifetime{170};

std::string string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string{v->get_string()} : std::string{};
}

std::string clip(std::string text) {
  if (text.size() > 300) {
    text.resize(300);
  }
  return text;
}

}  // namespace

bool token_manager::needs_token(core::timestamp now) const {
  return access_token_.empty() || now - obtained_at_ >= settings_.token_max_age;
}

core::outbound_request token_manager::token_request(core::timestamp now) const {
  core::outbound_request r;
  r.method = "POST";
  r.url = settings_.login_url + "/services/oauth2/token";
  r.timeout = settings_.timeout;
  r.ca_file = settings_.ca_file;
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"}};
  switch (settings_.auth) {
    case auth_flow::client_credentials:
      r.body = form_body({{"grant_type", "client_credentials"},
                          {"client_id", settings_.client_id},
                          {"client_secret", settings_.client_secret}});
      break;
    case auth_flow::jwt: {
      const std::string assertion = make_jwt_assertion(
          *settings_.private_key, {settings_.client_id, settings_.username, settings_.audience, now + jwt_lifetime});
      r.body = form_body({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", assertion}});
      break;
    }
    case auth_flow::refresh_token:
      if (settings_.client_secret.empty()) {
        r.body = form_body(
            {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token_}, {"client_id", settings_.client_id}});
      } else {
        r.body = form_body({{"grant_type", "refresh_token"},
                            {"refresh_token", refresh_token_},
                            {"client_id", settings_.client_id},
                            {"client_secret", settings_.client_secret}});
      }
      break;
  }
  return r;
}

std::optional<token_failure> token_manager::on_token_response(const core::outbound_response& response,
                                                              core::timestamp now) {
  token_failure failure;
  failure.retry_after = retry_after(response.headers, now);
  const std::string prefix = "salesforce token request failed: ";
  if (response.status == 0) {
    failure.message = prefix + (response.transport_error.empty() ? "no answer" : response.transport_error);
    failure.code = "transport";
    return failure;
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  const boost::json::object* o = !ec ? body.if_object() : nullptr;
  if (response.status < 200 || response.status >= 300) {
    // Only the endpoint's own error fields are quoted: the body could in
    // principle echo what was posted, and that holds secrets.
    failure.code = "http_" + std::to_string(response.status);
    failure.message = prefix + "HTTP " + std::to_string(response.status);
    if (o != nullptr && !string_member(*o, "error").empty()) {
      failure.code = clip(string_member(*o, "error"));
      failure.message = prefix + failure.code;
      if (auto description = string_member(*o, "error_description"); !description.empty()) {
        failure.message += ": " + clip(std::move(description));
      }
    }
    return failure;
  }
  const std::string token = o != nullptr ? string_member(*o, "access_token") : std::string{};
  std::string instance = o != nullptr ? string_member(*o, "instance_url") : std::string{};
  while (instance.ends_with('/')) {
    instance.pop_back();
  }
  if (token.empty() || !is_acceptable_base_url(instance)) {
    failure.code = "token_response";
    failure.message = prefix + "the answer has no access_token or no usable https:// instance_url";
    return failure;
  }
  access_token_ = token;
  instance_url_ = std::move(instance);
  obtained_at_ = now;
  ++tokens_obtained_;
  if (settings_.auth == auth_flow::refresh_token) {
    if (auto rotated = string_member(*o, "refresh_token"); !rotated.empty()) {
      refresh_token_ = std::move(rotated);
    }
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::salesforce
