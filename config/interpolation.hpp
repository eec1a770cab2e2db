#pragma once

// Environment variables in config string values, the way shells and
// systemd units spell them:
//   ${NAME}            the variable's value; an error when it is not set
//   ${NAME:-default}   the value, or `default` when the variable is unset or
//                      empty; `default` may itself hold ${...} and $$
//   $$                 a literal `$`
// Any other `$` is kept as it is, so existing values with a `$` in them
// (passwords, patterns) keep their meaning. NAME is [A-Za-z_][A-Za-z0-9_]*.
// Expansion is not recursive: a value that contains `${` stays as it is.
//
// Errors name the variable and say what is wrong; they never contain a
// variable's value.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace leadsync::config {

// A variable's value, or nullopt when it is not set.
using environment = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv). Call it before threads may change the
// environment; the daemon reads its config before starting any.
environment process_environment();

struct expansion {
  std::string value;                 // the expanded text; empty when error is set
  std::optional<std::string> error;  // "environment variable X is not set", ...
};

// `text` with every ${...} and $$ replaced. Stops at the first error. A
// default is only expanded when it is used, as in a shell.
expansion expand_variables(std::string_view text, const environment& env);

}  // namespace leadsync::config
