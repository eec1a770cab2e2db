// store::requeue_leads, as `leadsyncctl replay` uses it: leads' current state
// back in a connector's outbox, with latest-state-wins against what is queued.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/sqlite/sqlite_store.hpp"
#include "store_helpers.hpp"
#include "temp_db.hpp"

namespace leadsync::core {
namespace {

using testing::far_future;
using testing::queued;
const timestamp replay_time = from_millis(50'000);

lead person(const std::string& email, const std::string& stage, std::int64_t version) {
  lead l;
  l.key = email.empty() ? "anon:web:" + stage : email;
  l.email = email;
  l.stage = stage;
  l.version = version;
  l.score = 40 + version;
  l.track = "product";
  l.first_name = "Ada";
  l.last_name = "Lovelace";
  l.company = "Acme";
  l.traits = {{"phone", "+44 1"}, {"lead_source", "webinar"}};
  return l;
}

transition change_of(const lead& l, const std::string& from, const std::string& rule, double fit) {
  transition t;
  t.lead_key = l.key;
  t.from_stage = from;
  t.to_stage = l.stage;
  t.score = l.score;
  t.rule = rule;
  t.reason = "because " + rule;
  t.at = from_millis(1'000);
  t.breakdown = R"({"score":41,"fit":)" + std::to_string(fit) + R"(,"grade":"B","junk":[]})";
  return t;
}

// Stores the lead with a transition into its stage (two for ada, to show the
// latest one counts), optionally queueing that state for `queue_for`.
void store_lead(store& db, const lead& l, const std::string& queue_for = "") {
  processing_batch b;
  b.leads.push_back(l);
  b.transitions.push_back(change_of(l, "", "first.rule", 10.0));
  b.transitions.push_back(change_of(l, "engaged", "latest.rule", 72.6));
  if (!queue_for.empty()) {
    stage_update u;
    u.connector = queue_for;
    u.lead_key = l.key;
    u.email = l.email;
    u.version = l.version;
    u.stage = l.stage;
    u.previous_stage = "engaged";
    u.changed_at = from_millis(2'000);
    b.updates.push_back(u);
  }
  db.commit_processing(b);
}

lead_filter emails(std::vector<std::string> e) {
  lead_filter f;
  f.emails = std::move(e);
  return f;
}

class SqliteRequeue : public ::testing::Test {
 protected:
  temp_db tmp_;
  std::unique_ptr<store> db_ = open_sqlite_store({tmp_.path(), false});
};

TEST_F(SqliteRequeue, QueuesTheLeadsCurrentStateDueNowWithTheLatestTransitionsWhy) {
  store_lead(*db_, person("ada@example.com", "mql", 3));
  const requeue_result r = db_->requeue_leads("crm", emails({" Ada@Example.COM "}), replay_time);
  EXPECT_EQ(r.queued, 1u);
  EXPECT_EQ(r.already_queued, 0u);

  EXPECT_TRUE(db_->due_updates("crm", from_millis(49'999), 10).empty()) << "due at the replay time, not before";
  const auto due = db_->due_updates("crm", replay_time, 10);
  ASSERT_EQ(due.size(), 1u);
  const stage_update& u = due[0];
  EXPECT_EQ(u.email, "ada@example.com");
  EXPECT_EQ(u.stage, "mql");
  EXPECT_EQ(u.previous_stage, "") << "what the CRM holds is unknown";
  EXPECT_EQ(u.version, 3);
  EXPECT_EQ(u.score, 43);
  EXPECT_EQ(u.attempts, 0);
  EXPECT_EQ(u.rule, "latest.rule");
  EXPECT_EQ(u.reason, "because latest.rule");
  EXPECT_EQ(u.changed_at, replay_time);
  const string_map expected{{"phone", "+44 1"},   {"lead_source", "webinar"}, {"source", "webinar"},
                            {"first_name", "Ada"}, {"last_name", "Lovelace"}, {"company", "Acme"},
                            {"track", "product"}, {"grade", "B"},            {"fit", "73"}};
  EXPECT_EQ(u.fields, expected);
  EXPECT_EQ(db_->outbox_depth("log"), 0u) << "only the named connector";
}

TEST_F(SqliteRequeue, SelectsByStageOrAllAndSkipsLeadsWithoutEmailOrStage) {
  store_lead(*db_, person("ada@example.com", "mql", 1));
  store_lead(*db_, person("bob@example.com", "sql", 1));
  store_lead(*db_, person("cy@example.com", "engaged", 1));
  store_lead(*db_, person("", "mql", 1));              // anonymous: no email for a CRM
  store_lead(*db_, person("new@example.com", "", 0));  // not evaluated yet

  lead_filter by_stage;
  by_stage.stages = {"mql", "sql", "nosuchstage"};
  const requeue_result r = db_->requeue_leads("crm", by_stage, replay_time);
  EXPECT_EQ(r.queued, 2u);
  EXPECT_TRUE(queued(*db_, "crm", "ada@example.com").has_value());
  EXPECT_TRUE(queued(*db_, "crm", "bob@example.com").has_value());
  EXPECT_FALSE(queued(*db_, "crm", "cy@example.com").has_value());

  lead_filter all;
  all.all = true;
  const requeue_result everyone = db_->requeue_leads("hubspot", all, replay_time);
  EXPECT_EQ(everyone.queued, 3u);
  EXPECT_EQ(everyone.already_queued, 0u);
  EXPECT_EQ(db_->outbox_depth("hubspot"), 3u);
  EXPECT_EQ(db_->requeue_leads("hubspot", emails({"new@example.com"}), replay_time).matched(), 0u);
}

TEST_F(SqliteRequeue, AStateAlreadyQueuedIsLeftAsItIs) {
  store_lead(*db_, person("ada@example.com", "mql", 2), "crm");
  const stage_update before = *queued(*db_, "crm", "ada@example.com");
  db_->reschedule(before, from_millis(90'000), "HTTP 503");

  const requeue_result r = db_->requeue_leads("crm", emails({"ada@example.com"}), replay_time);
  EXPECT_EQ(r.queued, 0u);
  EXPECT_EQ(r.already_queued, 1u);
  const auto after = queued(*db_, "crm", "ada@example.com");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->attempts, 1) << "its retry schedule is untouched";
  EXPECT_EQ(after->previous_stage, "engaged");
  EXPECT_TRUE(db_->due_updates("crm", replay_time, 10).empty()) << "still due at its backoff time";
}

TEST_F(SqliteRequeue, AnOlderQueuedStateIsReplacedAndKeepsItsPreviousStage) {
  store_lead(*db_, person("ada@example.com", "mql", 2), "crm");
  db_->reschedule(*queued(*db_, "crm", "ada@example.com"), from_millis(90'000), "HTTP 503");
  store_lead(*db_, person("ada@example.com", "sql", 3));  // moved on; not queued for crm

  const requeue_result r = db_->requeue_leads("crm", emails({"ada@example.com"}), replay_time);
  EXPECT_EQ(r.queued, 1u);
  const auto u = queued(*db_, "crm", "ada@example.com");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->version, 3);
  EXPECT_EQ(u->stage, "sql");
  EXPECT_EQ(u->attempts, 0);
  EXPECT_EQ(u->previous_stage, "engaged") << "nothing of the older row reached the CRM";
  EXPECT_EQ(db_->due_updates("crm", replay_time, 10).size(), 1u) << "due now";
  EXPECT_EQ(db_->outbox_depth("crm"), 1u);
}

TEST_F(SqliteRequeue, RequeueingTwiceQueuesOnce) {
  store_lead(*db_, person("ada@example.com", "mql", 1));
  EXPECT_EQ(db_->requeue_leads("crm", emails({"ada@example.com"}), replay_time).queued, 1u);
  const requeue_result again = db_->requeue_leads("crm", emails({"ada@example.com"}), replay_time);
  EXPECT_EQ(again.queued, 0u);
  EXPECT_EQ(again.already_queued, 1u);
  EXPECT_EQ(db_->outbox_depth("crm"), 1u);
}

}  // namespace
}  // namespace leadsync::core
