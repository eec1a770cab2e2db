#pragma once

// CRM stage values -> leadsyncd stage names, shared by the CRM-feedback
// formats. Built-in defaults are overlaid by the `stage_map` option; CRM
// values match case-insensitively (picklist labels vary in case, HubSpot's
// internal values are lower-case). Immutable after from_options().

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.hpp"

namespace leadsync::adapters::crm_feedback {

class stage_map {
 public:
  // Reads `option` over `defaults`; each stage name must be a usable
  // identifier and no two CRM values may differ only in case.
  static stage_map from_options(const core::option_values& options, std::string_view option,
                                const core::string_map& defaults, std::vector<core::option_error>& errors);

  // Our stage for a CRM value; nullopt when the value is not mapped.
  std::optional<std::string> stage_for(std::string_view crm_value) const;

  // "a, b, c": the CRM values it knows, for error messages.
  std::string known_values() const;

 private:
  core::string_map by_lower_value_;
};

}  // namespace leadsync::adapters::crm_feedback
