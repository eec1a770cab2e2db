#include "core/junk/text.hpp"

#include <cstddef>
#include <cstdint>

namespace leadsync::core::junk {
namespace {

constexpr std::size_t max_quoted_bytes = 64;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0U) == 0x80U;
}

// Length of the UTF-8 sequence starting at text[i], or 0 if it is malformed.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80U) {
    return 1;
  }
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2U && lead <= 0xDFU) {
    length = 2;
    code = lead & 0x1FU;
  } else if (lead >= 0xE0U && lead <= 0xEFU) {
    length = 3;
    code = lead & 0x0FU;
  } else if (lead >= 0xF0U && lead <= 0xF4U) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if (!is_continuation(c)) {
      return 0;
    }
    code = (code << 6U) | (c & 0x3FU);
  }
  const bool overlong = (length == 3 && code < 0x800U) || (length == 4 && code < 0x10000U);
  const bool surrogate = code >= 0xD800U && code <= 0xDFFFU;
  if (overlong || surrogate || code > 0x10FFFFU) {
    return 0;
  }
  return length;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = lower(c);
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string normalise_phrase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char c : trim(text)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(lower(c));
  }
  return out;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sequence_length(text, i);
    if (length == 0) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string quoted_value(std::string_view value) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t length = sequence_length(value, i);
    if (length == 0) {
      length = 1;  // a stray byte is shown as '?', one at a time
    }
    if (out.size() - 1 + length > max_quoted_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(value[i]);
    if (length == 1 && (c < 0x20U || c == 0x7FU || c >= 0x80U || c == '"' || c == '\\')) {
      out.push_back(c == '"' ? '\'' : '?');
    } else {
      out.append(value.substr(i, length));
    }
    i += length;
  }
  out.push_back('"');
  return out;
}

}  // namespace leadsync::core::junk
