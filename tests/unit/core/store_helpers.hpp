#pragma once

// What the store tests put into a database and look up again, shared by
// the sqlite_*_test files.
#include <cstdint>
#include <optional>
#include <string>

#include "core/store.hpp"

namespace leadsync::core::testing {

// Every update is due by then.
inline const timestamp far_future = from_millis(INT64_C(1) << 50);

// Stores the lead at `version` in `stage` and queues that state for
// `connector`, as the processor would.
inline void put_update(store& db, const std::string& email, const std::string& connector, std::int64_t version,
                       const std::string& stage, timestamp changed_at = from_millis(5'000)) {
  processing_batch b;
  lead l;
  l.key = email;
  l.email = email;
  l.stage = stage;
  l.version = version;
  b.leads.push_back(l);
  stage_update u;
  u.connector = connector;
  u.lead_key = email;
  u.email = email;
  u.version = version;
  u.stage = stage;
  u.changed_at = changed_at;
  u.fields = {{"company", "Acme"}, {"grade", "A"}};
  b.updates.push_back(u);
  db.commit_processing(b);
}

// The connector's queued update for `email`, if any.
inline std::optional<stage_update> queued(store& db, const std::string& connector, const std::string& email) {
  for (auto& u : db.due_updates(connector, far_future, 1000)) {
    if (u.email == email) {
      return u;
    }
  }
  return std::nullopt;
}

}  // namespace leadsync::core::testing
