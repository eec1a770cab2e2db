#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/adapter.hpp"
#include "core/time.hpp"

namespace leadsync::adapters {

// Reading CRM answers the same way in every connector.

// The value of a response header (names are lower-case in outbound_response), or nullopt.
std::optional<std::string_view> header_value(const core::header_list& headers, std::string_view lower_name);

// Retry-After as a delay from `now`: delay-seconds or an HTTP-date
// (IMF-fixdate, RFC 850 or asctime, RFC 9110 §10.2.3). A date in the past is
// zero; an unreadable value is nullopt.
std::optional<std::chrono::milliseconds> retry_after(const core::header_list& headers, core::timestamp now);

// Statuses worth trying again as they are: transport failure (0), 408, 425,
// 429, 5xx (RFC 9110 and the CRMs' edges, e.g. HubSpot's 521/523/524).
bool is_transient_status(int status);

// "HTTP 503: <first 300 bytes of the body>" or the transport error, for
// logs and dead letters.
std::string describe_failure(const core::outbound_response& response);

}  // namespace leadsync::adapters
