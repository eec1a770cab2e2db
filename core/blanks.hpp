#pragma once

#include <string_view>

namespace leadsync::core {

// `s` without leading and trailing spaces and tabs: the optional whitespace
// around HTTP header values (RFC 9110 OWS) and template placeholders.
constexpr std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace leadsync::core
