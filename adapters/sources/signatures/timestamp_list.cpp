// Stripe and Calendly: one header "t=<unix>,v1=<hex>[,v1=<hex>...]", signing
// "<t>." + body. Stripe sends several v1 entries while a secret is being
// rolled; both verify if any one matches. Sources: docs/wire-formats.md 1.1
// (stripe-node parseHeader) and 1.9.
#include <string>
#include <utility>

#include "adapters/sources/signatures/codec.hpp"
#include "adapters/sources/signatures/failures.hpp"
#include "adapters/sources/signatures/request_fields.hpp"
#include "adapters/sources/signatures/schemes.hpp"

namespace leadsync::adapters::signatures {
namespace {

claim_reader read_timestamp_list(std::string header) {
  return [header = std::move(header)](const core::inbound_request& request) -> core::result<claim> {
    auto value = required_header(request, header);
    if (!value) {
      return value.failure();
    }
    claim out;
    bool has_v1 = false;
    for (const field& f : split_fields(*value, ',', '=')) {
      if (f.key == "t") {
        if (out.timestamp_ms) {
          return malformed_header(header, "more than one t= item");
        }
        out.timestamp_ms = parse_timestamp_ms(f.value, timestamp_format::unix_seconds);
        if (!out.timestamp_ms) {
          return malformed_header(header, "t= is not a Unix time in decimal digits");
        }
      } else if (f.key == "v1") {
        // An entry that does not decode cannot match; keep looking at the others.
        has_v1 = true;
        if (auto sig = decode_signature(f.value, signature_encoding::hex)) {
          out.signatures.push_back(std::move(*sig));
        }
      }
      // v0 (Stripe's legacy test-mode scheme) and unknown keys are ignored.
    }
    if (!out.timestamp_ms) {
      return malformed_header(header, "no t= timestamp");
    }
    if (!has_v1) {
      return malformed_header(header, "no v1= signature");
    }
    if (out.signatures.empty()) {
      return malformed_header(header, "no v1= signature is a hex digest");
    }
    // The SDK signs the parsed number, so "t=007" signs "7."
    out.prefix = std::to_string(*out.timestamp_ms / 1000) + ".";
    return out;
  };
}

hmac_scheme timestamp_list(std::string name, std::string description, std::string header) {
  hmac_scheme s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.timestamped = true;
  s.configure = [header = std::move(header)](const core::option_values&) {
    return hmac_setup{digest_algorithm::sha256, read_timestamp_list(header), {}};
  };
  return s;
}

}  // namespace

std::vector<hmac_scheme> timestamp_list_schemes() {
  std::vector<hmac_scheme> out;
  out.push_back(timestamp_list(
      "stripe",
      "Stripe: Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">; the key is the "
      "whole whsec_ string",
      "stripe-signature"));
  out.push_back(timestamp_list(
      "calendly",
      "Calendly: Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">",
      "calendly-webhook-signature"));
  return out;
}

}  // namespace leadsync::adapters::signatures
