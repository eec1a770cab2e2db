#include "core/junk/placeholders.hpp"

#include <array>
#include <cstddef>

namespace leadsync::core::junk {
namespace {

constexpr std::size_t min_phone_digits = 6;

// Words that, typed as both first and last name, mean "I won't tell you". A
// repeated real name is not junk (Burmese "Aye Aye", Arabic "Ali Ali"), so
// this stays a short list of non-names.
constexpr std::array<std::string_view, 22> generic_words{
    "a",    "x",    "xx",   "abc",     "asd",  "qwe",  "xyz",  "aaa",     "test",    "user",    "name",
    "demo", "foo",  "bar",  "sample",  "none", "null", "n/a",  "unknown", "example", "nobody", "anon"};

bool is_generic(std::string_view word) {
  for (const std::string_view g : generic_words) {
    if (g == word) {
      return true;
    }
  }
  return false;
}

std::string join_name(std::string_view first, std::string_view last) {
  first = trim(first);
  last = trim(last);
  if (first.empty() || last.empty()) {
    return std::string(first.empty() ? last : first);
  }
  std::string out(first);
  out.push_back(' ');
  out.append(last);
  return out;
}

std::string_view without_tag(std::string_view local) {
  return local.substr(0, local.find('+'));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool counts(std::string_view digits, int direction) {
  for (std::size_t i = 1; i < digits.size(); ++i) {
    const int expected = ((digits[i - 1] - '0') + direction + 10) % 10;
    if (digits[i] - '0' != expected) {
      return false;
    }
  }
  return true;
}

bool is_pattern(std::string_view digits) {
  return digits.find_first_not_of(digits[0]) == std::string_view::npos || counts(digits, 1) || counts(digits, -1);
}

}  // namespace

std::string placeholder_name(std::string_view first, std::string_view last, std::string_view email_local,
                             const string_set& names) {
  const std::string full = join_name(first, last);
  const std::string full_key = normalise_phrase(full);
  if (full_key.empty()) {
    return {};
  }
  if (names.find(full_key) != names.end()) {
    return quoted_value(full) + " is a placeholder name";
  }
  const std::string first_key = normalise_phrase(first);
  const std::string last_key = normalise_phrase(last);
  if (!first_key.empty() && names.find(first_key) != names.end()) {
    return "first name " + quoted_value(trim(first)) + " is a placeholder";
  }
  if (!last_key.empty() && names.find(last_key) != names.end()) {
    return "last name " + quoted_value(trim(last)) + " is a placeholder";
  }
  if (first_key.empty() || first_key != last_key) {
    return {};
  }
  if (is_generic(first_key)) {
    return "first and last name are both " + quoted_value(trim(first));
  }
  if (first_key == without_tag(email_local)) {
    return "first and last name both repeat the email address's local part";
  }
  return {};
}

bool is_placeholder_phone(std::string_view phone) {
  std::string digits;
  for (const char c : phone) {
    if (is_digit(c)) {
      digits.push_back(c);
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80U) {
      return false;
    }
  }
  if (digits.size() < min_phone_digits) {
    return false;
  }
  std::string_view national = digits;
  if (national.size() == 11 && national[0] == '1') {
    national.remove_prefix(1);  // +1: the North American numbering plan
  }
  if (is_pattern(digits) || is_pattern(national)) {
    return true;
  }
  // 555-0100..555-0199, with or without the area code.
  const std::string_view local = national.size() == 10 ? national.substr(3) : national;
  return local.size() == 7 && local.substr(0, 3) == "555" && local.substr(3, 2) == "01";
}

}  // namespace leadsync::core::junk
