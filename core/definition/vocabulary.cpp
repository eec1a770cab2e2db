#include "core/definition/vocabulary.hpp"

namespace leadsync::core::definition {
namespace {

void add_common_functions(expr::vocabulary& v) {
  v.add_function("has", ids::has, 1)
      .add_function("starts_with", ids::starts_with, 2)
      .add_function("contains", ids::contains, 2)
      .add_function("lower", ids::lower, 1);
}

expr::vocabulary make_person() {
  expr::vocabulary v;
  v.add_name("email_domain", ids::email_domain)
      .add_namespace("lead", ids::lead)
      .add_namespace("qualifiers", ids::qualifiers);
  add_common_functions(v);
  return v;
}

}  // namespace

const expr::vocabulary& event_vocabulary() {
  static const expr::vocabulary v = [] {
    expr::vocabulary out;
    out.add_name("kind", ids::kind)
        .add_name("source", ids::source)
        .add_name("email_domain", ids::email_domain)
        .add_namespace("attributes", ids::attributes)
        .add_namespace("qualifiers", ids::qualifiers);
    add_common_functions(out);
    return out;
  }();
  return v;
}

const expr::vocabulary& person_vocabulary() {
  static const expr::vocabulary v = make_person();
  return v;
}

const expr::vocabulary& lead_vocabulary() {
  static const expr::vocabulary v = [] {
    expr::vocabulary out = make_person();
    out.add_name("score", ids::score)
        .add_name("fit", ids::fit)
        .add_name("grade", ids::grade)
        .add_name("junk", ids::junk)
        .add_name("stage", ids::stage)
        .add_name("sales_stage", ids::sales_stage)
        .add_name("recycled", ids::recycled)
        .add_name("sla_breached", ids::sla_breached)
        .add_name("days_since_last_activity", ids::days_since_last_activity)
        .add_name("days_in_stage", ids::days_in_stage)
        .add_name("activities", ids::activities)
        .add_function("count", ids::count, 1, 2);
    return out;
  }();
  return v;
}

}  // namespace leadsync::core::definition
