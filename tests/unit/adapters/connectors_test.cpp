#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/builtin.hpp"
#include "tests/unit/adapters/exchange_driver.hpp"

namespace leadsync::adapters {
namespace {

core::stage_update update(std::int64_t lead_id, std::string stage) {
  core::stage_update u;
  u.connector = "crm";
  u.lead_id = lead_id;
  u.email = "lead" + std::to_string(lead_id) + "@example.com";
  u.stage = std::move(stage);
  u.version = 4;
  u.changed_at = core::from_millis(1'700'000'000'000);
  return u;
}

std::unique_ptr<core::crm_adapter> make(std::string_view type, const core::option_values& v) {
  core::registry r;
  register_builtin(r);
  auto built = r.crm(type)->create("crm", v);
  EXPECT_TRUE(built.errors.empty());
  return std::move(built.instance);
}

TEST(JsonlConnector, EncodesOneLinePerUpdateForAFileAppend) {
  core::option_values v;
  v.set("path", std::string{"var/out.jsonl"});
  auto c = make("jsonl", v);
  const std::vector<core::stage_update> batch{update(1, "engaged"), update(2, "mql")};
  core::outbound_response failed;
  failed.transport_error = "disk full";
  const auto run = tests::run_exchange(*c, batch, [&](const core::outbound_request&) { return failed; });
  ASSERT_EQ(run.sent.size(), 1u);
  const auto& req = run.sent[0];
  EXPECT_EQ(req.url, "file:var/out.jsonl");
  const auto nl = req.body.find('\n');
  ASSERT_NE(nl, std::string::npos);
  EXPECT_EQ(boost::json::parse(req.body.substr(0, nl)).at("stage"), "engaged");
  EXPECT_EQ(boost::json::parse(req.body.substr(nl + 1)).at("email"), "lead2@example.com");
  EXPECT_EQ(req.body.back(), '\n');

  const auto& results = run.result.records;
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].outcome, core::delivery_outcome::retry);
  EXPECT_EQ(results[1].message, "disk full");
}

TEST(HttpConnector, PostsJsonWithAnIdempotencyKeyAndConfiguredHeaders) {
  core::option_values v;
  v.set("url", std::string{"http://127.0.0.1:9/stage"});
  v.set("timeout_ms", std::int64_t{2500});
  v.set("headers", core::string_map{{"Authorization", "Bearer t0ken"}});
  auto c = make("http", v);
  EXPECT_EQ(c->max_batch(), 1u);
  const std::vector<core::stage_update> batch{update(7, "mql")};
  const auto run = tests::run_exchange(*c, batch, [](const core::outbound_request&) { return tests::answer_with(200); });
  ASSERT_EQ(run.sent.size(), 1u);
  const auto& req = run.sent[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:9/stage");
  EXPECT_EQ(req.timeout, std::chrono::milliseconds{2500});
  const core::header_list expected{
      {"content-type", "application/json"}, {"idempotency-key", "crm:7:4"}, {"Authorization", "Bearer t0ken"}};
  EXPECT_EQ(req.headers, expected);
  EXPECT_EQ(boost::json::parse(req.body).at("stage"), "mql");
}

TEST(HttpConnector, OnlyTwoHundredsAreDelivered) {
  core::option_values v;
  v.set("url", std::string{"http://127.0.0.1:9/stage"});
  auto c = make("http", v);
  const std::vector<core::stage_update> batch{update(7, "mql")};
  auto first = [&](const core::outbound_response& answer) {
    return tests::run_exchange(*c, batch, [&](const core::outbound_request&) { return answer; }).result.records.at(0);
  };
  core::outbound_response ok;
  ok.status = 204;
  EXPECT_EQ(first(ok).outcome, core::delivery_outcome::delivered);

  core::outbound_response busy;
  busy.status = 429;
  busy.headers = {{"retry-after", "7"}};
  busy.body = "slow down";
  const auto r = first(busy);
  EXPECT_EQ(r.outcome, core::delivery_outcome::retry);
  EXPECT_EQ(r.retry_after, std::chrono::milliseconds{7000});
  EXPECT_EQ(r.message, "HTTP 429: slow down");

  core::outbound_response bad;
  bad.status = 400;
  EXPECT_EQ(first(bad).outcome, core::delivery_outcome::retry);
}

TEST(HttpConnector, FactoryChecksUrlTimeoutAndHeaders) {
  core::registry r;
  register_builtin(r);
  core::option_values v;
  v.set("url", std::string{"ftp://example"});
  v.set("timeout_ms", std::int64_t{0});
  v.set("headers", core::string_map{{"Bad Header", "x"}});
  auto built = r.crm("http")->create("crm", v);
  EXPECT_EQ(built.instance, nullptr);
  ASSERT_EQ(built.errors.size(), 3u);
  EXPECT_EQ(built.errors[0].key, "url");
  EXPECT_EQ(built.errors[1].key, "timeout_ms");
  EXPECT_EQ(built.errors[2].key, "headers.Bad Header");
}

}  // namespace
}  // namespace leadsync::adapters
