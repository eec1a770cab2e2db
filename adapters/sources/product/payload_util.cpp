#include "adapters/sources/product/payload_util.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::product {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// The zone suffix at `pos` in minutes east of UTC; nullopt when it is not
// "Z", "+HH:MM" or "+HHMM" running to the end of the text.
std::optional<int> read_offset(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) {
    return std::nullopt;
  }
  if (s[pos] == 'Z' || s[pos] == 'z') {
    return pos + 1 == s.size() ? std::optional<int>{0} : std::nullopt;
  }
  if (s[pos] != '+' && s[pos] != '-') {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  const std::size_t rest = s.size() - pos - 1;
  const bool with_colon = rest == 5 && s[pos + 3] == ':';
  if (!(with_colon || rest == 4) || !read_digits(s, pos + 1, 2, hours) ||
      !read_digits(s, pos + (with_colon ? 4 : 3), 2, minutes) || hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  const int total = hours * 60 + minutes;
  return s[pos] == '-' ? -total : total;
}

}  // namespace

std::optional<core::timestamp> parse_rfc3339(std::string_view s) {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !read_digits(s, 5, 2, month) || s[7] != '-' ||
      !read_digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !read_digits(s, 11, 2, hour) || s[13] != ':' || !read_digits(s, 14, 2, minute) || s[16] != ':' ||
      !read_digits(s, 17, 2, second) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    int scale = 100;
    while (pos < s.size() && is_digit(s[pos])) {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  const auto offset = read_offset(s, pos);
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!offset || !date.ok()) {
    return std::nullopt;
  }
  using namespace std::chrono;
  return time_point_cast<milliseconds>(sys_days{date}) + hours{hour} + minutes{minute - *offset} +
         seconds{second} + milliseconds{millis};
}

std::optional<core::timestamp> parse_time(std::string_view text) {
  if (!text.empty() && is_digit(text.front())) {
    if (auto t = parse_epoch(text)) {
      return t;
    }
  }
  return parse_rfc3339(text);
}

field_reader::field_reader(const json::value& root, std::string prefix) : root_(root), prefix_(std::move(prefix)) {}

const json::value* field_reader::find(std::string_view pointer) const {
  boost::system::error_code ec;
  const json::value* v = root_.find_pointer(pointer, ec);
  return ec ? nullptr : v;
}

std::string field_reader::text(std::string_view pointer, std::string_view field) {
  if (failure_) {
    return {};
  }
  const json::value* v = find(pointer);
  if (v == nullptr || v->is_null()) {
    return {};
  }
  if (v->is_string()) {
    return std::string{v->get_string()};
  }
  if (v->is_object() || v->is_array()) {
    failure_ = error{error_kind::unmappable, "wrong_type",
                     std::string{field} + ": " + prefix_ + std::string{pointer} + " is an " +
                         (v->is_object() ? "object" : "array") + "; expected a string, number or boolean"};
    return {};
  }
  return json::serialize(*v);
}

std::string field_reader::first(std::initializer_list<std::string_view> pointers, std::string_view field) {
  for (auto p : pointers) {
    if (auto t = text(p, field); !t.empty()) {
      return t;
    }
  }
  return {};
}

void field_reader::require(const std::string& value, std::string_view pointer, std::string_view field) {
  if (!failure_ && value.empty()) {
    failure_ = error{error_kind::unmappable, "missing_field",
                     std::string{field} + ": " + prefix_ + std::string{pointer} + " is missing or empty"};
  }
}

std::pair<std::string, std::string> split_name(std::string_view full) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto trim = [&](std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
      s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
      s.remove_suffix(1);
    }
    return s;
  };
  full = trim(full);
  const auto cut = full.find_first_of(" \t");
  if (cut == std::string_view::npos) {
    return {std::string{full}, {}};
  }
  return {std::string{full.substr(0, cut)}, std::string{trim(full.substr(cut))}};
}

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<std::string> check_identifier(std::string_view name) {
  const bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
  });
  if (ok) {
    return std::nullopt;
  }
  return "\"" + std::string{name} + "\" is not a usable name; use 1 to 64 of a-z, 0-9 and '_'";
}

core::string_map merged(core::string_map defaults, const core::string_map& configured) {
  for (const auto& [k, v] : configured) {
    defaults.insert_or_assign(k, v);
  }
  return defaults;
}

std::optional<std::string> standard_webhooks_id(const core::inbound_request& request) {
  for (auto name : {"svix-id", "webhook-id"}) {
    if (auto v = request.header(name); v && !v->empty()) {
      return std::string{*v};
    }
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::product
