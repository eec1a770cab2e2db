// The dead-letter queue as `leadsyncctl dlq` uses it: filters, replay with
// latest-state-wins, drop; and the store's operator overview.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/sqlite/sqlite_store.hpp"
#include "store_helpers.hpp"
#include "temp_db.hpp"

namespace leadsync::core {
namespace {

using testing::far_future;
using testing::put_update;
using testing::queued;

// Only moves the lead on (a new version, nothing queued for any connector).
void move_lead_on(store& db, const std::string& email, std::int64_t version, const std::string& stage) {
  processing_batch b;
  lead l;
  l.key = email;
  l.email = email;
  l.stage = stage;
  l.version = version;
  b.leads.push_back(l);
  db.commit_processing(b);
}

// Queues the update, fails it `failures` times, then dead-letters it; returns the dead letter's id.
std::int64_t dead_letter_for(store& db, const std::string& email, const std::string& connector,
                             std::int64_t version, const std::string& stage, const std::string& code,
                             int failures = 0) {
  put_update(db, email, connector, version, stage);
  for (int i = 0; i < failures; ++i) {
    db.reschedule(*queued(db, connector, email), from_millis(6'000), "HTTP 500");
  }
  db.move_to_dead_letters(*queued(db, connector, email), "refused " + email, code, from_millis(9'000));
  dead_letter_filter f;
  f.connector = connector;
  const auto all = db.find_dead_letters(f);
  return all.back().id;
}

std::vector<std::int64_t> ids_of(const std::vector<dead_letter>& dls) {
  std::vector<std::int64_t> out;
  for (const auto& d : dls) {
    out.push_back(d.id);
  }
  return out;
}

class SqliteDeadLetters : public ::testing::Test {
 protected:
  void SetUp() override {
    ada_ = dead_letter_for(*db_, "ada@example.com", "crm", 1, "mql", "INVALID_FIELD", 2);
    bob_ = dead_letter_for(*db_, "bob@example.com", "crm", 1, "mql", "DUPLICATE");
    cy_ = dead_letter_for(*db_, "cy@example.com", "hubspot", 1, "engaged", "INVALID_FIELD");
    dee_ = dead_letter_for(*db_, "dee@example.com", "hubspot", 1, "engaged", "");
  }

  temp_db tmp_;
  std::unique_ptr<store> db_ = open_sqlite_store({tmp_.path(), false});
  std::int64_t ada_ = 0, bob_ = 0, cy_ = 0, dee_ = 0;
};

TEST_F(SqliteDeadLetters, AnEmptyFilterListsEveryDeadLetterOldestFirstWithItsDetails) {
  const auto all = db_->find_dead_letters({});
  ASSERT_EQ(ids_of(all), (std::vector<std::int64_t>{ada_, bob_, cy_, dee_}));
  EXPECT_EQ(all[0].update.email, "ada@example.com");
  EXPECT_EQ(all[0].update.connector, "crm");
  EXPECT_EQ(all[0].update.attempts, 2);
  EXPECT_EQ(all[0].update.changed_at, from_millis(5'000));
  EXPECT_EQ(all[0].update.fields.at("company"), "Acme");
  EXPECT_EQ(all[0].message, "refused ada@example.com");
  EXPECT_EQ(all[0].code, "INVALID_FIELD");
  EXPECT_EQ(all[0].failed_at, from_millis(9'000));
  EXPECT_EQ(db_->count_dead_letters({}), 4u);
}

TEST_F(SqliteDeadLetters, FiltersCombineAndTheLimitCutsTheList) {
  dead_letter_filter by_code;
  by_code.code = "INVALID_FIELD";
  EXPECT_EQ(ids_of(db_->find_dead_letters(by_code)), (std::vector<std::int64_t>{ada_, cy_}));
  dead_letter_filter both = by_code;
  both.connector = "hubspot";
  EXPECT_EQ(ids_of(db_->find_dead_letters(both)), (std::vector<std::int64_t>{cy_}));
  dead_letter_filter no_code;
  no_code.code = "";
  EXPECT_EQ(ids_of(db_->find_dead_letters(no_code)), (std::vector<std::int64_t>{dee_}));
  dead_letter_filter by_id;
  by_id.ids = {dee_, bob_, 9999};
  EXPECT_EQ(ids_of(db_->find_dead_letters(by_id)), (std::vector<std::int64_t>{bob_, dee_}));
  dead_letter_filter limited;
  limited.limit = 3;
  EXPECT_EQ(ids_of(db_->find_dead_letters(limited)), (std::vector<std::int64_t>{ada_, bob_, cy_}));
  EXPECT_EQ(db_->count_dead_letters(limited), 4u) << "the count ignores the limit";
  dead_letter_filter nobody;
  nobody.connector = "salesforce";
  EXPECT_TRUE(db_->find_dead_letters(nobody).empty());
  EXPECT_EQ(db_->count_dead_letters(nobody), 0u);
}

TEST_F(SqliteDeadLetters, ReplayPutsTheUpdateBackDueNowWithNoAttemptsAndEmptiesTheQueue) {
  dead_letter_filter f;
  f.ids = {ada_};
  const auto r = db_->replay_dead_letters(f, from_millis(20'000));
  EXPECT_EQ(r.replayed, (std::vector<std::int64_t>{ada_}));
  EXPECT_TRUE(r.superseded.empty());
  EXPECT_EQ(db_->count_dead_letters(f), 0u);
  EXPECT_EQ(db_->count_dead_letters({}), 3u) << "only the named one left the queue";

  EXPECT_TRUE(db_->due_updates("crm", from_millis(19'999), 10).empty()) << "due at the replay time, not before";
  const auto back = db_->due_updates("crm", from_millis(20'000), 10);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].email, "ada@example.com");
  EXPECT_EQ(back[0].attempts, 0);
  EXPECT_EQ(back[0].version, 1);
  EXPECT_EQ(back[0].stage, "mql");
  EXPECT_EQ(back[0].changed_at, from_millis(5'000)) << "the first change time is kept";
  EXPECT_EQ(back[0].fields.at("company"), "Acme");
  EXPECT_EQ(db_->oldest_pending("crm"), from_millis(5'000));

  // Delivered like any other update.
  db_->mark_delivered(back);
  EXPECT_EQ(db_->outbox_depth("crm"), 0u);
}

TEST_F(SqliteDeadLetters, ReplayByConnectorOrCodeTakesEveryMatch) {
  dead_letter_filter f;
  f.code = "INVALID_FIELD";
  const auto r = db_->replay_dead_letters(f, from_millis(20'000));
  EXPECT_EQ(r.replayed, (std::vector<std::int64_t>{ada_, cy_}));
  EXPECT_EQ(db_->outbox_depth("crm"), 1u);
  EXPECT_EQ(db_->outbox_depth("hubspot"), 1u);
  EXPECT_EQ(ids_of(db_->find_dead_letters({})), (std::vector<std::int64_t>{bob_, dee_}));
}

TEST_F(SqliteDeadLetters, ADeadLetterIsSupersededWhenTheOutboxHoldsANewerState) {
  put_update(*db_, "ada@example.com", "crm", 2, "sql");  // the lead moved on and its new state is queued
  dead_letter_filter f;
  f.ids = {ada_};
  const auto r = db_->replay_dead_letters(f, from_millis(20'000));
  EXPECT_TRUE(r.replayed.empty());
  EXPECT_EQ(r.superseded, (std::vector<std::int64_t>{ada_}));
  EXPECT_EQ(db_->count_dead_letters(f), 0u) << "a superseded dead letter is dropped";
  const auto u = queued(*db_, "crm", "ada@example.com");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->version, 2) << "the newer state is untouched";
  EXPECT_EQ(u->stage, "sql");
}

TEST_F(SqliteDeadLetters, ADeadLetterIsSupersededWhenTheLeadMovedOnEvenWithNothingQueued) {
  move_lead_on(*db_, "bob@example.com", 2, "nurture");  // e.g. flagged junk: nothing to send
  dead_letter_filter f;
  f.connector = "crm";
  const auto r = db_->replay_dead_letters(f, from_millis(20'000));
  EXPECT_EQ(r.replayed, (std::vector<std::int64_t>{ada_}));
  EXPECT_EQ(r.superseded, (std::vector<std::int64_t>{bob_}));
  EXPECT_FALSE(queued(*db_, "crm", "bob@example.com").has_value()) << "an old stage must not overwrite the CRM";
  EXPECT_TRUE(queued(*db_, "crm", "ada@example.com").has_value());
}

TEST_F(SqliteDeadLetters, OfTwoDeadLettersForOneLeadOnlyTheCurrentOneIsReplayed) {
  const std::int64_t newer = dead_letter_for(*db_, "ada@example.com", "crm", 2, "sql", "INVALID_FIELD");
  const auto r = db_->replay_dead_letters({}, from_millis(20'000));
  EXPECT_EQ(r.superseded, (std::vector<std::int64_t>{ada_}));
  EXPECT_EQ(r.replayed, (std::vector<std::int64_t>{bob_, cy_, dee_, newer}));
  const auto u = queued(*db_, "crm", "ada@example.com");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->version, 2);
  EXPECT_EQ(db_->count_dead_letters({}), 0u);
}

TEST_F(SqliteDeadLetters, ReplayingTheSameDeadLetterTwiceQueuesItOnce) {
  dead_letter_filter f;
  f.ids = {bob_};
  EXPECT_EQ(db_->replay_dead_letters(f, from_millis(20'000)).replayed.size(), 1u);
  const auto again = db_->replay_dead_letters(f, from_millis(21'000));
  EXPECT_TRUE(again.replayed.empty());
  EXPECT_TRUE(again.superseded.empty());
  EXPECT_EQ(db_->outbox_depth("crm"), 1u);
}

TEST_F(SqliteDeadLetters, DropDeletesOnlyTheMatchesAndSaysWhich) {
  dead_letter_filter by_code;
  by_code.code = "INVALID_FIELD";
  EXPECT_EQ(db_->drop_dead_letters(by_code), (std::vector<std::int64_t>{ada_, cy_}));
  EXPECT_EQ(ids_of(db_->find_dead_letters({})), (std::vector<std::int64_t>{bob_, dee_}));
  dead_letter_filter by_id;
  by_id.ids = {dee_};
  EXPECT_EQ(db_->drop_dead_letters(by_id), (std::vector<std::int64_t>{dee_}));
  EXPECT_TRUE(db_->drop_dead_letters(by_id).empty());
  EXPECT_EQ(db_->drop_dead_letters({}), (std::vector<std::int64_t>{bob_}));
  EXPECT_EQ(db_->count_dead_letters({}), 0u);
  EXPECT_EQ(db_->outbox_depth("crm"), 0u) << "dropping queues nothing";
}

TEST(SqliteStoreOverview, CountsLeadsByStageAndEvents) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  EXPECT_TRUE(db->leads_by_stage().empty());
  EXPECT_EQ(db->event_counts().events, 0u);
  put_update(*db, "ada@example.com", "crm", 1, "mql");
  put_update(*db, "bob@example.com", "crm", 1, "engaged");
  put_update(*db, "cy@example.com", "crm", 1, "mql");
  processing_batch merged;
  lead anon;
  anon.key = "anon:web:1";
  anon.stage = "anonymous";
  anon.merged_into = "ada@example.com";
  merged.leads.push_back(anon);
  db->commit_processing(merged);
  const auto stages = db->leads_by_stage();
  ASSERT_EQ(stages.size(), 2u) << "a merged lead lives on in the one it merged into";
  EXPECT_EQ(stages[0].stage, "engaged");
  EXPECT_EQ(stages[0].leads, 1u);
  EXPECT_EQ(stages[1].stage, "mql");
  EXPECT_EQ(stages[1].leads, 2u);

  std::vector<event> evs(3);
  for (std::size_t i = 0; i < evs.size(); ++i) {
    evs[i].source = "website";
    evs[i].source_event_id = std::to_string(i);
    evs[i].email = "ada@example.com";
    evs[i].kind = "form_submit";
  }
  db->append_events(evs);
  processing_batch processed;
  processed.processed_event_seqs = {db->unprocessed_events(1).at(0).seq};
  db->commit_processing(processed);
  const auto counts = db->event_counts();
  EXPECT_EQ(counts.events, 3u);
  EXPECT_EQ(counts.unprocessed, 2u);
}

TEST(SqliteStoreOverview, ListsEveryAliasOfALead) {
  temp_db tmp;
  auto db = open_sqlite_store({tmp.path(), false});
  put_update(*db, "ada@example.com", "crm", 1, "mql");
  const std::vector<std::pair<std::string, std::string>> aliases{{"id:sf:00Q1", "ada@example.com"},
                                                                 {"anon:web:7", "ada@example.com"},
                                                                 {"id:sf:00Q2", "bob@example.com"}};
  db->add_aliases(aliases);
  EXPECT_EQ(db->aliases_of("ada@example.com"), (std::vector<std::string>{"anon:web:7", "id:sf:00Q1"}));
  EXPECT_TRUE(db->aliases_of("cy@example.com").empty());
}

}  // namespace
}  // namespace leadsync::core
