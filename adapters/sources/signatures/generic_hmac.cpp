// scheme = "hmac": the header_layout building block with every value taken
// from config, for senders not covered by a named scheme.
#include <string>
#include <utility>

#include "adapters/sources/signatures/header_layout.hpp"
#include "adapters/sources/signatures/header_name.hpp"
#include "adapters/sources/signatures/schemes.hpp"

namespace leadsync::adapters::signatures {
namespace {

using core::option_type;

std::optional<timestamp_format> parse_timestamp_format(std::string_view name) {
  if (name == "unix_seconds") {
    return timestamp_format::unix_seconds;
  }
  if (name == "unix_milliseconds") {
    return timestamp_format::unix_millis;
  }
  if (name == "rfc3339") {
    return timestamp_format::rfc3339;
  }
  return std::nullopt;
}

hmac_setup configure(const core::option_values& values) {
  hmac_setup setup;
  auto& errors = setup.errors;
  header_layout layout;

  const std::string algorithm = values.string_or("algorithm", "sha256");
  if (auto a = parse_digest_algorithm(algorithm)) {
    setup.algorithm = *a;
  } else {
    errors.push_back({"algorithm", "unknown algorithm `" + algorithm + "`; use sha1, sha256 or sha512"});
  }
  if (auto h = config_header_name(values.string_or("header", ""))) {
    layout.signature_header = std::move(*h);
  } else {
    errors.push_back({"header", "expected an HTTP header name such as \"X-Signature\""});
  }
  layout.signature_prefix = values.string_or("prefix", "");
  const std::string encoding = values.string_or("encoding", "hex");
  if (auto e = parse_signature_encoding(encoding)) {
    layout.encoding = *e;
  } else {
    errors.push_back({"encoding", "unknown encoding `" + encoding + "`; use hex or base64"});
  }

  const std::string content = values.string_or("signed_content", "body");
  if (content == "timestamp_body") {
    if (auto h = config_header_name(values.string_or("timestamp_header", ""))) {
      layout.timestamp_header = std::move(*h);
    } else {
      errors.push_back({"timestamp_header",
                        "signed_content = \"timestamp_body\" needs the name of the header that "
                        "carries the timestamp"});
    }
    const std::string format = values.string_or("timestamp_format", "unix_seconds");
    if (auto f = parse_timestamp_format(format)) {
      layout.timestamp = *f;
    } else {
      errors.push_back({"timestamp_format", "unknown timestamp format `" + format +
                                                "`; use unix_seconds, unix_milliseconds or rfc3339"});
    }
    layout.separator = values.string_or("separator", ".");
  } else if (content == "body") {
    for (const char* only_with_timestamp : {"timestamp_header", "timestamp_format", "separator",
                                            "tolerance_seconds"}) {
      if (values.has(only_with_timestamp)) {
        errors.push_back({only_with_timestamp,
                          "only used with signed_content = \"timestamp_body\""});
      }
    }
  } else {
    errors.push_back({"signed_content", "unknown signed_content `" + content +
                                            "`; use \"body\" or \"timestamp_body\""});
  }
  if (errors.empty()) {
    setup.read = read_layout(std::move(layout));
  }
  return setup;
}

}  // namespace

hmac_scheme generic_hmac_scheme() {
  hmac_scheme s;
  s.name = "hmac";
  s.description =
      "Generic HMAC: <prefix><hex|base64 HMAC of the body, or of timestamp + separator + body> "
      "in a configured header";
  s.timestamped = true;
  s.options = {
      {"algorithm", option_type::string, false, "sha1, sha256 or sha512 (default sha256)"},
      {"header", option_type::string, true, "the header carrying the signature"},
      {"prefix", option_type::string, false, "text before the digest, e.g. \"sha256=\" (default none)"},
      {"encoding", option_type::string, false, "hex or base64 (default hex)"},
      {"signed_content", option_type::string, false,
       "\"body\" (default) or \"timestamp_body\": timestamp + separator + body"},
      {"timestamp_header", option_type::string, false,
       "the header carrying the timestamp (timestamp_body only)"},
      {"timestamp_format", option_type::string, false,
       "unix_seconds (default), unix_milliseconds or rfc3339 (timestamp_body only)"},
      {"separator", option_type::string, false,
       "signed between timestamp and body (timestamp_body only; default \".\")"},
  };
  s.configure = configure;
  return s;
}

}  // namespace leadsync::adapters::signatures
