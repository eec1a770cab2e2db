#pragma once

// A small lead as the expression tests see it: a vocabulary with the names
// and functions the default lead definition uses, and an environment that
// answers from fixed data.
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <utility>

#include "core/expression/expression.hpp"

namespace leadsync::core::expr::testing {

using namespace std::chrono_literals;

enum name_ids : name_id {
  n_score = 1,
  n_fit,
  n_junk,
  n_grade,
  n_stage,
  n_days_since_last_activity,
  n_tags,
  n_empty,
  n_zero,
  n_bad_number,
  n_qualifiers,  // namespace
  n_lead,        // namespace
  n_lead_attributes,  // namespace below n_lead
};

enum function_ids : function_id {
  f_count = 1,
  f_has,
  f_days_since,
  f_max,
  f_nan_value,
};

inline vocabulary test_vocabulary() {
  vocabulary v;
  v.add_name("score", n_score)
      .add_name("fit", n_fit)
      .add_name("junk", n_junk)
      .add_name("grade", n_grade)
      .add_name("stage", n_stage)
      .add_name("days_since_last_activity", n_days_since_last_activity)
      .add_name("tags", n_tags)
      .add_name("empty", n_empty)
      .add_name("zero", n_zero)
      .add_name("bad_number", n_bad_number)
      .add_namespace("qualifiers", n_qualifiers)
      .add_namespace("lead", n_lead)
      .add_namespace("lead.attributes", n_lead_attributes)
      .add_function("count", f_count, 2)
      .add_function("has", f_has, 1)
      .add_function("days_since", f_days_since, 1)
      .add_function("max", f_max, 1, 3)
      .add_function("nan_value", f_nan_value, 0);
  return v;
}

// score=62 fit=25 junk=false grade="A" stage="sal" days_since_last_activity=120
// tags=["vip", "beta"] qualifiers.budget="yes" lead.country="US"; everything
// else null. count("trial_started", 14d)=2, count("teammate_invited", 14d)=1.
class test_environment final : public environment {
 public:
  value lookup(name_ref name) const override {
    switch (name.id) {
      case n_score:
        return value::number(62);
      case n_fit:
        return value::number(25);
      case n_junk:
        return value::boolean(false);
      case n_grade:
        return value::string("A");
      case n_stage:
        return value::string("sal");
      case n_days_since_last_activity:
        return value::number(120);
      case n_tags:
        return value::list(tags_);
      case n_empty:
        return value::string("");
      case n_zero:
        return value::number(0);
      case n_bad_number:
        return value::number(std::numeric_limits<double>::infinity());
      case n_qualifiers:
        return name.suffix == "budget" ? value::string("yes") : value{};
      case n_lead:
        return name.suffix == "country" ? value::string("US") : value{};
      case n_lead_attributes:
        return name.suffix == "plan" ? value::string("team") : value{};
      default:
        return value{};
    }
  }

  call_result call(function_id id, std::span<const value> args) const override {
    switch (id) {
      case f_count: {
        if (args[0].kind() != value_kind::string || args[1].kind() != value_kind::duration) {
          return call_result::fail("needs a string and a duration; found " +
                                   std::string(kind_name(args[0].kind())) + " and " +
                                   std::string(kind_name(args[1].kind())));
        }
        if (args[1].as_duration() != std::chrono::milliseconds{14 * 24h}) {
          return value::number(0);
        }
        const std::string_view kind = args[0].as_string();
        return value::number(kind == "trial_started" ? 2 : (kind == "teammate_invited" ? 1 : 0));
      }
      case f_has:
        return value::boolean(!args[0].is_null());
      case f_days_since:
        if (args[0].kind() != value_kind::string) {
          return call_result::fail("needs a date string");
        }
        return value::number(42);
      case f_max: {
        double best = -std::numeric_limits<double>::infinity();
        for (const value& a : args) {
          if (a.kind() != value_kind::number) {
            return call_result::fail("needs numbers");
          }
          best = std::max(best, a.as_number());
        }
        return value::number(best);
      }
      case f_nan_value:
        return value::number(std::nan(""));
      default:
        return call_result::fail("unknown function");
    }
  }

 private:
  std::array<value, 2> tags_{value::string("vip"), value::string("beta")};
};

// "value text" on success, "column N: message" on failure.
inline std::string run(std::string_view source) {
  const compile_result compiled = compile(source, test_vocabulary());
  if (!compiled) {
    std::string out;
    for (const diagnostic& d : compiled.error()) {
      if (!out.empty()) {
        out += '\n';
      }
      out += d.to_string();
    }
    return out;
  }
  const test_environment env;
  const eval_result result = compiled->evaluate(env);
  return result ? to_string(result.value()) : result.error().to_string();
}

}  // namespace leadsync::core::expr::testing
