#pragma once

#include <span>
#include <string>
#include <vector>

#include "adapters/crm/hubspot/hubspot_options.hpp"
#include "core/adapter.hpp"
#include "core/stage_update.hpp"

namespace leadsync::adapters::hubspot {

// The two requests the connector sends (wire-formats.md 4.2, 4.3), keyed by
// email. Every input carries objectWriteTraceId = "<lead_id>:<version>", which
// HubSpot echoes on each result and error, so answers in any order match back.

std::string trace_id(const core::stage_update& u);

// One contact to write, with its lifecyclestage value.
struct contact_write {
  const core::stage_update* update = nullptr;
  std::string lifecyclestage;
};

// POST /crm/v3/objects/contacts/batch/upsert: creates or updates each contact
// with email, lifecyclestage and the mapped properties (strings; absent
// values left out).
core::outbound_request upsert_request(const settings& s, std::span<const contact_write> writes);

// POST /crm/v3/objects/contacts/batch/update with lifecyclestage "": the
// clear that lets a later upsert move a contact back (recycling).
core::outbound_request clear_request(const settings& s, std::span<const core::stage_update* const> updates);

}  // namespace leadsync::adapters::hubspot
