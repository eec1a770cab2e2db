#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/options.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// One thing the person did, as the lead definition remembers it.
struct activity {
  std::string kind;
  timestamp at{};
  std::string rule;  // the scoring rule that gave points; "" when none did
  double points = 0;
};

// What leadsyncd knows about one person. The processor folds events into
// it (through lead_definition::record); the lead definition reads it. A lead
// is keyed by its normalised email, or, while nobody knows the email, by
// "anon:<source>:<anonymous id>".
struct lead {
  std::int64_t id = 0;  // 0 until stored
  std::string key;      // see lead_key()
  std::string email;    // normalised; empty for an anonymous lead
  std::string anonymous_id;
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string title;
  string_map traits;      // person data and firmographics the sources sent (latest wins)
  string_map qualifiers;  // BANT/CHAMP answers (latest wins)

  std::string stage;  // current stage; "" for a lead not yet evaluated
  std::string track;  // the route of the current stage ("product", "chat", ...)
  timestamp stage_since{};
  std::int64_t score = 0;    // rounded, as last evaluated
  std::int64_t version = 0;  // bumped on every stage change

  std::string sales_stage;  // the last stage sales set in the CRM; "" when none
  timestamp sales_stage_at{};
  timestamp recycled_at{};  // when last passed back to marketing; epoch when never
  timestamp score_since{};  // activities before this do not score (reset on recycling)
  bool sla_breached = false;

  timestamp first_seen{};
  timestamp last_activity{};
  std::vector<activity> activities;  // oldest first; bounded by the definition
  std::vector<std::string> merged_keys;  // anonymous leads merged into this one
  std::string merged_into;               // for a merged anonymous lead: the key it lives on as

  // When the definition wants to look again without a new event (decay,
  // inactivity, SLA); epoch when never. Kept in an index by the store, not
  // in the state JSON.
  timestamp next_check{};
};

// The key of the lead an event belongs to; "" when the event names nobody.
std::string lead_key(const event& e);

// A lead's state as stored (JSON) and back. Unknown fields are ignored.
std::string to_json(const lead& l);
lead lead_from_json(std::string_view json);

}  // namespace leadsync::core
