#include "adapters/sources/families.hpp"
#include "adapters/sources/forms/form_sources.hpp"

namespace leadsync::adapters {

void register_form_sources(core::registry& r) {
  r.add(forms::make_typeform_factory());
  r.add(forms::make_hubspot_form_factory());
  r.add(forms::make_webflow_factory());
  r.add(forms::make_tally_factory());
  r.add(forms::make_form_factory());
}

}  // namespace leadsync::adapters
