#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadsync::adapters::salesforce {

// Percent-encodes everything but RFC 3986 unreserved characters (so '+', ' ',
// '\'' and '@' are all escaped), through Boost.URL. Safe in a query value, a
// path segment and a form body alike.
std::string percent_encode(std::string_view text);

// application/x-www-form-urlencoded: name=value pairs joined by '&'.
std::string form_body(const std::vector<std::pair<std::string_view, std::string_view>>& fields);

// An http(s) URL fit to be an API or login base: https://, or http:// to a
// loopback host (tests, local fakes); no query or fragment.
bool is_acceptable_base_url(std::string_view url);

}  // namespace leadsync::adapters::salesforce
