#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/lead.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// One scoring rule's contribution to a score, after decay and caps.
struct score_part {
  std::string rule;
  double points = 0;
};

// One fit rule that held, with its points.
struct fit_part {
  std::string rule;
  double points = 0;
};

struct junk_flag {
  std::string code;
  std::string message;
};

// The outcome of applying the lead definition to a lead at an instant, and
// everything needed to explain it.
struct evaluation {
  std::string stage;   // the stage the lead should be in
  std::string track;   // the route that reached it, when the rule names one
  std::string rule;    // name of the rule that decided the stage
  std::string reason;  // human-readable why, stored with the transition
  std::string inputs;  // what the deciding rule read: "score=62 fit=25 junk=false"

  std::int64_t score = 0;  // rounded
  double exact_score = 0;
  std::vector<score_part> score_parts;
  double fit = 0;
  std::string grade;
  std::vector<fit_part> fit_parts;
  std::vector<junk_flag> junk;
  bool sla_breached = false;
  // Set when this evaluation is the one that found the SLA breached and the
  // definition names a connector to tell.
  std::string notify_connector;

  // When evaluating again could give another answer with no new event
  // (decay, inactivity, SLA, a count window closing). nullopt: never.
  std::optional<timestamp> next_check;
};

// The written agreement between marketing and sales, as code.
//
// record() folds one event into the lead's state (its activity with the
// points the scoring rules give it at that moment, what sales said in CRM
// feedback); evaluate() decides the stage. Both are pure: no clock, no I/O,
// no hidden state, so history can be replayed and every stage explained.
// Thread-safe (const).
class lead_definition {
 public:
  virtual ~lead_definition() = default;
  virtual void record(lead& l, const event& e) const = 0;
  virtual evaluation evaluate(const lead& l, timestamp now) const = 0;
};

// A JSON object with everything evaluate() found (score and fit parts,
// grade, junk flags, inputs, track): stored with each transition.
std::string breakdown_json(const evaluation& ev);

}  // namespace leadsync::core
