#pragma once

#include <cstdint>
#include <string>

#include "core/time.hpp"

namespace leadsync::core {

// The state of one lead that a connector must make true in its CRM. The
// processor writes one per (connector, lead) into the outbox; a newer one
// replaces an undelivered older one (latest state wins).
struct stage_update {
  std::int64_t outbox_id = 0;
  std::int64_t version = 0;  // grows with every new state of the lead; stale deliveries never win
  std::string connector;
  std::int64_t lead_id = 0;
  std::string lead_key;  // the lead's key, for the store; not sent to CRMs
  std::string email;
  std::string stage;
  std::string previous_stage;
  std::int64_t score = 0;
  std::string rule;    // the rule that set the stage
  std::string reason;  // human-readable why
  timestamp changed_at{};
  int attempts = 0;
};

// The canonical JSON object for an update, as sent by the jsonl and http connectors.
std::string to_json(const stage_update& u);

}  // namespace leadsync::core
