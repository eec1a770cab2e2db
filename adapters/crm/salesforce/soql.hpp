#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leadsync::adapters::salesforce {

// A SOQL string literal: single-quoted, with quote, backslash and control
// characters escaped, so an email can never end the literal.
std::string soql_literal(std::string_view text);

// One GET of `SELECT Id, Email FROM <object> WHERE Email IN (...) ORDER BY
// LastModifiedDate DESC`: its path and query relative to the instance URL, and
// which of the given emails it covers (indices into them).
struct email_query {
  std::string path;
  std::vector<std::size_t> items;
};

// Queries finding the records of `object` with these emails: one, unless the
// URL would pass Salesforce's 16 KB limit, then as few as fit. Emails equal
// but for case share one literal (SOQL compares them case-insensitively).
// `object` must already be a checked API name.
std::vector<email_query> email_queries(std::string_view api_version, std::string_view object,
                                       const std::vector<std::string>& emails);

// ASCII lower case, for matching emails the way SOQL does.
std::string lower_ascii(std::string_view text);

}  // namespace leadsync::adapters::salesforce
