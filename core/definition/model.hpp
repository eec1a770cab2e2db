#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/expression/expression.hpp"
#include "core/junk/rules.hpp"

namespace leadsync::core::definition {

// The lead definition as the engine runs it: the written agreement between
// marketing and sales, compiled. Built once at config load (config/ reads the
// TOML and compiles the `when` expressions against the vocabularies in
// vocabulary.hpp), immutable afterwards and shared by all threads.

enum class owner { marketing, sales };

// One way into a stage. `track` names the route for the record ("product",
// "chat", "marketing"): a stage such as mql can be reached by several.
struct stage_rule {
  std::string name;
  expr::expression when;  // over the lead (lead vocabulary)
  std::string track;
};

// A stage of the ladder. Stages are ordered from lowest to highest; the
// highest stage one of whose rules holds is where a lead belongs. A stage
// without rules is reached only by CRM feedback (or as the recycling stage).
// Sales-owned stages with rules are explicit auto-accept rules.
struct stage {
  std::string name;
  owner who = owner::marketing;
  std::string description;
  std::vector<stage_rule> rules;
  bool handoff = false;  // handed to sales here: the SLA clock runs
};

// Points for an activity: `when` holds over the event (event vocabulary).
// `cap` bounds the rule's total contribution; `window_cap` bounds what the
// rule may add within any `window` (checked when the activity arrives).
struct score_rule {
  std::string name;
  expr::expression when;
  double points = 0;
  std::optional<double> cap;
  std::optional<std::chrono::milliseconds> window;
  std::optional<double> window_cap;
};

struct scoring {
  std::vector<score_rule> rules;
  std::optional<std::chrono::milliseconds> half_life;  // none: no decay
};

// Fit to the ideal customer profile: points per rule over the person
// (person vocabulary), and grades by total, highest threshold first.
struct fit_rule {
  std::string name;
  expr::expression when;
  double points = 0;
};

struct grade {
  std::string name;  // "A"
  double min_fit = 0;
};

struct fit {
  std::vector<fit_rule> rules;
  std::vector<grade> grades;  // sorted by min_fit, highest first; the last is the floor
};

// Passing a lead back to marketing: on a CRM rejection, or after
// `inactivity` without activity in one of `inactivity_stages`.
struct recycling {
  std::string stage = "nurture";
  std::optional<std::chrono::milliseconds> inactivity;
  std::vector<std::string> inactivity_stages;
  bool reset_score = true;  // scoring restarts from the recycle
};

// A hand-off stage with no sales response within `within` is breached; when
// `breach_stage` is set the lead moves there, else it is only flagged. When
// `notify_connector` is set, that connector is sent the lead's state with
// rule "sla.breached" once, at the breach.
struct sla {
  std::optional<std::chrono::milliseconds> within;
  std::string breach_stage;
  std::string notify_connector;
};

struct lead_definition_model {
  std::vector<stage> stages;
  scoring score;
  fit fit_model;
  junk::rules junk;
  recycling recycle;
  sla handoff_sla;
  std::size_t max_activities = 1000;  // history kept per lead (oldest dropped)

  // Index of a stage by name, or npos.
  std::size_t index_of(std::string_view name) const;
};

}  // namespace leadsync::core::definition
