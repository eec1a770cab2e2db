#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters {

// type = "salesforce": writes stage updates to a Salesforce sObject (Lead by
// default) through sObject Collections, authenticating with OAuth 2.0
// (client credentials, JWT bearer or refresh token). See
// adapters/crm/salesforce/README.md.
std::unique_ptr<core::crm_factory> make_salesforce_connector_factory();

}  // namespace leadsync::adapters
