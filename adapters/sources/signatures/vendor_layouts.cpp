// Vendors whose signature is one header (plus, for some, a timestamp header):
// each is a row of values for header_layout. Sources: docs/wire-formats.md 1.3,
// 1.4, 1.6, 1.7, 1.8, 1.10, 1.12, 1.13.
#include <utility>

#include "adapters/sources/signatures/header_layout.hpp"
#include "adapters/sources/signatures/schemes.hpp"

namespace leadsync::adapters::signatures {
namespace {

hmac_scheme fixed(std::string name, std::string description, digest_algorithm algorithm,
                  header_layout layout) {
  hmac_scheme s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.timestamped = !layout.timestamp_header.empty();
  s.configure = [algorithm, layout = std::move(layout)](const core::option_values&) {
    return hmac_setup{algorithm, read_layout(layout), {}};
  };
  return s;
}

header_layout body_only(std::string header, std::string prefix, signature_encoding encoding) {
  header_layout l;
  l.signature_header = std::move(header);
  l.signature_prefix = std::move(prefix);
  l.encoding = encoding;
  return l;
}

header_layout with_timestamp(header_layout l, std::string header, timestamp_format format,
                             std::string lead, std::string separator) {
  l.timestamp_header = std::move(header);
  l.timestamp = format;
  l.lead = std::move(lead);
  l.separator = std::move(separator);
  return l;
}

}  // namespace

std::vector<hmac_scheme> vendor_layout_schemes() {
  using enum signature_encoding;
  using enum digest_algorithm;
  std::vector<hmac_scheme> out;
  out.push_back(fixed("typeform",
                      "Typeform: Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>", sha256,
                      body_only("typeform-signature", "sha256=", base64)));
  out.push_back(fixed("intercom",
                      "Intercom: X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>", sha1,
                      body_only("x-hub-signature", "sha1=", hex)));
  out.push_back(fixed("github",
                      "GitHub: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>", sha256,
                      body_only("x-hub-signature-256", "sha256=", hex)));
  out.push_back(fixed("segment",
                      "Segment Webhooks (classic): X-Signature: <hex HMAC-SHA1 of the body>", sha1,
                      body_only("x-signature", "", hex)));
  out.push_back(fixed("tally", "Tally: Tally-Signature: <base64 HMAC-SHA256 of the body>", sha256,
                      body_only("tally-signature", "", base64)));
  out.push_back(fixed("slack",
                      "Slack: X-Slack-Signature: v0=<hex HMAC-SHA256 of \"v0:<ts>:<body>\">, "
                      "X-Slack-Request-Timestamp: <unix seconds>",
                      sha256,
                      with_timestamp(body_only("x-slack-signature", "v0=", hex),
                                     "x-slack-request-timestamp", timestamp_format::unix_seconds,
                                     "v0:", ":")));
  out.push_back(fixed("zendesk",
                      "Zendesk: X-Zendesk-Webhook-Signature: <base64 HMAC-SHA256 of "
                      "\"<timestamp><body>\">, X-Zendesk-Webhook-Signature-Timestamp: <RFC 3339>",
                      sha256,
                      with_timestamp(body_only("x-zendesk-webhook-signature", "", base64),
                                     "x-zendesk-webhook-signature-timestamp",
                                     timestamp_format::rfc3339, "", "")));
  out.push_back(fixed("webflow",
                      "Webflow: x-webflow-signature: <hex HMAC-SHA256 of \"<ts>:<body>\">, "
                      "x-webflow-timestamp: <unix milliseconds>",
                      sha256,
                      with_timestamp(body_only("x-webflow-signature", "", hex), "x-webflow-timestamp",
                                     timestamp_format::unix_millis, "", ":")));
  return out;
}

}  // namespace leadsync::adapters::signatures
