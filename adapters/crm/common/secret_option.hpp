#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.hpp"

namespace leadsync::adapters {

// The three ways a connector option holding a secret can be given:
//   <name>       = "..."            the secret itself, written into the config
//   <name>_env   = "VAR"            an environment variable holding it
//   <name>_file  = "/path"          a file holding it (systemd LoadCredential,
//                                   Docker/K8s secrets); one trailing newline is dropped
// secret_option_specs() declares all three; read_secret() takes whichever is
// set (exactly one may be). Errors name the option, never the value.
std::vector<core::option_spec> secret_option_specs(std::string_view name, std::string_view help);

// The secret, or nullopt when none of the three is set (not an error by
// itself: say so with `required`) or when reading failed (an error is added).
std::optional<std::string> read_secret(const core::option_values& values, std::string_view name, bool required,
                                       std::vector<core::option_error>& errors);

}  // namespace leadsync::adapters
