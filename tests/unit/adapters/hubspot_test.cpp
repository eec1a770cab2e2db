// type = "hubspot": request shapes, answer matching, rate limits, recycling
// and factory checks, with HubSpot's answers scripted after wire-formats.md 4.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <boost/json.hpp>

#include "adapters/builtin.hpp"
#include "core/registry.hpp"
#include "tests/unit/adapters/exchange_driver.hpp"

namespace leadsync::adapters {
namespace {

namespace json = boost::json;
using core::delivery_outcome;

const core::timestamp now = core::from_millis(1'700'000'000'000);  // 2023-11-14T22:13:20Z
const std::string token = "pat-na1-11111111-2222";
const std::string upsert_url = "http://127.0.0.1:9/crm/v3/objects/contacts/batch/upsert";
const std::string update_url = "http://127.0.0.1:9/crm/v3/objects/contacts/batch/update";

core::option_values options() {
  core::option_values v;
  v.set("base_url", std::string{"http://127.0.0.1:9/"});
  v.set("token", token);
  v.set("stages", core::string_map{{"engaged", "lead"},
                                   {"mql", "marketingqualifiedlead"},
                                   {"sql", "salesqualifiedlead"},
                                   {"customer", "customer"}});
  return v;
}

const core::crm_factory& factory() {
  static const core::registry r = [] {
    core::registry reg;
    register_builtin(reg);
    return reg;
  }();
  return *r.crm("hubspot");
}

std::unique_ptr<core::crm_adapter> make(const core::option_values& v = options()) {
  auto built = factory().create("hs", v);
  for (const auto& e : built.errors) {
    ADD_FAILURE() << e.key << ": " << e.message;
  }
  return std::move(built.instance);
}

std::vector<core::option_error> errors_of(const core::option_values& v) {
  auto built = factory().create("hs", v);
  EXPECT_EQ(built.instance == nullptr, !built.errors.empty());
  return std::move(built.errors);
}

core::stage_update update(std::int64_t lead_id, std::string stage, std::string previous = "") {
  core::stage_update u;
  u.connector = "hs";
  u.lead_id = lead_id;
  u.version = 3;
  u.email = "lead" + std::to_string(lead_id) + "@example.com";
  u.stage = std::move(stage);
  u.previous_stage = std::move(previous);
  u.score = 55;
  u.changed_at = now;
  return u;
}

std::string trace(std::int64_t lead_id) { return std::to_string(lead_id) + ":3"; }

json::object result_for(std::int64_t lead_id, std::string id) {
  return {{"id", std::move(id)}, {"objectWriteTraceId", trace(lead_id)}, {"new", false},
          {"properties", {{"email", "lead" + std::to_string(lead_id) + "@example.com"}}}};
}

core::outbound_response envelope(int status, json::array results, json::array errors = {},
                                 core::header_list headers = {}) {
  json::object o{{"status", "COMPLETE"}, {"results", std::move(results)}};
  if (!errors.empty()) {
    o["numErrors"] = errors.size();
    o["errors"] = std::move(errors);
  }
  return tests::answer_with(status, json::serialize(o), std::move(headers));
}

// Every input of a batch request, by email.
std::map<std::string, json::object> inputs_of(const core::outbound_request& r) {
  std::map<std::string, json::object> out;
  const json::value body = json::parse(r.body);
  for (const auto& input : body.at("inputs").as_array()) {
    out[std::string{input.at("id").as_string()}] = input.as_object();
  }
  return out;
}

tests::exchange_run run(core::crm_adapter& c, const std::vector<core::stage_update>& batch,
                        const tests::crm_answer& answer) {
  return tests::run_exchange(c, batch, answer, now);
}

tests::exchange_run run_with(core::crm_adapter& c, const std::vector<core::stage_update>& batch,
                             const core::outbound_response& answer) {
  return run(c, batch, [&](const core::outbound_request&) { return answer; });
}

// ---- requests --------------------------------------------------------------

TEST(HubspotConnector, UpsertsContactsByEmailWithStageAndMappedPropertiesAsStrings) {
  core::option_values v = options();
  v.set("properties", core::string_map{{"firstname", "first_name"},
                                       {"company", "company"},
                                       {"lead_score", "score"},
                                       {"plan", "fields.plan"}});
  v.set("ca_file", std::string{"/etc/ca.pem"});
  auto c = make(v);
  auto u = update(7, "mql");
  u.fields = {{"first_name", "Ada"}, {"plan", "pro"}};
  const auto r = run_with(*c, {u}, envelope(200, {result_for(7, "501")}));
  ASSERT_EQ(r.sent.size(), 1u);
  const auto& req = r.sent[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, upsert_url);
  EXPECT_EQ(req.timeout, std::chrono::milliseconds{30'000});
  EXPECT_EQ(req.ca_file, "/etc/ca.pem");
  const core::header_list headers{{"authorization", "Bearer " + token}, {"content-type", "application/json"}};
  EXPECT_EQ(req.headers, headers);
  const json::value expected = json::parse(R"({"inputs":[{"idProperty":"email","id":"lead7@example.com",
      "objectWriteTraceId":"7:3","properties":{"email":"lead7@example.com","lifecyclestage":"marketingqualifiedlead",
      "firstname":"Ada","lead_score":"55","plan":"pro"}}]})");
  EXPECT_EQ(json::parse(req.body), expected);  // company has no value: left out
  ASSERT_EQ(r.result.records.size(), 1u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records[0].external_id, (std::pair<std::string, std::string>{"hubspot_contact_id", "501"}));
  EXPECT_FALSE(r.result.pause_until);
}

TEST(HubspotConnector, MaxBatchIsTheConfiguredBatchSize) {
  EXPECT_EQ(make()->max_batch(), 100u);
  core::option_values v = options();
  v.set("batch_size", std::int64_t{10});
  EXPECT_EQ(make(v)->max_batch(), 10u);
}

TEST(HubspotConnector, UnmappedStagesAreSkippedWithoutARequest) {
  auto c = make();
  const auto alone = run(*c, {update(1, "lost")}, [](const core::outbound_request&) {
    ADD_FAILURE() << "nothing to send";
    return tests::answer_with(500);
  });
  EXPECT_TRUE(alone.sent.empty());
  ASSERT_EQ(alone.result.records.size(), 1u);
  EXPECT_EQ(alone.result.records[0].outcome, delivery_outcome::skipped);
  EXPECT_NE(alone.result.records[0].message.find("\"lost\""), std::string::npos);
  EXPECT_EQ(c->status().api_calls, 0u);

  const auto mixed = run_with(*c, {update(1, "lost"), update(2, "sql")}, envelope(200, {result_for(2, "9")}));
  ASSERT_EQ(mixed.sent.size(), 1u);
  EXPECT_EQ(inputs_of(mixed.sent[0]).size(), 1u);
  EXPECT_EQ(mixed.result.records[0].outcome, delivery_outcome::skipped);
  EXPECT_EQ(mixed.result.records[1].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, AnonymousUpdatesAreRejectedAndNeverSent) {
  auto c = make();
  auto anonymous = update(3, "mql");
  anonymous.email.clear();
  const auto r = run_with(*c, {anonymous, update(4, "mql")}, envelope(200, {result_for(4, "44")}));
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(inputs_of(r.sent[0]).count(""), 0u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records[0].code, "no_email");
  EXPECT_NE(r.result.records[0].message.find("no email"), std::string::npos);
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, OneEmailIsSentOnceAndTheLaterUpdateWins) {
  auto c = make();
  auto first = update(5, "engaged");
  auto second = update(6, "mql");
  second.email = "LEAD5@example.com";
  const auto r = run(*c, {first, second}, [](const core::outbound_request& req) {
    const auto inputs = json::parse(req.body).at("inputs").as_array();
    EXPECT_EQ(inputs.size(), 1u);
    EXPECT_EQ(inputs.at(0).at("objectWriteTraceId"), "6:3");
    return envelope(200, {result_for(6, "66")});
  });
  ASSERT_EQ(r.result.records.size(), 2u);
  for (const auto& rec : r.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::delivered);
    EXPECT_EQ(rec.external_id->second, "66");
  }
}

// ---- results ---------------------------------------------------------------

TEST(HubspotConnector, ResultsMatchByTraceIdInAnyOrder) {
  auto c = make();
  const auto r = run_with(*c, {update(1, "mql"), update(2, "sql"), update(3, "customer")},
                          envelope(200, {result_for(3, "303"), result_for(1, "101"), result_for(2, "202")}));
  ASSERT_EQ(r.result.records.size(), 3u);
  EXPECT_EQ(r.result.records[0].external_id->second, "101");
  EXPECT_EQ(r.result.records[1].external_id->second, "202");
  EXPECT_EQ(r.result.records[2].external_id->second, "303");
}

TEST(HubspotConnector, ResultsWithoutTraceIdMatchByEmailInAnyCase) {
  auto c = make();
  json::object a{{"id", "11"}, {"properties", {{"email", "LEAD2@Example.com"}}}};
  json::object b{{"id", "22"}, {"properties", {{"email", "lead1@example.com"}}}};
  const auto r = run_with(*c, {update(1, "mql"), update(2, "mql")}, envelope(200, {a, b}));
  EXPECT_EQ(r.result.records[0].external_id->second, "22");
  EXPECT_EQ(r.result.records[1].external_id->second, "11");
}

TEST(HubspotConnector, MultiStatusDeliversRejectsAndRetriesRecordByRecord) {
  auto c = make();
  json::object invalid{{"status", "error"},
                       {"category", "VALIDATION_ERROR"},
                       {"message", "Property values were not valid"},
                       {"correlationId", "c0ffee"},
                       {"context", {{"objectWriteTraceId", json::array{trace(2)}}}},
                       {"errors", json::array{{{"message", "bad option"}, {"code", "INVALID_OPTION"}}}}};
  const auto r = run_with(*c, {update(1, "mql"), update(2, "mql"), update(3, "mql")},
                          envelope(207, {result_for(1, "101")}, {invalid}));
  ASSERT_EQ(r.result.records.size(), 3u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  const auto& rejected = r.result.records[1];
  EXPECT_EQ(rejected.outcome, delivery_outcome::reject);
  EXPECT_EQ(rejected.code, "INVALID_OPTION");
  EXPECT_NE(rejected.message.find("Property values were not valid"), std::string::npos);
  EXPECT_NE(rejected.message.find("c0ffee"), std::string::npos);
  EXPECT_EQ(r.result.records[2].outcome, delivery_outcome::retry);  // neither in results nor errors
  EXPECT_NE(r.result.records[2].message.find("did not mention"), std::string::npos);
}

TEST(HubspotConnector, ErrorsWithoutTraceIdMatchByTheEmailTheyName) {
  auto c = make();
  json::object by_message{{"category", "PROPERTY_DOESNT_EXIST"},
                          {"message", "Property \"plan\" does not exist for LEAD1@example.com"}};
  json::object by_context{{"category", "INVALID_EMAIL"}, {"message", "Email is invalid"},
                          {"context", {{"id", json::array{"lead2@example.com"}}}}};
  json::object nobody{{"category", "VALIDATION_ERROR"}, {"message", "something else"}};
  const auto r =
      run_with(*c, {update(1, "mql"), update(2, "mql")}, envelope(207, {}, {by_message, by_context, nobody}));
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records[0].code, "PROPERTY_DOESNT_EXIST");
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records[1].code, "INVALID_EMAIL");
}

TEST(HubspotConnector, OneErrorEntryMayNameSeveralRecordsAndRateLimitEntriesRetry) {
  auto c = make();
  json::object both{{"category", "VALIDATION_ERROR"}, {"message", "nope"},
                    {"context", {{"objectWriteTraceId", json::array{trace(1), trace(2)}}}}};
  json::object later{{"category", "RATE_LIMITS"}, {"message", "try later"},
                     {"context", {{"objectWriteTraceId", json::array{trace(3)}}}}};
  const auto r = run_with(*c, {update(1, "mql"), update(2, "mql"), update(3, "mql")},
                          envelope(207, {}, {both, later}));
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records[1].code, "VALIDATION_ERROR");
  EXPECT_EQ(r.result.records[2].outcome, delivery_outcome::retry);
}

TEST(HubspotConnector, AnUnreadableSuccessIsRetried) {
  auto c = make();
  const auto r = run_with(*c, {update(1, "mql")}, tests::answer_with(200, "<html>ok</html>"));
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::retry);
  EXPECT_NE(r.result.records[0].message.find("readable"), std::string::npos);
}

// ---- whole-request failures ------------------------------------------------

TEST(HubspotConnector, CredentialTroubleRetriesWithAConfigurationMessage) {
  for (const auto& [status, category] : {std::pair{401, "INVALID_AUTHENTICATION"}, std::pair{403, "MISSING_SCOPES"}}) {
    auto c = make();
    const json::object body{{"status", "error"}, {"message", "Authentication credentials not found"},
                            {"correlationId", "abc"}, {"category", category}};
    const auto r =
        run_with(*c, {update(1, "mql"), update(2, "sql")}, tests::answer_with(status, json::serialize(body)));
    for (const auto& rec : r.result.records) {
      EXPECT_EQ(rec.outcome, delivery_outcome::retry) << status;
      EXPECT_EQ(rec.code, category);
      EXPECT_NE(rec.message.find("credentials or scopes"), std::string::npos) << rec.message;
      EXPECT_EQ(rec.message.find(token), std::string::npos);
    }
  }
}

TEST(HubspotConnector, BadRequestRejectsAllButTooManyInputsRetries) {
  auto c = make();
  const json::object bad{{"status", "error"}, {"message", "Invalid input JSON on line 1"}, {"correlationId", "x1"},
                         {"category", "VALIDATION_ERROR"}};
  const auto rejected =
      run_with(*c, {update(1, "mql"), update(2, "mql")}, tests::answer_with(400, json::serialize(bad)));
  for (const auto& rec : rejected.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::reject);
    EXPECT_EQ(rec.code, "VALIDATION_ERROR");
    EXPECT_NE(rec.message.find("Invalid input JSON on line 1 (correlationId x1)"), std::string::npos);
  }
  const json::object too_many{{"status", "error"}, {"message", "inputs: size must be between 1 and 100"},
                              {"category", "VALIDATION_ERROR"}};
  const auto retried = run_with(*c, {update(1, "mql")}, tests::answer_with(400, json::serialize(too_many)));
  EXPECT_EQ(retried.result.records[0].outcome, delivery_outcome::retry);
  EXPECT_NE(retried.result.records[0].message.find("batch_size"), std::string::npos);
}

TEST(HubspotConnector, TransientFailuresRetryWithRetryAfter) {
  core::outbound_response dropped;
  dropped.transport_error = "timed out";
  const std::vector<core::outbound_response> answers{
      dropped, tests::answer_with(502, "bad gateway"), tests::answer_with(408),
      tests::answer_with(477, "Migration in progress", {{"retry-after", "20"}}),
      tests::answer_with(503, "", {{"retry-after", "Tue, 14 Nov 2023 22:14:20 GMT"}})};
  const std::vector<std::optional<std::chrono::milliseconds>> waits{
      std::nullopt, std::nullopt, std::nullopt, std::chrono::seconds{20}, std::chrono::seconds{60}};
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto c = make();
    const auto r = run_with(*c, {update(1, "mql")}, answers[i]);
    EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::retry) << answers[i].status;
    EXPECT_EQ(r.result.records[0].retry_after, waits[i]) << answers[i].status;
    EXPECT_FALSE(r.result.pause_until);
  }
}

// ---- rate limits -----------------------------------------------------------

core::exchange_result throttled(const std::string& policy, core::header_list headers = {},
                                std::string message = "You have reached your limit.") {
  auto c = make();
  json::object body{{"status", "error"}, {"message", std::move(message)}, {"errorType", "RATE_LIMIT"}};
  if (!policy.empty()) {
    body["policyName"] = policy;
  }
  return run_with(*c, {update(1, "mql"), update(2, "sql")},
                  tests::answer_with(429, json::serialize(body), std::move(headers)))
      .result;
}

void expect_paused_for(const core::exchange_result& r, std::chrono::milliseconds wait) {
  ASSERT_TRUE(r.pause_until);
  EXPECT_EQ(*r.pause_until, now + wait);
  EXPECT_FALSE(r.pause_reason.empty());
  for (const auto& rec : r.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::retry);
    EXPECT_EQ(rec.retry_after, wait);
  }
}

TEST(HubspotConnector, TenSecondlyLimitPausesForTheWindowHubSpotReports) {
  const auto r = throttled("TEN_SECONDLY_ROLLING", {{"x-hubspot-ratelimit-interval-milliseconds", "5000"}});
  expect_paused_for(r, std::chrono::milliseconds{5000});
  EXPECT_NE(r.pause_reason.find("TEN_SECONDLY_ROLLING"), std::string::npos);
  expect_paused_for(throttled("TEN_SECONDLY_ROLLING"), std::chrono::milliseconds{10'000});
}

TEST(HubspotConnector, SecondlyLimitPausesOneSecond) {
  expect_paused_for(throttled("SECONDLY"), std::chrono::milliseconds{1000});
  // The search API's answer names it only in the message.
  expect_paused_for(throttled("", {}, "You have reached your secondly limit."), std::chrono::milliseconds{1000});
}

TEST(HubspotConnector, DailyLimitPausesUntilMidnightUtc) {
  // now is 2023-11-14T22:13:20Z; the next 00:00 UTC is 1'700'006'400 s.
  const auto r = throttled("DAILY");
  expect_paused_for(r, core::from_millis(1'700'006'400'000) - now);
}

TEST(HubspotConnector, RetryAfterWinsOverThePolicy) {
  expect_paused_for(throttled("DAILY", {{"retry-after", "30"}}), std::chrono::milliseconds{30'000});
}

TEST(HubspotConnector, AnEmptyWindowAfterSuccessPausesProactively) {
  auto c = make();
  const auto r = run_with(*c, {update(1, "mql")},
                          envelope(200, {result_for(1, "7")}, {},
                                   {{"x-hubspot-ratelimit-remaining", "0"},
                                    {"x-hubspot-ratelimit-interval-milliseconds", "10000"}}));
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  ASSERT_TRUE(r.result.pause_until);
  EXPECT_EQ(*r.result.pause_until, now + std::chrono::seconds{10});

  const auto plenty = run_with(*c, {update(1, "mql")},
                               envelope(200, {result_for(1, "7")}, {}, {{"x-hubspot-ratelimit-remaining", "42"}}));
  EXPECT_FALSE(plenty.result.pause_until);
}

TEST(HubspotConnector, StatusReportsTheDailyQuotaAndCountsEveryRequest) {
  core::option_values v = options();
  v.set("allow_backwards", true);
  auto c = make(v);
  EXPECT_FALSE(c->status().api_limit);
  run_with(*c, {update(1, "mql")},
           envelope(200, {result_for(1, "7")}, {},
                    {{"x-hubspot-ratelimit-daily", "250000"}, {"x-hubspot-ratelimit-daily-remaining", "249000"}}));
  auto s = c->status();
  EXPECT_EQ(s.api_limit, 250'000);
  EXPECT_EQ(s.api_used, 1'000);
  EXPECT_EQ(s.api_calls, 1u);
  // A recycle takes two requests; usage follows the last answer.
  run(*c, {update(2, "mql", "customer")}, [](const core::outbound_request& req) {
    return envelope(200, {result_for(2, "8")}, {},
                    {{"x-hubspot-ratelimit-daily", "250000"},
                     {"x-hubspot-ratelimit-daily-remaining", req.url == update_url ? "248999" : "248998"}});
  });
  s = c->status();
  EXPECT_EQ(s.api_used, 1'002);
  EXPECT_EQ(s.api_calls, 3u);
}

TEST(HubspotConnector, AnExhaustedDailyQuotaPausesUntilMidnight) {
  auto c = make();
  const auto r = run_with(*c, {update(1, "mql")},
                          envelope(200, {result_for(1, "7")}, {},
                                   {{"x-hubspot-ratelimit-daily", "250000"},
                                    {"x-hubspot-ratelimit-daily-remaining", "0"}}));
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.pause_until, core::from_millis(1'700'006'400'000));
}

// ---- moving back (recycling) -----------------------------------------------

core::option_values recycling() {
  core::option_values v = options();
  v.set("allow_backwards", true);
  return v;
}

TEST(HubspotConnector, ABackwardMoveClearsTheStageFirstInItsOwnRequest) {
  auto c = make(recycling());
  // Lead 1 goes back from customer to mql; lead 2 goes forward.
  const auto r = run(*c, {update(1, "mql", "customer"), update(2, "sql", "mql")},
                     [](const core::outbound_request& req) {
                       if (req.url == update_url) {
                         return envelope(200, {json::object{{"id", "101"}, {"objectWriteTraceId", trace(1)}}});
                       }
                       return envelope(200, {result_for(1, "101"), result_for(2, "202")});
                     });
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(r.sent[0].url, update_url);
  const auto cleared = inputs_of(r.sent[0]);
  ASSERT_EQ(cleared.size(), 1u);
  const json::value expected_clear = json::parse(R"({"idProperty":"email","id":"lead1@example.com",
      "objectWriteTraceId":"1:3","properties":{"lifecyclestage":""}})");
  EXPECT_EQ(json::value(cleared.at("lead1@example.com")), expected_clear);

  EXPECT_EQ(r.sent[1].url, upsert_url);
  const auto written = inputs_of(r.sent[1]);
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written.at("lead1@example.com").at("properties").at("lifecyclestage"), "marketingqualifiedlead");
  EXPECT_EQ(written.at("lead2@example.com").at("properties").at("lifecyclestage"), "salesqualifiedlead");
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, WithoutAllowBackwardsABackwardMoveIsSentAsItIs) {
  auto c = make();
  const auto r = run_with(*c, {update(1, "mql", "customer")}, envelope(200, {result_for(1, "101")}));
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].url, upsert_url);
  EXPECT_EQ(inputs_of(r.sent[0]).at("lead1@example.com").at("properties").at("lifecyclestage"),
            "marketingqualifiedlead");
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, ForwardMovesAndUnmappedPreviousStagesNeedNoClear) {
  auto c = make(recycling());
  const auto r = run_with(*c, {update(1, "sql", "mql"), update(2, "engaged", "nurture"), update(3, "mql", "mql")},
                          envelope(200, {result_for(1, "1"), result_for(2, "2"), result_for(3, "3")}));
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].url, upsert_url);
}

TEST(HubspotConnector, AClearOfContactsNotThereYetStillProceeds) {
  auto c = make(recycling());
  json::object not_found{{"status", "error"}, {"category", "OBJECT_NOT_FOUND"},
                         {"message", "Could not get some CONTACT objects, they may be deleted or not exist."},
                         {"context", {{"ids", json::array{"lead1@example.com"}}}}};
  const auto r = run(*c, {update(1, "mql", "customer"), update(2, "engaged", "sql")},
                     [&](const core::outbound_request& req) {
                       if (req.url == update_url) {
                         return envelope(207, {json::object{{"id", "202"}, {"objectWriteTraceId", trace(2)}}},
                                         {not_found});
                       }
                       return envelope(200, {result_for(1, "101"), result_for(2, "202")});
                     });
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(inputs_of(r.sent[1]).size(), 2u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, AWholeClearRefusedForAnUnknownContactIsSentAgainWithoutIt) {
  auto c = make(recycling());
  const json::object not_found{{"status", "error"}, {"category", "OBJECT_NOT_FOUND"},
                               {"message", "Could not get some CONTACT objects"},
                               {"context", {{"ids", json::array{"lead2@example.com"}}}}};
  const auto r = run(*c, {update(1, "mql", "customer"), update(2, "engaged", "sql")},
                     [&](const core::outbound_request& req) {
                       if (req.url == update_url && inputs_of(req).size() == 2) {
                         return tests::answer_with(404, json::serialize(not_found));
                       }
                       if (req.url == update_url) {
                         return envelope(200, {json::object{{"id", "101"}, {"objectWriteTraceId", trace(1)}}});
                       }
                       return envelope(200, {result_for(1, "101"), result_for(2, "202")});
                     });
  ASSERT_EQ(r.sent.size(), 3u);
  EXPECT_EQ(inputs_of(r.sent[1]).size(), 1u);
  EXPECT_EQ(inputs_of(r.sent[1]).count("lead1@example.com"), 1u);
  EXPECT_EQ(r.sent[2].url, upsert_url);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, AClearRefusedForOneContactRejectsOnlyThatOne) {
  auto c = make(recycling());
  const json::object invalid{{"category", "VALIDATION_ERROR"}, {"message", "lifecyclestage is read-only"},
                             {"context", {{"objectWriteTraceId", json::array{trace(1)}}}}};
  const auto r = run(*c, {update(1, "mql", "customer"), update(2, "engaged", "sql")},
                     [&](const core::outbound_request& req) {
                       if (req.url == update_url) {
                         return envelope(207, {json::object{{"id", "202"}, {"objectWriteTraceId", trace(2)}}},
                                         {invalid});
                       }
                       return envelope(200, {result_for(2, "202")});
                     });
  ASSERT_EQ(r.sent.size(), 2u);
  const auto written = inputs_of(r.sent[1]);
  EXPECT_EQ(written.size(), 1u);
  EXPECT_EQ(written.count("lead2@example.com"), 1u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records[0].code, "VALIDATION_ERROR");
  EXPECT_EQ(r.result.records[1].outcome, delivery_outcome::delivered);
}

TEST(HubspotConnector, AThrottledClearStopsBeforeTheUpsert) {
  auto c = make(recycling());
  const json::object limit{{"status", "error"}, {"policyName", "SECONDLY"}, {"message", "slow"}};
  const auto r = run_with(*c, {update(1, "mql", "customer"), update(2, "sql")},
                          tests::answer_with(429, json::serialize(limit)));
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].url, update_url);
  expect_paused_for(r.result, std::chrono::milliseconds{1000});
}

TEST(HubspotConnector, BackwardMovesFollowACustomLifecycleOrder) {
  core::option_values v = recycling();
  v.set("lifecycle_order", std::vector<std::string>{"lead", "98765", "customer"});
  v.set("stages", core::string_map{{"mql", "98765"}, {"customer", "customer"}});
  auto c = make(v);
  const auto r = run(*c, {update(1, "mql", "customer")}, [](const core::outbound_request& req) {
    return req.url == update_url ? envelope(200, {}) : envelope(200, {result_for(1, "1")});
  });
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(inputs_of(r.sent[1]).at("lead1@example.com").at("properties").at("lifecyclestage"), "98765");
}

// ---- factory ---------------------------------------------------------------

TEST(HubspotFactory, DeclaresItsOptions) {
  std::vector<std::string> names;
  for (const auto& spec : factory().options()) {
    names.push_back(spec.name);
  }
  const std::vector<std::string> expected{"base_url",        "token",           "token_env", "token_file",
                                          "stages",          "lifecycle_order", "allow_backwards",
                                          "properties",      "batch_size",      "timeout_ms", "ca_file"};
  EXPECT_EQ(names, expected);
}

TEST(HubspotFactory, NeedsATokenAndStages) {
  const auto errors = errors_of(core::option_values{});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].key, "token");
  EXPECT_EQ(errors[1].key, "stages");
}

TEST(HubspotFactory, ChecksValuesAndNeverQuotesTheToken) {
  core::option_values v = options();
  v.set("base_url", std::string{"http://api.hubapi.com"});
  v.set("stages", core::string_map{{"mql", "marketingqualifiedlead"}, {"vip", "superfan"}});
  v.set("properties", core::string_map{{"lifecyclestage", "stage"}, {"firstname", ""}});
  v.set("batch_size", std::int64_t{101});
  v.set("timeout_ms", std::int64_t{0});
  const auto errors = errors_of(v);
  std::vector<std::string> keys;
  for (const auto& e : errors) {
    keys.push_back(e.key);
    EXPECT_EQ(e.message.find(token), std::string::npos);
  }
  const std::vector<std::string> expected{"base_url",   "stages.vip", "properties.firstname",
                                          "properties.lifecyclestage", "batch_size", "timeout_ms"};
  EXPECT_EQ(keys, expected);
}

TEST(HubspotFactory, BaseUrlIsHttpsOrLoopback) {
  for (const char* ok : {"https://api.hubapi.com", "http://localhost:8080/hs", "http://127.0.0.1:1"}) {
    core::option_values v = options();
    v.set("base_url", std::string{ok});
    EXPECT_TRUE(errors_of(v).empty()) << ok;
  }
  for (const char* bad : {"ftp://api.hubapi.com", "api.hubapi.com", "https://api.hubapi.com?x=1", "http://10.0.0.1"}) {
    core::option_values v = options();
    v.set("base_url", std::string{bad});
    const auto errors = errors_of(v);
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].key, "base_url");
  }
}

TEST(HubspotFactory, LifecycleOrderMustListEachMappedValueOnce) {
  core::option_values v = options();
  v.set("lifecycle_order", std::vector<std::string>{"lead", "lead", "customer"});
  const auto errors = errors_of(v);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].key, "lifecycle_order");
  EXPECT_EQ(errors[1].key, "stages.mql");
  EXPECT_EQ(errors[2].key, "stages.sql");
}

TEST(HubspotFactory, ReadsTheTokenFromAFile) {
  const std::string path = ::testing::TempDir() + "hubspot_token_test.txt";
  {
    std::ofstream out(path);
    out << "pat-from-file\n";
  }
  core::option_values v;
  v.set("token_file", path);
  v.set("stages", core::string_map{{"mql", "marketingqualifiedlead"}});
  auto c = make(v);
  ASSERT_NE(c, nullptr);
  const auto r = run_with(*c, {update(1, "mql")}, envelope(200, {result_for(1, "1")}));
  EXPECT_EQ(r.sent.at(0).headers.at(0).second, "Bearer pat-from-file");
  EXPECT_EQ(r.sent.at(0).url, "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace leadsync::adapters
