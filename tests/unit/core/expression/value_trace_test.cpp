// Values (text form, equality, truthiness), traces for the "why" of a
// transition, and the expression object's lifetime and thread safety.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/core/expression/test_environment.hpp"

namespace leadsync::core::expr {
namespace {

using namespace std::chrono_literals;

TEST(expression_value, writes_itself_as_the_language_does) {
  const std::array<value, 3> items{value::string("A"), value::number(1), value::null()};
  const std::array<value, 2> nested{value::list(std::span<const value>(items).first(1)), value::boolean(false)};
  const std::vector<std::pair<value, std::string>> cases{
      {value{}, "null"},
      {value::boolean(true), "true"},
      {value::number(62), "62"},
      {value::number(-2.5), "-2.5"},
      {value::number(0.1), "0.1"},
      {value::number(-0.0), "0"},
      {value::number(1e21), "1000000000000000000000"},
      {value::number(1e-7), "0.0000001"},
      {value::string(""), "\"\""},
      {value::string("say \"hi\" \\o/"), R"("say \"hi\" \\o/")"},
      {value::duration(0ms), "0s"},
      {value::duration(1500ms), "1500ms"},
      {value::duration(45s), "45s"},
      {value::duration(90min), "90m"},
      {value::duration(36h), "36h"},
      {value::duration(24h * 7), "7d"},
      {value::duration(-24h * 14), "-14d"},
      {value::list({}), "[]"},
      {value::list(items), "[\"A\", 1, null]"},
      {value::list(nested), "[[\"A\"], false]"},
  };
  for (const auto& [v, text] : cases) {
    EXPECT_EQ(to_string(v), text);
  }
}

TEST(expression_value, names_its_kinds) {
  EXPECT_EQ(kind_name(value_kind::null), "null");
  EXPECT_EQ(kind_name(value_kind::boolean), "bool");
  EXPECT_EQ(kind_name(value_kind::number), "number");
  EXPECT_EQ(kind_name(value_kind::string), "string");
  EXPECT_EQ(kind_name(value_kind::duration), "duration");
  EXPECT_EQ(kind_name(value_kind::list), "list");
}

TEST(expression_value, is_small_and_trivially_copyable) {
  static_assert(std::is_trivially_copyable_v<value>);
  static_assert(sizeof(value) <= 24);
}

TEST(expression_value, equality_needs_the_same_kind) {
  const std::array<value, 1> one{value::number(1)};
  const std::array<value, 1> one_text{value::string("1")};
  EXPECT_TRUE(equal(value{}, value{}));
  EXPECT_FALSE(equal(value{}, value::boolean(false)));
  EXPECT_FALSE(equal(value::number(0), value::boolean(false)));
  EXPECT_FALSE(equal(value::number(1), value::string("1")));
  EXPECT_FALSE(equal(value::duration(1000ms), value::number(1000)));
  EXPECT_TRUE(equal(value::duration(60min), value::duration(1h)));
  EXPECT_TRUE(equal(value::list(one), value::list(one)));
  EXPECT_FALSE(equal(value::list(one), value::list(one_text)));
}

TEST(expression_trace, lists_the_names_read_with_their_values) {
  const compile_result e = compile("score >= 50 && fit >= 20 && !junk", testing::test_vocabulary());
  ASSERT_TRUE(e);
  trace t;
  const test_result r = e->test(testing::test_environment{}, t);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value());
  EXPECT_EQ(t.to_string(), "score=62 fit=25 junk=false");
  ASSERT_EQ(t.entries().size(), 3U);
  EXPECT_EQ(t.entries()[0].name, "score");
  EXPECT_EQ(t.entries()[0].value, "62");
}

TEST(expression_trace, shows_only_what_decided_the_result) {
  const compile_result e = compile("score < 50 && fit >= 20", testing::test_vocabulary());
  ASSERT_TRUE(e);
  trace t;
  ASSERT_TRUE(e->test(testing::test_environment{}, t));
  EXPECT_EQ(t.to_string(), "score=62");
}

TEST(expression_trace, records_calls_strings_nulls_once_each) {
  const compile_result e = compile(
      R"(count("trial_started", 14d) >= 1 && grade in ["A", "B"] && score > 1 && score < 100 && )"
      R"(has(qualifiers.budget) && !has(qualifiers.timeline))",
      testing::test_vocabulary());
  ASSERT_TRUE(e);
  trace t;
  const test_result r = e->test(testing::test_environment{}, t);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value());
  EXPECT_EQ(t.to_string(),
            R"(count("trial_started", 14d)=2 grade="A" score=62 qualifiers.budget="yes" has(qualifiers.budget)=true )"
            R"(qualifiers.timeline=null has(qualifiers.timeline)=false)");
}

TEST(expression_trace, can_be_cleared_and_reused) {
  const compile_result e = compile("fit", testing::test_vocabulary());
  ASSERT_TRUE(e);
  const testing::test_environment env;
  trace t;
  ASSERT_TRUE(e->evaluate(env, t));
  t.clear();
  EXPECT_TRUE(t.empty());
  ASSERT_TRUE(e->evaluate(env, t));
  EXPECT_EQ(t.to_string(), "fit=25");
}

TEST(expression_object, keeps_its_source_and_outlives_copies) {
  std::optional<expression> copy;
  {
    const compile_result e =
        compile("grade in [\"A\", \"B\\\"\"] && lead.country == \"US\"", testing::test_vocabulary());
    ASSERT_TRUE(e);
    copy = e.value();
    EXPECT_EQ(e->source(), "grade in [\"A\", \"B\\\"\"] && lead.country == \"US\"");
  }
  trace t;
  const test_result r = copy->test(testing::test_environment{}, t);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value());
  EXPECT_EQ(copy->to_string(), "grade in [\"A\", \"B\\\"\"] && lead.country == \"US\"");
  EXPECT_EQ(t.to_string(), "grade=\"A\" lead.country=\"US\"");
}

// evaluate() returns values that may view the environment: a temporary one
// is refused at compile time. test() returns a bool and accepts it.
template <typename env>
constexpr bool evaluates_temporary = requires(const expression& e) { e.evaluate(env{}); };
template <typename env>
constexpr bool tests_temporary = requires(const expression& e) { e.test(env{}); };
static_assert(!evaluates_temporary<testing::test_environment>);
static_assert(tests_temporary<testing::test_environment>);

TEST(expression_object, evaluates_concurrently) {
  const compile_result e = compile(
      R"(count("trial_started", 14d) >= 1 && grade in ["A", "B"] && score + fit * 2 >= 100)",
      testing::test_vocabulary());
  ASSERT_TRUE(e);
  const testing::test_environment env;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int n = 0; n < 2000; ++n) {
        const test_result r = e->test(env);
        if (!r || !r.value()) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace leadsync::core::expr
