#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// type = "http": POSTs each stage update as JSON to a URL (the canonical
// object, or the configured template), optionally signed the Standard
// Webhooks way. See adapters/crm/http/README.md.
std::unique_ptr<core::crm_factory> make_http_connector_factory();

}  // namespace leadsync::adapters
