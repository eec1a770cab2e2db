// Scenarios from the seed articles, run through the engine the way the
// processor runs it: record the event, evaluate at its time, keep the stage.
#include <gtest/gtest.h>

#include <cmath>

#include <boost/json.hpp>

#include "core/definition/engine.hpp"
#include "core/junk/rules.hpp"
#include "test_definition.hpp"

namespace leadsync::core {
namespace {

using namespace std::chrono_literals;
using testing::compiled;
using testing::score_rule;
using testing::stage_rule;

const timestamp t0 = from_millis(1'700'000'000'000);

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { model_ = testing::small_model(); }

  definition::engine& engine() {
    if (!engine_) {
      engine_ = std::make_unique<definition::engine>(model_);
    }
    return *engine_;
  }

  // One event through record + evaluate, as the processor does.
  evaluation post(std::string kind, timestamp at, string_map attributes = {}, string_map qualifiers = {}) {
    event e;
    e.source = "web";
    e.kind = std::move(kind);
    e.email = lead_.email;
    e.first_name = lead_.first_name;
    e.last_name = lead_.last_name;
    e.occurred_at = at;
    e.received_at = at;
    e.attributes = std::move(attributes);
    e.qualifiers = std::move(qualifiers);
    for (const auto& [k, v] : e.attributes) {
      lead_.traits[k] = v;
    }
    for (const auto& [k, v] : e.qualifiers) {
      lead_.qualifiers[k] = v;
    }
    engine().record(lead_, e);
    return settle(at);
  }

  evaluation settle(timestamp at) {
    evaluation ev = engine().evaluate(lead_, at);
    lead_.sla_breached = ev.sla_breached;
    if (ev.stage != lead_.stage) {
      lead_.stage = ev.stage;
      lead_.stage_since = at;
    }
    return ev;
  }

  std::shared_ptr<definition::lead_definition_model> model_;
  std::unique_ptr<definition::engine> engine_;
  lead lead_ = [] {
    lead l;
    l.key = l.email = "ada@analytical.example";
    l.first_name = "Ada";
    l.last_name = "Lovelace";
    return l;
  }();
};

TEST_F(EngineTest, WebinarAttendeeIsEngaged) {
  model_->score.rules.push_back(score_rule("webinar", "kind == \"webinar_attended\"", 15));
  const auto ev = post("webinar_attended", t0);
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_EQ(ev.score, 15);
  EXPECT_EQ(ev.rule, "engaged.score");
  EXPECT_EQ(ev.inputs, "score=15");
}

TEST_F(EngineTest, DemoRequestFromAnIcpCompanyIsMql) {
  model_->fit_model.rules.push_back({"software", compiled("starts_with(lead.naics, [\"5112\", \"5415\"])",
                                                         definition::person_vocabulary()),
                                     30});
  model_->fit_model.rules.push_back({"size", compiled("lead.employees >= 50", definition::person_vocabulary()), 20});
  model_->stages[4].rules = {stage_rule("mql.demo_with_fit", "score >= 50 && grade == \"A\" && !junk", "marketing")};
  const auto ev = post("demo_request", t0, {{"naics", "511210"}, {"employees", "250"}});
  EXPECT_EQ(ev.stage, "mql");
  EXPECT_EQ(ev.fit, 50);
  EXPECT_EQ(ev.grade, "A");
  EXPECT_EQ(ev.track, "marketing");
  EXPECT_EQ(ev.reason, "rule 'mql.demo_with_fit' holds: score >= 50 && grade == \"A\" && !junk");
  EXPECT_EQ(ev.inputs, "score=50 grade=\"A\" junk=false");
  ASSERT_EQ(ev.fit_parts.size(), 2u);
}

TEST_F(EngineTest, SameDemoRequestWithoutFitIsOnlyEngaged) {
  model_->stages[4].rules = {stage_rule("mql.demo_with_fit", "score >= 50 && grade == \"A\" && !junk")};
  const auto ev = post("demo_request", t0, {{"naics", "722511"}, {"employees", "8"}});
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_EQ(ev.grade, "D");
}

TEST_F(EngineTest, MickeyMouseAtADisposableDomainIsJunkAndNeverMql) {
  junk::rules_config cfg;
  cfg.extra_disposable_domains = {"mailinator.com"};
  auto rules = junk::rules::build(cfg);
  ASSERT_TRUE(rules.ok());
  model_->junk = rules.value();
  lead_.key = lead_.email = "mickey@mailinator.com";
  lead_.first_name = "Mickey";
  lead_.last_name = "Mouse";
  post("demo_request", t0);
  const auto ev = post("demo_request", t0 + 1h);
  EXPECT_EQ(ev.stage, "identified");
  EXPECT_EQ(ev.rule, "junk");
  EXPECT_EQ(ev.score, 100);
  std::vector<std::string> codes;
  for (const auto& j : ev.junk) {
    codes.push_back(j.code);
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"disposable_domain", "placeholder_name"}));
}

TEST_F(EngineTest, TrialSignUpPlusActivationIsPql) {
  model_->stages.insert(model_->stages.begin() + 4,
                        definition::stage{"pql", definition::owner::marketing, "", {stage_rule(
                            "pql.activated", "count(\"trial_started\", 14d) >= 1 && count(\"teammate_invited\", 14d) >= 1",
                            "product")}, true});
  EXPECT_EQ(post("trial_started", t0).stage, "identified");
  const auto ev = post("teammate_invited", t0 + 3 * 24h);
  EXPECT_EQ(ev.stage, "pql");
  EXPECT_EQ(ev.track, "product");
  EXPECT_EQ(ev.inputs, "count(\"trial_started\", 14d)=1 count(\"teammate_invited\", 14d)=1");
  ASSERT_TRUE(ev.next_check.has_value());
}

TEST_F(EngineTest, ActivationOutsideTheTrialWindowIsNotPql) {
  model_->stages[4].rules = {stage_rule(
      "pql.activated", "count(\"trial_started\", 14d) >= 1 && count(\"teammate_invited\", 14d) >= 1", "product")};
  post("trial_started", t0);
  EXPECT_EQ(post("teammate_invited", t0 + 20 * 24h).stage, "identified");
}

TEST_F(EngineTest, ChatWithBudgetAndTimelineIsCql) {
  model_->stages.insert(model_->stages.begin() + 4,
                        definition::stage{"cql", definition::owner::marketing, "",
                                          {stage_rule("cql.bant", "has(qualifiers.budget) && has(qualifiers.timeline)",
                                                      "chat")},
                                          true});
  EXPECT_EQ(post("chat_message", t0, {}, {{"budget", "20k"}}).stage, "identified");
  const auto ev = post("chat_qualified", t0 + 5min, {}, {{"timeline", "this quarter"}});
  EXPECT_EQ(ev.stage, "cql");
  EXPECT_EQ(ev.track, "chat");
}

event crm(std::string stage, timestamp at) {
  event e;
  e.kind = "crm_stage_changed";
  e.attributes = {{"stage", std::move(stage)}};
  e.occurred_at = e.received_at = at;
  return e;
}

TEST_F(EngineTest, SalRejectedBySalesIsRecycledThenComesBack) {
  post("demo_request", t0);
  engine().record(lead_, crm("sal", t0 + 1h));
  EXPECT_EQ(settle(t0 + 1h).stage, "sal");
  engine().record(lead_, crm("recycled", t0 + 2h));
  const auto back = settle(t0 + 2h);
  EXPECT_EQ(back.stage, "nurture");
  EXPECT_EQ(back.rule, "recycling");
  EXPECT_EQ(back.score, 0);  // reset_score: the old demo request no longer counts

  const auto again = post("form_submit", t0 + 48h);
  EXPECT_EQ(again.stage, "engaged");
  EXPECT_EQ(again.score, 10);
}

TEST_F(EngineTest, AnOldSqlReEngages) {
  post("demo_request", t0);
  engine().record(lead_, crm("sql", t0 + 24h));
  EXPECT_EQ(settle(t0 + 24h).stage, "sql");
  engine().record(lead_, crm("recycled", t0 + 200 * 24h));  // closed lost, back to marketing
  EXPECT_EQ(settle(t0 + 200 * 24h).stage, "nurture");
  post("form_submit", t0 + 400 * 24h);
  const auto ev = post("demo_request", t0 + 401 * 24h);
  EXPECT_EQ(ev.stage, "mql");
  EXPECT_EQ(ev.score, 60);
}

TEST_F(EngineTest, SalesStagesAreNeverSilentlyDowngraded) {
  model_->score.half_life = std::chrono::days{30};
  post("demo_request", t0);
  engine().record(lead_, crm("sal", t0 + 1h));
  const auto later = settle(t0 + 365 * 24h);  // score has decayed to nearly nothing
  EXPECT_EQ(later.stage, "sal");
  EXPECT_EQ(later.rule, "crm");
  EXPECT_LT(later.exact_score, 1);
}

TEST_F(EngineTest, MarketingEchoOfAStageFromTheCrmChangesNothing) {
  post("form_submit", t0);
  engine().record(lead_, crm("mql", t0 + 1h));
  EXPECT_EQ(settle(t0 + 1h).stage, "engaged");
}

TEST_F(EngineTest, DecayDropsALeadBelowMqlAfterSilence) {
  model_->score.half_life = std::chrono::days{30};
  EXPECT_EQ(post("demo_request", t0).stage, "mql");
  const auto ev = settle(t0 + std::chrono::days{31});
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_NEAR(ev.exact_score, 50 * std::exp2(-31.0 / 30.0), 1e-9);
  ASSERT_TRUE(ev.next_check.has_value());
  EXPECT_EQ(*ev.next_check, t0 + std::chrono::days{31} + 24h);
}

TEST_F(EngineTest, HandoffWithoutAnAnswerBreachesTheSla) {
  model_->handoff_sla.within = 24h;
  const auto mql = post("demo_request", t0);
  EXPECT_EQ(mql.stage, "mql");
  EXPECT_FALSE(mql.sla_breached);
  ASSERT_TRUE(mql.next_check.has_value());
  EXPECT_EQ(*mql.next_check, t0 + 24h);
  EXPECT_FALSE(settle(t0 + 23h).sla_breached);
  const auto late = settle(t0 + 25h);
  EXPECT_TRUE(late.sla_breached);
  EXPECT_EQ(late.stage, "mql");

  model_->handoff_sla.breach_stage = "nurture";
  engine_.reset();
  const auto moved = settle(t0 + 26h);
  EXPECT_EQ(moved.stage, "nurture");
  EXPECT_EQ(moved.rule, "sla.breached");
}

TEST_F(EngineTest, SalesAnswerStopsTheSlaClock) {
  model_->handoff_sla.within = 24h;
  post("demo_request", t0);
  engine().record(lead_, crm("sal", t0 + 2h));
  const auto ev = settle(t0 + 48h);
  EXPECT_EQ(ev.stage, "sal");
  EXPECT_FALSE(ev.sla_breached);
}

TEST_F(EngineTest, InactivityRecyclesWithItsOwnRule) {
  model_->recycle.inactivity = std::chrono::days{90};
  model_->recycle.inactivity_stages = {"mql"};
  post("demo_request", t0);
  const auto ev = settle(t0 + std::chrono::days{91});
  EXPECT_EQ(ev.stage, "nurture");
  EXPECT_EQ(ev.rule, "recycling.inactivity");
  EXPECT_EQ(ev.reason, "no activity for 91 days in mql");
}

TEST_F(EngineTest, CapsBoundARulesContribution) {
  model_->score.rules[1].cap = 25;
  model_->score.rules[1].window = 24h;
  model_->score.rules[1].window_cap = 15;
  post("form_submit", t0);
  auto ev = post("form_submit", t0 + 1h);  // window allows only 5 more
  EXPECT_EQ(ev.score, 15);
  post("form_submit", t0 + 25h);
  ev = post("form_submit", t0 + 26h);
  EXPECT_EQ(ev.score, 25);  // 15 + 10 + 5 = 30, capped at 25
  ASSERT_EQ(ev.score_parts.size(), 1u);
  EXPECT_EQ(ev.score_parts[0].rule, "form");
}

TEST_F(EngineTest, NegativePointsLowerTheScore) {
  model_->score.rules.push_back(score_rule("careers", "kind == \"page_view\" && attributes.page == \"/careers\"", -20));
  post("demo_request", t0);
  const auto ev = post("page_view", t0 + 1h, {{"page", "/careers"}});
  EXPECT_EQ(ev.score, 30);
  EXPECT_EQ(ev.stage, "engaged");
}

TEST_F(EngineTest, NoEmailIsAnonymous) {
  lead_.email.clear();
  lead_.key = "anon:web:v1";
  EXPECT_EQ(post("demo_request", t0).stage, "anonymous");
}

TEST_F(EngineTest, HistoryIsBounded) {
  model_->max_activities = 5;
  for (int i = 0; i < 8; ++i) {
    post("page_view", t0 + std::chrono::minutes{i});
  }
  ASSERT_EQ(lead_.activities.size(), 5u);
  EXPECT_EQ(lead_.activities.front().at, t0 + 3min);
}

TEST_F(EngineTest, EvaluationIsDeterministic) {
  model_->score.half_life = std::chrono::days{30};
  post("demo_request", t0);
  post("form_submit", t0 + 3h);
  const auto a = engine().evaluate(lead_, t0 + 100h);
  const auto b = engine().evaluate(lead_, t0 + 100h);
  EXPECT_EQ(a.stage, b.stage);
  EXPECT_EQ(a.exact_score, b.exact_score);
  EXPECT_EQ(breakdown_json(a), breakdown_json(b));
}

TEST(Breakdown, WritesPointsAsPeopleDo) {
  evaluation ev;
  ev.exact_score = 24.612345;
  ev.score_parts = {{"demo", 24.612345}};
  ev.fit = 30;
  ev.grade = "B";
  ev.fit_parts = {{"software", 30}};
  ev.junk = {{"role_account", "info@ is a role account"}};
  ev.track = "marketing";
  ev.inputs = "score=24.61";
  const auto o = boost::json::parse(breakdown_json(ev)).as_object();
  EXPECT_EQ(o.at("score").as_double(), 24.61);  // rounded to hundredths
  EXPECT_EQ(o.at("score_parts").at("demo").as_double(), 24.61);
  EXPECT_EQ(o.at("fit").as_int64(), 30);  // whole points stay integers
  EXPECT_EQ(o.at("grade"), "B");
  EXPECT_EQ(o.at("fit_parts").at("software").as_int64(), 30);
  EXPECT_EQ(o.at("junk").at(0).at("code"), "role_account");
  EXPECT_EQ(o.at("track"), "marketing");
  EXPECT_EQ(o.at("inputs"), "score=24.61");
  EXPECT_FALSE(o.contains("sla_breached"));
}

}  // namespace
}  // namespace leadsync::core
