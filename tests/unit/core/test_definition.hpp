#pragma once

// A small lead definition built in code for core tests, so they do not
// depend on the TOML reader: anonymous < identified < nurture < engaged <
// mql (handoff) < sal (sales) < sql (sales) < customer (sales).

#include <memory>
#include <stdexcept>
#include <string>

#include "core/definition/engine.hpp"
#include "core/definition/vocabulary.hpp"

namespace leadsync::core::testing {

inline expr::expression compiled(const std::string& text, const expr::vocabulary& vocab) {
  auto r = expr::compile(text, vocab);
  if (!r) {
    throw std::invalid_argument(text + ": " + r.error().front().to_string());
  }
  return r.value();
}

inline definition::stage_rule stage_rule(std::string name, const std::string& when, std::string track = "") {
  return {std::move(name), compiled(when, definition::lead_vocabulary()), std::move(track)};
}

inline definition::score_rule score_rule(std::string name, const std::string& when, double points) {
  return definition::score_rule{std::move(name), compiled(when, definition::event_vocabulary()), points, {}, {}, {}};
}

inline std::shared_ptr<definition::lead_definition_model> small_model() {
  using definition::owner;
  auto m = std::make_shared<definition::lead_definition_model>();
  m->stages = {
      {"anonymous", owner::marketing, "", {}, false},
      {"identified", owner::marketing, "", {}, false},
      {"nurture", owner::marketing, "", {}, false},
      {"engaged", owner::marketing, "", {stage_rule("engaged.score", "score > 0")}, false},
      {"mql", owner::marketing, "", {stage_rule("mql.score", "score >= 50 && !junk", "marketing")}, true},
      {"sal", owner::sales, "", {}, false},
      {"sql", owner::sales, "", {}, false},
      {"customer", owner::sales, "", {}, false},
  };
  m->score.rules = {score_rule("demo", "kind == \"demo_request\"", 50), score_rule("form", "kind == \"form_submit\"", 10)};
  m->fit_model.grades = {{"A", 40}, {"D", 0}};
  m->recycle.stage = "nurture";
  return m;
}

}  // namespace leadsync::core::testing
