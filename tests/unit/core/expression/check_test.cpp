// The checker (names and functions against the vocabulary, with
// suggestions) and the vocabulary itself.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/unit/core/expression/test_environment.hpp"

namespace leadsync::core::expr {
namespace {

struct check_case {
  std::string input;
  std::string expected;
};

std::ostream& operator<<(std::ostream& out, const check_case& c) { return out << c.input; }

std::string problems(const std::string& source) {
  const compile_result compiled = compile(source, testing::test_vocabulary());
  if (compiled) {
    return "ok";
  }
  std::string out;
  for (const diagnostic& d : compiled.error()) {
    if (!out.empty()) {
      out += '\n';
    }
    out += d.to_string();
  }
  return out;
}

class check_error : public ::testing::TestWithParam<check_case> {};

TEST_P(check_error, is_reported_exactly) { EXPECT_EQ(problems(GetParam().input), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    expression, check_error,
    ::testing::Values(
        check_case{"scroe >= 50", "column 1: unknown name 'scroe'; did you mean 'score'?"},
        check_case{"score >= 50 && fti > 2", "column 16: unknown name 'fti'; did you mean 'fit'?"},
        check_case{"Score > 1", "column 1: unknown name 'Score'; did you mean 'score'?"},
        check_case{"days_since_last_activty > 90",
                   "column 1: unknown name 'days_since_last_activty'; did you mean 'days_since_last_activity'?"},
        check_case{"qualifier.budget == \"yes\"",
                   "column 1: unknown name 'qualifier.budget'; did you mean 'qualifiers.budget'?"},
        check_case{"lead.atributes.plan == \"x\"", "ok"},  // "lead" is a namespace: any name below it is fine
        check_case{"leads.country == \"US\"",
                   "column 1: unknown name 'leads.country'; did you mean 'lead.country'?"},
        check_case{"revenue > 10", "column 1: unknown name 'revenue'"},
        check_case{"x > 1", "column 1: unknown name 'x'"},
        check_case{"score == True", "column 10: unknown name 'True'; did you mean 'true'?"},
        check_case{"grade == NULL", "column 10: unknown name 'NULL'; did you mean 'null'?"},
        check_case{"count > 1", "column 1: 'count' is a function; call it as count(...)"},
        check_case{"qualifiers",
                   "column 1: 'qualifiers' is a group of names; name one of them, as in qualifiers.<field>"},
        check_case{"score(1) > 1", "column 1: 'score' is not a function"},
        check_case{"cuont(\"x\", 14d) > 1", "column 1: unknown function 'cuont'; did you mean 'count'?"},
        check_case{"lead.has(1)", "column 1: 'lead.has' is not a function"},
        check_case{"frobnicate()", "column 1: unknown function 'frobnicate'"},
        check_case{"count(\"x\") > 1", "column 1: count() takes 2 arguments, found 1"},
        check_case{"has()", "column 1: has() takes 1 argument, found 0"},
        check_case{"max()", "column 1: max() takes 1 to 3 arguments, found 0"},
        check_case{"max(1, 2, 3, 4)", "column 1: max() takes 1 to 3 arguments, found 4"},
        check_case{"nan_value(1)", "column 1: nan_value() takes 0 arguments, found 1"},
        // Every check error at once, in column order, including nested ones.
        check_case{"scroe > 1 && has(fti, 2) && zzzzzz && count(\"x\", grde)",
                   "column 1: unknown name 'scroe'; did you mean 'score'?\n"
                   "column 14: has() takes 1 argument, found 2\n"
                   "column 18: unknown name 'fti'; did you mean 'fit'?\n"
                   "column 29: unknown name 'zzzzzz'\n"
                   "column 50: unknown name 'grde'; did you mean 'grade'?"}));

TEST(expression_check, long_unknown_names_get_no_suggestion_and_are_cut) {
  const std::string name = "score" + std::string(95, 'x');
  EXPECT_EQ(problems(name), "column 1: unknown name '" + name.substr(0, 64) + "...'");
}

TEST(vocabulary, resolves_exact_names_then_the_longest_namespace) {
  vocabulary v;
  v.add_name("lead.country", 1).add_namespace("lead", 2).add_namespace("lead.attributes", 3).add_name("score", 4);
  const auto exact = v.resolve_name("lead.country");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->id, 1U);
  EXPECT_EQ(exact->suffix, "");
  const auto below = v.resolve_name("lead.industry.naics");
  ASSERT_TRUE(below);
  EXPECT_EQ(below->id, 2U);
  EXPECT_EQ(below->suffix, "industry.naics");
  const auto longest = v.resolve_name("lead.attributes.plan");
  ASSERT_TRUE(longest);
  EXPECT_EQ(longest->id, 3U);
  EXPECT_EQ(longest->suffix, "plan");
  EXPECT_FALSE(v.resolve_name("lead"));
  EXPECT_FALSE(v.resolve_name("leads.x"));
  EXPECT_TRUE(v.is_namespace("lead"));
}

TEST(vocabulary, suggestions_are_within_two_edits_and_shorter_than_the_word) {
  vocabulary v;
  v.add_name("score", 1).add_name("fit", 2).add_function("count", 1, 2);
  EXPECT_EQ(v.suggest_name("scroe"), "score");   // a swap counts one
  EXPECT_EQ(v.suggest_name("sc"), std::nullopt);  // three edits away
  EXPECT_EQ(v.suggest_name("it"), "fit");
  EXPECT_EQ(v.suggest_name("x"), std::nullopt);  // "fit" is two edits away, but "x" has one letter
  EXPECT_EQ(v.suggest_function("cont"), "count");
  EXPECT_EQ(v.suggest_function("score"), std::nullopt);
}

TEST(vocabulary, rejects_bad_declarations) {
  vocabulary v;
  v.add_name("score", 1).add_function("count", 1, 2);
  EXPECT_THROW(v.add_name("score", 2), std::invalid_argument);
  EXPECT_THROW(v.add_name("1score", 2), std::invalid_argument);
  EXPECT_THROW(v.add_name("and", 2), std::invalid_argument);
  EXPECT_THROW(v.add_name("lead.", 2), std::invalid_argument);
  EXPECT_THROW(v.add_name("", 2), std::invalid_argument);
  EXPECT_THROW(v.add_namespace("a..b", 2), std::invalid_argument);
  EXPECT_THROW(v.add_function("count", 2, 1), std::invalid_argument);
  EXPECT_THROW(v.add_function("a.b", 2, 1), std::invalid_argument);
  EXPECT_THROW(v.add_function("not", 2, 1), std::invalid_argument);
  EXPECT_THROW(v.add_function("f", 2, 2, 1), std::invalid_argument);
  EXPECT_THROW(v.add_function("g", 2, 0, max_call_args + 1), std::invalid_argument);
  EXPECT_NO_THROW(v.add_name("lead.in", 3));  // keywords are fine after a dot
  EXPECT_NO_THROW(v.add_function("h", 3, 0, max_call_args));
}

TEST(expression_check, names_resolve_to_the_declared_ids) {
  const compile_result e = compile("has(qualifiers.budget) && score > 1 && lead.country == \"US\"",
                                   testing::test_vocabulary());
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->uses_name(testing::n_score));
  EXPECT_TRUE(e->uses_name(testing::n_qualifiers));
  EXPECT_TRUE(e->uses_name(testing::n_lead));
  EXPECT_FALSE(e->uses_name(testing::n_fit));
  EXPECT_TRUE(e->uses_function(testing::f_has));
  EXPECT_FALSE(e->uses_function(testing::f_count));
}

}  // namespace
}  // namespace leadsync::core::expr
