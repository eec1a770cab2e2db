#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// type = "hubspot": upserts contacts by email through HubSpot's CRM v3 batch
// API, setting lifecyclestage from the lead's stage and mapped properties.
// See adapters/crm/hubspot/README.md.
std::unique_ptr<core::crm_factory> make_hubspot_connector_factory();

}  // namespace leadsync::adapters
