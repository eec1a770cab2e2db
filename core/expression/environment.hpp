#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/expression/value.hpp"

namespace leadsync::core::expr {

// Ids the caller chose when it declared names and functions in a vocabulary.
// The checker resolves every name in an expression to its id once, at compile
// time, so evaluation never compares or copies name strings.
using name_id = std::uint32_t;
using function_id = std::uint32_t;

// A resolved name. For a name declared exactly ("score"), suffix is empty.
// For a name under a declared namespace ("qualifiers" -> "qualifiers.budget"),
// id is the namespace's id and suffix the rest after the dot ("budget").
// suffix views the compiled expression's text.
struct name_ref {
  name_id id = 0;
  std::string_view suffix;
};

// What a function call returns: a value, or an error message (for example
// "needs a string and a duration; found number and duration"). The evaluator
// stops and reports "column N: count(): <message>".
class call_result {
 public:
  call_result(value v) noexcept : value_(v) {}  // NOLINT: implicit by design
  static call_result fail(std::string message) {
    call_result r{value{}};
    r.error_ = std::move(message);
    r.failed_ = true;
    return r;
  }

  bool ok() const noexcept { return !failed_; }
  const value& result() const noexcept { return value_; }
  const std::string& error() const noexcept { return error_; }

 private:
  value value_;
  bool failed_ = false;
  std::string error_;
};

// The bridge between an expression and the data it reads, implemented by the
// engine (one per lead evaluation, typically over the lead's state and `now`).
//
// Contract:
// - lookup() returns the value of a name; a name that has no value for this
//   lead (an unanswered qualifier, a missing attribute) is null, never an
//   error. Numbers must be finite.
// - call() gets the evaluated arguments; their count is within the arity the
//   vocabulary declared, their kinds are not checked: the function does that
//   and fails with a message when they are wrong.
// - Strings and lists in returned values must stay valid until evaluate()
//   returns (view the lead's storage, or storage owned by the environment).
// - Both are const and called on the evaluating thread. An environment shared
//   between threads must be safe for concurrent const calls.
// - No exceptions: report failures as values.
class environment {
 public:
  virtual ~environment() = default;
  virtual value lookup(name_ref name) const = 0;
  virtual call_result call(function_id id, std::span<const value> args) const = 0;
};

}  // namespace leadsync::core::expr
