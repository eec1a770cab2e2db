#pragma once

#include <string_view>

namespace leadsync::config {

// The text of config/lead-definition.default.toml, built into the binary: the
// definition leadsyncd runs when the config has no [lead_definition].
std::string_view default_definition_toml();

// The name diagnostics give that text.
inline constexpr std::string_view default_definition_name = "lead-definition.default.toml (built in)";

}  // namespace leadsync::config
