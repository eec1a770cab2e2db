#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/inbound_request.hpp"
#include "core/result.hpp"

namespace leadsync::adapters::signatures {

// Reading the parts of a request a signature scheme needs. Everything here
// treats its input as hostile: sizes are bounded, numbers are parsed strictly.

// Longest signature-related header value we look at.
inline constexpr std::size_t max_header_bytes = 8192;

// The value of header `lower_name`: missing_signature when absent,
// malformed_signature_header when longer than max_header_bytes.
core::result<std::string_view> required_header(const core::inbound_request& request,
                                               std::string_view lower_name);

// One `key<sep>value` item of a list header such as "t=1,v1=ab,v1=cd".
struct field {
  std::string_view key;
  std::string_view value;  // empty when the item has no separator
};

// Splits on `item_separator`, trims spaces and tabs around each item, skips
// empty items, and splits each at its first `key_separator`. Order is kept.
std::vector<field> split_fields(std::string_view text, char item_separator, char key_separator);

enum class timestamp_format {
  unix_seconds,  // "1614265330"
  unix_millis,   // "1693657560000"
  rfc3339,       // "2021-06-17T21:06:55Z", optional fraction and offset
};

// Milliseconds since the epoch, or nullopt unless `text` is exactly one
// timestamp in `format` (decimal digits only, no sign, at most 15 digits).
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text, timestamp_format format);

}  // namespace leadsync::adapters::signatures
