#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "adapters/sources/signatures/codec.hpp"
#include "adapters/sources/signatures/crypto.hpp"
#include "support.hpp"

// How each vendor signs a request, written out per wire-formats.md so the
// tests can sign arbitrary bodies and timestamps. They use the production
// hmac()/encoders, which the official vectors (vectors_test.cpp) pin down.
namespace leadsync::adapters::signatures::testing {

// Signs `body` as sent at Unix second `ts` with the secret as configured.
using signer =
    std::function<core::inbound_request(const std::string& secret, const std::string& body, std::int64_t ts)>;

inline std::string hmac256(std::string_view key, std::initializer_list<std::string_view> parts) {
  return hmac(digest_algorithm::sha256, key, parts);
}

inline signer sign_timestamp_list(std::string header) {
  return [header](const std::string& secret, const std::string& body, std::int64_t ts) {
    const std::string t = std::to_string(ts);
    return request(body, {{header, "t=" + t + ",v1=" + hex_encode(hmac256(secret, {t + ".", body}))}});
  };
}

inline signer sign_standard_webhooks(std::string prefix = "webhook-") {
  return [prefix](const std::string& secret, const std::string& body, std::int64_t ts) {
    std::string_view encoded = secret;
    if (encoded.starts_with("whsec_")) {
      encoded.remove_prefix(6);
    }
    const std::string key = base64_decode(encoded, base64_padding::optional).value_or("");
    const std::string t = std::to_string(ts);
    return request(body, {{prefix + "id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"},
                          {prefix + "timestamp", t},
                          {prefix + "signature",
                           "v1," + base64_encode(hmac256(key, {"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W." + t + ".", body}))}});
  };
}

// One header carrying prefix + encode(HMAC(body)).
inline signer sign_body(std::string header, std::string prefix, digest_algorithm algorithm,
                        signature_encoding encoding) {
  return [=](const std::string& secret, const std::string& body, std::int64_t) {
    const std::string mac = hmac(algorithm, secret, {body});
    return request(body, {{header, prefix + (encoding == signature_encoding::hex ? hex_encode(mac)
                                                                                   : base64_encode(mac))}});
  };
}

inline signer sign_slack() {
  return [](const std::string& secret, const std::string& body, std::int64_t ts) {
    const std::string t = std::to_string(ts);
    return request(body, {{"X-Slack-Signature", "v0=" + hex_encode(hmac256(secret, {"v0:" + t + ":", body}))},
                          {"X-Slack-Request-Timestamp", t}});
  };
}

inline signer sign_zendesk() {
  return [](const std::string& secret, const std::string& body, std::int64_t ts) {
    const std::string t = core::format_rfc3339(core::from_millis(ts * 1000));  // "...T..:..:..000Z"
    return request(body, {{"X-Zendesk-Webhook-Signature", base64_encode(hmac256(secret, {t, body}))},
                          {"X-Zendesk-Webhook-Signature-Timestamp", t}});
  };
}

inline signer sign_webflow() {
  return [](const std::string& secret, const std::string& body, std::int64_t ts) {
    const std::string ms = std::to_string(ts * 1000);
    return request(body, {{"x-webflow-signature", hex_encode(hmac256(secret, {ms + ":", body}))},
                          {"x-webflow-timestamp", ms}});
  };
}

// HubSpot signs the full URL it called, public_url + path and query, after
// decoding a few escapes (`signed_target` is `target` so decoded).
inline signer sign_hubspot(std::string public_url, std::string target, std::string signed_target) {
  return [=](const std::string& secret, const std::string& body, std::int64_t ts) {
    const std::string ms = std::to_string(ts * 1000);
    return request(body,
                   {{"X-HubSpot-Signature-v3",
                     base64_encode(hmac256(secret, {"POST" + public_url + signed_target, body, ms}))},
                    {"X-HubSpot-Request-Timestamp", ms}},
                   "POST", target);
  };
}

}  // namespace leadsync::adapters::signatures::testing
