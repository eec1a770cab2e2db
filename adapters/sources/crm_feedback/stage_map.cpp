#include "adapters/sources/crm_feedback/stage_map.hpp"

#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters::crm_feedback {

stage_map stage_map::from_options(const core::option_values& options, std::string_view option,
                                  const core::string_map& defaults, std::vector<core::option_error>& errors) {
  stage_map out;
  const auto configured = options.map_or_empty(option);
  core::string_map seen;  // lower-cased value -> value as configured
  for (const auto& [value, stage] : configured) {
    const std::string key = std::string{option} + "." + value;
    if (value.empty()) {
      errors.push_back({std::string{option}, "a CRM value must not be empty"});
      continue;
    }
    if (auto bad = product::check_identifier(stage)) {
      errors.push_back({key, "stage " + *bad});
    }
    auto [it, fresh] = seen.emplace(product::lower(value), value);
    if (!fresh) {
      errors.push_back({key, "same CRM value as \"" + it->second + "\" (values match ignoring case)"});
    }
  }
  for (const auto& [value, stage] : defaults) {
    out.by_lower_value_.insert_or_assign(product::lower(value), stage);
  }
  for (const auto& [value, stage] : configured) {
    out.by_lower_value_.insert_or_assign(product::lower(value), stage);
  }
  return out;
}

std::optional<std::string> stage_map::stage_for(std::string_view crm_value) const {
  auto it = by_lower_value_.find(product::lower(crm_value));
  if (it == by_lower_value_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string stage_map::known_values() const {
  std::string out;
  for (const auto& [value, stage] : by_lower_value_) {
    out += out.empty() ? "" : ", ";
    out += value;
  }
  return out;
}

}  // namespace leadsync::adapters::crm_feedback
