#include "adapters/crm/http/webhook_signer.hpp"

#include "adapters/sources/signatures/codec.hpp"
#include "adapters/sources/signatures/crypto.hpp"

namespace leadsync::adapters::http {

std::optional<webhook_signer> webhook_signer::from_secret(std::string_view secret,
                                                          std::vector<core::option_error>& errors) {
  if (!secret.starts_with("whsec_")) {
    return webhook_signer{std::string{secret}};
  }
  // Padding is optional, as in the reference libraries.
  auto key = signatures::base64_decode(secret.substr(6), signatures::base64_padding::optional);
  if (!key || key->empty()) {
    errors.push_back({"secret", "a whsec_ secret must be base64 after the prefix"});
    return std::nullopt;
  }
  return webhook_signer{std::move(*key)};
}

void webhook_signer::sign(core::outbound_request& request, std::string_view id, core::timestamp now) const {
  const std::string seconds =
      std::to_string(std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count());
  const std::string mac =
      signatures::hmac(signatures::digest_algorithm::sha256, key_, {id, ".", seconds, ".", request.body});
  request.headers.emplace_back("webhook-id", std::string{id});
  request.headers.emplace_back("webhook-timestamp", seconds);
  request.headers.emplace_back("webhook-signature", "v1," + signatures::base64_encode(mac));
}

}  // namespace leadsync::adapters::http
