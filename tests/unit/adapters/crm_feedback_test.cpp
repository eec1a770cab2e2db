// CRM-feedback source formats (hubspot-crm, crm-feedback): option validation
// and edge cases. The realistic payloads live in tests/fixtures/sources/.
#include <gtest/gtest.h>

#include "adapters/builtin.hpp"

namespace leadsync::adapters {
namespace {

const core::timestamp now = core::from_millis(1'700'000'000'000);

core::inbound_request post(std::string body) {
  core::inbound_request r;
  r.method = "POST";
  r.target = "/hooks/crm";
  r.headers.emplace_back("content-type", "application/json; charset=utf-8");
  r.body = std::move(body);
  return r;
}

// One HubSpot webhook event as a JSON object.
std::string change(const std::string& property, const std::string& value, int event_id = 1,
                   const std::string& extra = R"(,"subscriptionType":"contact.propertyChange")") {
  return R"({"eventId":)" + std::to_string(event_id) + R"(,"portalId":7,"objectId":99,"occurredAt":1700000000000,)" +
         R"("propertyName":")" + property + R"(","propertyValue":")" + value + "\"" + extra + "}";
}

class CrmFeedbackSources : public ::testing::Test {
 protected:
  CrmFeedbackSources() { register_builtin(registry_); }

  core::build_result<core::source_adapter> build(std::string_view format, const core::option_values& v = {}) {
    const auto* factory = registry_.source(format);
    EXPECT_NE(factory, nullptr) << format;
    return factory->create("crm", v);
  }
  std::unique_ptr<core::source_adapter> make(std::string_view format, const core::option_values& v = {}) {
    auto built = build(format, v);
    EXPECT_TRUE(built.errors.empty()) << built.errors.front().key << ": " << built.errors.front().message;
    return std::move(built.instance);
  }
  // The stages a HubSpot body yields, in order.
  std::vector<std::string> stages(const core::source_adapter& src, const std::string& body) {
    auto r = src.parse(post(body), now);
    EXPECT_TRUE(r.ok()) << r.failure().message;
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& e : *r) {
        out.push_back(e.attributes.at("stage"));
      }
    }
    return out;
  }

  core::registry registry_;
};

using stages_t = std::vector<std::string>;

// ---- hubspot-crm ------------------------------------------------------------

TEST_F(CrmFeedbackSources, AreRegistered) {
  ASSERT_NE(registry_.source("hubspot-crm"), nullptr);
  ASSERT_NE(registry_.source("crm-feedback"), nullptr);
}

TEST_F(CrmFeedbackSources, HubspotValidatesStageMaps) {
  core::option_values v;
  v.set("stage_map", core::string_map{{"Customer", "won"}, {"customer", "customer"}, {"12345", "Not A Stage"}});
  v.set("lead_status_map", core::string_map{{"", "sal"}});
  v.set("rejected_values", std::vector<std::string>{""});
  auto built = build("hubspot-crm", v);
  std::vector<std::string> keys;
  for (const auto& e : built.errors) {
    keys.push_back(e.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"stage_map.12345", "stage_map.customer", "lead_status_map",
                                            "rejected_values"}));
  EXPECT_EQ(built.instance, nullptr);
}

TEST_F(CrmFeedbackSources, HubspotStageMapOverlaysDefaultsAndMatchesAnyCase) {
  core::option_values v;
  v.set("stage_map", core::string_map{{"1234567", "pql"}, {"Lead", "engaged"}});
  auto src = make("hubspot-crm", v);
  EXPECT_EQ(stages(*src, "[" + change("lifecyclestage", "1234567") + "," + change("lifecyclestage", "lead", 2) + "," +
                             change("lifecyclestage", "CUSTOMER", 3) + "," + change("lifecyclestage", "98765", 4) +
                             "]"),
            (stages_t{"pql", "engaged", "customer"}));
}

TEST_F(CrmFeedbackSources, HubspotLeadStatusMapsRejectsAndCanBeTurnedOff) {
  auto src = make("hubspot-crm");
  const std::string body = "[" + change("hs_lead_status", "IN_PROGRESS") + "," + change("hs_lead_status", "NEW", 2) +
                           "," + change("hs_lead_status", "bad_timing", 3) + "]";
  EXPECT_EQ(stages(*src, body), (stages_t{"sal", "recycled"}));

  core::option_values off;
  off.set("lead_status", false);
  EXPECT_EQ(stages(*make("hubspot-crm", off), body), stages_t{});

  core::option_values custom;
  custom.set("rejected_values", std::vector<std::string>{"NEW"});
  auto r = make("hubspot-crm", custom)->parse(post(body), now);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(r->at(1).attributes.at("reason"), "NEW");
  EXPECT_EQ(r->at(1).attributes.at("stage"), "recycled");
}

TEST_F(CrmFeedbackSources, HubspotSkipsWhatIsNoContactStageChange) {
  core::option_values v;
  v.set("ignored_change_sources", std::vector<std::string>{"INTEGRATION"});
  auto src = make("hubspot-crm", v);
  const std::string body =
      "[" + change("lifecyclestage", "", 1) + "," +
      change("lifecyclestage", "customer", 2, R"(,"subscriptionType":"deal.propertyChange")") + "," +
      change("lifecyclestage", "customer", 3, R"(,"subscriptionType":"object.propertyChange","objectTypeId":"0-2")") +
      "," +
      change("lifecyclestage", "customer", 4,
             R"(,"subscriptionType":"contact.propertyChange","changeSource":"INTEGRATION")") +
      "," +
      change("lifecyclestage", "opportunity", 5,
             R"(,"subscriptionType":"object.propertyChange","objectTypeId":"0-1")") +
      "]";
  EXPECT_EQ(stages(*src, body), (stages_t{"opportunity"}));
  EXPECT_EQ(stages(*src, "[]"), stages_t{});
}

TEST_F(CrmFeedbackSources, HubspotErrorsSayWhichElement) {
  auto src = make("hubspot-crm");
  auto r = src->parse(post("[" + change("lifecyclestage", "customer") +
                           R"(,{"subscriptionType":"contact.propertyChange","objectId":5,
                              "propertyName":"lifecyclestage","propertyValue":"customer"}])"),
                      now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, "missing_field");
  EXPECT_NE(r.failure().message.find("/1/eventId"), std::string::npos) << r.failure().message;

  r = src->parse(post(R"([1])"), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, "not_an_object");
  EXPECT_NE(r.failure().message.find("/0"), std::string::npos);
}

TEST_F(CrmFeedbackSources, HubspotKeyStaysTheSameAcrossRetries) {
  auto src = make("hubspot-crm");
  auto attempt = [&](int n) {
    return src->parse(post("[" + change("lifecyclestage", "customer", 11,
                                        R"(,"subscriptionType":"contact.propertyChange","attemptNumber":)" +
                                            std::to_string(n)) +
                           "]"),
                      now);
  };
  auto first = attempt(0);
  auto retry = attempt(3);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(first->front().source_event_id, "7:11:99:lifecyclestage");
  EXPECT_EQ(first->front().source_event_id, retry->front().source_event_id);
}

// ---- crm-feedback -----------------------------------------------------------

TEST_F(CrmFeedbackSources, FeedbackValidatesOptions) {
  core::option_values v;
  v.set("map", core::string_map{{"kind", "/type"}, {"stage", "stage"}});
  v.set("stage_map", core::string_map{{"accepted", "SAL"}});
  v.set("record_system", std::string{"Sales Force"});
  auto built = build("crm-feedback", v);
  std::vector<std::string> keys;
  for (const auto& e : built.errors) {
    keys.push_back(e.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"map.kind", "map.stage", "stage_map.accepted", "record_system"}));
}

TEST_F(CrmFeedbackSources, FeedbackUnknownStageListsTheKnownValues) {
  auto r = make("crm-feedback")->parse(post(R"({"id":"1","email":"a@b.c","stage":"later"})"), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, core::error_kind::unmappable);
  EXPECT_NE(r.failure().message.find("\"later\""), std::string::npos);
  EXPECT_NE(r.failure().message.find("accepted"), std::string::npos) << r.failure().message;
}

TEST_F(CrmFeedbackSources, FeedbackNeedsIdStageAndSomebody) {
  auto src = make("crm-feedback");
  auto missing = [&](const std::string& body) {
    auto r = src->parse(post(body), now);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string{} : r.failure().code + " " + r.failure().message;
  };
  EXPECT_EQ(missing(R"({"email":"a@b.c","stage":"won"})").rfind("missing_field event_id", 0), 0u);
  EXPECT_EQ(missing(R"({"id":"1","email":"a@b.c"})").rfind("missing_field stage", 0), 0u);
  EXPECT_EQ(missing(R"({"id":"1","stage":"won"})").rfind("no_identity", 0), 0u);
  EXPECT_EQ(missing(R"({"id":"1","email":"a@b.c","stage":{"v":"won"}})").rfind("wrong_type stage", 0), 0u);
  EXPECT_EQ(missing("[]").rfind("not_an_object", 0), 0u);
}

TEST_F(CrmFeedbackSources, FeedbackNamesTheRecordAfterTheConfiguredSystem) {
  core::option_values v;
  v.set("record_system", std::string{"pipedrive"});
  v.set("attributes", core::string_map{{"stage", "/other"}});
  auto r = make("crm-feedback", v)->parse(
      post(R"({"id":"1","stage":"WON","record_id":42,"occurred_at":"garbage","other":"x"})"), now);
  ASSERT_TRUE(r.ok()) << r.failure().message;
  const auto& e = r->front();
  EXPECT_EQ(e.kind, "crm_stage_changed");
  EXPECT_EQ(e.external_ids.at("pipedrive_id"), "42");
  EXPECT_EQ(e.anonymous_id, "pipedrive:42");
  EXPECT_EQ(e.attributes.at("stage"), "customer");  // the mapped stage wins over a same-named attribute
  EXPECT_EQ(e.attributes.at("crm_value"), "WON");
  EXPECT_EQ(e.occurred_at, now);
}

}  // namespace
}  // namespace leadsync::adapters
