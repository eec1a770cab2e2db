#pragma once

#include <deque>
#include <string>

#include "core/definition.hpp"
#include "core/definition/model.hpp"
#include "core/definition/vocabulary.hpp"
#include "core/event.hpp"
#include "core/expression/environment.hpp"
#include "core/lead.hpp"

namespace leadsync::core::definition {

// The functions every vocabulary offers (has, starts_with, contains, lower).
// `scratch` keeps strings a call makes alive until the evaluation ends.
expr::call_result common_call(expr::function_id id, std::span<const expr::value> args,
                              std::deque<std::string>& scratch);

// Text as the rule language sees it: a number when all of it is one, else a
// string; empty text is null.
expr::value text_value(const std::string& text);

// What scoring rules read: one event. One per evaluation; not shared.
class event_environment final : public expr::environment {
 public:
  explicit event_environment(const event& e);
  expr::value lookup(expr::name_ref name) const override;
  expr::call_result call(expr::function_id id, std::span<const expr::value> args) const override;

 private:
  const event& event_;
  std::string email_domain_;
  mutable std::deque<std::string> scratch_;
};

// What fit and stage rules read: the lead at `now`, plus the parts of the
// evaluation already computed (score, fit, grade, junk; fit rules run before
// those exist and their vocabulary does not offer them).
class lead_environment final : public expr::environment {
 public:
  lead_environment(const lead& l, const evaluation& so_far, timestamp now);
  expr::value lookup(expr::name_ref name) const override;
  expr::call_result call(expr::function_id id, std::span<const expr::value> args) const override;

 private:
  expr::value lead_field(std::string_view field) const;
  expr::call_result count(std::span<const expr::value> args) const;

  const lead& lead_;
  const evaluation& so_far_;
  timestamp now_;
  std::string email_domain_;
  mutable std::deque<std::string> scratch_;
};

}  // namespace leadsync::core::definition
