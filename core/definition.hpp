#pragma once

#include <cstdint>
#include <string>

#include "core/lead.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// The outcome of applying the lead definition to a lead at an instant.
struct evaluation {
  std::string stage;   // the stage the lead should be in
  std::int64_t score = 0;
  std::string rule;    // name of the rule that decided the stage
  std::string reason;  // human-readable why, stored with the transition
};

// The written agreement between marketing and sales, as code. evaluate() is a
// pure function of (lead, now): no clock, no I/O, no hidden state, so it can
// be replayed over history and explained. Thread-safe (const).
class lead_definition {
 public:
  virtual ~lead_definition() = default;
  virtual evaluation evaluate(const lead& l, timestamp now) const = 0;
};

}  // namespace leadsync::core
