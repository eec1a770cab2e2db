#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "adapters/crm/salesforce/settings.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::salesforce {

// Why a token request failed, worded for the records that must wait for it.
struct token_failure {
  std::string message;  // never holds a secret
  std::string code;     // "invalid_grant", "http_503", ...
  std::optional<std::chrono::milliseconds> retry_after;
};

// The connector's OAuth access token: which request gets one, what the answer
// means, and when it is too old. Salesforce gives no expires_in, so a token is
// renewed after settings.token_max_age or when the API refuses it (invalidate()).
// Lives in the adapter, so batches reuse one token; used by one exchange at a time.
class token_manager {
 public:
  explicit token_manager(const settings& s) : settings_(s), refresh_token_(s.refresh_token) {}

  // No token yet, or the one held is older than token_max_age.
  bool needs_token(core::timestamp now) const;

  // POST <login_url>/services/oauth2/token for the configured flow.
  core::outbound_request token_request(core::timestamp now) const;

  // Keeps the token on success (and a rotated refresh token); else why not.
  std::optional<token_failure> on_token_response(const core::outbound_response& response, core::timestamp now);

  // The API refused the token: the next request gets a new one first.
  void invalidate() { access_token_.clear(); }

  const std::string& access_token() const { return access_token_; }
  const std::string& instance_url() const { return instance_url_; }
  std::uint64_t tokens_obtained() const { return tokens_obtained_; }

 private:
  const settings& settings_;
  std::string refresh_token_;  // replaced when the connected app rotates it; kept in memory only
  std::string access_token_;
  std::string instance_url_;
  core::timestamp obtained_at_{};
  std::uint64_t tokens_obtained_ = 0;
};

}  // namespace leadsync::adapters::salesforce
