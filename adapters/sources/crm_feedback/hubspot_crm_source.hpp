#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::crm_feedback {

// format = "hubspot-crm": HubSpot webhook subscription payloads (a JSON array
// of events). contact.propertyChange of lifecyclestage and hs_lead_status
// become "crm_stage_changed" events for the contact (no email in the payload:
// the lead is "hubspot:<objectId>"); everything else in the array is skipped.
std::unique_ptr<core::source_factory> make_hubspot_crm_source_factory();

}  // namespace leadsync::adapters::crm_feedback
