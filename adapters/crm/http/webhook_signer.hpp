#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/adapter.hpp"
#include "core/options.hpp"
#include "core/time.hpp"

namespace leadsync::adapters::http {

// Signs outgoing requests the Standard Webhooks way (wire-formats.md 1.2),
// so receivers can verify them with the standard libraries:
//   webhook-id: <id>   webhook-timestamp: <unix seconds>
//   webhook-signature: v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">
// The id stays the same across retries (receivers dedupe on it); the
// timestamp is the attempt's.
class webhook_signer {
 public:
  // "whsec_<base64>" is decoded as the standard says; any other secret is
  // used as its own bytes. nullopt with an error (key `secret`, never quoting
  // it) when a whsec_ secret does not decode.
  static std::optional<webhook_signer> from_secret(std::string_view secret, std::vector<core::option_error>& errors);

  // Adds the three headers for `request.body`.
  void sign(core::outbound_request& request, std::string_view id, core::timestamp now) const;

 private:
  explicit webhook_signer(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace leadsync::adapters::http
