#pragma once

#include <memory>
#include <vector>

#include "adapters/sources/signatures/hmac_scheme.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::signatures {

// The schemes, one function per file; register.cpp adds them all. The
// wire-format facts and their sources are in docs/wire-formats.md section 1.

// typeform, intercom, github, segment, tally, slack, zendesk, webflow
// (vendor_layouts.cpp): fixed instances of header_layout.
std::vector<hmac_scheme> vendor_layout_schemes();

// stripe, calendly (timestamp_list.cpp): "t=<unix>,v1=<hex>[,v1=...]".
std::vector<hmac_scheme> timestamp_list_schemes();

// standard-webhooks (standard_webhooks.cpp): webhook-* / svix-* headers, whsec_ keys.
hmac_scheme standard_webhooks_scheme();

// hubspot-v3 (hubspot_v3.cpp): method + public URL + body + timestamp.
hmac_scheme hubspot_v3_scheme();

// hmac (generic_hmac.cpp): a header_layout chosen in config.
hmac_scheme generic_hmac_scheme();

// header-token (header_token.cpp): a shared token in a header, not an HMAC.
std::unique_ptr<core::signature_factory> make_header_token_factory();
// query-token (header_token.cpp): a shared token in a URL query parameter.
std::unique_ptr<core::signature_factory> make_query_token_factory();

}  // namespace leadsync::adapters::signatures
