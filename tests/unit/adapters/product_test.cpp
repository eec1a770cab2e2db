// Product source formats (segment, stripe, auth-user, product) and their
// helpers: option validation and the edge cases the golden fixtures do not
// show. The realistic payloads live in tests/fixtures/sources/.
#include <gtest/gtest.h>

#include "adapters/builtin.hpp"
#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters {
namespace {

using product::parse_rfc3339;
using product::parse_time;

const core::timestamp now = core::from_millis(1'700'000'000'000);

core::inbound_request post(std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  core::inbound_request r;
  r.method = "POST";
  r.target = "/hooks/app";
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

class ProductSources : public ::testing::Test {
 protected:
  ProductSources() { register_builtin(registry_); }

  core::build_result<core::source_adapter> build(std::string_view format, const core::option_values& v = {}) {
    const auto* factory = registry_.source(format);
    EXPECT_NE(factory, nullptr) << format;
    return factory->create("app", v);
  }
  std::unique_ptr<core::source_adapter> make(std::string_view format, const core::option_values& v = {}) {
    auto built = build(format, v);
    EXPECT_TRUE(built.errors.empty()) << built.errors.front().key << ": " << built.errors.front().message;
    return std::move(built.instance);
  }

  core::registry registry_;
};

// ---- helpers ----------------------------------------------------------------

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T22:13:20Z")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T22:13:20.5z")), 1'700'000'000'500);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T22:13:20.123456789Z")), 1'700'000'000'123);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-15T00:13:20+02:00")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14T20:13:20-0200")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2023-11-14 22:13:20Z")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_rfc3339("2024-02-29T00:00:00Z")), 1'709'164'800'000);
}

TEST(Rfc3339, RejectsWhatIsNotAnInstant) {
  for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z",
                          "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+2:00",
                          "2023-11-14T22:13:20Zjunk", "yesterday", "2023-11-14T22:13:20+24:00"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(ParseTime, TakesEpochSecondsMillisecondsOrRfc3339) {
  EXPECT_EQ(core::to_millis(*parse_time("1700000000")), 1'700'000'000'000);
  EXPECT_EQ(core::to_millis(*parse_time("1700000000123")), 1'700'000'000'123);
  EXPECT_EQ(core::to_millis(*parse_time("2023-11-14T22:13:20Z")), 1'700'000'000'000);
  EXPECT_FALSE(parse_time("").has_value());
  EXPECT_FALSE(parse_time("-5").has_value());
}

TEST(SplitName, KeepsTheFirstWordAsFirstName) {
  EXPECT_EQ(product::split_name("Ada Lovelace"), (std::pair<std::string, std::string>{"Ada", "Lovelace"}));
  EXPECT_EQ(product::split_name("  Grace  Brewster Hopper "),
            (std::pair<std::string, std::string>{"Grace", "Brewster Hopper"}));
  EXPECT_EQ(product::split_name("Cher"), (std::pair<std::string, std::string>{"Cher", ""}));
  EXPECT_EQ(product::split_name(""), (std::pair<std::string, std::string>{"", ""}));
}

TEST_F(ProductSources, AreRegistered) {
  for (auto format : {"segment", "stripe", "auth-user", "product"}) {
    ASSERT_NE(registry_.source(format), nullptr) << format;
    EXPECT_FALSE(registry_.source(format)->description().empty());
  }
}

// ---- segment ----------------------------------------------------------------

TEST_F(ProductSources, SegmentValidatesTrackKindsAndProperties) {
  core::option_values v;
  v.set("track_kinds", core::string_map{{"Trial Started", "Trial Started"}, {"", "x"}});
  v.set("keep_properties", std::vector<std::string>{"plan", ""});
  auto built = build("segment", v);
  ASSERT_EQ(built.errors.size(), 3u);
  EXPECT_EQ(built.errors[0].key, "track_kinds");
  EXPECT_EQ(built.errors[1].key, "track_kinds.Trial Started");
  EXPECT_EQ(built.errors[2].key, "keep_properties");
  EXPECT_EQ(built.instance, nullptr);
}

TEST_F(ProductSources, SegmentTrackKindsOverlayTheBuiltInNames) {
  core::option_values v;
  v.set("track_kinds", core::string_map{{"Trial Started", "pql_trial"}, {"Report Exported", "key_action"}});
  auto src = make("segment", v);
  auto kind_of = [&](const std::string& name) {
    auto events = src->parse(post(R"({"type":"track","messageId":"m","userId":"u","event":")" + name + R"("})"), now);
    EXPECT_TRUE(events.ok()) << events.failure().message;
    return events->front().kind;
  };
  EXPECT_EQ(kind_of("Trial Started"), "pql_trial");
  EXPECT_EQ(kind_of("Report Exported"), "key_action");
  EXPECT_EQ(kind_of("Signed Up"), "product_signup");
  EXPECT_EQ(kind_of("Button Clicked"), "product_event");
}

TEST_F(ProductSources, SegmentErrorsSayWhereInTheBatch) {
  auto src = make("segment");
  auto r = src->parse(post(R"({"batch":[{"type":"track","messageId":"a","userId":"u","event":"X"},
                                        {"type":"track","messageId":"b","userId":"u"}]})"),
                      now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, core::error_kind::unmappable);
  EXPECT_NE(r.failure().message.find("/batch/1/event"), std::string::npos) << r.failure().message;

  r = src->parse(post(R"({"type":"identify","messageId":"m","userId":"u","traits":{"email":{"a":1}}})"), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, "wrong_type");
  EXPECT_NE(r.failure().message.find("/traits/email"), std::string::npos) << r.failure().message;

  r = src->parse(post(R"({"type":"identify","messageId":"m","traits":{"email":"a@b.c"}})"), now);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.failure().message.find("userId or anonymousId"), std::string::npos) << r.failure().message;
}

TEST_F(ProductSources, SegmentRejectsBodiesThatAreNoMessages) {
  auto src = make("segment");
  EXPECT_EQ(src->parse(post("[1,2]"), now).failure().code, "not_an_object");
  EXPECT_EQ(src->parse(post(R"({"batch":{}})"), now).failure().code, "wrong_type");
  EXPECT_EQ(src->parse(post(R"({"batch":[7]})"), now).failure().code, "not_an_object");
  EXPECT_EQ(src->parse(post("{}", {{"content-type", "text/plain"}}), now).failure().kind,
            core::error_kind::unsupported_media);
}

TEST_F(ProductSources, SegmentSkipsCallsWithoutALeadSignal) {
  auto src = make("segment");
  for (auto type : {"group", "alias", "screen"}) {
    auto r = src->parse(post(std::string{R"({"type":")"} + type + R"(","messageId":"m","userId":"u"})"), now);
    ASSERT_TRUE(r.ok()) << r.failure().message;
    EXPECT_TRUE(r->empty()) << type;
  }
  auto r = src->parse(post(R"({"batch":[]})"), now);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(ProductSources, SegmentReadsNumbersBatchContextAndFallsBackToNow) {
  auto src = make("segment");
  auto r = src->parse(post(R"({"context":{"traits":{"email":"team@example.com","company":{"name":"Acme"}}},
      "batch":[{"type":"track","messageId":"m1","userId":42,"event":"X","timestamp":"not a time"}]})"),
                      now);
  ASSERT_TRUE(r.ok()) << r.failure().message;
  const auto& e = r->front();
  EXPECT_EQ(e.email, "team@example.com");
  EXPECT_EQ(e.company, "Acme");
  EXPECT_EQ(e.external_ids.at("segment_user_id"), "42");
  EXPECT_EQ(e.anonymous_id, "segment_user:42");
  EXPECT_EQ(e.occurred_at, now);
  EXPECT_EQ(e.received_at, now);
}

TEST_F(ProductSources, SegmentPrefersTheMessageOverTheBatchContext) {
  auto src = make("segment");
  auto r = src->parse(post(R"({"context":{"traits":{"email":"team@example.com"}},
      "batch":[{"type":"identify","messageId":"m1","anonymousId":"a","traits":{"email":"ada@example.com"}}]})"),
                      now);
  ASSERT_TRUE(r.ok()) << r.failure().message;
  EXPECT_EQ(r->front().email, "ada@example.com");
}

// ---- stripe -----------------------------------------------------------------

std::string subscription_event(const std::string& type, const std::string& status, const std::string& extra_object,
                               const std::string& previous = "") {
  return R"({"id":"evt_1","object":"event","created":1700000000,"type":")" + type +
         R"(","data":{"object":{"id":"sub_1","customer":"cus_1","status":")" + status + "\"" + extra_object + "}" +
         (previous.empty() ? "" : R"(,"previous_attributes":)" + previous) + "}}";
}

TEST_F(ProductSources, StripeTellsLifecycleStepsFromOtherChanges) {
  auto src = make("stripe");
  auto kinds = [&](const std::string& body) {
    auto r = src->parse(post(body), now);
    EXPECT_TRUE(r.ok()) << r.failure().message;
    return r->empty() ? std::string{"(ignored)"} : r->front().kind;
  };
  EXPECT_EQ(kinds(subscription_event("customer.subscription.created", "active", "")), "subscription_started");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.created", "trialing", "")), "(ignored)");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.created", "incomplete", "")), "(ignored)");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.updated", "active", "", R"({"items":{}})")), "(ignored)");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.updated", "active", "", R"({"status":"past_due"})")),
            "(ignored)");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.updated", "canceled", "", R"({"status":"active"})")),
            "subscription_canceled");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.updated", "trialing", R"(,"trial_end":1701209600)",
                                     R"({"status":"incomplete"})")),
            "trial_started");
  EXPECT_EQ(kinds(subscription_event("customer.subscription.trial_will_end", "trialing", "")), "(ignored)");
  EXPECT_EQ(kinds(R"({"id":"evt_2","type":"checkout.session.completed","data":{"object":{}}})"), "(ignored)");
}

TEST_F(ProductSources, StripeNeedsAnEventIdAndType) {
  auto src = make("stripe");
  auto r = src->parse(post(R"({"type":"customer.subscription.created","data":{"object":{}}})"), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, "missing_field");
  EXPECT_NE(r.failure().message.find("/id"), std::string::npos);
  EXPECT_EQ(src->parse(post(R"({"id":"evt_1"})"), now).failure().code, "missing_field");
  EXPECT_EQ(src->parse(post(R"({"id":"evt_1","type":"customer.subscription.deleted","data":{"object":"sub_1"}})"),
                       now)
                .failure()
                .code,
            "missing_field");
  EXPECT_EQ(src->parse(post("[]"), now).failure().code, "not_an_object");
}

TEST_F(ProductSources, StripeRejectsOptions) {
  EXPECT_TRUE(registry_.source("stripe")->options().empty());
  EXPECT_TRUE(registry_.source("auth-user")->options().empty());
}

// ---- auth-user --------------------------------------------------------------

constexpr const char* clerk_body =
    R"({"type":"user.created","timestamp":1654012345678,"data":{"id":"user_1",
        "email_addresses":[{"id":"e1","email_address":"first@example.com"},
                           {"id":"e2","email_address":"second@example.com"}]}})";

TEST_F(ProductSources, AuthUserKeysOnTheStandardWebhooksIdWhenSent) {
  auto src = make("auth-user");
  auto key = [&](std::vector<std::pair<std::string, std::string>> headers) {
    auto r = src->parse(post(clerk_body, std::move(headers)), now);
    EXPECT_TRUE(r.ok()) << r.failure().message;
    return r->front().source_event_id;
  };
  EXPECT_EQ(key({}), "user.created:user_1");
  EXPECT_EQ(key({{"webhook-id", "msg_w"}}), "msg_w");
  EXPECT_EQ(key({{"webhook-id", "msg_w"}, {"svix-id", "msg_s"}}), "msg_s");
  EXPECT_EQ(key({{"svix-id", ""}, {"webhook-id", "msg_w"}}), "msg_w");
}

TEST_F(ProductSources, AuthUserTakesTheFirstEmailWithoutAPrimaryId) {
  auto r = make("auth-user")->parse(post(clerk_body), now);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().email, "first@example.com");
  EXPECT_EQ(r->front().kind, "product_signup");
  EXPECT_EQ(core::to_millis(r->front().occurred_at), 1'654'012'345'678);
}

TEST_F(ProductSources, AuthUserWithoutEmailIsKeyedByTheUserId) {
  auto r = make("auth-user")->parse(
      post(R"({"type":"com.auth0.user.created","data":{"object":{"user_id":"sms|1","name":"Ada King Lovelace"}}})"),
      now);
  ASSERT_TRUE(r.ok()) << r.failure().message;
  const auto& e = r->front();
  EXPECT_EQ(e.email, "");
  EXPECT_EQ(e.anonymous_id, "auth0:sms|1");
  EXPECT_EQ(e.first_name, "Ada");
  EXPECT_EQ(e.last_name, "King Lovelace");
  EXPECT_EQ(e.occurred_at, now);
  EXPECT_EQ(e.source_event_id, "com.auth0.user.created:sms|1");
}

TEST_F(ProductSources, AuthUserNeedsAUser) {
  auto src = make("auth-user");
  EXPECT_EQ(src->parse(post(R"({"type":"user.created"})"), now).failure().code, "missing_field");
  EXPECT_EQ(src->parse(post(R"({"type":"user.created","data":{"object":{}}})"), now).failure().code,
            "missing_field");
  EXPECT_EQ(src->parse(post(R"({"type":"user.created","data":{"first_name":"x"}})"), now).failure().code,
            "missing_field");
  EXPECT_EQ(src->parse(post(R"({"data":{}})"), now).failure().code, "missing_field");
  EXPECT_EQ(src->parse(post("{"), now).failure().kind, core::error_kind::malformed);
}

// ---- product ----------------------------------------------------------------

TEST_F(ProductSources, ProductValidatesItsMapping) {
  core::option_values v;
  v.set("map", core::string_map{{"email", "email"}, {"colour", "/c"}});
  v.set("defaults", core::string_map{{"event_id", "x"}});
  v.set("external_ids", core::string_map{{"App User", "/id"}, {"app_user_id", "/id~2"}});
  v.set("attributes", core::string_map{{"plan", "plan"}});
  auto built = build("product", v);
  std::vector<std::string> keys;
  for (const auto& e : built.errors) {
    keys.push_back(e.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"map.colour", "map.email", "defaults.event_id", "attributes.plan",
                                            "external_ids.App User", "external_ids.app_user_id"}));
  EXPECT_EQ(built.instance, nullptr);

  auto no_identity = build("product", {});
  ASSERT_EQ(no_identity.errors.size(), 1u);
  EXPECT_EQ(no_identity.errors[0].key, "map");
}

TEST_F(ProductSources, ProductDefaultsKindAndHashesBodiesWithoutAnId) {
  core::option_values v;
  v.set("map", core::string_map{{"email", "/email"}, {"occurred_at", "/at"}});
  auto src = make("product", v);
  const std::string body = R"({"email":"ada@example.com","at":1700000001})";
  auto a = src->parse(post(body), now);
  auto b = src->parse(post(body), now);
  ASSERT_TRUE(a.ok()) << a.failure().message;
  EXPECT_EQ(a->front().kind, "product_event");
  EXPECT_EQ(core::to_millis(a->front().occurred_at), 1'700'000'001'000);
  EXPECT_EQ(a->front().source_event_id, b->front().source_event_id);
  EXPECT_TRUE(a->front().source_event_id.starts_with("sha256:"));
}

TEST_F(ProductSources, ProductRefusesEventsThatNameNobody) {
  core::option_values v;
  v.set("map", core::string_map{{"email", "/email"}, {"anonymous_id", "/device"}});
  v.set("defaults", core::string_map{{"kind", "feature_used"}});
  auto src = make("product", v);
  auto r = src->parse(post(R"({"name":"x"})"), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, "no_identity");
  auto ok = src->parse(post(R"({"device":"d-1"})"), now);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->front().kind, "feature_used");
  EXPECT_EQ(src->parse(post(R"({"email":["a"]})"), now).failure().code, "wrong_type");
}

}  // namespace
}  // namespace leadsync::adapters
