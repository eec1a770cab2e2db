#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/definition.hpp"
#include "core/store.hpp"

namespace leadsync::core {

// Turns logged events into lead state, one batch per run(): folds each event
// into its lead (see lead_key(): the normalised email, else the source's
// anonymous id), evaluates the lead definition at the event's receive time,
// and on a stage change records the transition and, for leads with an email,
// puts a stage update in every connector's outbox. Each batch is one
// transaction, so a crash replays it whole. Events that name nobody stay in
// the event log only. (Merging an anonymous lead into the known one is not
// in this version.)
// Single-threaded: one processor per database.
class processor {
 public:
  processor(store& db, const lead_definition& definition, std::vector<std::string> connectors);

  // Processes up to `limit` unprocessed events; returns how many it took.
  std::size_t run(std::size_t limit);

  struct counters {
    std::size_t events = 0;
    std::size_t transitions = 0;
  };
  const counters& totals() const { return totals_; }

 private:
  store& db_;
  const lead_definition& definition_;
  std::vector<std::string> connectors_;
  counters totals_;
};

}  // namespace leadsync::core
