#include "adapters/builtin.hpp"

#include "adapters/crm/http/http_connector.hpp"
#include "adapters/crm/hubspot/hubspot_connector.hpp"
#include "adapters/crm/jsonl/jsonl_connector.hpp"
#include "adapters/crm/salesforce/salesforce_connector.hpp"
#include "adapters/sources/families.hpp"
#include "adapters/sources/generic/generic_source.hpp"

namespace leadsync::adapters {

void register_builtin(core::registry& r) {
  // signature schemes ([sources.X.signature] scheme = "...")
  register_signature_schemes(r);
  // sources (format = "...")
  r.add(make_generic_source_factory());
  register_form_sources(r);
  register_chat_sources(r);
  register_product_sources(r);
  register_crm_feedback_sources(r);
  // CRM connectors (type = "...")
  r.add(make_jsonl_connector_factory());
  r.add(make_http_connector_factory());
  r.add(make_hubspot_connector_factory());
  r.add(make_salesforce_connector_factory());
}

}  // namespace leadsync::adapters
