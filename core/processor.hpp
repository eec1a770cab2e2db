#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/definition.hpp"
#include "core/store.hpp"

namespace leadsync::core {

// Turns logged events into lead state. Each run() takes a batch of
// unprocessed events in log order; for each: find the lead (the normalised
// email; else the lead an alias names - an anonymous id or an id in another
// system seen earlier with an email; else the source's anonymous id; an
// event carrying an email and an anonymous id merges the anonymous lead into
// the known one and remembers the aliases), fold the event in through
// the definition's record(), evaluate at the event's receive time, and on a
// stage change record the transition with its breakdown and, for leads with
// an email, put a stage update in every connector's outbox. An event whose
// email belongs to a forgotten person (store::is_forgotten) is dropped: no
// lead, no outbox row, and its stored copy becomes a tombstone. run_due() does
// the same for leads whose next_check has come (decay, inactivity, SLA).
// Each batch is one transaction, so a crash replays it whole. Single-
// threaded: one processor per database.
class processor {
 public:
  processor(store& db, const lead_definition& definition, std::vector<std::string> connectors);

  // Processes up to `limit` unprocessed events; returns how many it took.
  std::size_t run(std::size_t limit);
  // Re-evaluates up to `limit` leads due at `now`; returns how many.
  std::size_t run_due(timestamp now, std::size_t limit);

  // What this processor did so far (the daemon exports them as metrics).
  struct counters {
    std::size_t events = 0;       // events taken from the log, dropped ones included
    std::size_t transitions = 0;  // transitions recorded, SLA breaches included
    std::map<std::string, std::size_t, std::less<>> stage_changes;  // by the stage entered
    std::size_t sla_breaches = 0;
    std::size_t dropped_forgotten = 0;  // events of forgotten people, dropped
  };
  const counters& totals() const { return totals_; }

 private:
  class batch_state;
  void count(const std::vector<transition>& recorded);

  store& db_;
  const lead_definition& definition_;
  std::vector<std::string> connectors_;
  counters totals_;
};

}  // namespace leadsync::core
