#include "adapters/sources/signatures/request_fields.hpp"

#include <chrono>
#include <string>

#include "adapters/sources/signatures/failures.hpp"
#include "core/blanks.hpp"

namespace leadsync::adapters::signatures {
namespace {

// 15 digits of milliseconds reach the year 33658; more is never a real
// timestamp, and the bound keeps every later subtraction far from overflow.
std::optional<std::int64_t> parse_digits(std::string_view text, std::size_t max_digits = 15) {
  if (text.empty() || text.size() > max_digits) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

// Consumes exactly `n` digits from the front of `s`.
std::optional<int> take_digits(std::string_view& s, std::size_t n) {
  if (s.size() < n) {
    return std::nullopt;
  }
  auto v = parse_digits(s.substr(0, n));
  s.remove_prefix(n);
  return v ? std::optional<int>{static_cast<int>(*v)} : std::nullopt;
}

bool take_char(std::string_view& s, char expected, char alternative = '\0') {
  if (s.empty() || (s.front() != expected && (alternative == '\0' || s.front() != alternative))) {
    return false;
  }
  s.remove_prefix(1);
  return true;
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  using namespace std::chrono;
  const auto y = take_digits(s, 4);
  if (!y || !take_char(s, '-')) {
    return std::nullopt;
  }
  const auto mo = take_digits(s, 2);
  if (!mo || !take_char(s, '-')) {
    return std::nullopt;
  }
  const auto d = take_digits(s, 2);
  if (!d || !take_char(s, 'T', 't')) {
    return std::nullopt;
  }
  const auto h = take_digits(s, 2);
  if (!h || *h > 23 || !take_char(s, ':')) {
    return std::nullopt;
  }
  const auto mi = take_digits(s, 2);
  if (!mi || *mi > 59 || !take_char(s, ':')) {
    return std::nullopt;
  }
  const auto sec = take_digits(s, 2);
  if (!sec || *sec > 60) {  // 60: a leap second, counted as the next one
    return std::nullopt;
  }
  int millis = 0;
  if (take_char(s, '.')) {
    std::size_t n = 0;
    while (n < s.size() && n < 9 && s[n] >= '0' && s[n] <= '9') {
      if (n < 3) {
        millis = millis * 10 + (s[n] - '0');
      }
      ++n;
    }
    if (n == 0) {
      return std::nullopt;
    }
    for (std::size_t i = n; i < 3; ++i) {
      millis *= 10;
    }
    s.remove_prefix(n);
  }
  int offset_minutes = 0;
  if (!take_char(s, 'Z', 'z')) {
    const bool negative = !s.empty() && s.front() == '-';
    if (!take_char(s, '+', '-')) {
      return std::nullopt;
    }
    const auto oh = take_digits(s, 2);
    if (!oh || *oh > 23 || !take_char(s, ':')) {
      return std::nullopt;
    }
    const auto om = take_digits(s, 2);
    if (!om || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = (negative ? -1 : 1) * (*oh * 60 + *om);
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!s.empty() || !date.ok()) {
    return std::nullopt;
  }
  const auto local = sys_days{date} + hours{*h} + minutes{*mi} + seconds{*sec};
  const auto utc = local - minutes{offset_minutes};
  return duration_cast<milliseconds>(utc.time_since_epoch()).count() + millis;
}

}  // namespace

core::result<std::string_view> required_header(const core::inbound_request& request,
                                               std::string_view lower_name) {
  const auto value = request.header(lower_name);
  if (!value) {
    return missing_header(lower_name);
  }
  if (value->size() > max_header_bytes) {
    return malformed_header(lower_name, "longer than " + std::to_string(max_header_bytes) + " bytes");
  }
  return *value;
}

std::vector<field> split_fields(std::string_view text, char item_separator, char key_separator) {
  std::vector<field> out;
  while (!text.empty()) {
    const std::size_t end = text.find(item_separator);
    const std::string_view item = core::trim_blanks(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (item.empty()) {
      continue;
    }
    const std::size_t sep = item.find(key_separator);
    if (sep == std::string_view::npos) {
      out.push_back({item, {}});
    } else {
      out.push_back({item.substr(0, sep), item.substr(sep + 1)});
    }
  }
  return out;
}

std::optional<std::int64_t> parse_timestamp_ms(std::string_view text, timestamp_format format) {
  switch (format) {
    case timestamp_format::unix_seconds: {
      auto s = parse_digits(text, 12);
      return s ? std::optional<std::int64_t>{*s * 1000} : std::nullopt;
    }
    case timestamp_format::unix_millis:
      return parse_digits(text);
    case timestamp_format::rfc3339:
      return parse_rfc3339_ms(text);
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::signatures
