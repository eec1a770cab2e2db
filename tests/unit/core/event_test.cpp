#include <gtest/gtest.h>

#include "core/event.hpp"
#include "core/lead.hpp"
#include "core/stage_update.hpp"

namespace leadsync::core {
namespace {

TEST(NormaliseEmail, TrimsAndLowercasesBothParts) {
  EXPECT_EQ(normalise_email("  Ada.Lovelace@Example.COM\t"), "ada.lovelace@example.com");
}

TEST(NormaliseEmail, RejectsStringsThatCannotBeAnAddress) {
  EXPECT_EQ(normalise_email(""), "");
  EXPECT_EQ(normalise_email("   "), "");
  EXPECT_EQ(normalise_email("no-at-sign"), "");
  EXPECT_EQ(normalise_email("@example.com"), "");
  EXPECT_EQ(normalise_email("ada@"), "");
}

TEST(EventJson, RoundTripsEveryField) {
  event e;
  e.source = "website";
  e.source_event_id = "s-1";
  e.kind = "form_submit";
  e.occurred_at = from_millis(1'700'000'000'000);
  e.received_at = from_millis(1'700'000'000'500);
  e.email = "ada@example.com";
  e.anonymous_id = "anon-7";
  e.first_name = "Ada";
  e.last_name = "Lovelace";
  e.company = "Analytical Engines";
  e.title = "CTO";
  e.phone = "+44 20";
  e.attributes = {{"form", "demo"}, {"page", "/pricing"}};
  e.external_ids = {{"hubspot_contact_id", "501"}};
  e.qualifiers = {{"budget", "50k"}, {"timeline", "Q1"}};

  auto back = event_from_json(to_json(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->source, "website");
  EXPECT_EQ(back->source_event_id, "s-1");
  EXPECT_EQ(back->kind, "form_submit");
  EXPECT_EQ(to_millis(back->occurred_at), 1'700'000'000'000);
  EXPECT_EQ(to_millis(back->received_at), 1'700'000'000'500);
  EXPECT_EQ(back->email, "ada@example.com");
  EXPECT_EQ(back->anonymous_id, "anon-7");
  EXPECT_EQ(back->last_name, "Lovelace");
  EXPECT_EQ(back->company, "Analytical Engines");
  EXPECT_EQ(back->title, "CTO");
  EXPECT_EQ(back->phone, "+44 20");
  EXPECT_EQ(back->attributes, e.attributes);
  EXPECT_EQ(back->external_ids, e.external_ids);
  EXPECT_EQ(back->qualifiers, e.qualifiers);
}

TEST(EventJson, CorruptTextIsAnError) {
  auto back = event_from_json("[1,2");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.failure().code, "corrupt_event");
}

TEST(LeadJson, RoundTripsStateAndCounts) {
  lead l;
  l.email = "ada@example.com";
  l.stage = "engaged";
  l.score = 30;
  l.version = 2;
  l.company = "Analytical Engines";
  l.first_seen = from_millis(1000);
  l.last_activity = from_millis(2000);
  l.activities = {{"form_submit", from_millis(1000), "form", 10}, {"page_view", from_millis(1500), "", 0}};
  l.traits = {{"country", "DE"}};
  l.qualifiers = {{"budget", "50k"}};
  l.sales_stage = "sal";
  l.sales_stage_at = from_millis(1800);
  const lead back = lead_from_json(to_json(l));
  EXPECT_EQ(back.email, l.email);
  EXPECT_EQ(back.stage, "engaged");
  EXPECT_EQ(back.score, 30);
  EXPECT_EQ(back.version, 2);
  EXPECT_EQ(back.company, "Analytical Engines");
  EXPECT_EQ(to_millis(back.first_seen), 1000);
  EXPECT_EQ(to_millis(back.last_activity), 2000);
  ASSERT_EQ(back.activities.size(), 2u);
  EXPECT_EQ(back.activities[0].rule, "form");
  EXPECT_EQ(back.activities[0].points, 10);
  EXPECT_EQ(to_millis(back.activities[1].at), 1500);
  EXPECT_EQ(back.activities[1].rule, "");
  EXPECT_EQ(back.traits, l.traits);
  EXPECT_EQ(back.qualifiers, l.qualifiers);
  EXPECT_EQ(back.sales_stage, "sal");
  EXPECT_EQ(to_millis(back.sales_stage_at), 1800);
}

TEST(StageUpdateJson, HasTheDocumentedFields) {
  stage_update u;
  u.connector = "crm";
  u.lead_id = 7;
  u.email = "ada@example.com";
  u.stage = "mql";
  u.previous_stage = "engaged";
  u.score = 60;
  u.rule = "placeholder.mql";
  u.reason = "score 60 >= mql_score 50";
  u.changed_at = from_millis(1'700'000'000'123);
  u.version = 3;
  EXPECT_EQ(to_json(u),
            R"({"connector":"crm","lead_id":7,"email":"ada@example.com","stage":"mql","previous_stage":"engaged",)"
            R"("score":60,"rule":"placeholder.mql","reason":"score 60 >= mql_score 50",)"
            R"("changed_at":"2023-11-14T22:13:20.123Z","version":3})");
}

}  // namespace
}  // namespace leadsync::core
