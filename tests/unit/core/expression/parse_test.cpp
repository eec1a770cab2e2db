// Tokenizer and parser: the normalised form (which shows how the text was
// grouped) and every syntax error message, exactly.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/core/expression/test_environment.hpp"

namespace leadsync::core::expr {
namespace {

struct text_case {
  std::string input;
  std::string expected;
};

std::ostream& operator<<(std::ostream& out, const text_case& c) { return out << c.input; }

std::string normalised(const std::string& source) {
  const compile_result compiled = compile(source, testing::test_vocabulary());
  if (!compiled) {
    return "error: " + compiled.error().front().to_string();
  }
  return compiled->to_string();
}

std::string errors(const std::string& source) {
  const compile_result compiled = compile(source, testing::test_vocabulary());
  if (compiled) {
    return "ok: " + compiled->to_string();
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

class normal_form : public ::testing::TestWithParam<text_case> {};

TEST_P(normal_form, prints_canonically) { EXPECT_EQ(normalised(GetParam().input), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    expression, normal_form,
    ::testing::Values(
        // The rules from the default lead definition.
        text_case{"score >= 50 && fit >= 20 && !junk", "score >= 50 && fit >= 20 && !junk"},
        text_case{R"(count("trial_started", 14d) >= 1 && count("teammate_invited", 14d) >= 1 && grade in ["A", "B"])",
                  R"(count("trial_started", 14d) >= 1 && count("teammate_invited", 14d) >= 1 && grade in ["A", "B"])"},
        text_case{"has(qualifiers.budget) && has(qualifiers.timeline)",
                  "has(qualifiers.budget) && has(qualifiers.timeline)"},
        text_case{R"(stage == "sal" && days_since_last_activity > 90)",
                  R"(stage == "sal" && days_since_last_activity > 90)"},
        // Keywords and spacing normalise.
        text_case{"score>=50 and fit>=20 and not junk", "score >= 50 && fit >= 20 && !junk"},
        text_case{"junk or score>1", "junk || score > 1"},
        text_case{"  has (qualifiers.budget)  ", "has(qualifiers.budget)"},
        text_case{"count( \"x\" ,14d )", "count(\"x\", 14d)"},
        text_case{"score\t>\n1", "score > 1"},
        // Precedence: && over ||, comparisons over &&, * over +.
        text_case{"junk || score > 1 && fit > 2", "junk || score > 1 && fit > 2"},
        text_case{"(junk || score > 1) && fit > 2", "(junk || score > 1) && fit > 2"},
        text_case{"junk || (score > 1 && fit > 2)", "junk || score > 1 && fit > 2"},
        text_case{"junk && (fit > 1 && score > 2)", "junk && (fit > 1 && score > 2)"},
        text_case{"1 + 2 * 3", "1 + 2 * 3"},
        text_case{"(1 + 2) * 3", "(1 + 2) * 3"},
        text_case{"(1 - 2) - 3", "1 - 2 - 3"},
        text_case{"1 - (2 - 3)", "1 - (2 - 3)"},
        text_case{"8 / (4 / 2)", "8 / (4 / 2)"},
        text_case{"(8 / 4) * 2", "8 / 4 * 2"},
        text_case{"score + fit * 2 >= 100", "score + fit * 2 >= 100"},
        text_case{"(score > 1) == true", "(score > 1) == true"},
        text_case{"true == (score > 1)", "true == (score > 1)"},
        text_case{"((score))", "score"},
        // Unary operators: ! takes a whole comparison; - binds tightest.
        text_case{"!score > 100", "!(score > 100)"},
        text_case{"not grade in [\"B\"]", "!(grade in [\"B\"])"},
        text_case{"!(junk && score > 1)", "!(junk && score > 1)"},
        text_case{"!!junk", "!(!junk)"},
        text_case{"!junk && fit > 1", "!junk && fit > 1"},
        text_case{"junk == !junk", "junk == (!junk)"},
        text_case{"-score * 2", "-score * 2"},
        text_case{"-(score * 2)", "-(score * 2)"},
        text_case{"- -1", "-(-1)"},
        text_case{"1 - -1", "1 - -1"},
        // Literals.
        text_case{"0.50 + 007 + 1.0", "0.5 + 7 + 1"},
        // Past 2^53 a number prints as the exact value of its double, which reads back to it.
        text_case{"123456789012345678901234567890", "123456789012345677877719597056"},
        text_case{"7d + 60m + 90s + 1500ms + 2w + 12h", "7d + 60m + 90s + 1500ms + 2w + 12h"},
        text_case{R"("a \"quoted\" \\ word")", R"("a \"quoted\" \\ word")"},
        text_case{R"("café")", R"("café")"},
        text_case{"true != false", "true != false"},
        text_case{"grade != null", "grade != null"},
        text_case{"grade in [ ]", "grade in []"},
        text_case{"score in [ -1 , 2.50, -3d, null, true, \"x\" ]", "score in [-1, 2.5, -3d, null, true, \"x\"]"},
        text_case{"grade not in [\"A\"]", "grade not in [\"A\"]"},
        text_case{"lead.attributes.plan == \"team\"", "lead.attributes.plan == \"team\""},
        text_case{"max(1, max(2, 3), 4)", "max(1, max(2, 3), 4)"},
        text_case{"nan_value( )", "nan_value()"}));

class syntax_error : public ::testing::TestWithParam<text_case> {};

TEST_P(syntax_error, is_reported_exactly) { EXPECT_EQ(errors(GetParam().input), GetParam().expected); }

const std::string list_literals =
    "list elements must be literals (numbers, strings, durations, true, false or null), found ";

INSTANTIATE_TEST_SUITE_P(
    expression, syntax_error,
    ::testing::Values(
        text_case{"", "column 1: expected an expression, found end of input"},
        text_case{"   ", "column 4: expected an expression, found end of input"},
        text_case{"score >= 50 &&", "column 15: expected an operand after '&&', found end of input"},
        text_case{"score >= 50 and", "column 16: expected an operand after 'and', found end of input"},
        text_case{"score >= 50 || && fit", "column 16: expected an operand after '||', found '&&'"},
        text_case{"score >=", "column 9: expected an operand after '>=', found end of input"},
        text_case{"score + * 2", "column 9: expected an operand after '+', found '*'"},
        text_case{"!", "column 2: expected an operand after '!', found end of input"},
        text_case{"not", "column 4: expected an operand after 'not', found end of input"},
        text_case{"-", "column 2: expected an operand after '-', found end of input"},
        text_case{"score not in", "column 13: expected an operand after 'in', found end of input"},
        text_case{"in [1]", "column 1: expected an expression, found 'in'"},
        text_case{"score >= 50 fit", "column 13: expected an operator or end of input, found name 'fit'"},
        text_case{"score not 5", "column 7: expected an operator or end of input, found 'not'"},
        text_case{"score > 1 AND fit > 2", "column 11: expected an operator or end of input, found name 'AND'"},
        text_case{"score 12", "column 7: expected an operator or end of input, found number 12"},
        text_case{"score \"x\"", "column 7: expected an operator or end of input, found string \"x\""},
        text_case{"score 14d", "column 7: expected an operator or end of input, found duration 14d"},
        text_case{"score)", "column 6: expected an operator or end of input, found ')'"},
        text_case{"(score > 1", "column 11: expected ')' to close '(' at column 1, found end of input"},
        text_case{"(score > 1 fit", "column 12: expected ')' to close '(' at column 1, found name 'fit'"},
        text_case{"()", "column 2: expected an expression after '(', found ')'"},
        text_case{"score > 1 < 2", "column 11: '<' cannot follow another comparison; join comparisons with '&&'"},
        text_case{"score == 1 not in [1]",
                  "column 12: 'not in' cannot follow another comparison; join comparisons with '&&'"},
        text_case{"grade in [\"A\", grade]", "column 16: " + list_literals + "name 'grade'"},
        text_case{"grade in [\"A\",]", "column 15: " + list_literals + "']'"},
        text_case{"grade in [\"A\",", "column 15: " + list_literals + "end of input"},
        text_case{"grade in [[1]]", "column 11: " + list_literals + "'['"},
        text_case{"grade in [\"A\" \"B\"]", "column 15: expected ',' or ']' after a list element, found string \"B\""},
        text_case{"count(\"x\" 14d)",
                  "column 11: expected ',' or ')' after an argument of count(), found duration 14d"},
        text_case{"count(\"x\",)", "column 11: expected an expression after ',', found ')'"},
        text_case{"count(", "column 7: expected an expression after '(', found end of input"},
        text_case{"max(1,2,3,4,5,6,7,8,9)", "column 21: too many arguments (the limit is 8)"},
        // Tokenizer errors.
        text_case{"\"abc", "column 1: unterminated string"},
        text_case{"grade == \"A", "column 10: unterminated string"},
        text_case{"grade == \"A\\", "column 10: unterminated string"},
        text_case{"grade == \"a\\nb\"", "column 12: unknown escape '\\n' in a string; only \\\" and \\\\ are allowed"},
        text_case{"grade == \"a\x01\"", "column 12: control character '\\x01' in a string"},
        text_case{"score = 5", "column 7: '=' is not an operator; use '==' to compare"},
        text_case{"junk & fit", "column 6: '&' is not an operator; use '&&' or 'and'"},
        text_case{"junk | fit", "column 6: '|' is not an operator; use '||' or 'or'"},
        text_case{"grade == 'A'", "column 10: strings use double quotes: \"...\""},
        text_case{"grade == \xE2\x80\x9C" "A\xE2\x80\x9D",
                  "column 10: unexpected character '\xE2\x80\x9C'; strings use plain double quotes: \"...\""},
        text_case{"score # 1", "column 7: unexpected character '#'"},
        text_case{"\"é\" == é", "column 8: unexpected character 'é'"},
        text_case{"score == \xff", "column 10: unexpected character '\\xff'"},
        text_case{"score\x7f", "column 6: unexpected character '\\x7f'"},
        text_case{"lead.", "column 6: expected a name after '.'"},
        text_case{"lead.1x", "column 6: expected a name after '.'"},
        text_case{"1.", "column 3: expected a digit after '.' in a number"},
        text_case{".5", "column 1: a number needs a digit before '.': write 0.5, not .5"},
        text_case{"14days", "column 3: unknown duration unit 'days'; use ms, s, m, h, d or w"},
        text_case{"count(\"x\", 1.5d)", "column 12: a duration needs a whole number: write 90m, not 1.5h"},
        text_case{"99999999999999999999d", "column 1: duration out of range"},
        text_case{"9223372036854775807s", "column 1: duration out of range"},
        text_case{"1" + std::string(400, '0'), "column 1: number out of range"}));

TEST(expression_parse, only_the_first_syntax_error_is_reported) {
  EXPECT_EQ(errors("score >= && fit = 1"), "column 10: expected an operand after '>=', found '&&'");
}

TEST(expression_parse, a_tokenizer_error_wins_over_the_parser_expecting_something) {
  EXPECT_EQ(errors("score >= \"abc"), "column 10: unterminated string");
}

TEST(expression_parse, long_names_and_strings_are_cut_in_messages) {
  const std::string name(100, 'x');
  EXPECT_EQ(errors("score " + name), "column 7: expected an operator or end of input, found name '" +
                                         std::string(40, 'x') + "...'");
}

const std::string too_deep = "expression nests too deeply (the limit is 64 levels of operators)";
const std::string too_nested =
    "expression nests too deeply (the limit is 128 nested parentheses, calls and unary operators)";

TEST(expression_limits, parentheses_nest_to_the_limit_and_no_further) {
  const auto nested = [](std::size_t n) { return std::string(n, '(') + "score" + std::string(n, ')'); };
  EXPECT_EQ(normalised(nested(max_nesting)), "score");
  EXPECT_EQ(errors(nested(max_nesting + 1)), "column 129: " + too_nested);
  EXPECT_EQ(errors(std::string(4000, '(')), "column 129: " + too_nested);
  EXPECT_EQ(errors(std::string(4000, '[')), "column 2: " + list_literals + "'['");
  std::string calls;
  for (int i = 0; i < 200; ++i) {
    calls += "max(";
  }
  EXPECT_EQ(errors(calls), "column 516: " + too_nested);
}

TEST(expression_limits, unary_operators_count_towards_the_depth) {
  EXPECT_EQ(errors(std::string(63, '!') + "junk").substr(0, 4), "ok: ");
  EXPECT_EQ(errors(std::string(64, '!') + "junk"), "column 1: " + too_deep);
  EXPECT_EQ(errors(std::string(64, '-') + "1"), "column 1: " + too_deep);
  EXPECT_EQ(errors(std::string(200, '-') + "1"), "column 129: " + too_nested);
}

TEST(expression_limits, the_deepest_trees_still_print_to_text_that_parses) {
  // Printing adds parentheses around unary operands: !(!(...)), -(-(...)).
  for (const std::string& deepest : {std::string(63, '!') + "junk", std::string(63, '-') + "1",
                                     "score == " + std::string(62, '!') + "junk"}) {
    const compile_result first = compile(deepest, testing::test_vocabulary());
    ASSERT_TRUE(first) << deepest;
    const compile_result second = compile(first->to_string(), testing::test_vocabulary());
    ASSERT_TRUE(second) << second.error().front().to_string();
    EXPECT_EQ(second->to_string(), first->to_string());
  }
}

TEST(expression_limits, long_operator_chains_are_bounded_by_the_tree_depth) {
  const auto sum = [](std::size_t terms) {
    std::string s = "1";
    for (std::size_t i = 1; i < terms; ++i) {
      s += "+1";
    }
    return s;
  };
  EXPECT_EQ(errors(sum(64)).substr(0, 4), "ok: ");
  EXPECT_EQ(errors(sum(65)), "column 128: " + too_deep);
  // && and || chains are flat: a long list of alternatives is fine.
  std::string alternatives = "score == 0";
  for (int i = 1; i < 200; ++i) {
    alternatives += " || score == " + std::to_string(i);
  }
  EXPECT_EQ(testing::run(alternatives), "true");
}

TEST(expression_limits, input_length_is_bounded) {
  const std::string spaces(max_source_bytes - 4, ' ');
  EXPECT_EQ(testing::run(spaces + "junk"), "false");
  EXPECT_EQ(errors(spaces + "junk "), "column 4097: expression is too long (4097 bytes; the limit is 4096)");
  EXPECT_EQ(errors("\"é" + std::string(5000, 'x') + "\""),
            "column 4096: expression is too long (5004 bytes; the limit is 4096)");
}

}  // namespace
}  // namespace leadsync::core::expr
