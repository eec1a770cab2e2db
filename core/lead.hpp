#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/time.hpp"

namespace leadsync::core {

// What leadsyncd knows about one person, keyed by normalised email. The
// processor folds events into it; the lead definition reads it.
struct lead {
  std::int64_t id = 0;  // 0 until stored
  std::string email;    // normalised
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

// A lead's state as stored (JSON) and back. Unknown fields are ignored.
std::string to_json(const lead& l);
lead lead_from_json(std::string_view json);

}  // namespace leadsync::core
