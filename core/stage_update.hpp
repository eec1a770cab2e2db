#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/lead.hpp"
#include "core/options.hpp"
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
  // What else the CRM may want about the person, by field name (see
  // update_field): first_name, last_name, company, title, grade, fit, track,
  // source (the source that first brought the person in) and the traits the
  // sources sent (phone, country, ...).
  string_map fields;
};

// The part of `fields` the lead's stored state gives: its traits, first_name,
// last_name, company, title and source (its lead_source trait). grade, fit and
// track come from an evaluation.
string_map lead_fields(const lead& l);

// The names CRM field mappings and templates may use, beyond `fields`:
// email, stage, previous_stage, score, rule, reason, changed_at (RFC 3339),
// lead_id, lead_key, version, connector.
// The value of one named field of the update, or nullopt when the name is
// unknown or the update has no value for it.
std::optional<std::string> update_field(const stage_update& u, std::string_view name);

// `fields` as stored (a flat JSON object of strings) and back; unreadable text gives {}.
std::string fields_to_json(const string_map& fields);
string_map fields_from_json(std::string_view json);

// The canonical JSON object for an update, as sent by the jsonl and http connectors.
std::string to_json(const stage_update& u);

}  // namespace leadsync::core
