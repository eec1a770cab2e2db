#include "core/definition/model.hpp"

namespace leadsync::core::definition {

std::size_t lead_definition_model::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].name == name) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace leadsync::core::definition
