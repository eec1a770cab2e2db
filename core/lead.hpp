#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/event.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// What leadsyncd knows about one person. The processor folds events into
// it; the lead definition reads it. A lead is keyed by its normalised email,
// or, while nobody knows the email, by "anon:<source>:<anonymous id>".
struct lead {
  std::int64_t id = 0;  // 0 until stored
  std::string key;      // see lead_key()
  std::string email;    // normalised; empty for an anonymous lead
  std::string anonymous_id;
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string title;
  std::string stage;    // current stage; "" for a lead not yet evaluated
  std::int64_t score = 0;
  std::int64_t version = 0;  // bumped on every stage change
  timestamp first_seen{};
  timestamp last_activity{};
  std::map<std::string, std::int64_t, std::less<>> activity_counts;  // event kind -> count
};

// The key of the lead an event belongs to; "" when the event names nobody.
std::string lead_key(const event& e);

// A lead's state as stored (JSON) and back. Unknown fields are ignored.
std::string to_json(const lead& l);
lead lead_from_json(std::string_view json);

}  // namespace leadsync::core
