#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace leadsync::core::expr {

// The six types of the rule language. Typing is dynamic: an operator checks
// the kinds of its operands when it runs.
enum class value_kind : std::uint8_t { null, boolean, number, string, duration, list };

// "null", "bool", "number", "string", "duration", "list": the words used in messages.
std::string_view kind_name(value_kind kind) noexcept;

class value;

namespace detail {
struct text_ref {
  const char* data;
  std::size_t size;
};
struct list_ref {
  const value* data;
  std::size_t size;
};
}  // namespace detail

// One value of the language: 24 bytes, trivially copyable, never allocates.
//
// Ownership: a value does NOT own its string or list; it views storage owned
// by the compiled expression (literals) or by the environment (names and
// function results). That storage must outlive every copy of the value; an
// environment must keep what it returns valid until evaluate() returns.
//
// Numbers are doubles and must be finite (the evaluator rejects NaN and
// infinity coming from an environment). Durations are whole milliseconds.
//
// Truthiness (used by &&, ||, ! and by expression::test()):
//   null -> false;  bool -> itself;  number -> != 0;  string -> non-empty;
//   duration -> != 0;  list -> non-empty.
class value {
 public:
  constexpr value() noexcept : kind_(value_kind::null), millis_(0) {}

  static constexpr value null() noexcept { return value{}; }
  static constexpr value boolean(bool b) noexcept {
    value v;
    v.kind_ = value_kind::boolean;
    v.boolean_ = b;
    return v;
  }
  static constexpr value number(double n) noexcept {
    value v;
    v.kind_ = value_kind::number;
    v.number_ = n;
    return v;
  }
  static constexpr value string(std::string_view s) noexcept {
    value v;
    v.kind_ = value_kind::string;
    v.text_ = detail::text_ref{s.data(), s.size()};
    return v;
  }
  static constexpr value duration(std::chrono::milliseconds d) noexcept {
    value v;
    v.kind_ = value_kind::duration;
    v.millis_ = d.count();
    return v;
  }
  static constexpr value list(std::span<const value> items) noexcept {
    value v;
    v.kind_ = value_kind::list;
    v.list_ = detail::list_ref{items.data(), items.size()};
    return v;
  }

  constexpr value_kind kind() const noexcept { return kind_; }
  constexpr bool is_null() const noexcept { return kind_ == value_kind::null; }

  // Accessors: the kind must match (checked with assert in debug builds);
  // call kind() first.
  bool as_bool() const noexcept;
  double as_number() const noexcept;
  std::string_view as_string() const noexcept;
  std::chrono::milliseconds as_duration() const noexcept;
  std::span<const value> as_list() const noexcept;

  // See the truthiness table above.
  bool truthy() const noexcept;

 private:
  value_kind kind_;
  union {
    bool boolean_;
    double number_;
    std::int64_t millis_;
    detail::text_ref text_;
    detail::list_ref list_;
  };
};

// The language's ==: same kind and same content (lists element by element);
// values of different kinds are never equal; null equals only null.
bool equal(const value& a, const value& b) noexcept;

// The value as the language would write it: 62, 0.5, "A" (quoted, escaped),
// true, null, 14d / 36h / 90m / 45s / 1500ms (largest whole unit, never w),
// ["A", "B"]. Used by traces and messages; a string is written in full.
std::string to_string(const value& v);

// Appends to_string(v) to out.
void append_to(std::string& out, const value& v);

}  // namespace leadsync::core::expr
