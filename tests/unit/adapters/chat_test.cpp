// Live-chat source formats: option validation and the edges the golden
// fixtures (tests/fixtures/sources/{intercom,drift,crisp,chat}-*) do not pin down.
#include <gtest/gtest.h>

#include "adapters/builtin.hpp"
#include "adapters/sources/chat/chat_common.hpp"

namespace leadsync::adapters {
namespace {

const core::timestamp now = core::from_millis(1'700'000'000'000);

core::inbound_request post(std::string body) {
  core::inbound_request r;
  r.method = "POST";
  r.target = "/hooks/chat";
  r.headers.emplace_back("content-type", "application/json");
  r.body = std::move(body);
  return r;
}

class ChatSources : public ::testing::Test {
 protected:
  ChatSources() { register_builtin(registry_); }

  core::build_result<core::source_adapter> build(std::string_view format, const core::option_values& v = {}) {
    const core::source_factory* f = registry_.source(format);
    EXPECT_NE(f, nullptr) << format;
    return f->create("chat", v);
  }
  std::unique_ptr<core::source_adapter> make(std::string_view format, const core::option_values& v = {}) {
    auto built = build(format, v);
    EXPECT_TRUE(built.errors.empty()) << built.errors.front().key << ": " << built.errors.front().message;
    return std::move(built.instance);
  }
  core::event one(std::string_view format, const std::string& body, const core::option_values& v = {}) {
    auto events = make(format, v)->parse(post(body), now);
    EXPECT_TRUE(events.ok()) << events.failure().message;
    if (!events.ok() || events->size() != 1) {
      ADD_FAILURE() << "expected one event";
      return {};
    }
    return events->front();
  }
  bool ignored(std::string_view format, const std::string& body, const core::option_values& v = {}) {
    auto events = make(format, v)->parse(post(body), now);
    return events.ok() && events->empty();
  }
  static std::vector<std::string> keys(const std::vector<core::option_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) {
      out.push_back(e.key);
    }
    return out;
  }

  core::registry registry_;
};

// ---- options ------------------------------------------------------------------

TEST_F(ChatSources, VendorFormatsValidateQualifiersAndKinds) {
  for (const char* format : {"intercom", "drift", "crisp"}) {
    core::option_values v;
    v.set("qualifiers", core::string_map{{"money", "budget_usd"}, {"need", ""}, {"budget", "budget_usd"}});
    v.set("kinds", core::string_map{{"conversation.admin.replied", "Admin Reply"}, {"contact.created", ""}});
    v.set("fields", core::string_map{{"company", "org"}, {"hair", "x"}});
    auto built = build(format, v);
    EXPECT_EQ(built.instance, nullptr) << format;
    EXPECT_EQ(keys(built.errors), (std::vector<std::string>{"fields.hair", "qualifiers.money", "qualifiers.need",
                                                            "kinds.conversation.admin.replied"}))
        << format;
    EXPECT_TRUE(build(format).errors.empty()) << format << " works without options";
  }
}

TEST_F(ChatSources, GenericChatValidatesItsMappingAndQualifierPointers) {
  core::option_values v;
  v.set("map", core::string_map{{"event_id", "/id"}});
  v.set("qualifiers", core::string_map{{"budget", "budget"}, {"timeline", "/answers/[=x]/value"}, {"money", "/m"}});
  auto built = build("chat", v);
  EXPECT_EQ(built.instance, nullptr);
  EXPECT_EQ(keys(built.errors),
            (std::vector<std::string>{"map", "qualifiers.money", "qualifiers.budget", "qualifiers.timeline"}));
}

TEST(ChatCommon, AQualifierMakesAnEventChatQualified) {
  core::event e;
  e.kind = "chat_message";
  chat::mark_qualified(e);
  EXPECT_EQ(e.kind, "chat_message");
  e.qualifiers.emplace("budget", "10k");
  chat::mark_qualified(e);
  EXPECT_EQ(e.kind, "chat_qualified");
}

// ---- intercom -----------------------------------------------------------------

TEST_F(ChatSources, IntercomQualifiersReadFromConfiguredAttributes) {
  core::option_values v;
  v.set("qualifiers", core::string_map{{"budget", "Budget (USD)"}, {"authority", "decision_maker"}});
  v.set("fields", core::string_map{{"title", "Role at company"}});
  const core::event e =
      one("intercom", R"json({"id": "notif_1", "topic": "contact.user.created", "created_at": 1699999999,
      "data": {"item": {"type": "contact", "id": "c1", "email": "ada@example.com", "name": "Ada",
        "custom_attributes": {"Budget (USD)": 20000, "decision_maker": true, "budget": "ignored",
                              "Role at company": "CTO", "job_title": "ignored"}}}})json",
          v);
  EXPECT_EQ(e.kind, "chat_qualified");
  EXPECT_EQ(e.qualifiers, (core::string_map{{"authority", "true"}, {"budget", "20000"}}));
  EXPECT_EQ(e.title, "CTO");
  EXPECT_EQ(e.first_name, "Ada");
  EXPECT_TRUE(e.last_name.empty());
  EXPECT_EQ(core::to_millis(e.occurred_at), 1'699'999'999'000);
}

TEST_F(ChatSources, IntercomV1UserWithCompanyNames) {
  const core::event e = one("intercom", R"({"id": "notif_2", "topic": "user.created", "created_at": 1,
      "data": {"item": {"type": "user", "id": "u1", "email": "wash@serenity.example", "name": "Hoban Washburne",
        "companies": {"type": "company.list", "companies": [{"type": "company", "name": "Serenity"}]}}}})");
  EXPECT_EQ(e.kind, "chat_started");
  EXPECT_EQ(e.company, "Serenity");
  EXPECT_EQ(e.last_name, "Washburne");
}

TEST_F(ChatSources, IntercomKindsCanBeAddedAndDropped) {
  const std::string admin = R"({"id": "n3", "topic": "conversation.admin.replied", "created_at": 1,
      "data": {"item": {"type": "conversation", "id": "9", "source": {"author": {"type": "lead", "id": "l9"}}}}})";
  EXPECT_TRUE(ignored("intercom", admin));
  core::option_values v;
  v.set("kinds", core::string_map{{"conversation.admin.replied", "chat_message"}, {"contact.lead.created", ""}});
  EXPECT_EQ(one("intercom", admin, v).anonymous_id, "l9");
  EXPECT_TRUE(ignored("intercom", R"({"id": "n4", "topic": "contact.lead.created", "data": {"item": {}}})", v));
}

TEST_F(ChatSources, IntercomWithoutAnItemIsUnmappable) {
  auto events = make("intercom")->parse(post(R"({"id": "n5", "topic": "contact.lead.created", "data": {}})"), now);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().code, "missing_field");
  EXPECT_EQ(events.failure().message.rfind("data.item", 0), 0u);
}

// ---- drift --------------------------------------------------------------------

TEST_F(ChatSources, DriftIgnoresAgentsBotsAndNotes) {
  EXPECT_TRUE(
      ignored("drift", R"({"type": "new_message", "data": {"id": 1, "author": {"type": "user", "id": 5, "bot": true},
      "type": "chat", "createdAt": 1}})"));
  EXPECT_TRUE(ignored("drift", R"({"type": "new_message", "data": {"id": 2, "author": {"type": "contact", "id": 5},
      "type": "private_note", "createdAt": 1}})"));
  EXPECT_TRUE(ignored("drift", R"({"type": "button_clicked", "data": {}})"));
}

TEST_F(ChatSources, DriftContactUpdateOfAQualifierAttribute) {
  const core::event e =
      one("drift", R"({"type": "contact_updated", "data": {"endUserId": 77, "timestamp": 1699999000000,
      "diff": [{"name": "attributes.timeline", "previous": null, "updated": "Q2"},
               {"name": "socialProfiles.twitter", "previous": null, "updated": "@ada"}]}})");
  EXPECT_EQ(e.kind, "chat_qualified");
  EXPECT_EQ(e.qualifiers, (core::string_map{{"timeline", "Q2"}}));
  EXPECT_EQ(e.anonymous_id, "77");
}

TEST_F(ChatSources, DriftWithoutAnyIdHashesTheBody) {
  const core::event e = one("drift", R"({"type": "contact_identified", "data": {"attributes": {"email": "a@b.c"}}})");
  EXPECT_EQ(e.source_event_id.rfind("sha256:", 0), 0u);
  EXPECT_EQ(e.email, "a@b.c");
}

// ---- crisp --------------------------------------------------------------------

TEST_F(ChatSources, CrispIgnoresOperatorsAndUnusedEvents) {
  EXPECT_TRUE(ignored("crisp", R"({"event": "message:send", "data": {"session_id": "s", "from": "operator"}})"));
  EXPECT_TRUE(ignored("crisp", R"({"event": "message:received", "data": {"session_id": "s", "from": "operator"}})"));
  EXPECT_TRUE(ignored("crisp", R"({"event": "session:sync:geolocation", "data": {"session_id": "s"}})"));
}

TEST_F(ChatSources, CrispFieldAnswersAndNicknames) {
  core::option_values v;
  v.set("qualifiers", core::string_map{{"timeline", "when"}});
  const core::event field = one("crisp", R"({"event": "message:send", "timestamp": 5, "data": {"session_id": "s1",
      "type": "field", "from": "user", "fingerprint": 42, "content": {"id": "when", "text": "When?", "value": "ASAP"}}})",
                                v);
  EXPECT_EQ(field.qualifiers, (core::string_map{{"timeline", "ASAP"}}));
  EXPECT_EQ(field.source_event_id, "message:send:s1:42");
  EXPECT_EQ(core::to_millis(field.occurred_at), 5'000) << "a small number is Unix seconds";

  const core::event nick = one("crisp", R"({"event": "session:set_nickname", "timestamp": 1699999000000,
      "data": {"session_id": "s1", "nickname": "Valerian Saliou"}})");
  EXPECT_EQ(nick.kind, "identify");
  EXPECT_EQ(nick.first_name, "Valerian");
  EXPECT_EQ(nick.last_name, "Saliou");
  EXPECT_EQ(nick.source_event_id, "session:set_nickname:s1:1699999000000");
}

TEST_F(ChatSources, NoEmailIsAnEventNeverAnError) {
  EXPECT_TRUE(one("intercom",
                  R"({"id": "n", "topic": "contact.lead.created", "data": {"item": {"type": "contact", "id": "c"}}})")
                  .email.empty());
  EXPECT_EQ(one("drift", R"({"type": "new_conversation", "data": {"id": 3, "contactId": 4}})").anonymous_id, "4");
  EXPECT_EQ(one("crisp", R"({"event": "message:send", "data": {"session_id": "s", "from": "user"}})").anonymous_id,
            "s");
}

// ---- generic chat ---------------------------------------------------------------

TEST_F(ChatSources, GenericChatKindComesFromTheBodyUnlessQualified) {
  core::option_values v;
  v.set("map", core::string_map{{"anonymous_id", "/visitor"}, {"kind", "/event"}});
  v.set("qualifiers", core::string_map{{"budget", "/answers/budget"}});
  EXPECT_EQ(one("chat", R"({"visitor": "v1", "event": "chat_started"})", v).kind, "chat_started");
  EXPECT_EQ(one("chat", R"({"visitor": "v1"})", v).kind, "chat_message");
  EXPECT_EQ(one("chat", R"({"visitor": "v1", "event": "chat_started", "answers": {"budget": ""}})", v).kind,
            "chat_started")
      << "an empty answer is no answer";
  EXPECT_EQ(one("chat", R"({"visitor": "v1", "event": "chat_started", "answers": {"budget": 5000}})", v).kind,
            "chat_qualified");
}

}  // namespace
}  // namespace leadsync::adapters
