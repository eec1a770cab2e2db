#pragma once

#include <string>
#include <utility>
#include <variant>

namespace leadsync::core {

// What kind of failure an error is; the daemon maps it to an HTTP status.
enum class error_kind {
  malformed,         // input that does not parse (400)
  unmappable,        // parses, but a required field is missing or wrong (422)
  unauthorized,      // missing or bad signature, stale timestamp, replay (401)
  unsupported_media, // content type the source does not accept (415)
  too_large,         // over a configured size limit (413)
  internal,          // our fault: storage or an invariant (500)
};

// An expected failure on the data path: its kind, a stable machine-readable
// code (e.g. "malformed_json") and a message written for the person who has to
// fix the input. Never carries secrets.
struct error {
  error_kind kind = error_kind::internal;
  std::string code;
  std::string message;
};

// A value or an error; the data path returns these instead of throwing.
template <typename T>
class result {
 public:
  result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  result(error failure) : state_(std::move(failure)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const error& failure() const { return std::get<1>(state_); }

 private:
  std::variant<T, error> state_;
};

}  // namespace leadsync::core
