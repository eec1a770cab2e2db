#pragma once

// Reading JSON webhook bodies: content type, parse errors with a position,
// and scalar values by JSON pointer. Shared by the JSON source formats.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/inbound_request.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::adapters {

// The media type of the Content-Type header, lower-case and without
// parameters ("application/json"); "" when the header is absent.
std::string media_type(const core::inbound_request& request);

// An unsupported_media error unless the Content-Type is absent, application/json
// or a +json type.
std::optional<core::error> check_json_content_type(const core::inbound_request& request);

// Parses the body; a malformed error says what is wrong and at which line and column.
core::result<boost::json::value> parse_json_body(std::string_view body);

// check_json_content_type(), then parse_json_body(), then an unmappable
// "not_an_object" error unless the body is a JSON object.
core::result<boost::json::value> parse_json_object(const core::inbound_request& request);

// An unmappable "missing_field" error; `message` names the field and where it
// was looked for.
core::error missing_field(std::string message);

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

// ---- timestamps --------------------------------------------------------------

// RFC 3339 date-time as UTC: "2020-02-19T22:46:57Z", "2023-06-28T15:00:21.889Z",
// "2024-01-15T14:30:00+02:00"; fraction digits beyond milliseconds are dropped.
// Lenient where senders are: a space for the 'T', an offset without colon.
// nullopt for anything else (a date alone, a missing zone, an impossible day).
std::optional<core::timestamp> parse_rfc3339(std::string_view text);

// What vendors put in a timestamp field: Unix seconds or milliseconds
// (parse_epoch) or RFC 3339 text.
std::optional<core::timestamp> parse_timestamp(std::string_view text);

// ---- scalars and paths -------------------------------------------------------

// The text of a scalar: strings as they are, numbers and booleans in JSON
// notation; nullopt for null, objects and arrays.
std::optional<std::string> scalar_text(const boost::json::value& v);

// The scalar text at an RFC 6901 pointer, or "" when absent, null or not a
// scalar. For vendor formats whose shape is fixed in code.
std::string text_at(const boost::json::value& doc, std::string_view pointer);

// The first non-empty text_at() among `pointers`, or "".
std::string first_text_at(const boost::json::value& doc, std::initializer_list<std::string_view> pointers);

// A JSON pointer path that may also select an array element by content: a
// segment written "[key=value]" picks the first element of the array at that
// point whose member `key` (a dotted path into the element, e.g. "field.ref")
// has the text `value`. "/answers/[field.ref=email_q]/email" reads the
// `email` of the answer whose field.ref is "email_q". Other segments follow
// RFC 6901. nullptr when nothing is there.
const boost::json::value* find_at_path(const boost::json::value& doc, std::string_view path);

// nullopt when `path` is a valid pointer path for find_at_path, else what is wrong.
std::optional<std::string> check_json_path(std::string_view path);

// scalar_at() over a pointer path with "[key=value]" selection.
core::result<std::optional<std::string>> scalar_at_path(const boost::json::value& doc, std::string_view path,
                                                        std::string_view field);

}  // namespace leadsync::adapters
