#include "adapters/sources/signatures/header_layout.hpp"

#include <utility>

#include "adapters/sources/signatures/failures.hpp"

namespace leadsync::adapters::signatures {

claim_reader read_layout(header_layout layout) {
  return [layout = std::move(layout)](const core::inbound_request& request) -> core::result<claim> {
    auto value = required_header(request, layout.signature_header);
    if (!value) {
      return value.failure();
    }
    std::string_view text = *value;
    if (!text.starts_with(layout.signature_prefix)) {
      return malformed_header(layout.signature_header,
                              "expected the value to start with `" + layout.signature_prefix + "`");
    }
    text.remove_prefix(layout.signature_prefix.size());
    auto decoded = decode_signature(text, layout.encoding);
    if (!decoded) {
      return malformed_header(layout.signature_header,
                              layout.encoding == signature_encoding::hex
                                  ? "the signature is not a hex digest"
                                  : "the signature is not a base64 digest");
    }
    claim out;
    out.signatures.push_back(std::move(*decoded));
    if (layout.timestamp_header.empty()) {
      return out;
    }
    auto stamp = required_header(request, layout.timestamp_header);
    if (!stamp) {
      return stamp.failure();
    }
    out.timestamp_ms = parse_timestamp_ms(*stamp, layout.timestamp);
    if (!out.timestamp_ms) {
      return malformed_header(layout.timestamp_header,
                              layout.timestamp == timestamp_format::rfc3339
                                  ? "expected an RFC 3339 time such as 2021-06-17T21:06:55Z"
                                  : "expected a Unix time in decimal digits");
    }
    // Signed exactly as sent, like every vendor's own sample code.
    out.prefix.append(layout.lead).append(*stamp).append(layout.separator);
    return out;
  };
}

}  // namespace leadsync::adapters::signatures
