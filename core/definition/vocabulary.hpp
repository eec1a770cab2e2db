#pragma once

#include "core/expression/vocabulary.hpp"

namespace leadsync::core::definition {

// What the `when` expressions of the lead definition may read. Three
// vocabularies, because three kinds of rule look at three things:
//
// event_vocabulary()  - scoring rules, over the incoming event:
//   kind, source, email_domain, attributes.<name>, qualifiers.<name>
// person_vocabulary() - fit rules, over who the person is:
//   email_domain, lead.<field>, qualifiers.<name>
//   (lead.<field>: company, title, first_name, last_name, country, industry,
//    naics, sic, employees, revenue, seniority, ... any attribute a source set;
//    text that is a number reads as a number)
// lead_vocabulary()   - stage rules, over the whole lead:
//   everything in person_vocabulary, plus score, fit, grade, junk, stage,
//   sales_stage, recycled, sla_breached, days_since_last_activity,
//   days_in_stage, activities
//
// Functions (all vocabularies): has(x) (not null, not ""), starts_with(text,
// prefix or [prefixes]), contains(text, part), lower(text).
// In lead_vocabulary also: count(name) and count(name, window) - activities of
// that kind or scored by the scoring rule of that name, since the last
// recycle (ever / within the window before now).

// Ids of names and functions, shared by the vocabularies and environments.
namespace ids {
enum name : expr::name_id {
  kind = 1,
  source,
  email_domain,
  attributes,  // namespace
  qualifiers,  // namespace
  lead,        // namespace
  score,
  fit,
  grade,
  junk,
  stage,
  sales_stage,
  recycled,
  sla_breached,
  days_since_last_activity,
  days_in_stage,
  activities,
};
enum function : expr::function_id {
  has = 1,
  starts_with,
  contains,
  lower,
  count,
};
}  // namespace ids

const expr::vocabulary& event_vocabulary();
const expr::vocabulary& person_vocabulary();
const expr::vocabulary& lead_vocabulary();

}  // namespace leadsync::core::definition
