#include "adapters/sources/crm_feedback/crm_feedback_source.hpp"
#include "adapters/sources/crm_feedback/hubspot_crm_source.hpp"
#include "adapters/sources/families.hpp"

namespace leadsync::adapters {

void register_crm_feedback_sources(core::registry& r) {
  r.add(crm_feedback::make_hubspot_crm_source_factory());
  r.add(crm_feedback::make_crm_feedback_source_factory());
}

}  // namespace leadsync::adapters
