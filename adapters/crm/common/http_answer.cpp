#include "adapters/crm/common/http_answer.hpp"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "core/blanks.hpp"

namespace leadsync::adapters {
namespace {

// The three HTTP-date forms, in the C locale strptime understands.
std::optional<core::timestamp> parse_http_date(std::string_view value) {
  static constexpr const char* formats[] = {
      "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850:     Sunday, 06-Nov-94 08:49:37 GMT
      "%a %b %e %H:%M:%S %Y",       // asctime:     Sun Nov  6 08:49:37 1994
  };
  const std::string text{value};
  for (const char* format : formats) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') {
      const time_t secs = ::timegm(&tm);
      if (secs == static_cast<time_t>(-1)) {
        return std::nullopt;
      }
      return core::timestamp{std::chrono::seconds{secs}};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> header_value(const core::header_list& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) {
      return std::string_view{value};
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> retry_after(const core::header_list& headers, core::timestamp now) {
  auto raw = header_value(headers, "retry-after");
  if (!raw) {
    return std::nullopt;
  }
  const std::string_view value = core::trim_blanks(*raw);
  if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t secs = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec == std::errc::result_out_of_range) {
      return std::chrono::milliseconds{std::chrono::hours{24 * 365}};
    }
    if (ec != std::errc{} || end != value.data() + value.size()) {
      return std::nullopt;
    }
    return std::chrono::seconds{std::min<std::int64_t>(secs, 365LL * 24 * 3600)};
  }
  auto date = parse_http_date(value);
  if (!date) {
    return std::nullopt;
  }
  if (*date <= now) {
    return std::chrono::milliseconds{0};
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
}

bool is_transient_status(int status) {
  return status == 0 || status == 408 || status == 425 || status == 429 || status >= 500;
}

std::string describe_failure(const core::outbound_response& response) {
  if (response.status == 0) {
    return response.transport_error.empty() ? std::string{"no answer"} : response.transport_error;
  }
  std::string body = response.body.substr(0, 300);
  std::replace(body.begin(), body.end(), '\n', ' ');
  return "HTTP " + std::to_string(response.status) + (body.empty() ? "" : ": " + body);
}

}  // namespace leadsync::adapters
