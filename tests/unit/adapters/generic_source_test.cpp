#include <gtest/gtest.h>

#include "adapters/builtin.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters {
namespace {

core::registry builtin() {
  core::registry r;
  register_builtin(r);
  return r;
}

core::option_values options(core::string_map map, core::string_map defaults = {}, core::string_map attributes = {}) {
  core::option_values v;
  v.set("map", std::move(map));
  if (!defaults.empty()) {
    v.set("defaults", std::move(defaults));
  }
  if (!attributes.empty()) {
    v.set("attributes", std::move(attributes));
  }
  return v;
}

core::inbound_request post(std::string body, std::string content_type = "application/json") {
  core::inbound_request r;
  r.method = "POST";
  r.target = "/hooks/website";
  if (!content_type.empty()) {
    r.headers.emplace_back("content-type", std::move(content_type));
  }
  r.body = std::move(body);
  return r;
}

class GenericSource : public ::testing::Test {
 protected:
  std::unique_ptr<core::source_adapter> make(const core::option_values& v) {
    auto built = registry_.source("generic")->create("website", v);
    EXPECT_TRUE(built.errors.empty());
    return std::move(built.instance);
  }

  core::registry registry_ = builtin();
  const core::timestamp now_ = core::from_millis(1'700'000'000'000);
};

TEST_F(GenericSource, MapsFieldsThroughJsonPointers) {
  auto src = make(options({{"event_id", "/id"},
                           {"email", "/contact/email"},
                           {"first_name", "/contact/names/0"},
                           {"company", "/company~1name"},
                           {"kind", "/type"},
                           {"occurred_at", "/ts"}},
                          {}, {{"form", "/form/id"}, {"employees", "/size"}}));
  auto events = src->parse(post(R"({"id": 42, "contact": {"email": "Ada@Example.com", "names": ["Ada"]},
      "company/name": "Analytical", "type": "demo_request", "ts": 1700000000,
      "form": {"id": "demo"}, "size": 250})"),
                           now_);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  ASSERT_EQ(events->size(), 1u);
  const core::event& e = events->front();
  EXPECT_EQ(e.source_event_id, "42");
  EXPECT_EQ(e.email, "Ada@Example.com");
  EXPECT_EQ(e.first_name, "Ada");
  EXPECT_EQ(e.company, "Analytical");
  EXPECT_EQ(e.kind, "demo_request");
  EXPECT_EQ(core::to_millis(e.occurred_at), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(e.received_at), core::to_millis(now_));
  EXPECT_EQ(e.attributes.at("form"), "demo");
  EXPECT_EQ(e.attributes.at("employees"), "250");
}

TEST_F(GenericSource, DefaultsFillWhatTheBodyLacks) {
  auto src = make(options({{"event_id", "/id"}, {"email", "/email"}, {"kind", "/type"}}, {{"kind", "form_submit"}}));
  auto events = src->parse(post(R"({"id": "a", "email": "ada@example.com"})"), now_);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->front().kind, "form_submit");
  auto typed = src->parse(post(R"({"id": "b", "email": "ada@example.com", "type": "webinar_attended"})"), now_);
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->front().kind, "webinar_attended");
}

TEST_F(GenericSource, MissingEventIdIsUnmappable) {
  auto src = make(options({{"event_id", "/submission_id"}, {"email", "/email"}}));
  auto events = src->parse(post(R"({"email": "ada@example.com"})"), now_);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().kind, core::error_kind::unmappable);
  EXPECT_EQ(events.failure().code, "missing_field");
  EXPECT_EQ(events.failure().message, "event_id: JSON pointer /submission_id is missing or empty in the body");
}

TEST_F(GenericSource, WithoutAnEventIdMappingIdenticalBodiesShareAnId) {
  auto src = make(options({{"email", "/email"}}));
  auto a = src->parse(post(R"({"email": "ada@example.com"})"), now_);
  auto b = src->parse(post(R"({"email": "ada@example.com"})"), now_);
  auto c = src->parse(post(R"({"email": "bob@example.com"})"), now_);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->front().source_event_id, b->front().source_event_id);
  EXPECT_NE(a->front().source_event_id, c->front().source_event_id);
  EXPECT_EQ(a->front().source_event_id.rfind("sha256:", 0), 0u);
}

TEST_F(GenericSource, AnObjectWhereAStringBelongsNamesTheField) {
  auto src = make(options({{"email", "/contact"}}));
  auto events = src->parse(post(R"({"contact": {"email": "x"}})"), now_);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().kind, core::error_kind::unmappable);
  EXPECT_EQ(events.failure().message,
            "email: JSON pointer /contact points at an object; expected a string, number or boolean");
}

TEST_F(GenericSource, MalformedJsonSaysWhere) {
  auto src = make(options({{"email", "/email"}}));
  auto events = src->parse(post("{\n  \"email\": \"a@b.c\",\n  oops\n}"), now_);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().kind, core::error_kind::malformed);
  EXPECT_EQ(events.failure().code, "malformed_json");
  EXPECT_NE(events.failure().message.find("at line 3, column 3"), std::string::npos) << events.failure().message;
}

TEST_F(GenericSource, TruncatedJsonIsMalformed) {
  auto src = make(options({{"email", "/email"}}));
  auto events = src->parse(post(R"({"email": "a@b.c")"), now_);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().kind, core::error_kind::malformed);
}

TEST_F(GenericSource, NonObjectBodyIsUnmappable) {
  auto src = make(options({{"email", "/email"}}));
  auto events = src->parse(post("[1, 2]"), now_);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().code, "not_an_object");
}

TEST_F(GenericSource, ContentTypeMustBeJsonWhenGiven) {
  auto src = make(options({{"email", "/email"}}));
  EXPECT_TRUE(src->parse(post(R"({"email":"a@b.c"})", "application/json; charset=utf-8"), now_).ok());
  EXPECT_TRUE(src->parse(post(R"({"email":"a@b.c"})", "application/cloudevents+json"), now_).ok());
  EXPECT_TRUE(src->parse(post(R"({"email":"a@b.c"})", ""), now_).ok());
  auto form = src->parse(post("email=a%40b.c", "application/x-www-form-urlencoded"), now_);
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.failure().kind, core::error_kind::unsupported_media);
}

TEST_F(GenericSource, FactoryRejectsBadMappings) {
  auto built = registry_.source("generic")->create(
      "website", options({{"email", "email"}, {"shoe_size", "/s"}}, {{"event_id", "x"}}, {{"page", "/p~2"}}));
  EXPECT_EQ(built.instance, nullptr);
  std::vector<std::string> keys;
  for (const auto& e : built.errors) {
    keys.push_back(e.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"map.email", "map.shoe_size", "defaults.event_id", "attributes.page"}));
  EXPECT_EQ(built.errors[0].message,
            "expected a JSON pointer starting with '/' (e.g. \"/contact/email\"), got \"email\"");
}

TEST_F(GenericSource, FactoryNeedsSomethingToIdentifyALead) {
  auto built = registry_.source("generic")->create("website", options({{"company", "/company"}}));
  ASSERT_EQ(built.errors.size(), 1u);
  EXPECT_EQ(built.errors[0].key, "map");
}

TEST_F(GenericSource, SelectsArrayElementsByContent) {
  auto src = make(options({{"event_id", "/id"},
                           {"email", "/answers/[field.ref=email_q]/email"},
                           {"first_name", "/answers/[field.ref=name_q]/text"},
                           {"company", "/answers/[type=text]/[k=a~1b]/v"},
                           {"phone", "/answers/[field.ref=missing]/text"}}));
  auto events = src->parse(post(R"({"id": "s1", "answers": [
      {"type": "email", "email": "ada@example.com", "field": {"ref": "email_q"}},
      {"type": "text", "text": "Ada", "field": {"ref": "name_q"}},
      [{"k": "a/b", "v": "nested"}]]})"),
                           now_);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  const core::event& e = events->front();
  EXPECT_EQ(e.email, "ada@example.com");
  EXPECT_EQ(e.first_name, "Ada");
  EXPECT_TRUE(e.company.empty()) << "the text element is an object, not an array to select in";
  EXPECT_TRUE(e.phone.empty());
}

TEST_F(GenericSource, SelectionComparesNumbersAndBooleansByTheirJsonText) {
  auto src = make(options({{"email", "/people/[id=7]/email"}, {"first_name", "/people/[vip=true]/name"}}));
  auto events = src->parse(post(R"({"people": [{"id": 6, "email": "no@x.y"}, {"id": 7, "email": "yes@x.y"},
      {"vip": true, "name": "Grace"}]})"),
                           now_);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  EXPECT_EQ(events->front().email, "yes@x.y");
  EXPECT_EQ(events->front().first_name, "Grace");
}

TEST_F(GenericSource, ConstantsWinOverTheBodyAndDefaults) {
  core::option_values v = options({{"email", "/email"}, {"kind", "/type"}}, {{"company", "fallback"}});
  v.set("constants", core::string_map{{"kind", "webinar_attended"}, {"company", "Webinar Co"}});
  auto events = make(v)->parse(post(R"({"email": "ada@example.com", "type": "form_submit"})"), now_);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->front().kind, "webinar_attended");
  EXPECT_EQ(events->front().company, "Webinar Co");
}

TEST_F(GenericSource, OccurredAtAcceptsRfc3339) {
  auto src = make(options({{"email", "/email"}, {"occurred_at", "/at"}}));
  auto events = src->parse(post(R"({"email": "a@b.c", "at": "2023-11-14T23:13:20.250+01:00"})"), now_);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(core::to_millis(events->front().occurred_at), 1'700'000'000'250);
  auto garbage = src->parse(post(R"({"email": "a@b.c", "at": "last tuesday"})"), now_);
  ASSERT_TRUE(garbage.ok());
  EXPECT_EQ(core::to_millis(garbage->front().occurred_at), core::to_millis(now_)) << "unreadable: now";
}

TEST_F(GenericSource, FactoryRejectsBadSelectionsAndFixedIds) {
  core::option_values v = options({{"email", "/a/[field.ref]/x"}, {"first_name", "/a/[=x]"}, {"phone", "/a/[.b=x]"}});
  v.set("constants", core::string_map{{"event_id", "same-for-all"}, {"kind", "demo_request"}});
  auto built = registry_.source("generic")->create("website", v);
  EXPECT_EQ(built.instance, nullptr);
  std::vector<std::string> keys;
  for (const auto& e : built.errors) {
    keys.push_back(e.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"map.email", "map.first_name", "map.phone", "constants.event_id"}));
  EXPECT_NE(built.errors[0].message.find("expected [key=value]"), std::string::npos) << built.errors[0].message;
}

TEST(JsonBody, Rfc3339) {
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T22:13:20Z")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14t22:13:20.1z")), 1'700'000'000'100);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T22:13:20.123456Z")), 1'700'000'000'123);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T17:13:20-05:00")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14 23:43:20+0130")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2016-12-31T23:59:60Z")), 1'483'228'799'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("1970-01-01T00:00:00Z")), 0);
  for (const char* bad : {"2023-11-14", "2023-11-14T22:13:20", "2023-02-30T00:00:00Z", "2023-11-14T24:00:00Z",
                          "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+01", "2023-11-14T22:13:20Zjunk", "",
                          "2023-11-14T22:13:20 01:00", "2023-11-14T22:13:20+01:0x",
                          "yesterday at noon, UTC"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
  EXPECT_EQ(core::to_millis(*parse_timestamp("1700000000")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_timestamp("2023-11-14T22:13:20Z")), 1'700'000'000'000);
}

TEST(JsonBody, PathsFollowRfc6901AndSelections) {
  const auto doc = parse_json_body(R"({"a/b": {"~": [10, 20]}, "list": [{"k": {"x": "1"}, "v": "one"}], "": 5})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(text_at(*doc, "/a~1b/~0/1"), "20");
  EXPECT_EQ(find_at_path(*doc, "/a~1b/~0/01"), nullptr) << "no leading zeros";
  EXPECT_EQ(find_at_path(*doc, "/a~1b/~0/2"), nullptr);
  EXPECT_EQ(scalar_text(*find_at_path(*doc, "/list/[k.x=1]/v")), "one");
  EXPECT_EQ(find_at_path(*doc, "/list/[k.x=2]/v"), nullptr);
  EXPECT_EQ(find_at_path(*doc, "/"), find_at_path(*doc, "/"));
  EXPECT_EQ(text_at(*doc, "/"), "5");
  EXPECT_EQ(find_at_path(*doc, ""), &*doc);
  EXPECT_EQ(find_at_path(*doc, "no-slash"), nullptr);
  EXPECT_EQ(first_text_at(*doc, {"/missing", "/list/0/v"}), "one");
  EXPECT_FALSE(check_json_path("/list/[k.x=1]/v").has_value());
  EXPECT_TRUE(check_json_path("/list/[k..x=1]").has_value());
}

TEST(JsonBody, EpochSecondsAndMilliseconds) {
  EXPECT_EQ(core::to_millis(*parse_epoch("1700000000")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_epoch("1700000000123")), 1'700'000'000'123);
  EXPECT_EQ(core::to_millis(*parse_epoch("1700000000.5")), 1'700'000'000'000);
  EXPECT_FALSE(parse_epoch("yesterday").has_value());
  EXPECT_FALSE(parse_epoch("-5").has_value());
}

TEST(JsonBody, Sha256MatchesTheKnownDigest) {
  // FIPS 180-2 test vector for "abc".
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace leadsync::adapters
