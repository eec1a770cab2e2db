#include "adapters/builtin.hpp"

#include "adapters/crm/http/http_connector.hpp"
#include "adapters/crm/jsonl/jsonl_connector.hpp"
#include "adapters/sources/generic/generic_source.hpp"

namespace leadsync::adapters {

void register_builtin(core::registry& r) {
  // sources (format = "...")
  r.add(make_generic_source_factory());
  // CRM connectors (type = "...")
  r.add(make_jsonl_connector_factory());
  r.add(make_http_connector_factory());
}

}  // namespace leadsync::adapters
