#include "adapters/sources/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/json.hpp>
#include <openssl/evp.h>

namespace leadsync::adapters {
namespace json = boost::json;
using core::error;
using core::error_kind;

std::optional<error> check_json_content_type(const core::inbound_request& request) {
  const auto value = request.header("content-type");
  if (!value) {
    return std::nullopt;
  }
  std::string type{value->substr(0, value->find(';'))};
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c) != 0; }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  if (type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"))) {
    return std::nullopt;
  }
  return error{error_kind::unsupported_media, "unsupported_media_type",
               "content type '" + type + "' is not accepted here; send application/json"};
}

core::result<json::value> parse_json_body(std::string_view body) {
  json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t offset = parser.write(body.data(), body.size(), ec);
  if (!ec) {
    parser.finish(ec);
    offset = body.size();
  }
  if (ec) {
    offset = std::min(offset, body.size());
    const auto line = 1 + std::count(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    const auto line_start = body.substr(0, offset).rfind('\n');
    const auto column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return error{error_kind::malformed, "malformed_json",
                 "body is not valid JSON: " + ec.message() + " at line " + std::to_string(line) + ", column " +
                     std::to_string(column) + " (byte " + std::to_string(offset) + ")"};
  }
  return parser.release();
}

core::result<std::optional<std::string>> scalar_at(const json::value& doc, std::string_view pointer,
                                                   std::string_view field) {
  boost::system::error_code ec;
  const json::value* v = doc.find_pointer(pointer, ec);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::string>{};
  }
  if (v->is_string()) {
    return std::optional<std::string>{std::string{v->get_string()}};
  }
  if (v->is_object() || v->is_array()) {
    return error{error_kind::unmappable, "wrong_type",
                 std::string{field} + ": JSON pointer " + std::string{pointer} + " points at an " +
                     (v->is_object() ? "object" : "array") + "; expected a string, number or boolean"};
  }
  return std::optional<std::string>{json::serialize(*v)};
}

std::optional<std::string> check_json_pointer(std::string_view pointer) {
  if (pointer.empty() || pointer.front() != '/') {
    return "expected a JSON pointer starting with '/' (e.g. \"/contact/email\"), got \"" + std::string{pointer} +
           "\"";
  }
  for (std::size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1'))) {
      return "invalid escape in JSON pointer \"" + std::string{pointer} + "\": '~' must be followed by 0 or 1";
    }
  }
  return std::nullopt;
}

std::optional<core::timestamp> parse_epoch(std::string_view text) {
  std::int64_t n = 0;
  const auto dot = text.find('.');
  const auto digits = text.substr(0, dot);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n < 0) {
    return std::nullopt;
  }
  constexpr std::int64_t ms_threshold = 100'000'000'000;  // year 5138 in seconds; earlier values are ms
  return core::from_millis(n >= ms_threshold ? n : n * 1000);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace leadsync::adapters
