#pragma once

#include <optional>
#include <string>

#include "adapters/sources/signatures/codec.hpp"
#include "adapters/sources/signatures/hmac_scheme.hpp"
#include "adapters/sources/signatures/request_fields.hpp"

namespace leadsync::adapters::signatures {

// The most common shape: one header holds one encoded digest, optionally
// behind a fixed prefix ("sha256=", "v0="); optionally a second header holds a
// timestamp that is signed in front of the body. Typeform, Intercom, GitHub,
// Segment, Tally, Slack, Zendesk, Webflow and the generic "hmac" scheme are
// all this shape with different values.
struct header_layout {
  std::string signature_header;  // lower-case
  std::string signature_prefix;  // must start the value; stripped before decoding
  signature_encoding encoding = signature_encoding::hex;

  // Only the body is signed unless a timestamp header is named; then the
  // signed bytes are lead + <timestamp as sent> + separator + body.
  std::string timestamp_header;  // lower-case; empty: no timestamp
  timestamp_format timestamp = timestamp_format::unix_seconds;
  std::string lead;       // "v0:" for Slack
  std::string separator;  // ":" for Slack and Webflow, "" for Zendesk
};

claim_reader read_layout(header_layout layout);

}  // namespace leadsync::adapters::signatures
