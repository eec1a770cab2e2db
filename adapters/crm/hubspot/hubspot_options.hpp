#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/options.hpp"

namespace leadsync::adapters::hubspot {

// A hubspot connector's configuration, checked. Read once in create().
struct settings {
  std::string base_url;  // no trailing '/'
  std::string token;
  core::string_map stages;                   // our stage -> lifecyclestage value
  std::vector<std::string> lifecycle_order;  // HubSpot's order, earliest first
  bool allow_backwards = false;
  core::string_map properties;  // HubSpot property -> update field name
  std::size_t batch_size = 100;
  std::chrono::milliseconds timeout{30'000};
  std::string ca_file;

  // Position of a lifecyclestage value in lifecycle_order, nullopt when absent.
  std::optional<std::size_t> rank(const std::string& value) const;
};

// The option declarations of type = "hubspot".
const std::vector<core::option_spec>& option_specs();

// The settings, or nullopt with every problem appended to `errors` (keyed by
// option, never quoting the token).
std::optional<settings> read_settings(const core::option_values& values, std::vector<core::option_error>& errors);

}  // namespace leadsync::adapters::hubspot
