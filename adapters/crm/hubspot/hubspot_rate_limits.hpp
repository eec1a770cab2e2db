#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/crm/hubspot/hubspot_answers.hpp"
#include "core/adapter.hpp"
#include "core/time.hpp"

namespace leadsync::adapters::hubspot {

// HubSpot's rate limits (wire-formats.md 4.5): the account-wide window
// (normally 10 s) and, for private apps, the daily quota. The connector
// pauses as a whole rather than failing records.

// The X-HubSpot-RateLimit-* headers of an answer, where present and numeric.
struct rate_headers {
  std::optional<std::int64_t> remaining;    // left in the rolling window
  std::optional<std::int64_t> interval_ms;  // the window's length
  std::optional<std::int64_t> daily;        // the daily quota
  std::optional<std::int64_t> daily_remaining;
};

rate_headers read_rate_headers(const core::header_list& headers);

struct pause {
  core::timestamp until;
  std::string reason;
};

// How long a 429 stops the connector: Retry-After when HubSpot sends one,
// else by policy: TEN_SECONDLY_ROLLING the window (interval header, default
// 10 s), SECONDLY 1 s, DAILY until the next 00:00 UTC.
pause throttle_pause(const core::outbound_response& response, const hubspot_error& body, core::timestamp now);

// A successful answer that leaves nothing in the window (or the day): the
// next request would be a 429, so stop until the window turns.
std::optional<pause> proactive_pause(const rate_headers& headers, core::timestamp now);

// HubSpot's daily quota resets at midnight. UNVERIFIED: HubSpot may mean
// midnight in the account's time zone; UTC is what an adapter without
// account settings can know. An early wake-up costs one more 429.
core::timestamp next_utc_midnight(core::timestamp now);

}  // namespace leadsync::adapters::hubspot
