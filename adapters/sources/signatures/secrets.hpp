#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/options.hpp"

namespace leadsync::adapters::signatures {

// Options every scheme shares, and turning them into key bytes. Read once, in
// a factory's create(); the environment is not consulted after start-up.

// How a configured secret becomes HMAC key bytes.
enum class key_format {
  utf8,          // the secret's own bytes (everyone but Standard Webhooks)
  whsec_base64,  // strip an optional "whsec_", then base64-decode (Standard Webhooks)
};

// `secrets` and `secrets_env` (both string lists, both optional).
std::vector<core::option_spec> secret_options();

// `tolerance_seconds` (integer, default 300).
core::option_spec tolerance_option();

// The key bytes of every configured secret, literal ones first, in order.
// Appends option_errors (keyed "secrets" or "secrets_env") for an environment
// variable that is unset or empty, an empty secret, one with surrounding
// whitespace, one that does not decode, or no secret at all. Messages name the
// variable or the list index, never the value.
std::vector<std::string> load_keys(const core::option_values& values, key_format format,
                                   std::vector<core::option_error>& errors);

// tolerance_seconds, checked to lie in 1..86400; appends an error otherwise.
std::chrono::seconds load_tolerance(const core::option_values& values,
                                    std::vector<core::option_error>& errors);

}  // namespace leadsync::adapters::signatures
