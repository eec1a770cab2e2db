#include "adapters/sources/families.hpp"

namespace leadsync::adapters {

void register_crm_feedback_sources(core::registry& /*r*/) {}

}  // namespace leadsync::adapters
