// Property-style tests over generated expressions: printing is a fixed point
// (to_string() of a parsed expression parses back to the same to_string())
// and keeps the meaning (both evaluate alike); random token soup never
// crashes and is always answered with a located error or a valid expression.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>

#include "tests/unit/core/expression/test_environment.hpp"

namespace leadsync::core::expr {
namespace {

// Writes random expressions in every surface form the language accepts:
// keyword synonyms, odd spacing, redundant or missing parentheses.
class generator {
 public:
  explicit generator(unsigned seed) : random_(seed) {}

  std::string expression(int depth) {
    if (depth == 0 || chance(4)) {
      return leaf(depth);
    }
    switch (pick(4)) {
      case 0:
        return pick_of(nots) + maybe_wrap(expression(depth - 1));
      case 1:
        return std::string("-").append(maybe_wrap(expression(depth - 1)));
      default:
        return maybe_wrap(expression(depth - 1)) + space() + pick_of(binaries) + space() +
               maybe_wrap(expression(depth - 1));
    }
  }

 private:
  bool chance(unsigned one_in) { return std::uniform_int_distribution<unsigned>(0, one_in - 1)(random_) == 0; }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  template <std::size_t n>
  std::string pick_of(const std::array<const char*, n>& options) {
    return options[pick(n)];
  }
  std::string space() { return chance(3) ? "" : (chance(5) ? "  " : " "); }

  // Parentheses kept most of the time so most texts are valid; dropping them
  // exercises precedence.
  std::string maybe_wrap(const std::string& inner) {
    if (chance(4)) {
      return inner;
    }
    std::string out = "(";
    out += space();
    out += inner;
    out += space();
    out += ')';
    return out;
  }

  std::string leaf(int depth) {
    switch (pick(depth > 0 ? 6 : 4)) {
      case 0:
        return pick_of(names);
      case 1:
        return pick_of(literals);
      case 2:
        return pick_of(lists);
      case 3:
        return pick_of(calls);
      case 4:
        return std::string("has(").append(space()).append(pick_of(names)).append(")");
      default:
        return std::string("max(")
            .append(expression(depth - 1))
            .append(",")
            .append(space())
            .append(expression(depth - 1))
            .append(")");
    }
  }

  static constexpr std::array<const char*, 12> names{"score", "fit",   "junk",  "grade", "stage",
                                                     "tags",  "zero",  "empty", "qualifiers.budget",
                                                     "qualifiers.timeline", "lead.country", "days_since_last_activity"};
  static constexpr std::array<const char*, 16> literals{
      "0", "1", "2.5", "62", "007", "0.10", R"("A")", R"("sal")", R"("a\"b\\")", R"("")", "14d", "12h", "30m",
      "1500ms", "true", "null"};
  static constexpr std::array<const char*, 4> lists{"[]", R"(["A", "B"])", "[1,-2, 3d]", "[ null , false ]"};
  static constexpr std::array<const char*, 3> calls{R"(count("trial_started", 14d))", R"(count("x",2w))",
                                                    "nan_value()"};
  static constexpr std::array<const char*, 2> nots{"!", "not "};
  static constexpr std::array<const char*, 19> binaries{"&&", "and", "||", "or", "==", "!=", "<",      "<=", ">",
                                                        ">=", "in", "not in", "+", "-",  "*",  "/", "and", "&&", "||"};

  std::mt19937 random_;
};

// The outcome of evaluating, without the column (which moves when the text is
// normalised).
std::string meaning(const expression& e) {
  const testing::test_environment env;
  const eval_result r = e.evaluate(env);
  return r ? "value " + to_string(r.value()) : "error " + r.error().message;
}

TEST(expression_roundtrip, printing_is_a_fixed_point_and_keeps_the_meaning) {
  const vocabulary vocab = testing::test_vocabulary();
  generator g(20261122);
  int compiled = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string source = g.expression(1 + i % 5);
    const compile_result first = compile(source, vocab);
    if (!first) {
      continue;  // e.g. a chained comparison after parentheses were dropped
    }
    ++compiled;
    const std::string printed = first->to_string();
    const compile_result second = compile(printed, vocab);
    ASSERT_TRUE(second) << source << "\n  printed: " << printed << "\n  " << second.error().front().to_string();
    EXPECT_EQ(second->to_string(), printed) << source;
    EXPECT_EQ(meaning(second.value()), meaning(first.value())) << source << "\n  printed: " << printed;
  }
  EXPECT_GT(compiled, 2000);  // the generator mostly writes valid text
}

TEST(expression_roundtrip, token_soup_gets_a_located_answer) {
  static constexpr std::array<const char*, 38> pieces{
      "score", "grade", "qualifiers.budget", "has", "count", "(", ")", "[", "]", ",", "!", "not", "and", "or", "in",
      "&&", "||", "==", "<", ">=", "-", "+", "*", "/", "1", "2.5", "14d", "\"A\"", "\"", "\\", "'", "=", "&", ".",
      " ", "\xC3\xA9", "\xff", "1.5d"};
  const vocabulary vocab = testing::test_vocabulary();
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  for (int i = 0; i < 5000; ++i) {
    std::string source;
    const int n = length(random);
    for (int k = 0; k < n; ++k) {
      source += pieces[piece(random)];
      if (k % 2 == 1) {
        source += ' ';
      }
    }
    const compile_result r = compile(source, vocab);
    if (r) {
      const compile_result again = compile(r->to_string(), vocab);
      ASSERT_TRUE(again) << source;
      EXPECT_EQ(again->to_string(), r->to_string()) << source;
      const testing::test_environment env;
      (void)r->evaluate(env);
      continue;
    }
    ASSERT_FALSE(r.error().empty()) << source;
    const std::size_t code_points = static_cast<std::size_t>(std::count_if(
        source.begin(), source.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    for (const diagnostic& d : r.error()) {
      EXPECT_GE(d.column, 1U) << source;
      EXPECT_LE(d.column, code_points + 1) << source;
      EXPECT_FALSE(d.message.empty()) << source;
    }
  }
}

}  // namespace
}  // namespace leadsync::core::expr
