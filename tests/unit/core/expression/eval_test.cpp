// Evaluation: operators, types, truthiness, short-circuit and every
// evaluation error, against the fixed test lead (see test_environment.hpp).
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/core/expression/test_environment.hpp"

namespace leadsync::core::expr {
namespace {

struct eval_case {
  std::string input;
  std::string expected;  // the value as the language writes it, or "column N: message"
};

std::ostream& operator<<(std::ostream& out, const eval_case& c) { return out << c.input; }

class evaluates : public ::testing::TestWithParam<eval_case> {};

TEST_P(evaluates, to_the_expected_value_or_error) { EXPECT_EQ(testing::run(GetParam().input), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    rules, evaluates,
    ::testing::Values(
        eval_case{"score >= 50 && fit >= 20 && !junk", "true"},
        eval_case{"score >= 70 && fit >= 20 && !junk", "false"},
        eval_case{R"(count("trial_started", 14d) >= 1 && count("teammate_invited", 14d) >= 1 && grade in ["A", "B"])",
                  "true"},
        eval_case{R"(count("trial_started", 7d) >= 1)", "false"},
        eval_case{"has(qualifiers.budget) && has(qualifiers.timeline)", "false"},
        eval_case{"has(qualifiers.budget) || has(qualifiers.timeline)", "true"},
        eval_case{R"(stage == "sal" && days_since_last_activity > 90)", "true"},
        eval_case{R"(lead.country in ["US", "CA"] and lead.attributes.plan == "team")", "true"},
        eval_case{R"(days_since("2024-01-01") > 30)", "true"}));

INSTANTIATE_TEST_SUITE_P(
    arithmetic, evaluates,
    ::testing::Values(
        eval_case{"1 + 2 * 3", "7"}, eval_case{"(1 + 2) * 3", "9"}, eval_case{"10 - 4 - 3", "3"},
        eval_case{"10 - (4 - 3)", "9"}, eval_case{"2 * 3 / 4", "1.5"}, eval_case{"8 / 4 / 2", "1"},
        eval_case{"7 / 2", "3.5"}, eval_case{"-2 * 3", "-6"}, eval_case{"- -2", "2"}, eval_case{"-score + fit", "-37"},
        eval_case{"0.1 + 0.2", "0.30000000000000004"}, eval_case{"score + fit * 2 >= 100", "true"},
        eval_case{"max(score, fit, 100)", "100"}, eval_case{"-0", "0"},
        eval_case{"1 / 0", "column 3: division by zero"},
        eval_case{"score / (fit - 25)", "column 7: division by zero"},
        eval_case{"1" + std::string(308, '0') + " * 10", "column 311: result of '*' is out of range"},
        eval_case{"\"a\" + \"b\"", "column 5: '+' needs two numbers or two durations; found string and string"},
        eval_case{"score * \"2\"", "column 7: '*' needs two numbers; found number and string"},
        eval_case{"null - 1", "column 6: '-' needs two numbers or two durations; found null and number"},
        eval_case{"-\"x\"", "column 1: '-' needs a number or a duration; found string"},
        eval_case{"-junk", "column 1: '-' needs a number or a duration; found bool"}));

INSTANTIATE_TEST_SUITE_P(
    durations, evaluates,
    ::testing::Values(
        eval_case{"14d", "14d"}, eval_case{"7d", "7d"}, eval_case{"2w", "14d"}, eval_case{"90m", "90m"},
        eval_case{"60m", "1h"}, eval_case{"1500ms", "1500ms"}, eval_case{"14d + 12h", "348h"},
        eval_case{"14d - 14d", "0s"}, eval_case{"-14d", "-14d"}, eval_case{"12h - 1d", "-12h"},
        eval_case{"14d == 336h", "true"}, eval_case{"14d > 12h", "true"}, eval_case{"1s <= 1000ms", "true"},
        eval_case{"14d == 14", "false"},
        eval_case{"1d + 1", "column 4: '+' needs two numbers or two durations; found duration and number"},
        eval_case{"2 * 14d", "column 3: '*' needs two numbers; found number and duration"},
        eval_case{"14d / 2", "column 5: '/' needs two numbers; found duration and number"},
        eval_case{"14d > 14",
                  "column 5: '>' needs two numbers, two strings or two durations; found duration and number"},
        eval_case{"9223372036854775807ms + 1ms", "column 23: result of '+' is out of range"},
        eval_case{"-9223372036854775807ms - 2ms", "column 24: result of '-' is out of range"}));

INSTANTIATE_TEST_SUITE_P(
    comparisons, evaluates,
    ::testing::Values(
        eval_case{"junk == false", "true"}, eval_case{"null == null", "true"}, eval_case{"score == null", "false"},
        eval_case{"score != null", "true"}, eval_case{"qualifiers.timeline == null", "true"},
        eval_case{"score == \"62\"", "false"}, eval_case{"score != \"62\"", "true"}, eval_case{"1 == 1.0", "true"},
        eval_case{"true == 1", "false"}, eval_case{"[1, \"a\"] == [1, \"a\"]", "true"},
        eval_case{"[\"a\"] == [\"b\"]", "false"}, eval_case{"[1] == [1, 2]", "false"},
        eval_case{"tags == [\"vip\", \"beta\"]", "true"},
        eval_case{"\"a\" < \"b\"", "true"}, eval_case{"\"B\" < \"a\"", "true"}, eval_case{"grade >= \"A\"", "true"},
        eval_case{"score > 61.5", "true"}, eval_case{"score <= 62", "true"}, eval_case{"score < 62", "false"},
        eval_case{"score > \"5\"",
                  "column 7: '>' needs two numbers, two strings or two durations; found number and string"},
        eval_case{"null < 1", "column 6: '<' needs two numbers, two strings or two durations; found null and number"},
        eval_case{"true < false", "column 6: '<' needs two numbers, two strings or two durations; found bool and bool"},
        eval_case{"tags >= tags",
                  "column 6: '>=' needs two numbers, two strings or two durations; found list and list"},
        eval_case{"qualifiers.timeline > 3",
                  "column 21: '>' needs two numbers, two strings or two durations; found null and number"},
        eval_case{"has(qualifiers.timeline) && qualifiers.timeline > 3", "false"}));

INSTANTIATE_TEST_SUITE_P(
    membership, evaluates,
    ::testing::Values(
        eval_case{"grade in [\"A\", \"B\"]", "true"}, eval_case{"grade in [\"C\"]", "false"},
        eval_case{"grade in []", "false"}, eval_case{"grade not in [\"C\"]", "true"},
        eval_case{"grade not in [\"A\"]", "false"}, eval_case{"not grade in [\"B\"]", "true"},
        eval_case{"\"vip\" in tags", "true"}, eval_case{"\"free\" in tags", "false"},
        eval_case{"1 in [\"1\"]", "false"}, eval_case{"1 in [1.0]", "true"}, eval_case{"null in [null]", "true"},
        eval_case{"-1 in [-1]", "true"}, eval_case{"14d in [336h]", "true"}, eval_case{"2 + 1 in [3]", "true"},
        eval_case{"grade in \"ABC\"", "column 7: 'in' needs a list on its right; found string"},
        eval_case{"grade not in null", "column 7: 'not in' needs a list on its right; found null"}));

INSTANTIATE_TEST_SUITE_P(
    logic, evaluates,
    ::testing::Values(
        eval_case{"!junk", "true"}, eval_case{"not junk", "true"}, eval_case{"!null", "true"},
        eval_case{"!0", "true"}, eval_case{"!zero", "true"}, eval_case{"!\"\"", "true"}, eval_case{"!empty", "true"},
        eval_case{"![]", "true"}, eval_case{"!0s", "true"}, eval_case{"!\"x\"", "false"}, eval_case{"!tags", "false"},
        eval_case{"!score > 100", "true"}, eval_case{"junk == !junk", "false"},
        eval_case{"score && fit", "true"}, eval_case{"score && null", "false"}, eval_case{"\"\" || 0", "false"},
        eval_case{"true || false && false", "true"}, eval_case{"(true || false) && false", "false"},
        eval_case{"true || 1 / 0 > 1", "true"}, eval_case{"false && 1 / 0 > 1", "false"},
        eval_case{"false and nan_value() > 1", "false"},
        eval_case{"1 / 0 > 1 || true", "column 3: division by zero"},
        eval_case{"junk || fit / zero > 1", "column 13: division by zero"}));

INSTANTIATE_TEST_SUITE_P(
    values, evaluates,
    ::testing::Values(eval_case{"score", "62"}, eval_case{"grade", "\"A\""}, eval_case{"qualifiers.timeline", "null"},
                      eval_case{"tags", "[\"vip\", \"beta\"]"},
                      eval_case{"[1, \"a\", 2d, null, true]", "[1, \"a\", 2d, null, true]"},
                      eval_case{R"("say \"hi\"")", R"("say \"hi\"")"}, eval_case{"lead.attributes.plan", "\"team\""},
                      eval_case{"lead.unknown", "null"}));

INSTANTIATE_TEST_SUITE_P(
    failures, evaluates,
    ::testing::Values(
        eval_case{"count(1, 14d) > 0", "column 1: count(): needs a string and a duration; found number and duration"},
        eval_case{"junk || max(1, \"2\") > 0", "column 9: max(): needs numbers"},
        eval_case{"nan_value() > 1", "column 1: 'nan_value()' is not a finite number"},
        eval_case{"bad_number > 1", "column 1: 'bad_number' is not a finite number"},
        eval_case{"has(bad_number)", "column 5: 'bad_number' is not a finite number"}));

struct truth_case {
  std::string input;
  bool expected;
};

std::ostream& operator<<(std::ostream& out, const truth_case& c) { return out << c.input; }

class tests_as : public ::testing::TestWithParam<truth_case> {};

TEST_P(tests_as, its_truthiness) {
  const compile_result e = compile(GetParam().input, testing::test_vocabulary());
  ASSERT_TRUE(e) << e.error().front().to_string();
  const test_result r = e->test(testing::test_environment{});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    expression, tests_as,
    ::testing::Values(truth_case{"null", false}, truth_case{"true", true}, truth_case{"false", false},
                      truth_case{"0", false}, truth_case{"score", true}, truth_case{"-1", true},
                      truth_case{"\"\"", false}, truth_case{"\"no\"", true}, truth_case{"0s", false},
                      truth_case{"1ms", true}, truth_case{"[]", false}, truth_case{"[null]", true},
                      truth_case{"tags", true}, truth_case{"qualifiers.timeline", false}));

TEST(expression_test, reports_evaluation_errors_as_values) {
  const compile_result e = compile("score > grade", testing::test_vocabulary());
  ASSERT_TRUE(e);
  const test_result r = e->test(testing::test_environment{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), (diagnostic{7, "'>' needs two numbers, two strings or two durations; found number and string"}));
}

}  // namespace
}  // namespace leadsync::core::expr
