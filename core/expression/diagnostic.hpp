#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace leadsync::core::expr {

// A located problem with an expression: a parse or check error found at
// config load, or an evaluation error found at run time. `column` is 1-based
// and counts characters (UTF-8 code points) of the expression text, so the
// config layer can add it to the column where the TOML string starts.
// Messages are fixed text plus short, escaped echoes of the input.
struct diagnostic {
  std::uint32_t column = 0;
  std::string message;

  // "column 12: expected an operand after '&&', found end of input"
  std::string to_string() const { return "column " + std::to_string(column) + ": " + message; }

  friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

// A value or an error, as a value: the data path never throws.
template <typename T, typename E>
class outcome {
 public:
  outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}   // NOLINT: implicit by design
  outcome(E failure) : state_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& { return std::get<1>(state_); }
  E&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, E> state_;
};

}  // namespace leadsync::core::expr
