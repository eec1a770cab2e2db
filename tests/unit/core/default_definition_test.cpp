// The DEFAULT lead definition (config/lead-definition.default.toml, as the
// daemon loads it: with the shipped disposable-domain list) driven through the
// engine with an injected clock. Time passes the way it does in the daemon:
// the lead is evaluated at each event and again at every next_check the engine
// asks for, so decay, the SLA and inactivity act exactly when the scheduler
// would see them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/definition/engine.hpp"

#ifndef LEADSYNC_SOURCE_DIR
#error "LEADSYNC_SOURCE_DIR must name the source tree"
#endif

namespace leadsync::core {
namespace {

using namespace std::chrono_literals;
using days = std::chrono::days;

const std::filesystem::path source_dir{LEADSYNC_SOURCE_DIR};
const timestamp t0 = from_millis(1'767'225'600'000);  // 2026-01-01T00:00:00Z

std::string errors_of(const config::definition_load_result& r) {
  std::string out;
  for (const auto& d : r.errors) {
    out += config::format(d) + "\n";
  }
  return out;
}

// The default definition as leadsyncd runs it; `edit` may change its text
// first (to configure competitors, say).
std::shared_ptr<const definition::lead_definition_model> load_default(
    const std::function<std::string(std::string)>& edit = {}) {
  const auto file = source_dir / "config" / "lead-definition.default.toml";
  config::definition_load_result r;
  if (edit) {
    std::ifstream in(file);
    std::string text{std::istreambuf_iterator<char>(in), {}};
    r = config::load_definition_string(edit(std::move(text)), file.string());
  } else {
    r = config::load_definition_file(file);
  }
  if (!r.value) {
    ADD_FAILURE() << errors_of(r);
    return nullptr;
  }
  if (auto problem = config::use_shipped_disposable_list(*r.value, source_dir / "config" / "data" /
                                                                       "disposable-domains.txt")) {
    ADD_FAILURE() << config::format(*problem);
    return nullptr;
  }
  return r.value->model;
}

const std::shared_ptr<const definition::lead_definition_model>& default_model() {
  static const auto model = load_default();
  return model;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "the default definition no longer contains: " << from;
    return text;
  }
  return text.replace(at, from.size(), to);
}

struct transition_record {
  timestamp at;
  std::string from;
  std::string to;
  std::string rule;
  std::string reason;
  bool operator==(const transition_record&) const = default;
};

std::ostream& operator<<(std::ostream& os, const transition_record& t) {
  return os << format_rfc3339(t.at) << " " << t.from << " -> " << t.to << " (" << t.rule << ": " << t.reason
            << ")";
}

// One person, run the way core::processor runs a lead: fold what the event
// says about the person, record(), evaluate at the event's time, and
// re-evaluate at every next_check as time passes.
class person {
 public:
  person(const definition::engine& engine, std::string email, std::string first = "Ada",
         std::string last = "Lovelace")
      : engine_(engine) {
    lead_.key = lead_.email = normalise_email(email);
    email_ = std::move(email);
    first_name_ = std::move(first);
    last_name_ = std::move(last);
  }

  // Who the person is, sent with every event (a form's hidden fields).
  person&& with(std::string title, string_map firmographics) && {
    title_ = std::move(title);
    firmographics_ = std::move(firmographics);
    return std::move(*this);
  }

  evaluation post(std::string kind, timestamp at, string_map attributes = {}, string_map qualifiers = {}) {
    event e;
    e.source = "website";
    e.kind = std::move(kind);
    e.email = email_;
    e.first_name = first_name_;
    e.last_name = last_name_;
    e.title = title_;
    e.occurred_at = e.received_at = at;
    e.attributes = firmographics_;
    for (auto& [k, v] : attributes) {
      e.attributes[k] = std::move(v);
    }
    e.qualifiers = std::move(qualifiers);
    return post(e);
  }

  // Sales changes the stage in the CRM (crm-feedback: accepted -> sal,
  // rejected -> recycled, ...).
  evaluation crm(std::string stage, timestamp at) {
    event e;
    e.source = "crm";
    e.kind = "crm_stage_changed";
    e.email = email_;
    e.attributes = {{"stage", std::move(stage)}};
    e.occurred_at = e.received_at = at;
    return post(e);
  }

  evaluation post(const event& e) {
    run_until(e.received_at);
    fold(e);
    engine_.record(lead_, e);
    return settle(e.received_at);
  }

  // Lets time pass to `now`: every due check on the way, then one at `now`.
  evaluation run_until(timestamp now) {
    for (int guard = 0; lead_.next_check != timestamp{} && lead_.next_check <= now; ++guard) {
      if (guard > 100'000) {
        ADD_FAILURE() << "next_check never moves past " << format_rfc3339(lead_.next_check);
        break;
      }
      settle(lead_.next_check);
    }
    return now_ == now ? last_ : settle(now);
  }

  const lead& state() const { return lead_; }
  const std::vector<transition_record>& history() const { return history_; }
  std::string stage() const { return lead_.stage; }

 private:
  // What core::processor's fold() does.
  void fold(const event& e) {
    auto take = [](std::string& field, const std::string& value) {
      if (!value.empty()) {
        field = value;
      }
    };
    take(lead_.first_name, e.first_name);
    take(lead_.last_name, e.last_name);
    take(lead_.company, e.company);
    take(lead_.title, e.title);
    for (const auto& [k, v] : e.attributes) {
      lead_.traits[k] = v;
    }
    for (const auto& [k, v] : e.qualifiers) {
      lead_.qualifiers[k] = v;
    }
    if (lead_.first_seen == timestamp{}) {
      lead_.first_seen = e.received_at;
    }
  }

  // What core::processor's evaluate() keeps of an evaluation.
  evaluation settle(timestamp now) {
    evaluation ev = engine_.evaluate(lead_, now);
    lead_.score = ev.score;
    lead_.sla_breached = ev.sla_breached;
    lead_.next_check = ev.next_check.value_or(timestamp{});
    if (ev.stage != lead_.stage) {
      history_.push_back({now, lead_.stage, ev.stage, ev.rule, ev.reason});
      lead_.stage = ev.stage;
      lead_.track = ev.track;
      lead_.stage_since = now;
      lead_.version += 1;
    }
    now_ = now;
    last_ = ev;
    return ev;
  }

  const definition::engine& engine_;
  lead lead_;
  std::string email_, first_name_, last_name_, title_;
  string_map firmographics_;
  timestamp now_{};
  evaluation last_;
  std::vector<transition_record> history_;
};

// A software company of 250 people in Great Britain: fit 20 + 15 + 10.
const string_map icp_company{{"naics", "511210"}, {"employees", "250"}, {"country", "GB"}};

class DefaultDefinition : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(default_model(), nullptr);
    engine_ = std::make_unique<definition::engine>(default_model());
  }
  person icp_director(std::string email = "ada@analytical.example") {
    return person(*engine_, std::move(email)).with("Director of Engineering", icp_company);
  }

  std::unique_ptr<definition::engine> engine_;
};

double decayed(double points, timestamp at, timestamp now) {
  return points * std::exp2(-static_cast<double>((now - at).count()) / static_cast<double>((days{45} / 1ms)));
}

std::vector<std::string> junk_codes(const evaluation& ev) {
  std::vector<std::string> codes;
  for (const auto& j : ev.junk) {
    codes.push_back(j.code);
  }
  return codes;
}

TEST_F(DefaultDefinition, IsTheDocumentedLadder) {
  const auto& m = *default_model();
  std::vector<std::string> names;
  std::vector<std::string> handoffs;
  for (const auto& s : m.stages) {
    names.push_back(s.name);
    if (s.handoff) {
      handoffs.push_back(s.name);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"anonymous", "identified", "nurture", "engaged", "mql", "pql", "cql",
                                             "sal", "sql", "opportunity", "customer"}));
  EXPECT_EQ(handoffs, (std::vector<std::string>{"mql", "pql", "cql"}));
  ASSERT_TRUE(m.score.half_life.has_value());
  EXPECT_EQ(*m.score.half_life, days{45});
  ASSERT_TRUE(m.handoff_sla.within.has_value());
  EXPECT_EQ(*m.handoff_sla.within, 48h);
  EXPECT_TRUE(m.handoff_sla.breach_stage.empty());
  ASSERT_TRUE(m.recycle.inactivity.has_value());
  EXPECT_EQ(*m.recycle.inactivity, days{90});
  EXPECT_EQ(m.max_activities, 1000u);
}

TEST_F(DefaultDefinition, WebinarAttendeeIsEngaged) {
  auto p = icp_director();
  const auto ev = p.post("webinar_attended", t0);
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_EQ(ev.rule, "engaged.activity");
  EXPECT_EQ(ev.score, 15);
  EXPECT_EQ(ev.fit, 60);
  EXPECT_EQ(ev.grade, "A");
}

// Found by the soak benchmark: the rules once read the unrounded score, so a
// lone form fill (10 points) decayed to 9.99 by the next event a minute later
// and the lead fell back from engaged, flapping the CRM. Rules see the score as
// shown (rounded), so decay takes it below 10 only after days.
TEST_F(DefaultDefinition, AFormFillStaysEngagedWhenAPointlessEventFollows) {
  auto p = icp_director();
  EXPECT_EQ(p.post("form_submit", t0).stage, "engaged");
  const auto later = p.post("page_view", t0 + 1min, {{"page", "/blog/lead-scoring"}});
  EXPECT_EQ(later.stage, "engaged");
  EXPECT_EQ(later.score, 10);
  EXPECT_LT(later.exact_score, 10.0);
}

TEST_F(DefaultDefinition, DemoRequestFromAnIcpCompanyIsMql) {
  auto p = icp_director();
  const auto ev = p.post("demo_request", t0);
  EXPECT_EQ(ev.stage, "mql");
  EXPECT_EQ(ev.rule, "mql.demo_request");
  EXPECT_EQ(ev.track, "demo");
  EXPECT_EQ(ev.inputs, "count(\"demo_request\", 30d)=1 grade=\"A\" junk=false");
}

// The scoring rule "demo_request" counts a "book-a-demo" form as a demo
// request; mql.demo_request ("a demo request with fit", grades A-C) should
// then too. A grade C person: software company (20), small, not served.
TEST_F(DefaultDefinition, DemoFormIsADemoRequestForMqlToo) {
  const string_map small_software{{"naics", "511210"}, {"employees", "12"}, {"country", "BR"}};
  auto by_event = person(*engine_, "ana@small.example", "Ana", "Souza").with("Engineer", small_software);
  const auto event_ev = by_event.post("demo_request", t0);
  ASSERT_EQ(event_ev.grade, "C");
  EXPECT_EQ(event_ev.stage, "mql");

  auto by_form = person(*engine_, "bia@small.example", "Bia", "Lima").with("Engineer", small_software);
  const auto form_ev = by_form.post("form_submit", t0, {{"form", "book-a-demo"}});
  ASSERT_EQ(form_ev.grade, "C");
  ASSERT_EQ(form_ev.score_parts.size(), 1u);
  EXPECT_EQ(form_ev.score_parts[0].rule, "demo_request") << "scored as a demo request";
  EXPECT_EQ(form_ev.stage, "mql") << "rule " << form_ev.rule << ": count(\"demo_request\", 30d) counts only events "
                                  << "of kind demo_request, not the demo forms the scoring rule accepts";
}

// Score and fit, without a demo request: 3 webinars (45, the cap) and two
// downloads make 65 points and an MQL. With a 45-day half-life the score is
// under 50 about 17 days later and the lead is engaged again, well within 60
// days of silence; the scheduler's daily checks find it.
TEST_F(DefaultDefinition, DecayDropsAnMqlBelowMqlAfterSilence) {
  auto p = icp_director();
  p.post("webinar_attended", t0);
  p.post("webinar_attended", t0 + 1h);
  p.post("webinar_attended", t0 + 2h);
  p.post("content_download", t0 + 3h);
  const auto mql = p.post("content_download", t0 + 4h);
  ASSERT_EQ(mql.stage, "mql");
  EXPECT_EQ(mql.rule, "mql.score_and_fit");
  EXPECT_EQ(mql.score, 65);

  const timestamp later = t0 + days{60};
  const auto ev = p.run_until(later);
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_EQ(ev.rule, "engaged.activity");
  const double expected = decayed(15, t0, later) + decayed(15, t0 + 1h, later) + decayed(15, t0 + 2h, later) +
                          decayed(10, t0 + 3h, later) + decayed(10, t0 + 4h, later);
  EXPECT_NEAR(ev.exact_score, expected, 1e-9);
  EXPECT_LT(ev.exact_score, 50);

  ASSERT_GE(p.history().size(), 3u);
  const auto& drop = p.history().back();
  EXPECT_EQ(drop.from, "mql");
  EXPECT_EQ(drop.to, "engaged");
  EXPECT_EQ(drop.rule, "engaged.activity");
  // 65 * 2^(-t/45) < 50 from t = 17.03 days; checks are daily.
  EXPECT_GE(drop.at, t0 + days{17});
  EXPECT_LE(drop.at, t0 + days{18} + 4h);
}

// A demo request is an MQL for 30 days (count window); by then its 50
// points have decayed to 31.5, so 60 days of silence leave it engaged.
TEST_F(DefaultDefinition, DemoRequestMqlLeavesMqlWhenItsWindowCloses) {
  auto p = icp_director();
  ASSERT_EQ(p.post("demo_request", t0).stage, "mql");
  EXPECT_EQ(p.run_until(t0 + days{29}).stage, "mql");
  const auto ev = p.run_until(t0 + days{60});
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_NEAR(ev.exact_score, decayed(50, t0, t0 + days{60}), 1e-9);
  const auto& drop = p.history().back();
  EXPECT_EQ(drop.from, "mql");
  EXPECT_EQ(drop.to, "engaged");
  EXPECT_GE(drop.at, t0 + days{30});
  EXPECT_LE(drop.at, t0 + days{31});
}

TEST_F(DefaultDefinition, HandoffWithoutAnAnswerBreachesTheSlaAfter48Hours) {
  auto p = icp_director();
  const auto mql = p.post("demo_request", t0);
  ASSERT_EQ(mql.stage, "mql");
  EXPECT_FALSE(mql.sla_breached);
  EXPECT_FALSE(p.run_until(t0 + 48h - 1ms).sla_breached);
  const auto late = p.run_until(t0 + 48h);
  EXPECT_TRUE(late.sla_breached);
  EXPECT_EQ(late.stage, "mql") << "the default only flags a breach (no breach_stage)";
  EXPECT_NE(breakdown_json(late).find("\"sla_breached\":true"), std::string::npos) << breakdown_json(late);
  EXPECT_TRUE(p.state().sla_breached);
}

TEST_F(DefaultDefinition, SalesAcceptingInTimeStopsTheSlaClock) {
  auto p = icp_director();
  ASSERT_EQ(p.post("demo_request", t0).stage, "mql");
  const auto sal = p.crm("sal", t0 + 47h);
  EXPECT_EQ(sal.stage, "sal");
  EXPECT_EQ(sal.rule, "crm");
  const auto ev = p.run_until(t0 + 72h);
  EXPECT_EQ(ev.stage, "sal");
  EXPECT_FALSE(ev.sla_breached);
}

// With breach_stage configured, a stalled hand-off moves there; when the
// person later asks for a demo again, that is a new hand-off with a new clock.
TEST_F(DefaultDefinition, BreachStageMovesAStalledHandoffAndANewRequestHandsItOffAgain) {
  const auto model = load_default([](std::string text) {
    return replaced(std::move(text), "handoff_hours = 48", "handoff_hours = 48\nbreach_stage = \"nurture\"");
  });
  ASSERT_NE(model, nullptr);
  const definition::engine engine(model);
  auto p = person(engine, "ada@analytical.example").with("Director of Engineering", icp_company);
  ASSERT_EQ(p.post("demo_request", t0).stage, "mql");
  const auto breached = p.run_until(t0 + 48h);
  EXPECT_EQ(breached.stage, "nurture");
  EXPECT_EQ(breached.rule, "sla.breached");
  EXPECT_TRUE(breached.sla_breached);

  const auto again = p.post("demo_request", t0 + days{10});
  EXPECT_EQ(again.stage, "mql") << "rule " << again.rule << ": " << again.reason;
  EXPECT_FALSE(again.sla_breached);
}

// A CQL holds as long as the qualifier answers do, so 90 days of silence is
// what ends it: inactivity recycling, with its own rule.
TEST_F(DefaultDefinition, InactivityRecyclesACqlAfter90Days) {
  auto p = icp_director();
  const auto cql = p.post("chat_qualified", t0, {}, {{"budget", "50k"}, {"timeline", "Q3"}});
  ASSERT_EQ(cql.stage, "cql");
  EXPECT_EQ(p.run_until(t0 + days{90}).stage, "cql");
  const auto ev = p.run_until(t0 + days{90} + 1ms);
  EXPECT_EQ(ev.stage, "nurture");
  EXPECT_EQ(ev.rule, "recycling.inactivity");
  EXPECT_EQ(ev.reason, "no activity for 90 days in cql");
  EXPECT_EQ(p.history().back().at, t0 + days{90} + 1ms) << "the scheduler is asked to look exactly then";
  EXPECT_EQ(p.run_until(t0 + days{120}).stage, "nurture");
}

// An MQL whose score stays over 50 through 90 days of silence (five demo
// requests: 250 points, 62.5 after two half-lives) is recycled too.
TEST_F(DefaultDefinition, InactivityRecyclesAStrongMqlAfter90Days) {
  auto p = icp_director();
  for (int i = 0; i < 5; ++i) {
    p.post("demo_request", t0 + std::chrono::minutes{i});
  }
  ASSERT_EQ(p.stage(), "mql");
  const timestamp quiet_from = t0 + 4min;
  EXPECT_EQ(p.run_until(quiet_from + days{90}).stage, "mql");
  const auto ev = p.run_until(quiet_from + days{91});
  EXPECT_EQ(ev.stage, "nurture");
  EXPECT_EQ(ev.rule, "recycling.inactivity");
  const auto& recycled = p.history().back();
  EXPECT_EQ(recycled.at, quiet_from + days{90} + 1ms);
  EXPECT_EQ(recycled.reason, "no activity for 90 days in mql");
}

TEST_F(DefaultDefinition, PricingPageWindowCapsItsPoints) {
  auto p = icp_director();
  for (int i = 0; i < 4; ++i) {
    p.post("page_view", t0 + std::chrono::hours{i}, {{"page", "/pricing"}});
  }
  p.post("page_view", t0 + days{6}, {{"page", "/pricing/enterprise"}});
  // The view of t0 has left the 7-day window; the one of t0+1h has not.
  const auto ev = p.post("page_view", t0 + days{7} + 30min, {{"page", "/pricing"}});
  std::vector<double> points;
  for (const auto& a : p.state().activities) {
    EXPECT_EQ(a.rule, "pricing_page");
    points.push_back(a.points);
  }
  EXPECT_EQ(points, (std::vector<double>{10, 10, 0, 0, 0, 10}));
  ASSERT_EQ(ev.score_parts.size(), 1u);
  EXPECT_EQ(ev.score_parts[0].rule, "pricing_page");
  const timestamp now = t0 + days{7} + 30min;
  EXPECT_NEAR(ev.exact_score, decayed(10, t0, now) + decayed(10, t0 + 1h, now) + decayed(10, now, now), 1e-9);
  EXPECT_EQ(ev.stage, "engaged") << "pricing pages alone never make an MQL, even with an A fit";
}

TEST_F(DefaultDefinition, CareersPageTakesPointsAway) {
  auto p = icp_director();
  ASSERT_EQ(p.post("webinar_attended", t0).stage, "engaged");
  const auto ev = p.post("page_view", t0 + 1h, {{"page", "/careers/backend-engineer"}});
  ASSERT_EQ(ev.score_parts.size(), 2u);
  EXPECT_EQ(ev.score_parts[0].rule, "careers_page");
  EXPECT_EQ(ev.score_parts[0].points, -20);
  EXPECT_EQ(ev.score, -5);
  EXPECT_EQ(ev.stage, "identified");
  EXPECT_EQ(ev.rule, "base");
  EXPECT_EQ(p.history().back().from, "engaged");
}

// The same activity that makes an ICP director an MQL leaves a student at
// the same company engaged: 45 - 30 = 15 fit points, grade C.
TEST_F(DefaultDefinition, StudentTitleLowersFitBelowMql) {
  auto director = icp_director();
  auto student = person(*engine_, "sam@analytical.example", "Sam", "Smith").with("Student", icp_company);
  for (auto* p : {&director, &student}) {
    p->post("webinar_attended", t0);
    p->post("webinar_attended", t0 + 1h);
    p->post("webinar_attended", t0 + 2h);
    p->post("content_download", t0 + 3h);
    p->post("content_download", t0 + 4h);
  }
  EXPECT_EQ(director.stage(), "mql");
  const auto ev = student.run_until(t0 + 4h);
  EXPECT_EQ(ev.stage, "engaged");
  EXPECT_EQ(ev.fit, 15);
  EXPECT_EQ(ev.grade, "C");
  bool student_rule = false;
  for (const auto& f : ev.fit_parts) {
    student_rule = student_rule || (f.rule == "student" && f.points == -30);
  }
  EXPECT_TRUE(student_rule);

  // An intern with no firmographics: grade D, so not even a demo request qualifies.
  auto intern = person(*engine_, "ivy@uni.example", "Ivy", "Jones").with("Marketing Intern", {});
  const auto demo = intern.post("demo_request", t0);
  EXPECT_EQ(demo.grade, "D");
  EXPECT_EQ(demo.stage, "engaged");
}

TEST_F(DefaultDefinition, ConfiguredCompetitorIsJunkNeverMql) {
  const auto model = load_default([](std::string text) {
    return replaced(std::move(text), "competitor_domains = []", "competitor_domains = [\"rival.example\"]");
  });
  ASSERT_NE(model, nullptr);
  const definition::engine engine(model);
  auto spy = person(engine, "jane@rival.example", "Jane", "Hopper").with("VP Product", icp_company);
  spy.post("webinar_attended", t0);
  const auto ev = spy.post("demo_request", t0 + 1h);
  EXPECT_EQ(ev.stage, "identified");
  EXPECT_EQ(ev.rule, "junk");
  EXPECT_EQ(junk_codes(ev), (std::vector<std::string>{"competitor"}));
  EXPECT_NE(ev.reason.find("competitor"), std::string::npos) << ev.reason;
  for (const auto& t : spy.history()) {
    EXPECT_EQ(t.to, "identified") << t;
  }

  auto customer = person(engine, "joan@partner.example", "Joan", "Clarke").with("VP Product", icp_company);
  EXPECT_EQ(customer.post("demo_request", t0).stage, "mql") << "only the configured domain is a competitor";
}

TEST_F(DefaultDefinition, MickeyMouseAtADisposableDomainIsJunk) {
  auto mickey = person(*engine_, "mickey@mailinator.com", "Mickey", "Mouse").with("CEO", icp_company);
  mickey.post("demo_request", t0);
  const auto ev = mickey.post("demo_request", t0 + 1h);
  EXPECT_EQ(ev.stage, "identified");
  EXPECT_EQ(ev.rule, "junk");
  EXPECT_EQ(junk_codes(ev), (std::vector<std::string>{"disposable_domain", "placeholder_name"}));
}

TEST_F(DefaultDefinition, TrialWithActivationWithin14DaysAndFitIsPql) {
  auto p = icp_director();
  EXPECT_EQ(p.post("trial_started", t0).stage, "engaged");
  const auto ev = p.post("teammate_invited", t0 + days{3});
  EXPECT_EQ(ev.stage, "pql");
  EXPECT_EQ(ev.rule, "pql.activated_trial");
  EXPECT_EQ(ev.track, "product");

  auto late = icp_director("bob@analytical.example");
  late.post("trial_started", t0);
  EXPECT_EQ(late.post("teammate_invited", t0 + days{15}).stage, "engaged") << "activation outside the 14 days";
}

TEST_F(DefaultDefinition, ChatWithBudgetAndTimelineIsCql) {
  auto p = icp_director();
  EXPECT_EQ(p.post("chat_qualified", t0, {}, {{"budget", "20k"}}).stage, "engaged");
  const auto ev = p.post("chat_qualified", t0 + 5min, {}, {{"timeline", "this quarter"}});
  EXPECT_EQ(ev.stage, "cql");
  EXPECT_EQ(ev.rule, "cql.budget_and_timeline");
  EXPECT_EQ(ev.track, "chat");
}

// Passed back to marketing "re-enters as identified/engaged" (domain.md):
// after a rejection and a score reset, one webinar is engaged, not the
// hand-off sales just rejected.
TEST_F(DefaultDefinition, RejectedSalComesBackEngagedNotStraightToMql) {
  auto p = icp_director();
  ASSERT_EQ(p.post("demo_request", t0).stage, "mql");
  ASSERT_EQ(p.crm("sal", t0 + 2h).stage, "sal");
  const auto back = p.crm("recycled", t0 + days{2});
  ASSERT_EQ(back.stage, "nurture");
  EXPECT_EQ(back.rule, "recycling");
  EXPECT_EQ(back.score, 0);
  const auto again = p.post("webinar_attended", t0 + days{10});
  EXPECT_EQ(again.score, 15);
  EXPECT_EQ(again.stage, "engaged") << "rule " << again.rule << " (" << again.inputs
                                    << "): the demo request sales rejected brought it straight back";
}

// ---- properties -------------------------------------------------------------

// Random people and random histories, from a fixed seed.
class history_generator {
 public:
  explicit history_generator(std::uint32_t seed) : rng_(seed) {}

  struct step {
    enum class what { event, crm, wait } type = what::wait;
    event e;  // what::event / what::crm
    timestamp at;
  };

  std::string pick(const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng_)];
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  struct history {
    std::string email;
    std::vector<step> steps;
  };

  history next(timestamp start) {
    static const std::vector<std::string> emails{"ada@analytical.example", "mickey@mailinator.com",
                                                 "info@bigcorp.example",   "sam@uni.example",
                                                 "cto@scaleup.example",    "jo@tiny.example"};
    static const std::vector<std::string> kinds{
        "webinar_attended", "event_attended", "content_download", "demo_request", "form_submit",
        "page_view",        "page_view",      "chat_started",     "chat_message", "chat_qualified",
        "trial_started",    "teammate_invited", "key_action",     "product_event", "identify"};
    static const std::vector<std::string> pages{"/pricing", "/careers", "/blog/x", "/pricing/team", "/"};
    static const std::vector<std::string> forms{"demo", "newsletter", "contact-sales", "ebook"};
    static const std::vector<std::string> crm_stages{"sal", "sql", "opportunity", "customer", "recycled",
                                                     "nurture", "mql", "unknown"};
    static const std::vector<std::string> titles{"", "VP Sales", "Student", "Engineer", "Head of IT", "Intern"};
    static const std::vector<std::string> naics{"", "511210", "722511", "541512"};
    static const std::vector<std::string> employees{"", "8", "120", "4000", "20000", "lots"};
    static const std::vector<std::string> countries{"", "US", "GB", "BR", "DE"};
    static const std::vector<std::chrono::milliseconds> gaps{0ms, 1min, 1h, 24h, days{3}, days{8}, days{20},
                                                             days{45}, days{100}};

    history out;
    out.email = pick(emails);
    const std::string& email = out.email;
    const bool mickey = email.starts_with("mickey");
    timestamp at = start;
    const int n = std::uniform_int_distribution<int>(1, 40)(rng_);
    for (int i = 0; i < n; ++i) {
      at += pick_gap(gaps);
      step s;
      s.at = at;
      const int roll = std::uniform_int_distribution<int>(0, 9)(rng_);
      if (roll == 0) {
        s.type = step::what::wait;
      } else {
        s.type = roll == 1 ? step::what::crm : step::what::event;
        event& e = s.e;
        e.email = email;
        e.occurred_at = e.received_at = at;
        if (s.type == step::what::crm) {
          e.source = "crm";
          e.kind = "crm_stage_changed";
          e.attributes["stage"] = pick(crm_stages);
        } else {
          e.source = chance(0.1) ? "list-import" : "website";
          e.kind = pick(kinds);
          e.first_name = mickey ? "Mickey" : "Pat";
          e.last_name = mickey ? "Mouse" : "Doe-Smith";
          e.title = pick(titles);
          auto maybe = [&](const char* key, const std::vector<std::string>& values) {
            if (auto v = pick(values); !v.empty()) {
              e.attributes[key] = v;
            }
          };
          maybe("naics", naics);
          maybe("employees", employees);
          maybe("country", countries);
          if (e.kind == "page_view") {
            e.attributes["page"] = pick(pages);
          }
          if (e.kind == "form_submit") {
            e.attributes["form"] = pick(forms);
          }
          if (e.kind == "chat_qualified") {
            if (chance(0.6)) {
              e.qualifiers["budget"] = "10k";
            }
            if (chance(0.6)) {
              e.qualifiers["timeline"] = "Q2";
            }
          }
        }
      }
      out.steps.push_back(std::move(s));
    }
    return out;
  }

 private:
  std::chrono::milliseconds pick_gap(const std::vector<std::chrono::milliseconds>& gaps) {
    return gaps[std::uniform_int_distribution<std::size_t>(0, gaps.size() - 1)(rng_)];
  }
  std::mt19937 rng_;
};

struct replay_result {
  std::vector<transition_record> transitions;
  std::vector<std::string> breakdowns;  // after every step
};

replay_result replay(const definition::engine& engine, const history_generator::history& h) {
  replay_result out;
  person p(engine, h.email);
  for (const auto& s : h.steps) {
    evaluation ev;
    switch (s.type) {
      case history_generator::step::what::wait:
        ev = p.run_until(s.at);
        break;
      case history_generator::step::what::event:
      case history_generator::step::what::crm:
        ev = p.post(s.e);
        break;
    }
    out.breakdowns.push_back(ev.stage + " " + ev.rule + " " + ev.reason + " " + breakdown_json(ev));
  }
  out.transitions = p.history();
  return out;
}

TEST_F(DefaultDefinition, ReplayingRandomHistoriesGivesTheSameStages) {
  history_generator gen(20261122);
  const definition::engine other(default_model());  // a second engine over the same model
  std::size_t transitions = 0;
  for (int i = 0; i < 300; ++i) {
    const auto h = gen.next(t0);
    const auto first = replay(*engine_, h);
    const auto second = replay(*engine_, h);
    const auto third = replay(other, h);
    ASSERT_EQ(first.transitions, second.transitions) << "history " << i;
    ASSERT_EQ(first.transitions, third.transitions) << "history " << i;
    ASSERT_EQ(first.breakdowns, second.breakdowns) << "history " << i;
    ASSERT_EQ(first.breakdowns, third.breakdowns) << "history " << i;
    transitions += first.transitions.size();
  }
  EXPECT_GT(transitions, 300u) << "the generator should exercise the ladder";
}

// Invariants over the same random histories: stages exist, junk never gets
// past identified on its own, and what sales set stays.
TEST_F(DefaultDefinition, RandomHistoriesKeepTheInvariants) {
  history_generator gen(424242);
  const auto& m = *default_model();
  for (int i = 0; i < 300; ++i) {
    const auto h = gen.next(t0);
    person p(*engine_, h.email);
    for (const auto& s : h.steps) {
      const evaluation ev = s.type == history_generator::step::what::wait ? p.run_until(s.at) : p.post(s.e);
      ASSERT_NE(m.index_of(ev.stage), std::string_view::npos) << ev.stage;
      const lead& l = p.state();
      if (!ev.junk.empty() && l.sales_stage.empty() && l.recycled_at == timestamp{}) {
        EXPECT_EQ(ev.stage, "identified") << "history " << i << ": junk lead at " << ev.stage << " by " << ev.rule;
      }
      if (!l.sales_stage.empty() && l.sales_stage_at > l.recycled_at) {
        EXPECT_EQ(ev.stage, l.sales_stage) << "history " << i << ": sales set " << l.sales_stage;
        EXPECT_EQ(ev.rule, "crm");
      }
    }
  }
}

TEST_F(DefaultDefinition, EvaluationIsDeterministic) {
  history_generator gen(7);
  for (int i = 0; i < 100; ++i) {
    const auto h = gen.next(t0);
    person p(*engine_, h.email);
    for (const auto& s : h.steps) {
      if (s.type != history_generator::step::what::wait) {
        p.post(s.e);
      }
    }
    const timestamp last = h.steps.back().at;
    for (const timestamp now : {last, last + days{1}, last + days{100}}) {
      const auto a = engine_->evaluate(p.state(), now);
      const auto b = engine_->evaluate(p.state(), now);
      EXPECT_EQ(breakdown_json(a), breakdown_json(b));
      EXPECT_EQ(a.stage, b.stage);
      EXPECT_EQ(a.rule, b.rule);
      EXPECT_EQ(a.reason, b.reason);
      EXPECT_EQ(a.inputs, b.inputs);
      EXPECT_EQ(a.exact_score, b.exact_score);
      EXPECT_EQ(a.next_check, b.next_check);
    }
  }
}

}  // namespace
}  // namespace leadsync::core
