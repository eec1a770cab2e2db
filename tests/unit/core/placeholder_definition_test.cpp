#include <gtest/gtest.h>

#include "core/placeholder_definition.hpp"

namespace leadsync::core {
namespace {

const placeholder_definition definition(50, {{"form_submit", 10}, {"demo_request", 50}, {"careers_visit", -5}});

lead with_counts(std::map<std::string, std::int64_t, std::less<>> counts, std::string stage = "") {
  lead l;
  l.key = "ada@example.com";
  l.email = "ada@example.com";
  l.stage = std::move(stage);
  l.activity_counts = std::move(counts);
  return l;
}

TEST(PlaceholderDefinition, NoScoredActivityIsIdentified) {
  const auto ev = definition.evaluate(with_counts({{"page_view", 3}}), timestamp{});
  EXPECT_EQ(ev.stage, "identified");
  EXPECT_EQ(ev.score, 0);
  EXPECT_EQ(ev.rule, "placeholder.identified");
}

TEST(PlaceholderDefinition, PointsBelowThresholdAreEngaged) {
  const auto ev = definition.evaluate(with_counts({{"form_submit", 2}}), timestamp{});
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_EQ(ev.score, 20);
  EXPECT_EQ(ev.reason, "score 20 > 0 (below mql_score 50)");
}

TEST(PlaceholderDefinition, ThresholdReachedIsMql) {
  const auto ev = definition.evaluate(with_counts({{"form_submit", 1}, {"demo_request", 1}}), timestamp{});
  EXPECT_EQ(ev.stage, "mql");
  EXPECT_EQ(ev.score, 60);
  EXPECT_EQ(ev.rule, "placeholder.mql");
  EXPECT_EQ(ev.reason, "score 60 >= mql_score 50");
}

TEST(PlaceholderDefinition, NegativePointsCount) {
  const auto ev = definition.evaluate(with_counts({{"form_submit", 1}, {"careers_visit", 2}}), timestamp{});
  EXPECT_EQ(ev.score, 0);
  EXPECT_EQ(ev.stage, "identified");
}

TEST(PlaceholderDefinition, NoEmailIsAnonymous) {
  lead l = with_counts({{"demo_request", 1}});
  l.email.clear();
  const auto ev = definition.evaluate(l, timestamp{});
  EXPECT_EQ(ev.stage, "anonymous");
  EXPECT_EQ(ev.rule, "placeholder.anonymous");
}

TEST(PlaceholderDefinition, NeverMovesBackwards) {
  const auto ev = definition.evaluate(with_counts({{"form_submit", 1}}, "mql"), timestamp{});
  EXPECT_EQ(ev.stage, "mql");
  EXPECT_EQ(ev.rule, "placeholder.keep");
}

TEST(PlaceholderDefinition, KeepsStagesItDoesNotKnow) {
  const auto ev = definition.evaluate(with_counts({{"form_submit", 1}}, "sql"), timestamp{});
  EXPECT_EQ(ev.stage, "sql");
}

}  // namespace
}  // namespace leadsync::core
