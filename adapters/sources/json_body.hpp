#pragma once

// Reading JSON webhook bodies: content type, parse errors with a position,
// and scalar values by JSON pointer. Shared by the JSON source formats.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/inbound_request.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::adapters {

// An unsupported_media error unless the Content-Type is absent, application/json
// or a +json type.
std::optional<core::error> check_json_content_type(const core::inbound_request& request);

// Parses the body; a malformed error says what is wrong and at which line and column.
core::result<boost::json::value> parse_json_body(std::string_view body);

// The value at `pointer` as text: strings as they are, numbers and booleans
// in JSON notation, null or absent as nullopt. Objects and arrays are an
// unmappable error naming `field` and the pointer.
core::result<std::optional<std::string>> scalar_at(const boost::json::value& doc, std::string_view pointer,
                                                   std::string_view field);

// nullopt when `pointer` is a valid RFC 6901 JSON pointer, else what is wrong.
std::optional<std::string> check_json_pointer(std::string_view pointer);

// Unix time in seconds, or milliseconds when the number is that large.
std::optional<core::timestamp> parse_epoch(std::string_view text);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace leadsync::adapters
