#include "adapters/sources/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include <boost/json.hpp>
#include <openssl/evp.h>

namespace leadsync::adapters {
namespace json = boost::json;
using core::error;
using core::error_kind;

std::string media_type(const core::inbound_request& request) {
  const auto value = request.header("content-type");
  if (!value) {
    return {};
  }
  std::string type{value->substr(0, value->find(';'))};
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c) != 0; }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

std::optional<error> check_json_content_type(const core::inbound_request& request) {
  if (!request.header("content-type")) {
    return std::nullopt;
  }
  const std::string type = media_type(request);
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

core::result<json::value> parse_json_object(const core::inbound_request& request) {
  if (auto bad = check_json_content_type(request)) {
    return *bad;
  }
  auto doc = parse_json_body(request.body);
  if (doc && !doc->is_object()) {
    return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object"};
  }
  return doc;
}

error missing_field(std::string message) { return error{error_kind::unmappable, "missing_field", std::move(message)}; }

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

// ---- timestamps --------------------------------------------------------------

namespace {

// Exactly `n` digits at `pos`, as a number; -1 when they are not there.
int digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) {
    return -1;
  }
  int out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
    out = out * 10 + (s[i] - '0');
  }
  return out;
}

}  // namespace

std::optional<core::timestamp> parse_rfc3339(std::string_view s) {
  // 2020-02-19T22:46:57[.fff...](Z|+HH:MM); 't' or ' ' may stand for 'T'.
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const int year = digits_at(s, 0, 4);
  const int month = digits_at(s, 5, 2);
  const int day = digits_at(s, 8, 2);
  const int hour = digits_at(s, 11, 2);
  const int minute = digits_at(s, 14, 2);
  const int second = digits_at(s, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
      second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (s[pos] == '.') {
    std::size_t digits = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
      if (digits < 3) {
        millis = millis * 10 + (s[pos] - '0');
      }
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (; digits < 3; ++digits) {
      millis *= 10;
    }
  }
  std::int64_t offset_minutes = 0;
  const std::string_view zone = s.substr(std::min(pos, s.size()));
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if ((zone.size() == 6 && zone[3] == ':') || zone.size() == 5) {
    // "+02:00"; also "+0200", which Salesforce writes.
    const int oh = zone[0] == '+' || zone[0] == '-' ? digits_at(zone, 1, 2) : -1;
    const int om = digits_at(zone, zone.size() - 2, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  // A leap second (":60") counts as ":59": Unix time has no room for it.
  const auto time = std::chrono::hours{hour} + std::chrono::minutes{minute} +
                    std::chrono::seconds{std::min(second, 59)} + std::chrono::milliseconds{millis} -
                    std::chrono::minutes{offset_minutes};
  return core::timestamp{std::chrono::sys_days{date}} + std::chrono::duration_cast<std::chrono::milliseconds>(time);
}

std::optional<core::timestamp> parse_timestamp(std::string_view text) {
  if (auto t = parse_epoch(text)) {
    return t;
  }
  return parse_rfc3339(text);
}

// ---- scalars and paths -------------------------------------------------------

std::optional<std::string> scalar_text(const json::value& v) {
  if (v.is_string()) {
    return std::string{v.get_string()};
  }
  if (v.is_null() || v.is_object() || v.is_array()) {
    return std::nullopt;
  }
  return json::serialize(v);
}

std::string text_at(const json::value& doc, std::string_view pointer) {
  boost::system::error_code ec;
  const json::value* v = doc.find_pointer(pointer, ec);
  if (v == nullptr) {
    return {};
  }
  return scalar_text(*v).value_or(std::string{});
}

std::string first_text_at(const json::value& doc, std::initializer_list<std::string_view> pointers) {
  for (std::string_view pointer : pointers) {
    if (std::string text = text_at(doc, pointer); !text.empty()) {
      return text;
    }
  }
  return {};
}

namespace {

// One RFC 6901 reference token with ~1 and ~0 undone.
std::string unescape_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out.push_back(token[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

bool is_selector(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '[' && segment.back() == ']';
}

// The member at a dotted path ("field.ref") inside `v`, or nullptr.
const json::value* member_at(const json::value& v, std::string_view dotted) {
  const json::value* at = &v;
  while (at != nullptr) {
    const auto dot = dotted.find('.');
    if (!at->is_object()) {
      return nullptr;
    }
    at = at->get_object().if_contains(dotted.substr(0, dot));
    if (dot == std::string_view::npos) {
      return at;
    }
    dotted.remove_prefix(dot + 1);
  }
  return nullptr;
}

const json::value* step(const json::value& at, std::string_view segment) {
  if (is_selector(segment)) {
    if (!at.is_array()) {
      return nullptr;
    }
    const std::string_view inner = segment.substr(1, segment.size() - 2);
    const auto eq = inner.find('=');
    const std::string key = unescape_token(inner.substr(0, eq));
    const std::string wanted = unescape_token(inner.substr(eq + 1));
    for (const json::value& element : at.get_array()) {
      const json::value* member = member_at(element, key);
      if (member != nullptr && scalar_text(*member) == wanted) {
        return &element;
      }
    }
    return nullptr;
  }
  const std::string token = unescape_token(segment);
  if (at.is_object()) {
    return at.get_object().if_contains(token);
  }
  if (at.is_array()) {
    std::size_t index = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (ec != std::errc{} || end != token.data() + token.size() || (token.size() > 1 && token[0] == '0')) {
      return nullptr;
    }
    return index < at.get_array().size() ? &at.get_array()[index] : nullptr;
  }
  return nullptr;
}

}  // namespace

const json::value* find_at_path(const json::value& doc, std::string_view path) {
  if (path.empty()) {
    return &doc;
  }
  if (path.front() != '/') {
    return nullptr;
  }
  const json::value* at = &doc;
  while (at != nullptr && !path.empty()) {
    path.remove_prefix(1);
    const auto slash = path.find('/');
    at = step(*at, path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return at;
}

std::optional<std::string> check_json_path(std::string_view path) {
  if (auto bad = check_json_pointer(path)) {
    return bad;
  }
  std::string_view rest = path;
  while (!rest.empty()) {
    rest.remove_prefix(1);
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (!is_selector(segment)) {
      continue;
    }
    const std::string_view inner = segment.substr(1, segment.size() - 2);
    const auto eq = inner.find('=');
    const std::string_view key = inner.substr(0, eq);
    if (eq == std::string_view::npos || key.empty() || key.front() == '.' || key.back() == '.' ||
        key.find("..") != std::string_view::npos) {
      return "invalid array selection \"" + std::string{segment} + "\" in \"" + std::string{path} +
             "\": expected [key=value], where key names a member of the elements (\"field.ref\" for a nested one)";
    }
  }
  return std::nullopt;
}

core::result<std::optional<std::string>> scalar_at_path(const json::value& doc, std::string_view path,
                                                        std::string_view field) {
  const json::value* v = find_at_path(doc, path);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::string>{};
  }
  if (v->is_object() || v->is_array()) {
    return error{error_kind::unmappable, "wrong_type",
                 std::string{field} + ": JSON pointer " + std::string{path} + " points at an " +
                     (v->is_object() ? "object" : "array") + "; expected a string, number or boolean"};
  }
  return scalar_text(*v);
}

}  // namespace leadsync::adapters
