// The signature schemes' one inventory ([sources.X.signature] scheme = "...").
#include "adapters/sources/families.hpp"
#include "adapters/sources/signatures/schemes.hpp"

namespace leadsync::adapters {

void register_signature_schemes(core::registry& r) {
  using namespace signatures;
  for (auto& scheme : timestamp_list_schemes()) {  // stripe, calendly
    r.add(make_hmac_factory(std::move(scheme)));
  }
  r.add(make_hmac_factory(standard_webhooks_scheme()));
  r.add(make_hmac_factory(hubspot_v3_scheme()));
  for (auto& scheme : vendor_layout_schemes()) {  // typeform ... webflow
    r.add(make_hmac_factory(std::move(scheme)));
  }
  r.add(make_hmac_factory(generic_hmac_scheme()));
  r.add(make_header_token_factory());
  r.add(make_query_token_factory());
}

}  // namespace leadsync::adapters
