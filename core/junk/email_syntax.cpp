#include "core/junk/email_syntax.hpp"

#include <cstddef>
#include <utility>

#include "core/junk/text.hpp"

namespace leadsync::core::junk {
namespace {

constexpr std::size_t max_address_bytes = 254;  // RFC 5321 path limit less the brackets
constexpr std::size_t max_local_bytes = 64;
constexpr std::size_t max_host_bytes = 253;
constexpr std::size_t max_label_bytes = 63;

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 5322 atext without the letters and digits.
bool is_atext_symbol(char c) {
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '/': case '=': case '?': case '^': case '_': case '`': case '{':
    case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

std::string_view local_problem(std::string_view local) {
  if (local.empty()) {
    return "the part before the @ is empty";
  }
  if (local.size() > max_local_bytes) {
    return "the part before the @ is longer than 64 characters";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "the part before the @ starts or ends with a dot or has two dots in a row";
  }
  for (const char c : local) {
    const auto byte = static_cast<unsigned char>(c);
    if (!(is_alpha(c) || is_digit(c) || c == '.' || is_atext_symbol(c) || byte >= 0x80U)) {
      return "the part before the @ has a character that is not allowed there";
    }
  }
  if (!valid_utf8(local)) {
    return "the part before the @ is not valid UTF-8";
  }
  return {};
}

std::string_view label_problem(std::string_view label) {
  if (label.empty()) {
    return "the domain has an empty label (a dot at an end or two dots in a row)";
  }
  if (label.size() > max_label_bytes) {
    return "a domain label is longer than 63 characters";
  }
  for (const char c : label) {
    if (!(is_alpha(c) || is_digit(c) || c == '-')) {
      return "the domain has a character other than letters, digits, hyphens and dots "
             "(internationalised domains must be written in punycode)";
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return "a domain label starts or ends with a hyphen";
  }
  return {};
}

bool is_tld(std::string_view label) {
  if (label.size() > 4 && label.substr(0, 4) == "xn--") {
    return true;  // punycode TLD such as xn--p1ai; label_problem() checked its characters
  }
  if (label.size() < 2) {
    return false;
  }
  for (const char c : label) {
    if (!is_alpha(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view host_name_problem(std::string_view lower_host) {
  if (lower_host.empty()) {
    return "the domain is empty";
  }
  if (lower_host.size() > max_host_bytes) {
    return "the domain is longer than 253 characters";
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = lower_host.find('.', start);
    const std::string_view label =
        lower_host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (const std::string_view problem = label_problem(label); !problem.empty()) {
      return problem;
    }
    if (dot == std::string_view::npos) {
      return {};
    }
    start = dot + 1;
  }
}

email_parts check_email(std::string_view address) {
  email_parts out;
  address = trim(address);
  if (address.size() > max_address_bytes) {
    out.problem = "it is longer than 254 characters";
    return out;
  }
  for (const char c : address) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20U || byte == 0x7FU) {
      out.problem = "it contains a space or a control character";
      return out;
    }
  }
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos) {
    out.problem = "it has no @";
    return out;
  }
  if (address.find('@', at + 1) != std::string_view::npos) {
    out.problem = "it has more than one @";
    return out;
  }
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (const std::string_view problem = local_problem(local); !problem.empty()) {
    out.problem = problem;
    return out;
  }
  if (domain.empty()) {
    out.problem = "the domain after the @ is empty";
    return out;
  }
  std::string lower_domain = ascii_lower(domain);
  if (const std::string_view problem = host_name_problem(lower_domain); !problem.empty()) {
    out.problem = problem;
    return out;
  }
  const std::size_t last_dot = lower_domain.rfind('.');
  if (last_dot == std::string::npos) {
    out.problem = "the domain has no dot";
    return out;
  }
  if (!is_tld(std::string_view(lower_domain).substr(last_dot + 1))) {
    out.problem = "the top-level domain is not two or more letters";
    return out;
  }
  out.local = ascii_lower(local);
  out.domain = std::move(lower_domain);
  return out;
}

}  // namespace leadsync::core::junk
