// Standard Webhooks (Svix, Clerk and others built on Svix): webhook-id,
// webhook-timestamp, webhook-signature, or the same under svix-*; signs
// "<id>.<ts>.<body>"; the signature header is a space-separated list of
// "v1,<base64>"; keys are whsec_<base64>, decoded. Source:
// docs/wire-formats.md 1.2 (standard-webhooks spec and reference libraries).
#include <string>
#include <utility>

#include "adapters/sources/signatures/codec.hpp"
#include "adapters/sources/signatures/failures.hpp"
#include "adapters/sources/signatures/request_fields.hpp"
#include "adapters/sources/signatures/schemes.hpp"

namespace leadsync::adapters::signatures {
namespace {

// Message ids are short tokens ("msg_<ksuid>"); anything longer is not one.
constexpr std::size_t max_id_bytes = 256;

// The svix-* header when present (it wins, as in the Svix libraries), else
// the webhook-* one. `name` is the part after the prefix.
core::result<std::string_view> aliased_header(const core::inbound_request& request,
                                              std::string_view name) {
  const std::string svix = "svix-" + std::string{name};
  if (request.header(svix)) {
    return required_header(request, svix);
  }
  const std::string standard = "webhook-" + std::string{name};
  if (request.header(standard)) {
    return required_header(request, standard);
  }
  return missing_header(standard + " (or " + svix + ")");
}

core::result<claim> read_standard(const core::inbound_request& request) {
  auto id = aliased_header(request, "id");
  if (!id) {
    return id.failure();
  }
  auto stamp = aliased_header(request, "timestamp");
  if (!stamp) {
    return stamp.failure();
  }
  auto signature = aliased_header(request, "signature");
  if (!signature) {
    return signature.failure();
  }
  // The spec forbids '.' in the id: it would make "<id>.<ts>." ambiguous.
  if (id->empty() || id->size() > max_id_bytes || id->find('.') != std::string_view::npos) {
    return malformed_header("webhook-id", "expected a message id without '.' of at most 256 bytes");
  }
  claim out;
  out.timestamp_ms = parse_timestamp_ms(*stamp, timestamp_format::unix_seconds);
  if (!out.timestamp_ms) {
    return malformed_header("webhook-timestamp", "expected a Unix time in decimal digits");
  }
  bool has_v1 = false;
  for (const field& f : split_fields(*signature, ' ', ',')) {
    if (f.key != "v1") {
      continue;  // v1a (Ed25519) and future versions: not ours to check
    }
    has_v1 = true;
    if (auto sig = decode_signature(f.value, signature_encoding::base64)) {
      out.signatures.push_back(std::move(*sig));
    }
  }
  if (!has_v1) {
    return malformed_header("webhook-signature", "no v1,<base64> entry");
  }
  if (out.signatures.empty()) {
    return malformed_header("webhook-signature", "no v1 entry is a base64 digest");
  }
  // The reference libraries sign the parsed number.
  out.prefix = std::string{*id} + "." + std::to_string(*out.timestamp_ms / 1000) + ".";
  return out;
}

}  // namespace

hmac_scheme standard_webhooks_scheme() {
  hmac_scheme s;
  s.name = "standard-webhooks";
  s.description =
      "Standard Webhooks / Svix / Clerk: webhook-id, webhook-timestamp, webhook-signature "
      "(or svix-*) carrying v1,<base64 HMAC-SHA256 of <id>.<ts>.<body>>; whsec_ keys are base64";
  s.keys = key_format::whsec_base64;
  s.timestamped = true;
  s.configure = [](const core::option_values&) {
    return hmac_setup{digest_algorithm::sha256, read_standard, {}};
  };
  return s;
}

}  // namespace leadsync::adapters::signatures
