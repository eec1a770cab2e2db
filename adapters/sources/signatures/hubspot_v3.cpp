// HubSpot signature v3: X-HubSpot-Signature-v3 = base64 HMAC-SHA256 of
// method + full URI + body + X-HubSpot-Request-Timestamp (milliseconds), keyed
// with the app's client secret. The URI is the URL HubSpot called, so it is
// built from the configured public_url, not from what a proxy forwarded.
// Source: docs/wire-formats.md 1.5 (hubspot-api-python test vector).
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "adapters/sources/signatures/codec.hpp"
#include "adapters/sources/signatures/failures.hpp"
#include "adapters/sources/signatures/request_fields.hpp"
#include "adapters/sources/signatures/schemes.hpp"

namespace leadsync::adapters::signatures {
namespace {

constexpr std::string_view signature_header = "x-hubspot-signature-v3";
constexpr std::string_view timestamp_header = "x-hubspot-request-timestamp";

// HubSpot decodes exactly these escapes in the URI before signing (its
// request-validation page lists them); every other %XX stays as sent.
char hubspot_unescape(char hi, char lo) {
  constexpr std::array<std::pair<std::string_view, char>, 12> table{{{"3A", ':'},
                                                                     {"2F", '/'},
                                                                     {"3F", '?'},
                                                                     {"40", '@'},
                                                                     {"21", '!'},
                                                                     {"24", '$'},
                                                                     {"27", '\''},
                                                                     {"28", '('},
                                                                     {"29", ')'},
                                                                     {"2A", '*'},
                                                                     {"2C", ','},
                                                                     {"3B", ';'}}};
  const auto upper = [](char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 32) : c; };
  for (const auto& [code, decoded] : table) {
    if (code[0] == upper(hi) && code[1] == upper(lo)) {
      return decoded;
    }
  }
  return '\0';
}

std::string hubspot_uri(std::string_view base, std::string_view target) {
  std::string uri{base};
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size()) {
      if (const char c = hubspot_unescape(target[i + 1], target[i + 2]); c != '\0') {
        uri += c;
        i += 2;
        continue;
      }
    }
    uri += target[i];
  }
  return uri;
}

claim_reader read_hubspot(std::string public_url) {
  return [base = std::move(public_url)](const core::inbound_request& request) -> core::result<claim> {
    auto value = required_header(request, signature_header);
    if (!value) {
      return value.failure();
    }
    auto stamp = required_header(request, timestamp_header);
    if (!stamp) {
      return stamp.failure();
    }
    // Some HTTP stacks on the way turn '+' into ' ' (form decoding); a space
    // is never base64, so putting the '+' back cannot make a forgery match.
    std::string text{*value};
    for (char& c : text) {
      c = c == ' ' ? '+' : c;
    }
    auto sig = decode_signature(text, signature_encoding::base64);
    if (!sig) {
      return malformed_header(signature_header, "the signature is not a base64 digest");
    }
    claim out;
    out.signatures.push_back(std::move(*sig));
    out.timestamp_ms = parse_timestamp_ms(*stamp, timestamp_format::unix_millis);
    if (!out.timestamp_ms) {
      return malformed_header(timestamp_header, "expected Unix milliseconds in decimal digits");
    }
    out.prefix = request.method + hubspot_uri(base, request.target);
    out.suffix = std::string{*stamp};
    return out;
  };
}

// "https://host[:port][/prefix]" without query, fragment or trailing '/';
// nullopt when `url` is not of that shape.
std::optional<std::string> normalise_public_url(std::string url) {
  const bool http = url.starts_with("http://");
  if (!http && !url.starts_with("https://")) {
    return std::nullopt;
  }
  const std::size_t host = http ? 7 : 8;
  if (url.size() == host || url[host] == '/' ||
      url.find_first_of("?# \t\r\n") != std::string::npos) {
    return std::nullopt;
  }
  while (url.size() > host && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

}  // namespace

hmac_scheme hubspot_v3_scheme() {
  hmac_scheme s;
  s.name = "hubspot-v3";
  s.description =
      "HubSpot v3: X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of method + URL + body + "
      "timestamp>, X-HubSpot-Request-Timestamp: <unix milliseconds>";
  s.timestamped = true;
  s.options = {{"public_url", core::option_type::string, true,
                "the externally visible base URL HubSpot calls, e.g. \"https://leads.example.com\"; "
                "the signed URL is this plus the request path and query"}};
  s.configure = [](const core::option_values& values) {
    hmac_setup setup;
    auto url = normalise_public_url(values.string_or("public_url", ""));
    if (!url) {
      setup.errors.push_back({"public_url",
                              "expected an absolute http(s) URL without query or fragment, e.g. "
                              "\"https://leads.example.com\""});
      return setup;
    }
    setup.read = read_hubspot(std::move(*url));
    return setup;
  };
  return s;
}

}  // namespace leadsync::adapters::signatures
