#include "adapters/crm/hubspot/hubspot_rate_limits.hpp"

#include <algorithm>
#include <charconv>

#include "adapters/crm/common/http_answer.hpp"

namespace leadsync::adapters::hubspot {
namespace {

constexpr std::chrono::milliseconds default_window{10'000};
// A window header beyond this is not HubSpot's 10 s window; do not stall on it.
constexpr std::chrono::milliseconds longest_window{std::chrono::minutes{10}};

std::optional<std::int64_t> number(const core::header_list& headers, std::string_view name) {
  auto raw = header_value(headers, name);
  if (!raw) {
    return std::nullopt;
  }
  std::string_view text = *raw;
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::chrono::milliseconds window(const rate_headers& h) {
  if (!h.interval_ms || *h.interval_ms <= 0) {
    return default_window;
  }
  return std::min(std::chrono::milliseconds{*h.interval_ms}, longest_window);
}

enum class policy { ten_secondly, secondly, daily, unknown };

// policyName, else the words of the message ("You have reached your secondly limit.").
policy policy_of(const hubspot_error& body) {
  const std::string name = lower(body.policy_name.empty() ? body.message : body.policy_name);
  if (name.find("ten_secondly") != std::string::npos) {
    return policy::ten_secondly;
  }
  if (name.find("secondly") != std::string::npos) {
    return policy::secondly;
  }
  if (name.find("daily") != std::string::npos) {
    return policy::daily;
  }
  return policy::unknown;
}

}  // namespace

rate_headers read_rate_headers(const core::header_list& headers) {
  rate_headers h;
  h.remaining = number(headers, "x-hubspot-ratelimit-remaining");
  h.interval_ms = number(headers, "x-hubspot-ratelimit-interval-milliseconds");
  h.daily = number(headers, "x-hubspot-ratelimit-daily");
  h.daily_remaining = number(headers, "x-hubspot-ratelimit-daily-remaining");
  return h;
}

core::timestamp next_utc_midnight(core::timestamp now) {
  return std::chrono::floor<std::chrono::days>(now) + std::chrono::days{1};
}

pause throttle_pause(const core::outbound_response& response, const hubspot_error& body, core::timestamp now) {
  const std::string name = body.policy_name.empty() ? std::string{"rate"} : body.policy_name;
  if (auto after = retry_after(response.headers, now)) {
    return {now + *after, "HubSpot " + name + " limit reached (429, Retry-After)"};
  }
  switch (policy_of(body)) {
    case policy::secondly:
      return {now + std::chrono::seconds{1}, "HubSpot " + name + " limit reached (429): waiting 1 s"};
    case policy::daily:
      return {next_utc_midnight(now), "HubSpot daily API limit reached (429): waiting until 00:00 UTC"};
    case policy::ten_secondly:
    case policy::unknown:
      break;
  }
  const auto wait = window(read_rate_headers(response.headers));
  return {now + wait, "HubSpot " + name + " limit reached (429): waiting " + std::to_string(wait.count()) + " ms"};
}

std::optional<pause> proactive_pause(const rate_headers& headers, core::timestamp now) {
  if (headers.daily_remaining && *headers.daily_remaining == 0) {
    return pause{next_utc_midnight(now), "HubSpot daily API limit used up: waiting until 00:00 UTC"};
  }
  if (headers.remaining && *headers.remaining == 0) {
    const auto wait = window(headers);
    return pause{now + wait, "HubSpot rate-limit window used up: waiting " + std::to_string(wait.count()) + " ms"};
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::hubspot
