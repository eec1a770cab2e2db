#pragma once

// Test-side signers: what each sender puts on a webhook, computed from
// docs/wire-formats.md section 1 with OpenSSL directly. Written independently
// of adapters/sources/signatures/ so the integration tests check the daemon's
// verifiers against the wire format, not against themselves. Every function
// is pure; timestamps are passed in. Header names are spelled as the senders
// spell them (HTTP makes them case-insensitive).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/integration/http_client.hpp"

namespace leadsync::tests::signers {

enum class digest { sha1, sha256 };

// Raw HMAC bytes of data under key.
inline std::string hmac(digest d, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* md = d == digest::sha1 ? EVP_sha1() : EVP_sha256();
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return {reinterpret_cast<const char*>(out), len};
}

inline std::string to_hex(std::string_view bytes) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0x0f];
  }
  return out;
}

// Standard base64 with padding.
inline std::string to_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Standard base64 with padding; throws on anything else.
inline std::string from_base64(std::string_view text) {
  if (text.size() % 4 != 0) {
    throw std::invalid_argument("base64 length is not a multiple of 4");
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) {
    throw std::invalid_argument("not base64");
  }
  // EVP_DecodeBlock counts the bytes the '=' padding stands for.
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) {
    --size;
  }
  out.resize(size);
  return out;
}

// Typeform (1.3): sha256=<base64 HMAC-SHA256 of the body>.
inline header_list typeform(std::string_view secret, std::string_view body) {
  return {{"Typeform-Signature", "sha256=" + to_base64(hmac(digest::sha256, secret, body))}};
}

// Intercom (1.4): sha1=<hex HMAC-SHA1 of the body>.
inline header_list intercom(std::string_view secret, std::string_view body) {
  return {{"X-Hub-Signature", "sha1=" + to_hex(hmac(digest::sha1, secret, body))}};
}

// Segment Webhooks classic (1.10): <hex HMAC-SHA1 of the body>.
inline header_list segment(std::string_view secret, std::string_view body) {
  return {{"X-Signature", to_hex(hmac(digest::sha1, secret, body))}};
}

// Tally (1.12): <base64 HMAC-SHA256 of the body>.
inline header_list tally(std::string_view secret, std::string_view body) {
  return {{"Tally-Signature", to_base64(hmac(digest::sha256, secret, body))}};
}

// Webflow (1.13): hex HMAC-SHA256 of "<ms>:<body>".
inline header_list webflow(std::string_view secret, std::string_view body, std::int64_t unix_ms) {
  const std::string ts = std::to_string(unix_ms);
  return {{"x-webflow-timestamp", ts},
          {"x-webflow-signature", to_hex(hmac(digest::sha256, secret, ts + ":" + std::string{body}))}};
}

// Stripe (1.1): t=<s>,v1=<hex HMAC-SHA256 of "<s>.<body>">; the key is the
// whole whsec_ string as bytes.
inline header_list stripe(std::string_view secret, std::string_view body, std::int64_t unix_s) {
  const std::string ts = std::to_string(unix_s);
  return {{"Stripe-Signature",
           "t=" + ts + ",v1=" + to_hex(hmac(digest::sha256, secret, ts + "." + std::string{body}))}};
}

// Standard Webhooks (1.2): v1,<base64 HMAC-SHA256 of "<id>.<s>.<body>">; the
// key is the base64 after whsec_. `prefix` is "webhook-" or "svix-" (Clerk).
inline header_list standard_webhooks(std::string_view secret, std::string_view id,
                                     std::string_view body, std::int64_t unix_s,
                                     std::string_view prefix = "webhook-") {
  std::string_view encoded = secret;
  if (encoded.starts_with("whsec_")) {
    encoded.remove_prefix(6);
  }
  const std::string key = from_base64(encoded);
  const std::string ts = std::to_string(unix_s);
  const std::string signed_text = std::string{id} + "." + ts + "." + std::string{body};
  const std::string p{prefix};
  return {{p + "id", std::string{id}},
          {p + "timestamp", ts},
          {p + "signature", "v1," + to_base64(hmac(digest::sha256, key, signed_text))}};
}

// HubSpot v3 (1.5): base64 HMAC-SHA256 of method + URL + body + <ms>. `url`
// is the full URL HubSpot called (scheme, host, path, query).
inline header_list hubspot_v3(std::string_view secret, std::string_view method,
                              std::string_view url, std::string_view body, std::int64_t unix_ms) {
  const std::string ts = std::to_string(unix_ms);
  const std::string signed_text = std::string{method} + std::string{url} + std::string{body} + ts;
  return {{"X-HubSpot-Signature-v3", to_base64(hmac(digest::sha256, secret, signed_text))},
          {"X-HubSpot-Request-Timestamp", ts}};
}

// scheme = "hmac" as config/examples/all-sources.toml sets it up for your
// own senders: X-Leadsync-Timestamp: <s>,
// X-Leadsync-Signature: sha256=<hex HMAC-SHA256 of "<s>.<body>">.
inline header_list leadsync_hmac(std::string_view secret, std::string_view body,
                                 std::int64_t unix_s) {
  const std::string ts = std::to_string(unix_s);
  return {{"X-Leadsync-Timestamp", ts},
          {"X-Leadsync-Signature",
           "sha256=" + to_hex(hmac(digest::sha256, secret, ts + "." + std::string{body}))}};
}

// scheme = "hmac" with the defaults (body only, hex, no prefix) in `header`.
inline header_list body_hmac(std::string_view header, std::string_view secret,
                             std::string_view body) {
  return {{std::string{header}, to_hex(hmac(digest::sha256, secret, body))}};
}

// scheme = "header-token": the token as it is.
inline header_list header_token(std::string_view header, std::string_view token) {
  return {{std::string{header}, std::string{token}}};
}

// ------------------------------------------------- headers of a request ----

inline bool same_header_name(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// The value of header `name` (any case), or "" when absent.
inline std::string header_value(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (same_header_name(k, name)) {
      return v;
    }
  }
  return {};
}

inline header_list without(header_list headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return same_header_name(h.first, name); });
  return headers;
}

// `base` with every header of `over` in place of one of the same name.
inline header_list merged(header_list base, const header_list& over) {
  for (const auto& [name, value] : over) {
    base = without(std::move(base), name);
    base.emplace_back(name, value);
  }
  return base;
}

// ------------------------------------------------------- one per scheme ----

enum class scheme {
  typeform,
  intercom,
  segment,
  tally,
  webflow,
  stripe,
  standard_webhooks,
  hubspot_v3,
  leadsync_hmac,  // scheme = "hmac" over "<ts>.<body>" (leadsync_hmac above)
  body_hmac,      // scheme = "hmac" over the body (body_hmac above)
  header_token,
  query_token,  // the token in a URL query parameter: written as header "?<name>" (see query_of)
};

// How one source expects to be signed.
struct signing {
  scheme kind;
  std::string_view header = {};      // body_hmac, header_token; query_token: the parameter
  std::string_view public_url = {};  // hubspot_v3: "https://host" the sender calls
};

inline bool timestamped(scheme k) {
  return k == scheme::webflow || k == scheme::stripe || k == scheme::standard_webhooks ||
         k == scheme::hubspot_v3 || k == scheme::leadsync_hmac;
}

// The headers a sender adds to a POST of `body` to `target`, signed with
// `secret` at `unix_ms`. Standard Webhooks reuses a message id (svix-id or
// webhook-id) found in `request_headers`, as a sender's retry does.
inline header_list sign(const signing& how, std::string_view secret, std::string_view body,
                        std::string_view target, std::int64_t unix_ms,
                        const header_list& request_headers = {}) {
  const std::int64_t unix_s = unix_ms / 1000;
  switch (how.kind) {
    case scheme::typeform:
      return typeform(secret, body);
    case scheme::intercom:
      return intercom(secret, body);
    case scheme::segment:
      return segment(secret, body);
    case scheme::tally:
      return tally(secret, body);
    case scheme::webflow:
      return webflow(secret, body, unix_ms);
    case scheme::stripe:
      return stripe(secret, body, unix_s);
    case scheme::standard_webhooks:
      if (auto id = header_value(request_headers, "svix-id"); !id.empty()) {
        return standard_webhooks(secret, id, body, unix_s, "svix-");
      }
      if (auto id = header_value(request_headers, "webhook-id"); !id.empty()) {
        return standard_webhooks(secret, id, body, unix_s);
      }
      return standard_webhooks(secret, "msg_leadsync_test", body, unix_s);
    case scheme::hubspot_v3:
      return hubspot_v3(secret, "POST", std::string{how.public_url} + std::string{target}, body,
                        unix_ms);
    case scheme::leadsync_hmac:
      return leadsync_hmac(secret, body, unix_s);
    case scheme::body_hmac:
      return body_hmac(how.header, secret, body);
    case scheme::header_token:
      return header_token(how.header, secret);
    case scheme::query_token:
      return {{"?" + std::string{how.header}, std::string{secret}}};
  }
  return {};
}

// Headers named "?<parameter>" are query parameters of the URL, not headers:
// splits them off into "?a=1&b=2" (values are plain tokens, not encoded).
inline std::string query_of(header_list& headers) {
  std::string query;
  for (auto it = headers.begin(); it != headers.end();) {
    if (!it->first.empty() && it->first.front() == '?') {
      query += (query.empty() ? "?" : "&") + it->first.substr(1) + "=" + it->second;
      it = headers.erase(it);
    } else {
      ++it;
    }
  }
  return query;
}

// The header whose absence the scheme answers with missing_signature.
inline std::string signature_header(const signing& how, const header_list& signed_headers) {
  switch (how.kind) {
    case scheme::typeform:
      return "Typeform-Signature";
    case scheme::intercom:
      return "X-Hub-Signature";
    case scheme::segment:
      return "X-Signature";
    case scheme::tally:
      return "Tally-Signature";
    case scheme::webflow:
      return "x-webflow-signature";
    case scheme::stripe:
      return "Stripe-Signature";
    case scheme::standard_webhooks:
      return header_value(signed_headers, "svix-signature").empty() ? "webhook-signature"
                                                                    : "svix-signature";
    case scheme::hubspot_v3:
      return "X-HubSpot-Signature-v3";
    case scheme::leadsync_hmac:
      return "X-Leadsync-Signature";
    case scheme::body_hmac:
    case scheme::header_token:
      return std::string{how.header};
    case scheme::query_token:
      return "?" + std::string{how.header};
  }
  return {};
}

}  // namespace leadsync::tests::signers
