#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "adapters/crm/salesforce/settings.hpp"
#include "adapters/crm/salesforce/token_manager.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::salesforce {

// What the connector knows about the org between batches: the API usage it
// last reported (Sforce-Limit-Info) and whether the connector is paused.
struct org_state {
  std::optional<std::int64_t> api_used;
  std::optional<std::int64_t> api_limit;
  std::uint64_t api_calls = 0;  // every request handed out, token requests included
  std::optional<core::timestamp> paused_until;
  std::string pause_reason;
};

// One batch's conversation with Salesforce. In order, each step only when needed:
//   token      (none yet, too old, or refused once with 401)
//   lookup     match = "email": SOQL by Email
//   write      match = "external_id": Collections upsert on the external id field;
//              match = "email": Collections update by Id of the found records and
//              create of the rest
//   placeholders  upserts that failed REQUIRED_FIELD_MISSING on a Lead (they were
//              inserts) again, once, with LastName/Company = "[not provided]"
//   duplicates a SOQL lookup for inserts that duplicate rules blocked without
//              naming the match, then one update by Id attaching all of them
// A 401 gets one new token and one resend; REQUEST_LIMIT_EXCEEDED or the API
// budget pauses the connector; a transient failure ends the exchange. Every
// record not confirmed by then is retried. The exchange keeps references to
// all arguments, which outlive it.
std::unique_ptr<core::crm_exchange> start_exchange(const settings& s, token_manager& tokens, org_state& org,
                                                   std::span<const core::stage_update> batch, core::timestamp now);

}  // namespace leadsync::adapters::salesforce
