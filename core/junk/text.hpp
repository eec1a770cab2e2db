#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

// Small text helpers shared by the junk checks. All of them treat text as
// UTF-8 bytes and only fold ASCII case: non-ASCII letters are compared as
// they are (no Unicode tables in core).
namespace leadsync::core::junk {

// A hash set of strings that can be probed with a string_view, no copy.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using string_set = std::unordered_set<std::string, string_hash, std::equal_to<>>;

// ASCII lower-case copy; other bytes are kept.
std::string ascii_lower(std::string_view text);

// Without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

// Trimmed, ASCII lower-case, inner whitespace runs collapsed to one space:
// the form placeholder names and list entries are compared in.
std::string normalise_phrase(std::string_view text);

// True when text is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view text);

// For reason messages: the value in double quotes, cut to at most 64 bytes
// on a UTF-8 boundary ("..." marks a cut), control characters and quotes
// replaced, so hostile input cannot forge or bloat an audit line.
std::string quoted_value(std::string_view value);

}  // namespace leadsync::core::junk
