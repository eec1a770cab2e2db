// GDPR erasure at the store level (store::forget_person) and the processor
// dropping later events of a forgotten person; the database file and its
// write-ahead log are read raw to prove the address is gone.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "core/definition/engine.hpp"
#include "core/processor.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "store_helpers.hpp"
#include "temp_db.hpp"
#include "test_definition.hpp"

namespace leadsync::core {
namespace {

constexpr std::string_view email = "ada.lovelace@example.com";
constexpr std::string_view local_part = "ada.lovelace";

std::string raw_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ForgetTest : public ::testing::Test {
 protected:
  void post(std::string id, std::string mail, std::string kind, std::string anonymous_id = "",
            std::string first_name = "") {
    event e;
    e.source = "website";
    e.source_event_id = std::move(id);
    e.email = std::move(mail);
    e.kind = std::move(kind);
    e.anonymous_id = std::move(anonymous_id);
    e.first_name = std::move(first_name);
    e.company = "Difference Engines";
    e.received_at = from_millis(next_ms_ += 1000);
    e.occurred_at = e.received_at;
    const std::vector<event> one{e};
    db_->append_events(one);
  }

  std::vector<stage_update> due(const std::string& connector) {
    return db_->due_updates(connector, testing::far_future, 100);
  }

  // Where the text occurs in the database file or its WAL ("" when nowhere).
  std::string found_in_files(std::string_view text) const {
    for (const auto& file : {tmp_.path(), std::filesystem::path{tmp_.path().string() + "-wal"}}) {
      if (raw_bytes(file).find(text) != std::string::npos) {
        return file.filename().string();
      }
    }
    return "";
  }

  // Ada: seen anonymously first, then by email (the anonymous lead is merged
  // in), a CRM id learnt, one update dead-lettered, one still queued. Grace
  // is someone else and must survive.
  void two_people() {
    post("e1", "", "page_view", "anon-7", "Augusta");
    proc_.run(100);
    post("e2", std::string{email}, "form_submit", "anon-7", "Augusta");
    post("e3", "grace@example.com", "form_submit");
    proc_.run(100);
    post("e4", std::string{email}, "demo_request");
    proc_.run(100);
    const std::vector<std::pair<std::string, std::string>> crm_id{{"id:salesforce_lead_id:00Qada", std::string{email}}};
    db_->add_aliases(crm_id);
    for (const stage_update& u : due("crm")) {
      if (u.email == email) {
        db_->move_to_dead_letters(u, "REQUIRED_FIELD_MISSING for " + std::string{email}, "REQUIRED_FIELD_MISSING",
                                  from_millis(next_ms_));
      }
    }
  }

  temp_db tmp_;
  std::unique_ptr<store> db_ = open_sqlite_store({tmp_.path(), false});
  definition::engine definition_{testing::small_model()};
  processor proc_{*db_, definition_, {"crm", "log"}};
  std::int64_t next_ms_ = 1'700'000'000'000;
};

TEST_F(ForgetTest, RemovesEverythingOfThePersonAndNothingOfOthers) {
  two_people();
  ASSERT_TRUE(db_->find_lead(email).has_value());
  ASSERT_EQ(db_->count_dead_letters({}), 1u);
  ASSERT_EQ(db_->resolve_alias("anon:website:anon-7"), std::string{email});

  EXPECT_FALSE(db_->any_forgotten());
  const forget_result r = db_->forget_person("  Ada.Lovelace@Example.COM ", from_millis(next_ms_));
  EXPECT_TRUE(db_->any_forgotten());
  EXPECT_TRUE(r.matched());
  EXPECT_FALSE(r.already_forgotten);
  EXPECT_EQ(r.leads, 2u) << "the lead and the anonymous lead merged into it";
  EXPECT_EQ(r.events, 3u);
  EXPECT_EQ(r.transitions, 3u) << "the anonymous lead's first stage, then engaged and mql";
  EXPECT_EQ(r.outbox, 1u) << "the log connector's pending update";
  EXPECT_EQ(r.dead_letters, 1u);
  EXPECT_EQ(r.aliases, 2u) << "anon:website:anon-7 and the CRM id";
  // sha256sum of the normalised address, computed outside leadsyncd.
  EXPECT_EQ(r.email_sha256, "e814ff3dc480a94c7ce9334062ec4733c75a002f4bcec0197f62ffea64059e2f");

  EXPECT_FALSE(db_->find_lead(email).has_value());
  EXPECT_FALSE(db_->find_lead("anon:website:anon-7").has_value());
  EXPECT_TRUE(db_->transitions_of(email).empty());
  EXPECT_FALSE(db_->resolve_alias("anon:website:anon-7").has_value());
  EXPECT_FALSE(db_->resolve_alias("id:salesforce_lead_id:00Qada").has_value());
  EXPECT_EQ(db_->count_dead_letters({}), 0u);
  for (const char* connector : {"crm", "log"}) {
    const auto left = due(connector);
    ASSERT_EQ(left.size(), 1u) << connector;
    EXPECT_EQ(left[0].email, "grace@example.com");
  }
  EXPECT_TRUE(db_->find_lead("grace@example.com").has_value());
  EXPECT_EQ(db_->event_counts().events, 4u) << "events stay in the log as tombstones";
  EXPECT_TRUE(db_->is_forgotten("ADA.LOVELACE@example.com"));
  EXPECT_FALSE(db_->is_forgotten("grace@example.com"));

  ASSERT_TRUE(db_->checkpoint_truncate());
  for (std::string_view pii : {email, local_part, std::string_view{"Augusta"}, std::string_view{"anon-7"}}) {
    EXPECT_EQ(found_in_files(pii), "") << pii << " is still in the database files";
  }
  EXPECT_NE(found_in_files("grace@example.com"), "") << "the raw check must be able to see an address";
}

TEST_F(ForgetTest, RedeliveredWebhooksOfAForgottenPersonStayDuplicates) {
  two_people();
  db_->forget_person(email, from_millis(next_ms_));
  event again;
  again.source = "website";
  again.source_event_id = "e2";
  again.email = std::string{email};
  again.kind = "form_submit";
  const std::vector<event> one{again};
  EXPECT_EQ(db_->append_events(one), std::vector<append_status>{append_status::duplicate});
}

TEST_F(ForgetTest, LaterEventsForTheAddressAreDroppedAndLeaveNoTrace) {
  const forget_result r = db_->forget_person(email, from_millis(next_ms_));
  EXPECT_FALSE(r.matched()) << "nobody with that address was stored";
  post("late-1", "Ada.Lovelace@example.com", "demo_request", "anon-9", "Augusta");
  post("late-2", "grace@example.com", "form_submit");
  EXPECT_EQ(proc_.run(100), 2u);

  EXPECT_EQ(proc_.totals().dropped_forgotten, 1u);
  EXPECT_EQ(proc_.totals().events, 2u);
  EXPECT_FALSE(db_->find_lead(email).has_value());
  EXPECT_FALSE(db_->find_lead("anon:website:anon-9").has_value());
  EXPECT_FALSE(db_->resolve_alias("anon:website:anon-9").has_value());
  EXPECT_EQ(db_->event_counts().unprocessed, 0u) << "the dropped event is marked processed";
  const auto queued = due("crm");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].email, "grace@example.com");

  ASSERT_TRUE(db_->checkpoint_truncate());
  EXPECT_EQ(found_in_files(local_part), "");
  EXPECT_EQ(found_in_files("Augusta"), "");
}

TEST_F(ForgetTest, ForgettingTwiceFindsNothingTheSecondTime) {
  two_people();
  EXPECT_TRUE(db_->forget_person(email, from_millis(next_ms_)).matched());
  const forget_result again = db_->forget_person(email, from_millis(next_ms_));
  EXPECT_FALSE(again.matched());
  EXPECT_TRUE(again.already_forgotten);
}

TEST_F(ForgetTest, NotAnAddressForgetsNothing) {
  const forget_result r = db_->forget_person("   ", from_millis(next_ms_));
  EXPECT_FALSE(r.matched());
  EXPECT_EQ(r.email_sha256, "");
  EXPECT_FALSE(db_->is_forgotten("   "));
}

TEST_F(ForgetTest, ProcessorCountsStageChangesByStageForMetrics) {
  post("1", "grace@example.com", "form_submit");
  post("2", "grace@example.com", "demo_request");
  proc_.run(100);
  post("3", "linus@example.com", "form_submit");
  proc_.run(100);
  const auto& t = proc_.totals();
  EXPECT_EQ(t.events, 3u);
  EXPECT_EQ(t.transitions, 3u);
  EXPECT_EQ(t.stage_changes.size(), 2u);
  EXPECT_EQ(t.stage_changes.at("engaged"), 2u);
  EXPECT_EQ(t.stage_changes.at("mql"), 1u);
  EXPECT_EQ(t.sla_breaches, 0u);
  EXPECT_EQ(t.dropped_forgotten, 0u);
}

}  // namespace
}  // namespace leadsync::core
