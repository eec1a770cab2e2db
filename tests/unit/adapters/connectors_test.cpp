#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/builtin.hpp"
#include "core/registry.hpp"
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

// ---- type = "http" ----------------------------------------------------------

core::option_values http_options(std::string url = "http://127.0.0.1:9/stage") {
  core::option_values v;
  v.set("url", std::move(url));
  return v;
}

std::vector<core::option_error> http_errors(const core::option_values& v) {
  core::registry r;
  register_builtin(r);
  auto built = r.crm("http")->create("crm", v);
  EXPECT_EQ(built.instance == nullptr, !built.errors.empty());
  return std::move(built.errors);
}

std::string header(const core::outbound_request& r, std::string_view name) {
  for (const auto& [n, value] : r.headers) {
    if (n == name) {
      return value;
    }
  }
  return "<absent>";
}

// The one request an http connector sends for `u`, answered 200.
core::outbound_request sent_for(core::crm_adapter& c, const core::stage_update& u,
                                core::timestamp now = core::from_millis(1'700'000'000'000)) {
  const std::vector<core::stage_update> batch{u};
  const auto run = tests::run_exchange(c, batch, [](const core::outbound_request&) { return tests::answer_with(200); },
                                       now);
  EXPECT_EQ(run.sent.size(), 1u);
  return run.sent.empty() ? core::outbound_request{} : run.sent[0];
}

core::record_result http_result(const core::outbound_response& answer,
                                core::timestamp now = core::from_millis(1'700'000'000'000)) {
  auto c = make("http", http_options());
  const std::vector<core::stage_update> batch{update(7, "mql")};
  return tests::run_exchange(*c, batch, [&](const core::outbound_request&) { return answer; }, now)
      .result.records.at(0);
}

// Standard Webhooks' procedure, written out with OpenSSL directly so it does
// not share code with the connector: HMAC-SHA256 over "<id>.<ts>.<body>",
// standard base64.
std::string standard_webhooks_signature(const std::string& whsec, const std::string& signed_text) {
  const std::string encoded = whsec.substr(6);
  std::string key(encoded.size(), '\0');
  const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                                      reinterpret_cast<const unsigned char*>(encoded.data()),
                                      static_cast<int>(encoded.size()));
  EXPECT_GT(decoded, 0);
  key.resize(static_cast<std::size_t>(decoded) - static_cast<std::size_t>(std::count(encoded.end() - 2,
                                                                                        encoded.end(), '=')));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &mac_size);
  std::string b64(4 * ((mac_size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(mac_size));
  b64.resize(static_cast<std::size_t>(n));
  return "v1," + b64;
}

TEST(HttpConnector, PostsTheCanonicalObjectWithAnIdempotencyKeyAndConfiguredHeaders) {
  core::option_values v = http_options("https://crm.example/stage");
  v.set("timeout_ms", std::int64_t{2500});
  v.set("headers", core::string_map{{"Authorization", "Bearer t0ken"}});
  v.set("ca_file", std::string{"/etc/leadsync/ca.pem"});
  auto c = make("http", v);
  EXPECT_EQ(c->max_batch(), 1u);
  auto u = update(7, "mql");
  u.previous_stage = "engaged";
  const auto req = sent_for(*c, u);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://crm.example/stage");
  EXPECT_EQ(req.timeout, std::chrono::milliseconds{2500});
  EXPECT_EQ(req.ca_file, "/etc/leadsync/ca.pem");
  const core::header_list expected{
      {"content-type", "application/json"}, {"idempotency-key", "crm:7:4"}, {"Authorization", "Bearer t0ken"}};
  EXPECT_EQ(req.headers, expected);
  // Without stages every stage goes as it is; the body is core::to_json.
  EXPECT_EQ(req.body, core::to_json(u));
  EXPECT_EQ(c->status().api_calls, 1u);
}

TEST(HttpConnector, StagesMapLabelsAndSkipUnmappedStagesWithoutARequest) {
  core::option_values v = http_options();
  v.set("stages", core::string_map{{"mql", "Marketing Qualified"}, {"engaged", "Engaged"}});
  auto c = make("http", v);
  auto u = update(7, "mql");
  u.previous_stage = "engaged";
  const auto body = boost::json::parse(sent_for(*c, u).body);
  EXPECT_EQ(body.at("stage"), "Marketing Qualified");
  EXPECT_EQ(body.at("previous_stage"), "Engaged");
  EXPECT_EQ(body.at("email"), "lead7@example.com");

  const std::vector<core::stage_update> batch{update(8, "customer")};
  const auto run = tests::run_exchange(*c, batch, [](const core::outbound_request&) {
    ADD_FAILURE() << "a skipped update must not be sent";
    return tests::answer_with(200);
  });
  EXPECT_TRUE(run.sent.empty());
  ASSERT_EQ(run.result.records.size(), 1u);
  EXPECT_EQ(run.result.records[0].outcome, core::delivery_outcome::skipped);
  EXPECT_NE(run.result.records[0].message.find("customer"), std::string::npos);
}

TEST(HttpConnector, TemplateRendersStringsNumbersNullsAndTraits) {
  core::option_values v = http_options();
  v.set("stages", core::string_map{{"mql", "MQL"}});
  v.set("template", std::string{R"({"who": {{email}}, "name": {{ first_name }}, "stage": {{stage}},
    "score": {{score}}, "v": {{version}}, "id": {{lead_id}}, "why": {{reason}},
    "plan": {{fields.plan}}, "missing": {{fields.nope}}, "title": {{title}}, "literal": "{ {not} }",
    "list": [{{rule}}, 1]})"});
  auto c = make("http", v);
  auto u = update(7, "mql");
  u.score = -12;
  u.reason = "said \"hi\"\n\\ and left";
  u.fields = {{"first_name", "Zoë"}, {"plan", "pro"}};
  const auto body = boost::json::parse(sent_for(*c, u).body);
  const boost::json::value expected = boost::json::parse(R"({"who": "lead7@example.com", "name": "Zoë",
    "stage": "MQL", "score": -12, "v": 4, "id": 7, "why": "said \"hi\"\n\\ and left", "plan": "pro",
    "missing": null, "title": null, "literal": "{ {not} }", "list": [null, 1]})");
  EXPECT_EQ(body, expected);
}

TEST(HttpConnector, TemplateErrorsNameTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"a": {{nickname}}})", "unknown placeholder {{nickname}}"},
      {R"({"a": "hello {{first_name}}"})", "{{first_name}} is inside a JSON string"},
      {R"({"a": {{email}} {{stage}}})", "not JSON once every placeholder is null"},
      {R"({"a": {{email)", "is not closed"},
      {R"({ {{email}}: 1 })", "not JSON"},
      {R"({"a": {{fields.}}})", "unknown placeholder {{fields.}}"},
      {"   ", "expected a JSON document"},
  };
  for (const auto& [text, wanted] : cases) {
    core::option_values v = http_options();
    v.set("template", text);
    const auto errors = http_errors(v);
    ASSERT_EQ(errors.size(), 1u) << text;
    EXPECT_EQ(errors[0].key, "template");
    EXPECT_NE(errors[0].message.find(wanted), std::string::npos) << text << " -> " << errors[0].message;
  }
}

TEST(HttpConnector, SignsLikeStandardWebhooks) {
  // The procedure reproduces the official vector (wire-formats.md 1.2)...
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  EXPECT_EQ(standard_webhooks_signature(secret, R"(msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // ... and the connector's headers follow it, with the idempotency key as id.
  core::option_values v = http_options();
  v.set("secret", secret);
  v.set("template", std::string{R"({"test": 2432232314})"});
  auto c = make("http", v);
  const auto req = sent_for(*c, update(7, "mql"), core::from_millis(1'614'265'330'999));
  EXPECT_EQ(req.body, R"({"test": 2432232314})");
  EXPECT_EQ(header(req, "idempotency-key"), "crm:7:4");
  EXPECT_EQ(header(req, "webhook-id"), "crm:7:4");
  EXPECT_EQ(header(req, "webhook-timestamp"), "1614265330");
  EXPECT_EQ(header(req, "webhook-signature"),
            standard_webhooks_signature(secret, R"(crm:7:4.1614265330.{"test": 2432232314})"));

  // The daemon's own standard-webhooks verifier accepts it as a receiver would.
  core::registry r;
  register_builtin(r);
  core::option_values verifier_options;
  verifier_options.set("secrets", std::vector<std::string>{secret});
  auto verifier = r.signature("standard-webhooks")->create("in", verifier_options).instance;
  ASSERT_NE(verifier, nullptr);
  core::inbound_request in;
  in.method = "POST";
  in.target = "/stage";
  in.headers = req.headers;
  in.body = req.body;
  EXPECT_FALSE(verifier->verify(in, core::from_millis(1'614'265'331'000)).has_value());
  in.body += " ";
  EXPECT_TRUE(verifier->verify(in, core::from_millis(1'614'265'331'000)).has_value());
}

TEST(HttpConnector, ARawSecretIsItsOwnBytesAndABadWhsecIsAConfigError) {
  core::option_values v = http_options();
  v.set("secret", std::string{"plain secret"});
  auto c = make("http", v);
  const auto req = sent_for(*c, update(7, "mql"), core::from_millis(1'700'000'000'000));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  const std::string signed_text = "crm:7:4.1700000000." + req.body;
  HMAC(EVP_sha256(), "plain secret", 12, reinterpret_cast<const unsigned char*>(signed_text.data()),
       signed_text.size(), mac, &mac_size);
  std::string b64(64, '\0');
  b64.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(mac_size))));
  EXPECT_EQ(header(req, "webhook-signature"), "v1," + b64);

  core::option_values bad = http_options();
  bad.set("secret", std::string{"whsec_not base64!"});
  const auto errors = http_errors(bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].key, "secret");
  EXPECT_EQ(errors[0].message.find("not base64"), std::string::npos);  // never quotes the secret
}

TEST(HttpConnector, TwoHundredsDeliverTransientFailuresRetryOtherClientErrorsReject) {
  EXPECT_EQ(http_result(tests::answer_with(204)).outcome, core::delivery_outcome::delivered);

  const auto busy = http_result(tests::answer_with(429, "slow down", {{"retry-after", "7"}}));
  EXPECT_EQ(busy.outcome, core::delivery_outcome::retry);
  EXPECT_EQ(busy.retry_after, std::chrono::milliseconds{7000});
  EXPECT_EQ(busy.message, "HTTP 429: slow down");
  EXPECT_EQ(busy.code, "http_429");

  core::outbound_response dropped;
  dropped.transport_error = "connection reset";
  const auto reset = http_result(dropped);
  EXPECT_EQ(reset.outcome, core::delivery_outcome::retry);
  EXPECT_EQ(reset.message, "connection reset");

  for (int status : {400, 404, 410, 422}) {
    const auto r = http_result(tests::answer_with(status, "no"));
    EXPECT_EQ(r.outcome, core::delivery_outcome::reject) << status;
    EXPECT_EQ(r.code, "http_" + std::to_string(status));
    EXPECT_EQ(r.message, "HTTP " + std::to_string(status) + ": no");
  }
  EXPECT_EQ(http_result(tests::answer_with(302)).outcome, core::delivery_outcome::retry);
}

TEST(HttpConnector, RetryAfterAsAnHttpDate) {
  // 2023-11-14T22:13:20Z is 1'700'000'000 s; the receiver says 90 s later.
  const auto r = http_result(tests::answer_with(503, "", {{"retry-after", "Tue, 14 Nov 2023 22:14:50 GMT"}}),
                             core::from_millis(1'700'000'000'000));
  EXPECT_EQ(r.outcome, core::delivery_outcome::retry);
  EXPECT_EQ(r.retry_after, std::chrono::milliseconds{90'000});
}

TEST(HttpConnector, FactoryChecksUrlTimeoutAndHeaders) {
  core::option_values v = http_options("ftp://example");
  v.set("timeout_ms", std::int64_t{0});
  v.set("headers", core::string_map{{"Bad Header", "x"}, {"Idempotency-Key", "mine"}});
  const auto errors = http_errors(v);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].key, "url");
  EXPECT_EQ(errors[1].key, "timeout_ms");
  EXPECT_EQ(errors[2].key, "headers.Bad Header");
  EXPECT_EQ(errors[3].key, "headers.Idempotency-Key");

  core::option_values signing = http_options("https://");
  signing.set("secret", std::string{"s"});
  signing.set("headers", core::string_map{{"Webhook-Signature", "v1,x"}});
  signing.set("stages", core::string_map{{"mql", ""}});
  const auto more = http_errors(signing);
  ASSERT_EQ(more.size(), 3u);
  EXPECT_EQ(more[0].key, "url");
  EXPECT_EQ(more[1].key, "headers.Webhook-Signature");
  EXPECT_EQ(more[2].key, "stages.mql");
}

}  // namespace
}  // namespace leadsync::adapters
