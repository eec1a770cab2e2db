#pragma once

#include <memory>

#include "core/definition.hpp"
#include "core/definition/model.hpp"

namespace leadsync::core::definition {

// The lead definition engine: runs a compiled lead_definition_model.
//
// record(): appends the event as an activity, scored by the first scoring
// rule that holds for it (within that rule's window cap), keeps the history
// bounded, and applies CRM feedback (crm_stage_changed with attributes.stage):
// a sales-owned stage is remembered as set by sales; the recycling stage (or
// "recycled") passes the lead back to marketing.
//
// evaluate(): score (decayed, capped, per rule), fit and grade, junk flags,
// then the stage, in this order of precedence:
//   1. no email: the first stage (anonymous);
//   2. a stage sales set and that was not recycled since: kept (never a
//      silent downgrade); only inactivity recycling, when configured for it,
//      moves it, with its own rule;
//   3. recycled with no activity since: the recycling stage;
//   4. the highest stage one of whose rules holds, else the second stage
//      (where known leads start); junk leads never above that second stage;
//      inactivity recycling and the SLA breach stage apply last.
class engine final : public lead_definition {
 public:
  explicit engine(std::shared_ptr<const lead_definition_model> model);

  void record(lead& l, const event& e) const override;
  evaluation evaluate(const lead& l, timestamp now) const override;

  const lead_definition_model& model() const { return *model_; }

 private:
  void score(const lead& l, timestamp now, evaluation& ev) const;
  void assess_fit(const lead& l, timestamp now, evaluation& ev) const;
  void decide_stage(const lead& l, timestamp now, evaluation& ev) const;
  void plan_next_check(const lead& l, timestamp now, evaluation& ev) const;

  std::shared_ptr<const lead_definition_model> model_;
  std::size_t base_stage_ = 0;         // where known leads start (the second stage)
  bool time_sensitive_rules_ = false;  // a stage rule reads count() or day counts
};

}  // namespace leadsync::core::definition
