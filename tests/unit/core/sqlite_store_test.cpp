#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/sqlite/sqlite_db.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "store_helpers.hpp"
#include "temp_db.hpp"

namespace leadsync::core {
namespace {

using testing::far_future;
using testing::put_update;

event make_event(std::string id, std::string email, std::string kind = "form_submit") {
  event e;
  e.source = "website";
  e.source_event_id = std::move(id);
  e.email = std::move(email);
  e.kind = std::move(kind);
  e.received_at = from_millis(1'000);
  e.occurred_at = from_millis(1'000);
  return e;
}

// [storage] durability: process is WAL with synchronous=NORMAL (1), power
// is synchronous=FULL (2).
TEST(SqliteStore, DurabilitySetsTheSynchronousMode) {
  temp_db tmp;
  auto synchronous = [](sqlite::database& db) {
    sqlite::statement q(db.handle(), "PRAGMA synchronous");
    EXPECT_TRUE(q.step());
    const std::int64_t mode = q.column_int(0);
    while (q.step()) {
    }
    return mode;
  };
  auto journal = [](sqlite::database& db) {
    sqlite::statement q(db.handle(), "PRAGMA journal_mode");
    EXPECT_TRUE(q.step());
    std::string mode = q.column_text(0);
    while (q.step()) {
    }
    return mode;
  };
  sqlite::database process(tmp.path(), false);
  EXPECT_EQ(synchronous(process), 1);
  EXPECT_EQ(journal(process), "wal");
  sqlite::database power(tmp.path(), true);
  EXPECT_EQ(synchronous(power), 2);
  EXPECT_EQ(journal(power), "wal");
}

// Version 5 drops leads_by_email: nothing reads it, and each new lead paid
// for an insert into it.
TEST(SqliteStore, LeadsHaveNoEmailIndex) {
  temp_db tmp;
  { auto db = open_sqlite_store({tmp.path(), false}); }
  sqlite::database raw(tmp.path(), false);
  sqlite::statement q(raw.handle(), "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'");
  std::vector<std::string> names;
  while (q.step()) {
    names.push_back(q.column_text(0));
  }
  EXPECT_EQ(std::count(names.begin(), names.end(), "leads_by_email"), 0) << names.size();
  EXPECT_EQ(std::count(names.begin(), names.end(), "leads_due"), 1);
}

TEST(SqliteStore, NewDatabaseIsMigratedToTheLatestVersion) {
  temp_db tmp;
  { auto db = open_sqlite_store({tmp.path(), false}); }
  sqlite::database raw(tmp.path(), false);
  EXPECT_EQ(sqlite::schema_version(raw), sqlite::latest_schema_version());
  EXPECT_GE(sqlite::latest_schema_version(), 1);
}

TEST(SqliteStore, ReopeningKeepsDataAndDoesNotMigrateTwice) {
  temp_db tmp;
  {
    auto db = open_sqlite_store({tmp.path(), false});
    const std::vector<event> evs{make_event("a", "ada@example.com")};
    db->append_events(evs);
  }
  auto db = open_sqlite_store({tmp.path(), false});
  EXPECT_EQ(db->unprocessed_events(10).size(), 1u);
  sqlite::database raw(tmp.path(), false);
  sqlite::statement rows(raw.handle(), "SELECT count(*) FROM schema_version");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int(0), sqlite::latest_schema_version());
}

TEST(SqliteStore, RefusesADatabaseFromANewerVersion) {
  temp_db tmp;
  { auto db = open_sqlite_store({tmp.path(), false}); }
  {
    sqlite::database raw(tmp.path(), false);
    raw.exec("INSERT INTO schema_version (version) VALUES (999)");
  }
  try {
    open_sqlite_store({tmp.path(), false});
    FAIL() << "opened a database from the future";
  } catch (const store_error& e) {
    EXPECT_NE(std::string{e.what()}.find("schema version 999 is newer"), std::string::npos) << e.what();
  }
}

TEST(SqliteStore, UsesWalJournal) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  sqlite::database raw(tmp.path(), false);
  sqlite::statement mode(raw.handle(), "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
}

TEST(SqliteStore, DuplicateSourceAndEventIdChangesNothing) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  const std::vector<event> first{make_event("s-1", "ada@example.com")};
  EXPECT_EQ(db->append_events(first), std::vector{append_status::inserted});

  std::vector<event> again{make_event("s-1", "someone-else@example.com", "demo_request")};
  EXPECT_EQ(db->append_events(again), std::vector{append_status::duplicate});

  const auto logged = db->unprocessed_events(10);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].data.email, "ada@example.com");
  EXPECT_EQ(logged[0].data.kind, "form_submit");
}

TEST(SqliteStore, SameEventIdFromAnotherSourceIsNew) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  event a = make_event("s-1", "ada@example.com");
  event b = a;
  b.source = "chat";
  const std::vector<event> both{a, b};
  EXPECT_EQ(db->append_events(both), (std::vector{append_status::inserted, append_status::inserted}));
}

TEST(SqliteStore, DuplicatesWithinOneBatchAreCaught) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  const std::vector<event> batch{make_event("x", "a@b.c"), make_event("x", "a@b.c"), make_event("y", "a@b.c")};
  EXPECT_EQ(db->append_events(batch),
            (std::vector{append_status::inserted, append_status::duplicate, append_status::inserted}));
}

TEST(SqliteStore, ProcessedEventsAreNotReturnedAgain) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  const std::vector<event> evs{make_event("1", "a@b.c"), make_event("2", "a@b.c"), make_event("3", "a@b.c")};
  db->append_events(evs);
  auto first = db->unprocessed_events(2);
  ASSERT_EQ(first.size(), 2u);
  processing_batch b;
  b.processed_event_seqs = {first[0].seq, first[1].seq};
  db->commit_processing(b);
  auto rest = db->unprocessed_events(10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].data.source_event_id, "3");
}

TEST(SqliteStore, OutboxKeepsOnlyTheLatestVersionPerConnectorAndLead) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  put_update(*db, "ada@example.com", "crm", 2, "mql");
  put_update(*db, "ada@example.com", "crm", 1, "engaged");  // stale: must not win
  EXPECT_EQ(db->outbox_depth("crm"), 1u);
  auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].stage, "mql");
  EXPECT_EQ(due[0].version, 2);
  EXPECT_EQ(due[0].email, "ada@example.com");
}

TEST(SqliteStore, AReplacedUpdateKeepsTheStageTheCrmStillHolds) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  // Delivered: the CRM holds mql. Then two changes wait together.
  put_update(*db, "ada@example.com", "crm", 1, "mql");
  db->mark_delivered(db->due_updates("crm", far_future, 10));
  auto with_previous = [&](std::int64_t version, const std::string& stage, const std::string& previous) {
    processing_batch b;
    lead l;
    l.key = l.email = "ada@example.com";
    l.stage = stage;
    l.version = version;
    b.leads.push_back(l);
    stage_update u;
    u.connector = "crm";
    u.lead_key = u.email = "ada@example.com";
    u.version = version;
    u.stage = stage;
    u.previous_stage = previous;
    b.updates.push_back(u);
    db->commit_processing(b);
  };
  with_previous(2, "nurture", "mql");
  with_previous(3, "engaged", "nurture");
  const auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].stage, "engaged");
  EXPECT_EQ(due[0].previous_stage, "mql") << "nurture never reached the CRM";
}

TEST(SqliteStore, AnUpdateConfirmedWhileANewerOneWaitedBecomesItsPreviousStage) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  const auto in_flight = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(in_flight.size(), 1u);
  put_update(*db, "ada@example.com", "crm", 2, "mql");  // arrives while engaged is being sent
  db->mark_delivered(in_flight);                         // the CRM confirms engaged
  const auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].stage, "mql");
  EXPECT_EQ(due[0].previous_stage, "engaged");
}

TEST(SqliteStore, DeliveredOldVersionDoesNotRemoveANewerOne) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  auto in_flight = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(in_flight.size(), 1u);
  put_update(*db, "ada@example.com", "crm", 2, "mql");  // arrives while v1 is being sent
  db->mark_delivered(in_flight);
  auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].stage, "mql");

  db->mark_delivered(due);
  EXPECT_EQ(db->outbox_depth("crm"), 0u);
}

TEST(SqliteStore, RescheduledUpdatesAreDueOnlyLater) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  const auto later = now_utc() + std::chrono::hours{1};
  db->reschedule(due[0], later, "HTTP 503");
  EXPECT_TRUE(db->due_updates("crm", now_utc(), 10).empty());
  ASSERT_TRUE(db->next_due("crm").has_value());
  EXPECT_EQ(*db->next_due("crm"), later);
  auto retried = db->due_updates("crm", later, 10);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].attempts, 1);
}

// What delivery's linger decides on: a count of due rows (capped) and the
// oldest stage change among the untried ones.
TEST(SqliteStore, DueSummaryCountsUpToTheLimitAndDatesOnlyUntriedUpdates) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  EXPECT_EQ(db->summarize_due("crm", far_future, 10).count, 0u);
  EXPECT_FALSE(db->summarize_due("crm", far_future, 10).oldest_fresh.has_value());

  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  const auto later = now_utc() + std::chrono::hours{1};
  db->reschedule(db->due_updates("crm", far_future, 10).at(0), later, "HTTP 503");
  const auto tried_only = db->summarize_due("crm", later, 10);
  EXPECT_EQ(tried_only.count, 1u);
  EXPECT_FALSE(tried_only.oldest_fresh.has_value()) << "a retried update waits from when it became due";

  put_update(*db, "bob@example.com", "crm", 1, "engaged");
  put_update(*db, "cy@example.com", "crm", 1, "engaged");
  put_update(*db, "di@example.com", "log", 1, "engaged");
  const auto now = db->summarize_due("crm", now_utc(), 10);
  EXPECT_EQ(now.count, 2u) << "the rescheduled update is not due yet; the log connector's is not ours";
  ASSERT_TRUE(now.oldest_fresh.has_value());
  EXPECT_EQ(*now.oldest_fresh, from_millis(5'000));
  EXPECT_EQ(db->summarize_due("crm", later, 10).count, 3u);
  EXPECT_EQ(db->summarize_due("crm", later, 2).count, 2u);
}

TEST(SqliteStore, ConnectorsHaveSeparateOutboxes) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  put_update(*db, "bob@example.com", "log", 1, "engaged");
  EXPECT_EQ(db->outbox_depth("crm"), 1u);
  EXPECT_EQ(db->outbox_depth("log"), 1u);
  EXPECT_EQ(db->due_updates("crm", far_future, 10).at(0).email, "ada@example.com");
  EXPECT_FALSE(db->next_due("other").has_value());
}

TEST(SqliteStore, DeadLetterKeepsTheMessage) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "engaged");
  auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  db->move_to_dead_letters(due[0], "INVALID_FIELD: Stage__c", "INVALID_FIELD", from_millis(9'000));
  EXPECT_EQ(db->outbox_depth("crm"), 0u);
  auto dl = db->dead_letters(10);
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].message, "INVALID_FIELD: Stage__c");
  EXPECT_EQ(dl[0].code, "INVALID_FIELD");
  EXPECT_EQ(dl[0].update.email, "ada@example.com");
  EXPECT_EQ(dl[0].update.stage, "engaged");
  EXPECT_EQ(dl[0].update.fields.at("company"), "Acme");
}

TEST(SqliteStore, UpdatesCarryTheirFieldsThroughTheOutbox) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "mql");
  auto due = db->due_updates("crm", far_future, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].fields, (string_map{{"company", "Acme"}, {"grade", "A"}}));
}

TEST(SqliteStore, CrmAliasesFindTheLeadAndNeverStealAnotherLeadsAlias) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "mql");
  put_update(*db, "bob@example.com", "crm", 1, "mql");
  const std::vector<std::pair<std::string, std::string>> first{{"id:hubspot_contact_id:51", "ada@example.com"}};
  db->add_aliases(first);
  const std::vector<std::pair<std::string, std::string>> second{{"id:hubspot_contact_id:51", "bob@example.com"}};
  db->add_aliases(second);
  EXPECT_EQ(db->resolve_alias("id:hubspot_contact_id:51"), "ada@example.com");
}

TEST(SqliteStore, ConnectorStatusIsReplacedPerConnector) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  connector_status open;
  open.connector = "sfdc";
  open.circuit = "open";
  open.paused_until = from_millis(90'000);
  open.reason = "5 failures in a row";
  open.updated_at = from_millis(30'000);
  db->save_connector_status(open);
  connector_status closed;
  closed.connector = "sfdc";
  closed.updated_at = from_millis(95'000);
  db->save_connector_status(closed);
  const auto all = db->connector_statuses();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].circuit, "closed");
  EXPECT_FALSE(all[0].paused_until.has_value());
  EXPECT_EQ(all[0].reason, "");
  EXPECT_EQ(all[0].updated_at, from_millis(95'000));
}

TEST(SqliteStore, OldestPendingIsTheEarliestStageChangeStillQueued) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  EXPECT_FALSE(db->oldest_pending("crm").has_value());
  put_update(*db, "ada@example.com", "crm", 1, "mql");
  EXPECT_EQ(db->oldest_pending("crm"), from_millis(5'000));
  EXPECT_FALSE(db->oldest_pending("other").has_value());
}

}  // namespace
}  // namespace leadsync::core
