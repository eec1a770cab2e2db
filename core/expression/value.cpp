#include "core/expression/value.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cstdint>

namespace leadsync::core::expr {
namespace {

struct unit {
  std::int64_t millis;
  std::string_view suffix;
};

// Largest first; weeks are left out on purpose: "14d" reads better than "2w".
constexpr std::array<unit, 5> units{{
    {86'400'000, "d"},
    {3'600'000, "h"},
    {60'000, "m"},
    {1'000, "s"},
    {1, "ms"},
}};

void append_number(std::string& out, double n) {
  if (n == 0) {
    out += '0';  // also for -0: the two compare equal, so print them alike
    return;
  }
  // Fixed notation, shortest digits that read back to the same double: the
  // tokenizer has no exponent syntax, so "1e+21" would not parse back.
  std::array<char, 400> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), n, std::chars_format::fixed);
  if (ec != std::errc{}) {
    out += "<number>";  // not reachable for finite doubles: 400 chars cover 1.8e308
    return;
  }
  out.append(buffer.data(), end);
}

void append_duration(std::string& out, std::int64_t millis) {
  if (millis == 0) {
    out += "0s";
    return;
  }
  for (const unit& u : units) {
    if (millis % u.millis == 0) {
      std::array<char, 24> buffer{};
      const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), millis / u.millis);
      (void)ec;  // 24 chars always hold an int64
      out.append(buffer.data(), end);
      out += u.suffix;
      return;
    }
  }
}

}  // namespace

std::string_view kind_name(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::null:
      return "null";
    case value_kind::boolean:
      return "bool";
    case value_kind::number:
      return "number";
    case value_kind::string:
      return "string";
    case value_kind::duration:
      return "duration";
    case value_kind::list:
      return "list";
  }
  return "unknown";
}

bool value::as_bool() const noexcept {
  assert(kind_ == value_kind::boolean);
  return boolean_;
}

double value::as_number() const noexcept {
  assert(kind_ == value_kind::number);
  return number_;
}

std::string_view value::as_string() const noexcept {
  assert(kind_ == value_kind::string);
  return {text_.data, text_.size};
}

std::chrono::milliseconds value::as_duration() const noexcept {
  assert(kind_ == value_kind::duration);
  return std::chrono::milliseconds{millis_};
}

std::span<const value> value::as_list() const noexcept {
  assert(kind_ == value_kind::list);
  return {list_.data, list_.size};
}

bool value::truthy() const noexcept {
  switch (kind_) {
    case value_kind::null:
      return false;
    case value_kind::boolean:
      return boolean_;
    case value_kind::number:
      return number_ != 0;
    case value_kind::string:
      return text_.size != 0;
    case value_kind::duration:
      return millis_ != 0;
    case value_kind::list:
      return list_.size != 0;
  }
  return false;
}

bool equal(const value& a, const value& b) noexcept {
  if (a.kind() != b.kind()) {
    return false;
  }
  switch (a.kind()) {
    case value_kind::null:
      return true;
    case value_kind::boolean:
      return a.as_bool() == b.as_bool();
    case value_kind::number:
      return a.as_number() == b.as_number();
    case value_kind::string:
      return a.as_string() == b.as_string();
    case value_kind::duration:
      return a.as_duration() == b.as_duration();
    case value_kind::list: {
      const auto left = a.as_list();
      const auto right = b.as_list();
      if (left.size() != right.size()) {
        return false;
      }
      for (std::size_t i = 0; i < left.size(); ++i) {
        if (!equal(left[i], right[i])) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

void append_to(std::string& out, const value& v) {
  switch (v.kind()) {
    case value_kind::null:
      out += "null";
      return;
    case value_kind::boolean:
      out += v.as_bool() ? "true" : "false";
      return;
    case value_kind::number:
      append_number(out, v.as_number());
      return;
    case value_kind::string:
      out += '"';
      for (const char c : v.as_string()) {
        if (c == '"' || c == '\\') {
          out += '\\';
        }
        out += c;
      }
      out += '"';
      return;
    case value_kind::duration:
      append_duration(out, v.as_duration().count());
      return;
    case value_kind::list: {
      out += '[';
      bool first = true;
      for (const value& item : v.as_list()) {
        if (!first) {
          out += ", ";
        }
        first = false;
        append_to(out, item);
      }
      out += ']';
      return;
    }
  }
}

std::string to_string(const value& v) {
  std::string out;
  append_to(out, v);
  return out;
}

}  // namespace leadsync::core::expr
