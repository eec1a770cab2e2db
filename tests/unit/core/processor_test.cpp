#include <gtest/gtest.h>

#include "core/definition/engine.hpp"
#include "core/processor.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "store_helpers.hpp"
#include "temp_db.hpp"
#include "test_definition.hpp"

namespace leadsync::core {
namespace {

class ProcessorTest : public ::testing::Test {
 protected:
  void post(std::string id, std::string email, std::string kind) {
    event e;
    e.source = "website";
    e.source_event_id = std::move(id);
    e.email = std::move(email);
    e.kind = std::move(kind);
    e.company = "Analytical Engines";
    e.received_at = from_millis(next_ms_ += 1000);
    e.occurred_at = e.received_at;
    const std::vector<event> one{e};
    db_->append_events(one);
  }

  std::vector<stage_update> due(const std::string& connector) {
    return db_->due_updates(connector, testing::far_future, 100);
  }

  temp_db tmp_;
  std::unique_ptr<store> db_ = open_sqlite_store({tmp_.path(), false});
  definition::engine definition_{testing::small_model()};
  processor proc_{*db_, definition_, {"crm", "log"}};
  std::int64_t next_ms_ = 1'700'000'000'000;
};

TEST_F(ProcessorTest, FirstScoredEventMakesAnEngagedLeadWithUpdatesForEveryConnector) {
  post("1", "  Ada@Example.COM ", "form_submit");
  EXPECT_EQ(proc_.run(100), 1u);

  const auto l = db_->find_lead("ada@example.com");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->stage, "engaged");
  EXPECT_EQ(l->score, 10);
  EXPECT_EQ(l->company, "Analytical Engines");
  for (const char* connector : {"crm", "log"}) {
    auto updates = due(connector);
    ASSERT_EQ(updates.size(), 1u) << connector;
    EXPECT_EQ(updates[0].stage, "engaged");
    EXPECT_EQ(updates[0].previous_stage, "");
    EXPECT_EQ(updates[0].lead_id, l->id);
    EXPECT_EQ(updates[0].version, 1);
  }
  auto history = db_->transitions_of("ada@example.com");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].to_stage, "engaged");
  EXPECT_EQ(history[0].rule, "engaged.score");
  EXPECT_NE(history[0].breakdown.find("\"form\":10"), std::string::npos) << history[0].breakdown;
}

TEST_F(ProcessorTest, LatestStateWinsWhenSeveralChangesWaitForDelivery) {
  post("1", "ada@example.com", "form_submit");
  proc_.run(100);
  post("2", "ada@example.com", "demo_request");
  proc_.run(100);
  auto updates = due("crm");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].stage, "mql");
  EXPECT_EQ(updates[0].previous_stage, "") << "engaged never reached the CRM: it still holds nothing";
  EXPECT_EQ(updates[0].score, 60);
  EXPECT_EQ(updates[0].version, 2);
  EXPECT_EQ(db_->transitions_of("ada@example.com").size(), 2u);
}

TEST_F(ProcessorTest, SeveralEventsOfOneLeadInOneBatch) {
  post("1", "ada@example.com", "form_submit");
  post("2", "ada@example.com", "form_submit");
  post("3", "ada@example.com", "demo_request");
  EXPECT_EQ(proc_.run(100), 3u);
  const auto l = db_->find_lead("ada@example.com");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->score, 70);
  EXPECT_EQ(l->stage, "mql");
  EXPECT_EQ(l->activities.size(), 3u);
  const auto history = db_->transitions_of("ada@example.com");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].to_stage, "engaged");
  EXPECT_EQ(history[1].from_stage, "engaged");
  EXPECT_EQ(history[1].to_stage, "mql");
}

TEST_F(ProcessorTest, NoStageChangeMeansNoNewUpdate) {
  post("1", "ada@example.com", "form_submit");
  proc_.run(100);
  db_->mark_delivered(due("crm"));
  post("2", "ada@example.com", "form_submit");
  proc_.run(100);
  EXPECT_TRUE(due("crm").empty());
  EXPECT_EQ(db_->find_lead("ada@example.com")->score, 20);
}

TEST_F(ProcessorTest, EventsThatNameNobodyAreConsumedWithoutALead) {
  post("1", "", "form_submit");
  EXPECT_EQ(proc_.run(100), 1u);
  EXPECT_EQ(proc_.run(100), 0u);
  EXPECT_TRUE(due("crm").empty());
}

TEST_F(ProcessorTest, AnAnonymousIdMakesAnAnonymousLeadThatIsNotSentToCrms) {
  event e;
  e.source = "chat";
  e.source_event_id = "c-1";
  e.kind = "chat_message";
  e.anonymous_id = "visitor-9";
  e.received_at = from_millis(1'700'000'000'000);
  const std::vector<event> one{e};
  db_->append_events(one);
  EXPECT_EQ(proc_.run(100), 1u);

  const auto l = db_->find_lead("anon:chat:visitor-9");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->stage, "anonymous");
  EXPECT_EQ(l->email, "");
  EXPECT_EQ(l->anonymous_id, "visitor-9");
  EXPECT_EQ(db_->transitions_of("anon:chat:visitor-9").size(), 1u);
  EXPECT_TRUE(due("crm").empty());
}

TEST_F(ProcessorTest, RespectsTheBatchLimit) {
  for (int i = 0; i < 5; ++i) {
    post(std::to_string(i), "lead" + std::to_string(i) + "@example.com", "form_submit");
  }
  EXPECT_EQ(proc_.run(2), 2u);
  EXPECT_EQ(proc_.run(2), 2u);
  EXPECT_EQ(proc_.run(2), 1u);
  EXPECT_EQ(due("crm").size(), 5u);
}

TEST_F(ProcessorTest, ReplayingTheSameEventsGivesTheSameTransitions) {
  post("1", "ada@example.com", "form_submit");
  post("2", "ada@example.com", "demo_request");
  proc_.run(100);

  temp_db other;
  auto db2 = open_sqlite_store({other.path(), false});
  std::vector<event> replay;
  for (const auto& se : db_->unprocessed_events(100)) {
    replay.push_back(se.data);
  }
  // All were processed above, so read them back from a fresh log instead.
  EXPECT_TRUE(replay.empty());
  std::int64_t ms = 1'700'000'000'000;
  for (auto [id, kind] : {std::pair{"1", "form_submit"}, std::pair{"2", "demo_request"}}) {
    event e;
    e.source = "website";
    e.source_event_id = id;
    e.email = "ada@example.com";
    e.kind = kind;
    e.received_at = from_millis(ms += 1000);
    e.occurred_at = e.received_at;
    replay.push_back(e);
  }
  db2->append_events(replay);
  processor proc2(*db2, definition_, {"crm"});
  proc2.run(100);
  const auto a = db_->transitions_of("ada@example.com");
  const auto b = db2->transitions_of("ada@example.com");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].to_stage, b[i].to_stage);
    EXPECT_EQ(a[i].reason, b[i].reason);
    EXPECT_EQ(a[i].at, b[i].at);
  }
}

}  // namespace
}  // namespace leadsync::core

namespace leadsync::core {
namespace {

TEST(ProcessorSchedule, DueLeadsAreReEvaluatedFromTheIndex) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  auto model = testing::small_model();
  model->score.half_life = std::chrono::days{30};
  const definition::engine engine(model);
  processor proc(*db, engine, {"crm"});

  event e;
  e.source = "website";
  e.source_event_id = "1";
  e.email = "ada@example.com";
  e.kind = "demo_request";
  e.received_at = e.occurred_at = from_millis(1'700'000'000'000);
  const std::vector<event> one{e};
  db->append_events(one);
  proc.run(10);
  ASSERT_EQ(db->find_lead("ada@example.com")->stage, "mql");
  db->mark_delivered(db->due_updates("crm", testing::far_future, 10));

  // Nothing is due before the lead's next check.
  EXPECT_EQ(proc.run_due(e.received_at + std::chrono::hours{1}, 10), 0u);
  // A month of silence later the score has decayed below the MQL threshold.
  const auto later = e.received_at + std::chrono::days{31};
  EXPECT_EQ(db->due_leads(later, 10).size(), 1u);
  EXPECT_EQ(proc.run_due(later, 10), 1u);
  const auto l = db->find_lead("ada@example.com");
  EXPECT_EQ(l->stage, "engaged");
  auto updates = db->due_updates("crm", testing::far_future, 10);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].stage, "engaged");
  EXPECT_EQ(updates[0].previous_stage, "mql");
  const auto history = db->transitions_of("ada@example.com");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].event_seq, 0);  // a timed re-check, not an event
  EXPECT_GT(l->next_check, later);      // still decaying: checked again later
}

TEST(ProcessorIdentity, AnAnonymousHistoryMergesIntoTheKnownLead) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  const definition::engine engine(testing::small_model());
  processor proc(*db, engine, {"crm"});
  auto post = [&](std::string id, std::string email, std::string kind, std::int64_t ms) {
    event e;
    e.source = "chat";
    e.source_event_id = std::move(id);
    e.email = std::move(email);
    e.anonymous_id = "visitor-7";
    e.kind = std::move(kind);
    e.received_at = e.occurred_at = from_millis(ms);
    const std::vector<event> one{e};
    db->append_events(one);
    proc.run(10);
  };
  post("1", "", "demo_request", 1'700'000'000'000);
  ASSERT_EQ(db->find_lead("anon:chat:visitor-7")->stage, "anonymous");
  post("2", "ada@example.com", "form_submit", 1'700'000'100'000);

  const auto known = db->find_lead("ada@example.com");
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(known->activities.size(), 2u);  // both histories
  EXPECT_EQ(known->score, 60);
  EXPECT_EQ(known->stage, "mql");
  EXPECT_EQ(known->merged_keys, std::vector<std::string>{"anon:chat:visitor-7"});
  EXPECT_EQ(db->find_lead("anon:chat:visitor-7")->merged_into, "ada@example.com");
}

}  // namespace
}  // namespace leadsync::core

namespace leadsync::core {
namespace {

TEST(ProcessorIdentity, LaterEventsFindTheKnownLeadByAliases) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  const definition::engine engine(testing::small_model());
  processor proc(*db, engine, {"crm"});
  std::int64_t ms = 1'700'000'000'000;
  auto post = [&](std::string source, std::string id, std::string email, std::string anon,
                  string_map external, std::string kind) {
    event e;
    e.source = std::move(source);
    e.source_event_id = std::move(id);
    e.email = std::move(email);
    e.anonymous_id = std::move(anon);
    e.external_ids = std::move(external);
    e.kind = std::move(kind);
    e.received_at = e.occurred_at = from_millis(ms += 1000);
    if (e.kind == "crm_stage_changed") {
      e.attributes = {{"stage", "sql"}};
    }
    const std::vector<event> one{e};
    db->append_events(one);
    proc.run(10);
  };
  // A HubSpot form tells us Ada's contact id; a chat tells us her visitor id.
  post("hubspot-form", "f1", "ada@example.com", "", {{"hubspot_contact_id", "123"}}, "form_submit");
  post("chat", "c1", "ada@example.com", "visitor-7", {}, "chat_message");
  // Later events carry only those ids.
  post("chat", "c2", "", "visitor-7", {}, "demo_request");
  post("hubspot-crm", "h1", "", "hubspot:123", {{"hubspot_contact_id", "123"}}, "crm_stage_changed");

  const auto ada = db->find_lead("ada@example.com");
  ASSERT_TRUE(ada.has_value());
  EXPECT_EQ(ada->activities.size(), 3u);
  EXPECT_EQ(ada->sales_stage, "sql");
  EXPECT_EQ(ada->stage, "sql");
  EXPECT_FALSE(db->find_lead("anon:chat:visitor-7").has_value());
  EXPECT_FALSE(db->find_lead("anon:hubspot-crm:hubspot:123").has_value());
  EXPECT_EQ(db->resolve_alias("id:hubspot_contact_id:123"), "ada@example.com");
}

}  // namespace
}  // namespace leadsync::core

namespace leadsync::core {
namespace {

TEST(ProcessorSla, ABreachIsRecordedAndToldToTheNotifyConnectorOnce) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  auto model = testing::small_model();
  model->handoff_sla.within = std::chrono::hours{24};
  model->handoff_sla.notify_connector = "alerts";
  const definition::engine engine(model);
  processor proc(*db, engine, {"crm", "alerts"});

  event e;
  e.source = "website";
  e.source_event_id = "1";
  e.email = "ada@example.com";
  e.kind = "demo_request";
  e.received_at = e.occurred_at = from_millis(1'700'000'000'000);
  const std::vector<event> one{e};
  db->append_events(one);
  proc.run(10);
  const auto far = testing::far_future;
  db->mark_delivered(db->due_updates("crm", far, 10));
  db->mark_delivered(db->due_updates("alerts", far, 10));

  const auto late = e.received_at + std::chrono::hours{25};
  EXPECT_EQ(proc.run_due(late, 10), 1u);
  EXPECT_TRUE(db->due_updates("crm", far, 10).empty());
  auto alerts = db->due_updates("alerts", far, 10);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].stage, "mql");
  EXPECT_EQ(alerts[0].rule, "sla.breached");
  EXPECT_EQ(alerts[0].version, 2);
  const auto history = db->transitions_of("ada@example.com");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].from_stage, "mql");
  EXPECT_EQ(history[1].to_stage, "mql");
  EXPECT_EQ(history[1].rule, "sla.breached");
  EXPECT_TRUE(db->find_lead("ada@example.com")->sla_breached);

  // Told once: later checks while it stays breached add nothing.
  db->mark_delivered(alerts);
  proc.run_due(late + std::chrono::hours{30}, 10);
  EXPECT_TRUE(db->due_updates("alerts", far, 10).empty());
  EXPECT_EQ(db->transitions_of("ada@example.com").size(), 2u);
}

}  // namespace
}  // namespace leadsync::core

namespace leadsync::core {
namespace {

TEST(ProcessorIdentity, TwoKnownLeadsFoundToBeOnePersonMerge) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  const definition::engine engine(testing::small_model());
  processor proc(*db, engine, {"crm"});
  std::int64_t ms = 1'700'000'000'000;
  auto post = [&](std::string id, std::string email, std::string kind) {
    event e;
    e.source = "hubspot-form";
    e.source_event_id = std::move(id);
    e.email = std::move(email);
    e.external_ids = {{"hubspot_contact_id", "123"}};
    e.kind = std::move(kind);
    e.received_at = e.occurred_at = from_millis(ms += 1000);
    const std::vector<event> one{e};
    db->append_events(one);
    proc.run(10);
  };
  // HubSpot contact 123 changed its email: the same person under two addresses.
  post("1", "ada@old.example", "form_submit");
  post("2", "ada@new.example", "demo_request");

  const auto merged = db->find_lead("ada@new.example");
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->activities.size(), 2u);  // both histories
  EXPECT_EQ(merged->score, 60);
  EXPECT_EQ(merged->merged_keys, std::vector<std::string>{"ada@old.example"});
  EXPECT_EQ(db->find_lead("ada@old.example")->merged_into, "ada@new.example");

  // Later events for the old address land on the surviving lead.
  post("3", "ada@old.example", "form_submit");
  EXPECT_EQ(db->find_lead("ada@new.example")->activities.size(), 3u);
  EXPECT_EQ(db->find_lead("ada@old.example")->activities.size(), 0u);
}

}  // namespace
}  // namespace leadsync::core
