#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::crm_feedback {

// format = "crm-feedback": a stage change made by sales, posted as a flat JSON
// object (what a Salesforce Flow HTTP callout or any CRM workflow can send):
// {"id", "email", "stage", "reason", "occurred_at", "record_id"}, each field
// movable with `map`. Becomes one "crm_stage_changed" event.
std::unique_ptr<core::source_factory> make_crm_feedback_source_factory();

}  // namespace leadsync::adapters::crm_feedback
