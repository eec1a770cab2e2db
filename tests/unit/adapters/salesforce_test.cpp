#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <filesystem>
#include <fstream>

#include "adapters/builtin.hpp"
#include "adapters/crm/salesforce/answers.hpp"
#include "adapters/crm/salesforce/soql.hpp"
#include "tests/unit/adapters/exchange_driver.hpp"

namespace leadsync::adapters {
namespace {

namespace json = boost::json;
using core::delivery_outcome;
using namespace std::chrono_literals;

const core::timestamp t0 = core::from_millis(1'700'000'000'000);
constexpr std::string_view instance = "https://acme.my.salesforce.com";
constexpr std::string_view upsert_url =
    "https://acme.my.salesforce.com/services/data/v60.0/composite/sobjects/Lead/Lead_Key__c";
constexpr std::string_view collection_url = "https://acme.my.salesforce.com/services/data/v60.0/composite/sobjects";

// ---- building blocks ---------------------------------------------------------

core::option_values base_options() {
  core::option_values v;
  v.set("login_url", std::string{"https://acme.my.salesforce.com"});
  v.set("auth", std::string{"client_credentials"});
  v.set("client_id", std::string{"3MVG9consumer"});
  v.set("client_secret", std::string{"s3cr+t/=&x"});
  v.set("stages", core::string_map{{"mql", "Working - Contacted"}, {"sql", "Qualified"}});
  v.set("fields", core::string_map{{"FirstName", "first_name"},
                                   {"LastName", "last_name"},
                                   {"Company", "company"},
                                   {"Email", "email"},
                                   {"Score__c", "score"}});
  return v;
}

core::build_result<core::crm_adapter> build(const core::option_values& v) {
  core::registry r;
  register_builtin(r);
  return r.crm("salesforce")->create("sf", v);
}

std::unique_ptr<core::crm_adapter> make(const core::option_values& v) {
  auto built = build(v);
  for (const auto& e : built.errors) {
    ADD_FAILURE() << e.key << ": " << e.message;
  }
  return std::move(built.instance);
}

core::stage_update update(std::int64_t id, std::string stage = "mql") {
  core::stage_update u;
  u.connector = "sf";
  u.lead_id = id;
  u.lead_key = "k" + std::to_string(id);
  u.email = "lead" + std::to_string(id) + "@example.com";
  u.stage = std::move(stage);
  u.score = 40 + id;
  u.version = 3;
  u.changed_at = t0;
  u.fields = {{"first_name", "Ada"}};
  return u;
}

core::outbound_response token_answer(std::string token = "00Dtoken1", std::string extra = {}) {
  return tests::answer_with(200, R"({"access_token":")" + token +
                                     R"(","instance_url":"https://acme.my.salesforce.com",)"
                                     R"("token_type":"Bearer","issued_at":"1700000000000")" +
                                     extra + "}");
}

bool is_token_request(const core::outbound_request& r) { return r.url.ends_with("/services/oauth2/token"); }

// Plays Salesforce: the token endpoint answers `token` (fresh tokens
// "00Dtoken1", "00Dtoken2", ... unless set), API requests get `api` in order.
struct fake_org {
  fake_org() = default;
  explicit fake_org(std::vector<core::outbound_response> answers, std::optional<core::outbound_response> t = {})
      : api(std::move(answers)), token(std::move(t)) {}

  std::vector<core::outbound_response> api;
  std::optional<core::outbound_response> token;
  std::size_t next = 0;
  int token_requests = 0;

  core::outbound_response operator()(const core::outbound_request& r) {
    if (is_token_request(r)) {
      ++token_requests;
      return token ? *token : token_answer("00Dtoken" + std::to_string(token_requests));
    }
    if (next >= api.size()) {
      ADD_FAILURE() << "unexpected request " << r.method << " " << r.url;
      return tests::answer_with(500);
    }
    return api[next++];
  }
};

tests::exchange_run run(core::crm_adapter& a, const std::vector<core::stage_update>& batch, fake_org& org,
                        core::timestamp now = t0) {
  return tests::run_exchange(a, batch, std::ref(org), now);
}

std::vector<core::outbound_request> api_requests(const tests::exchange_run& r) {
  std::vector<core::outbound_request> out;
  for (const auto& req : r.sent) {
    if (!is_token_request(req)) {
      out.push_back(req);
    }
  }
  return out;
}

std::map<std::string, std::string> form(std::string_view body) {
  std::map<std::string, std::string> out;
  auto params = boost::urls::parse_query(body);
  EXPECT_TRUE(params.has_value());
  for (const auto& p : *params) {
    out[p.key.decode()] = p.value.decode();
  }
  return out;
}

std::string header(const core::outbound_request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

json::array records_of(const core::outbound_request& r) {
  const json::value body = json::parse(r.body);
  EXPECT_EQ(body.at("allOrNone"), false);
  return body.at("records").as_array();
}

// The SOQL statement of a query request, decoded.
std::string soql_of(const core::outbound_request& r) {
  auto url = boost::urls::parse_uri(r.url);
  EXPECT_TRUE(url.has_value());
  auto it = url->params().find("q");
  return it == url->params().end() ? std::string{} : std::string{(*it).value};
}

std::string ok(std::string_view id, bool created = false) {
  return R"({"id":")" + std::string{id} + R"(","success":true,"errors":[],"created":)" + (created ? "true" : "false") +
         "}";
}

std::string failed(std::string_view code, std::string_view message, std::string_view key = "statusCode") {
  return R"({"success":false,"errors":[{")" + std::string{key} + R"(":")" + std::string{code} + R"(","message":")" +
         std::string{message} + R"(","fields":[]}]})";
}

std::string list(std::initializer_list<std::string> items) {
  std::string out = "[";
  for (const auto& i : items) {
    out += (out.size() > 1 ? "," : "") + i;
  }
  return out + "]";
}

std::vector<core::stage_update> batch_of(int n, int first = 1) {
  std::vector<core::stage_update> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(update(first + i));
  }
  return out;
}

// A PEM key file in the temp directory, removed with the object.
struct key_file {
  std::filesystem::path path;
  EVP_PKEY* key = nullptr;

  explicit key_file(EVP_PKEY* k, std::string_view name) : key(k) {
    path = std::filesystem::temp_directory_path() /
           ("leadsync_sf_" + std::to_string(::getpid()) + "_" + std::string{name} + ".pem");
    BIO* out = BIO_new_file(path.c_str(), "w");
    EXPECT_NE(out, nullptr);
    EXPECT_EQ(PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    BIO_free(out);
  }
  ~key_file() {
    std::filesystem::remove(path);
    EVP_PKEY_free(key);
  }
  key_file(const key_file&) = delete;
  key_file& operator=(const key_file&) = delete;
};

std::string base64url_decode(std::string text) {
  for (char& c : text) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  const std::size_t pad = (4 - text.size() % 4) % 4;
  text.append(pad, '=');
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  out.resize(out.size() - pad);
  return out;
}

// ---- authentication ---------------------------------------------------------------

TEST(SalesforceAuth, ClientCredentialsPostsAnEncodedFormToMyDomain) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(200, list({ok("00Q1")}))}};
  const auto r = run(*a, batch_of(1), org);
  ASSERT_EQ(r.sent.size(), 2u);
  const auto& token = r.sent[0];
  EXPECT_EQ(token.method, "POST");
  EXPECT_EQ(token.url, "https://acme.my.salesforce.com/services/oauth2/token");
  EXPECT_EQ(header(token, "content-type"), "application/x-www-form-urlencoded");
  const std::map<std::string, std::string> expected{
      {"grant_type", "client_credentials"}, {"client_id", "3MVG9consumer"}, {"client_secret", "s3cr+t/=&x"}};
  EXPECT_EQ(form(token.body), expected);
  EXPECT_NE(token.body.find("s3cr%2Bt%2F%3D%26x"), std::string::npos) << token.body;
  EXPECT_EQ(token.timeout, 30'000ms);
  EXPECT_EQ(r.result.records.at(0).outcome, delivery_outcome::delivered);
}

TEST(SalesforceAuth, RefreshTokenFlowSendsItsGrantAndAdoptsARotatedToken) {
  auto v = base_options();
  v.set("auth", std::string{"refresh_token"});
  v.set("refresh_token", std::string{"5Aep861rt1"});
  auto a = make(v);  // the client_secret is optional here and still sent
  fake_org org{
      {tests::answer_with(401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"),
       tests::answer_with(200, list({ok("00Q1")}))},
      token_answer("00Dtoken1", R"(,"refresh_token":"5Aep861rt2")")};
  const auto r = run(*a, batch_of(1), org);
  ASSERT_EQ(r.sent.size(), 4u);
  const auto first = form(r.sent[0].body);
  EXPECT_EQ(first.at("grant_type"), "refresh_token");
  EXPECT_EQ(first.at("refresh_token"), "5Aep861rt1");
  EXPECT_EQ(first.at("client_id"), "3MVG9consumer");
  EXPECT_EQ(first.at("client_secret"), "s3cr+t/=&x");
  ASSERT_TRUE(is_token_request(r.sent[2]));
  EXPECT_EQ(form(r.sent[2].body).at("refresh_token"), "5Aep861rt2");
  EXPECT_EQ(r.result.records.at(0).outcome, delivery_outcome::delivered);
}

TEST(SalesforceAuth, RefreshTokenFlowWithoutSecretOmitsIt) {
  core::option_values v;
  v.set("auth", std::string{"refresh_token"});
  v.set("client_id", std::string{"3MVG9consumer"});
  v.set("refresh_token", std::string{"5Aep861rt1"});
  v.set("stages", core::string_map{{"mql", "Working - Contacted"}});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, list({ok("00Q1")}))}};
  const auto r = run(*a, batch_of(1), org);
  ASSERT_GE(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].url, "https://login.salesforce.com/services/oauth2/token");
  EXPECT_EQ(form(r.sent[0].body).count("client_secret"), 0u);
}

TEST(SalesforceAuth, JwtAssertionIsSignedWithTheConfiguredKey) {
  key_file key{EVP_RSA_gen(2048), "jwt"};
  core::option_values v;
  v.set("auth", std::string{"jwt"});
  v.set("client_id", std::string{"3MVG9consumer"});
  v.set("username", std::string{"integration@acme.com"});
  v.set("private_key_file", key.path.string());
  v.set("stages", core::string_map{{"mql", "Working - Contacted"}});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, list({ok("00Q1")}))}};
  const auto r = run(*a, batch_of(1), org);
  ASSERT_EQ(r.sent.size(), 2u);
  const auto f = form(r.sent[0].body);
  EXPECT_EQ(r.sent[0].url, "https://login.salesforce.com/services/oauth2/token");
  EXPECT_EQ(f.at("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
  const std::string& jwt = f.at("assertion");
  const auto dot1 = jwt.find('.');
  const auto dot2 = jwt.rfind('.');
  ASSERT_NE(dot1, dot2);
  EXPECT_EQ(jwt.find_first_of("+/="), std::string::npos) << "base64url without padding";

  EXPECT_EQ(json::parse(base64url_decode(jwt.substr(0, dot1))), json::parse(R"({"alg":"RS256"})"));
  const json::value claims = json::parse(base64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(claims.at("iss"), "3MVG9consumer");
  EXPECT_EQ(claims.at("sub"), "integration@acme.com");
  EXPECT_EQ(claims.at("aud"), "https://login.salesforce.com");
  const std::int64_t now_s = core::to_millis(t0) / 1000;
  const std::int64_t exp = claims.at("exp").as_int64();
  EXPECT_GT(exp, now_s);
  EXPECT_LE(exp, now_s + 180);

  const std::string signing_input = jwt.substr(0, dot2);
  std::string signature = base64url_decode(jwt.substr(dot2 + 1));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.key), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()),
            1);
  EVP_MD_CTX_free(ctx);
  signature[10] ^= 0x01;
  ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.key), 1);
  EXPECT_NE(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()),
            1);
  EVP_MD_CTX_free(ctx);
}

TEST(SalesforceAuth, JwtAudienceDefaultsToTheLoginOriginAndCanBeSet) {
  key_file key{EVP_RSA_gen(2048), "aud"};
  core::option_values v;
  v.set("auth", std::string{"jwt"});
  v.set("login_url", std::string{"https://test.salesforce.com/"});
  v.set("client_id", std::string{"3MVG9consumer"});
  v.set("username", std::string{"integration@acme.com.sandbox"});
  v.set("private_key_file", key.path.string());
  v.set("stages", core::string_map{{"mql", "Working - Contacted"}});
  const auto aud = [&](const core::option_values& values) {
    auto a = make(values);
    fake_org org{{tests::answer_with(200, list({ok("00Q1")}))}};
    const auto r = run(*a, batch_of(1), org);
    EXPECT_EQ(r.sent.at(0).url, "https://test.salesforce.com/services/oauth2/token");
    const std::string jwt = form(r.sent.at(0).body).at("assertion");
    const auto dot1 = jwt.find('.');
    return json::parse(base64url_decode(jwt.substr(dot1 + 1, jwt.rfind('.') - dot1 - 1))).at("aud");
  };
  EXPECT_EQ(aud(v), "https://test.salesforce.com");
  v.set("audience", std::string{"https://acme.my.site.com/customers"});
  EXPECT_EQ(aud(v), "https://acme.my.site.com/customers");
}

TEST(SalesforceAuth, OneTokenServesLaterBatches) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(200, list({ok("00Q1")})), tests::answer_with(200, list({ok("00Q2")}))}};
  const auto first = run(*a, batch_of(1, 1), org);
  const auto second = run(*a, batch_of(1, 2), org, t0 + 10min);
  EXPECT_EQ(org.token_requests, 1);
  ASSERT_EQ(second.sent.size(), 1u);
  EXPECT_EQ(header(second.sent[0], "authorization"), "Bearer 00Dtoken1");
  EXPECT_EQ(second.sent[0].url, upsert_url);
  EXPECT_EQ(a->status().token_refreshes, 1u);
  EXPECT_EQ(a->status().api_calls, 3u);  // token, upsert, upsert
}

TEST(SalesforceAuth, TokenOlderThanItsMaxAgeIsRenewedFirst) {
  auto v = base_options();
  v.set("token_max_age_minutes", std::int64_t{30});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, list({ok("00Q1")})), tests::answer_with(200, list({ok("00Q2")}))}};
  run(*a, batch_of(1, 1), org);
  const auto later = run(*a, batch_of(1, 2), org, t0 + 31min);
  EXPECT_EQ(org.token_requests, 2);
  ASSERT_EQ(later.sent.size(), 2u);
  EXPECT_EQ(header(later.sent[1], "authorization"), "Bearer 00Dtoken2");
}

TEST(SalesforceAuth, ExpiredSessionGetsOneNewTokenAndTheSameRequestAgain) {
  auto a = make(base_options());
  fake_org org{
      {tests::answer_with(401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"),
       tests::answer_with(200, list({ok("00Q1"), ok("00Q2")}))}};
  const auto r = run(*a, batch_of(2), org);
  ASSERT_EQ(r.sent.size(), 4u);
  EXPECT_TRUE(is_token_request(r.sent[0]));
  EXPECT_TRUE(is_token_request(r.sent[2]));
  EXPECT_EQ(r.sent[1].body, r.sent[3].body);
  EXPECT_EQ(header(r.sent[3], "authorization"), "Bearer 00Dtoken2");
  EXPECT_EQ(r.result.records.at(0).outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records.at(1).outcome, delivery_outcome::delivered);
}

TEST(SalesforceAuth, ASecondUnauthorizedEndsTheExchangeWithRetries) {
  auto a = make(base_options());
  const auto expired =
      tests::answer_with(401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
  fake_org org{{expired, expired}};
  const auto r = run(*a, batch_of(2), org);
  EXPECT_EQ(r.sent.size(), 4u);
  EXPECT_EQ(org.token_requests, 2);
  for (const auto& rec : r.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::retry);
    EXPECT_EQ(rec.code, "INVALID_SESSION_ID");
    EXPECT_NE(rec.message.find("freshly obtained access token"), std::string::npos) << rec.message;
  }
  // The refused token is not reused: the next batch starts with a new one.
  fake_org next{{tests::answer_with(200, list({ok("00Q1")}))}};
  const auto again = run(*a, batch_of(1), next);
  EXPECT_EQ(next.token_requests, 1);
  EXPECT_EQ(again.result.records.at(0).outcome, delivery_outcome::delivered);
}

TEST(SalesforceAuth, ConfigurationUnauthorizedIsNotRefreshed) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(
      401, R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])")}};
  const auto r = run(*a, batch_of(1), org);
  EXPECT_EQ(r.sent.size(), 2u);
  const auto& rec = r.result.records.at(0);
  EXPECT_EQ(rec.outcome, delivery_outcome::retry);
  EXPECT_NE(rec.message.find("configuration problem"), std::string::npos) << rec.message;
  EXPECT_NE(rec.message.find("not valid for use with the REST API"), std::string::npos) << rec.message;
}

TEST(SalesforceAuth, RefusedGrantIsRetriedWithTheEndpointsWordsOnly) {
  auto a = make(base_options());
  fake_org org;
  org.token = tests::answer_with(400, R"({"error":"invalid_grant","error_description":"authentication failure"})");
  const auto r = run(*a, batch_of(2), org);
  EXPECT_EQ(r.sent.size(), 1u);
  for (const auto& rec : r.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::retry);
    EXPECT_EQ(rec.code, "invalid_grant");
    EXPECT_EQ(rec.message, "salesforce token request failed: invalid_grant: authentication failure");
  }
  EXPECT_EQ(a->status().token_refreshes, 0u);
}

TEST(SalesforceAuth, UnavailableTokenEndpointHonoursRetryAfterAndHidesTheBody) {
  auto a = make(base_options());
  fake_org org;
  org.token = tests::answer_with(503, "echo client_secret=s3cr+t/=&x", {{"retry-after", "30"}});
  const auto r = run(*a, batch_of(1), org);
  const auto& rec = r.result.records.at(0);
  EXPECT_EQ(rec.outcome, delivery_outcome::retry);
  EXPECT_EQ(rec.retry_after, 30'000ms);
  EXPECT_EQ(rec.message, "salesforce token request failed: HTTP 503");

  org.token = token_answer();
  org.token->body = R"({"access_token":"00Dx","instance_url":"http://evil.example.com"})";
  const auto bad = run(*a, batch_of(1), org);
  EXPECT_EQ(bad.result.records.at(0).outcome, delivery_outcome::retry);
  EXPECT_EQ(bad.result.records.at(0).code, "token_response");
}

// ---- the upsert -------------------------------------------------------------------

TEST(SalesforceUpsert, CollectionsBodyCarriesTheKeyStageAndMappedFields) {
  auto a = make(base_options());
  auto with_name = update(2, "sql");
  with_name.fields["last_name"] = "Lovelace";
  with_name.fields["company"] = "";  // empty is missing: left out
  fake_org org{{tests::answer_with(200, list({ok("00Q1", true), ok("00Q2")}))}};
  const auto r = run(*a, {update(1), with_name}, org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].method, "PATCH");
  EXPECT_EQ(api[0].url, upsert_url);
  EXPECT_EQ(header(api[0], "authorization"), "Bearer 00Dtoken1");
  EXPECT_EQ(header(api[0], "content-type"), "application/json");
  const json::array records = records_of(api[0]);
  ASSERT_EQ(records.size(), 2u);
  const json::value expected_first = json::parse(
      R"({"attributes":{"type":"Lead"},"Status":"Working - Contacted","FirstName":"Ada","Email":"lead1@example.com",)"
      R"("Score__c":"41","Lead_Key__c":"k1"})");
  EXPECT_EQ(records[0], expected_first);
  EXPECT_EQ(records[1].at("Status"), "Qualified");
  EXPECT_EQ(records[1].at("LastName"), "Lovelace");
  EXPECT_FALSE(records[1].as_object().contains("Company"));
  EXPECT_FALSE(records[1].as_object().contains("Id"));

  ASSERT_EQ(r.result.records.size(), 2u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records[0].external_id, std::make_pair(std::string{"salesforce_lead_id"}, std::string{"00Q1"}));
  EXPECT_EQ(r.result.records[1].external_id->second, "00Q2");
  EXPECT_FALSE(r.result.pause_until.has_value());
}

TEST(SalesforceUpsert, ObjectAndFieldNamesAreConfigurable) {
  auto v = base_options();
  v.set("object", std::string{"Contact"});
  v.set("external_id_field", std::string{"Ext_Key__c"});
  v.set("stage_field", std::string{"Lifecycle_Stage__c"});
  v.set("api_version", std::string{"62.0"});
  v.set("ca_file", std::string{"/etc/leadsync/ca.pem"});
  v.set("timeout_ms", std::int64_t{5000});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, list({ok("003A")}))}};
  const auto r = run(*a, batch_of(1), org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].url, std::string{instance} + "/services/data/v62.0/composite/sobjects/Contact/Ext_Key__c");
  EXPECT_EQ(api[0].ca_file, "/etc/leadsync/ca.pem");
  EXPECT_EQ(api[0].timeout, 5000ms);
  const json::array records = records_of(api[0]);
  EXPECT_EQ(records[0].at("attributes").at("type"), "Contact");
  EXPECT_EQ(records[0].at("Lifecycle_Stage__c"), "Working - Contacted");
  EXPECT_EQ(records[0].at("Ext_Key__c"), "k1");
  EXPECT_EQ(r.result.records.at(0).external_id->first, "salesforce_contact_id");
}

TEST(SalesforceUpsert, BatchesHoldAtMostTwoHundredRecords) {
  EXPECT_EQ(make(base_options())->max_batch(), 200u);
  auto v = base_options();
  v.set("batch_size", std::int64_t{50});
  EXPECT_EQ(make(v)->max_batch(), 50u);
  v.set("batch_size", std::int64_t{201});
  ASSERT_EQ(build(v).errors.size(), 1u);
  EXPECT_EQ(build(v).errors[0].key, "batch_size");

  auto a = make(base_options());
  std::string answers = "[";
  for (int i = 0; i < 200; ++i) {
    if (i > 0) {
      answers += ',';
    }
    answers += ok("00Q" + std::to_string(i));
  }
  fake_org org{{tests::answer_with(200, answers + "]")}};
  const auto r = run(*a, batch_of(200), org);
  ASSERT_EQ(api_requests(r).size(), 1u);
  EXPECT_EQ(records_of(api_requests(r)[0]).size(), 200u);
  EXPECT_EQ(r.result.records.at(199).external_id->second, "00Q199");
}

TEST(SalesforceUpsert, UnmappedStagesAreSkippedWithoutARequest) {
  auto a = make(base_options());
  fake_org none;
  const auto r = run(*a, {update(1, "engaged"), update(2, "customer")}, none);
  EXPECT_TRUE(r.sent.empty());
  ASSERT_EQ(r.result.records.size(), 2u);
  EXPECT_EQ(r.result.records[0].outcome, delivery_outcome::skipped);
  EXPECT_NE(r.result.records[1].message.find("customer"), std::string::npos);

  fake_org org{{tests::answer_with(200, list({ok("00Q2")}))}};
  const auto mixed = run(*a, {update(1, "engaged"), update(2)}, org);
  const auto api = api_requests(mixed);
  ASSERT_EQ(api.size(), 1u);
  ASSERT_EQ(records_of(api[0]).size(), 1u);
  EXPECT_EQ(records_of(api[0])[0].at("Lead_Key__c"), "k2");
  EXPECT_EQ(mixed.result.records[0].outcome, delivery_outcome::skipped);
  EXPECT_EQ(mixed.result.records[1].outcome, delivery_outcome::delivered);
  EXPECT_EQ(mixed.result.records[1].external_id->second, "00Q2");
}

TEST(SalesforceUpsert, EachRecordGetsItsOwnOutcome) {
  auto a = make(base_options());
  const std::string validation = R"({"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION",)"
                                 R"("message":"Score must be below 100","fields":["Score__c"]}]})";
  fake_org org{
      {tests::answer_with(200, list({ok("00Q1"), validation,
                                     failed("UNABLE_TO_LOCK_ROW",
                                            "unable to obtain "
                                            "exclusive access"),
                                     failed("STRING_TOO_LONG", "FirstName: data value too large", "errorCode")}))}};
  const auto r = run(*a, batch_of(5), org);
  const auto& res = r.result.records;
  ASSERT_EQ(res.size(), 5u);
  EXPECT_EQ(res[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(res[1].outcome, delivery_outcome::reject);
  EXPECT_EQ(res[1].code, "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  EXPECT_EQ(res[1].message, "Score must be below 100 (fields: Score__c)");
  EXPECT_EQ(res[2].outcome, delivery_outcome::retry);
  EXPECT_EQ(res[2].code, "UNABLE_TO_LOCK_ROW");
  EXPECT_EQ(res[3].outcome, delivery_outcome::reject);
  EXPECT_EQ(res[3].code, "STRING_TOO_LONG");
  // The answer listed four results for five records.
  EXPECT_EQ(res[4].outcome, delivery_outcome::retry);
  EXPECT_EQ(api_requests(r).size(), 1u);
}

TEST(SalesforceUpsert, AnInsertMissingNameAndCompanyIsResentOnceWithPlaceholders) {
  auto a = make(base_options());
  const std::string missing =
      R"({"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING",)"
      R"("message":"Required fields are missing: [LastName, Company]","fields":["LastName","Company"]}]})";
  fake_org org{{tests::answer_with(200, list({ok("00Q1"), missing, missing})),
                tests::answer_with(200, list({ok("00Q2", true), missing}))}};
  const auto r = run(*a, batch_of(3), org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 2u);
  EXPECT_EQ(api[1].url, upsert_url);
  const json::array again = records_of(api[1]);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].at("Lead_Key__c"), "k2");
  EXPECT_EQ(again[0].at("LastName"), "[not provided]");
  EXPECT_EQ(again[0].at("Company"), "[not provided]");
  EXPECT_EQ(again[0].at("FirstName"), "Ada");
  EXPECT_EQ(again[1].at("Lead_Key__c"), "k3");
  // The first upsert never carries the placeholders: it may be an update.
  EXPECT_FALSE(records_of(api[0])[1].as_object().contains("LastName"));

  const auto& res = r.result.records;
  EXPECT_EQ(res[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(res[1].outcome, delivery_outcome::delivered);
  EXPECT_EQ(res[1].external_id->second, "00Q2");
  EXPECT_EQ(res[2].outcome, delivery_outcome::reject);
  EXPECT_EQ(res[2].code, "REQUIRED_FIELD_MISSING");
}

TEST(SalesforceUpsert, MissingFieldsThePlaceholdersCannotFixAreRejectedAtOnce) {
  auto a = make(base_options());
  auto u = update(1);
  u.fields["last_name"] = "Lovelace";
  u.fields["company"] = "Analytical Engines";
  fake_org org{
      {tests::answer_with(200, list({failed("REQUIRED_FIELD_MISSING", "Required fields are missing: [Region__c]")}))}};
  const auto r = run(*a, {u}, org);
  EXPECT_EQ(api_requests(r).size(), 1u);
  EXPECT_EQ(r.result.records.at(0).outcome, delivery_outcome::reject);
  EXPECT_EQ(r.result.records.at(0).message, "Required fields are missing: [Region__c]");
}

// ---- duplicates -----------------------------------------------------------------------

std::string duplicate(std::string_view match_id, std::string_view type = "Lead") {
  std::string error = R"({"success":false,"errors":[{"statusCode":"DUPLICATES_DETECTED",)"
                      R"("message":"You're creating a duplicate record.","fields":[])";
  if (!match_id.empty()) {
    error += R"(,"duplicateResult":{"allowSave":false,"duplicateRule":"Standard_Lead_Duplicate_Rule",)"
             R"("matchResults":[{"entityType":")" +
             std::string{type} + R"(","matchRecords":[{"matchConfidence":100.0,"record":{"attributes":{"type":")" +
             std::string{type} + R"("},"Id":")" + std::string{match_id} + R"("}}],"size":1,"success":true}]})";
  }
  return error + "}]}";
}

TEST(SalesforceDuplicates, ABlockedInsertUpdatesTheRecordTheRuleNamed) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(200, list({ok("00Q1"), duplicate("00Qexisting")})),
                tests::answer_with(200, list({ok("00Qexisting")}))}};
  const auto r = run(*a, batch_of(2), org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 2u);
  EXPECT_EQ(api[1].method, "PATCH");
  EXPECT_EQ(api[1].url, collection_url);
  const json::array attach = records_of(api[1]);
  ASSERT_EQ(attach.size(), 1u);
  EXPECT_EQ(attach[0].at("Id"), "00Qexisting");
  EXPECT_EQ(attach[0].at("Lead_Key__c"), "k2");  // so the next upsert finds it
  EXPECT_EQ(attach[0].at("Status"), "Working - Contacted");
  EXPECT_FALSE(attach[0].as_object().contains("LastName"));
  EXPECT_EQ(r.result.records.at(1).outcome, delivery_outcome::delivered);
  EXPECT_EQ(r.result.records.at(1).external_id->second, "00Qexisting");
}

TEST(SalesforceDuplicates, WithoutANamedMatchOneQueryByEmailFindsThem) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(200, list({duplicate(""), duplicate("003Contact", "Contact"), ok("00Q3")})),
                tests::answer_with(200, R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"Lead"},)"
                                        R"("Id":"00Qfound","Email":"LEAD1@example.com"}]})"),
                tests::answer_with(200, list({ok("00Qfound")}))}};
  const auto r = run(*a, batch_of(3), org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 3u);
  EXPECT_EQ(api[1].method, "GET");
  EXPECT_EQ(soql_of(api[1]),
            "SELECT Id, Email FROM Lead WHERE Email IN ('lead1@example.com', 'lead2@example.com') "
            "ORDER BY LastModifiedDate DESC");
  const json::array attach = records_of(api[2]);
  ASSERT_EQ(attach.size(), 1u);
  EXPECT_EQ(attach[0].at("Id"), "00Qfound");
  const auto& res = r.result.records;
  EXPECT_EQ(res[0].outcome, delivery_outcome::delivered);
  EXPECT_EQ(res[0].external_id->second, "00Qfound");
  // The rule matched a Contact only, and no Lead has the email: never a second record.
  EXPECT_EQ(res[1].outcome, delivery_outcome::reject);
  EXPECT_EQ(res[1].code, "DUPLICATES_DETECTED");
  EXPECT_EQ(res[1].message, "You're creating a duplicate record.");
  EXPECT_EQ(res[2].outcome, delivery_outcome::delivered);
}

// ---- match = "email" -------------------------------------------------------------------

TEST(SalesforceEmailMatch, OneQueryThenAnUpdateForMatchesAndACreateForTheRest) {
  auto v = base_options();
  v.set("match", std::string{"email"});
  v.set("fields", core::string_map{{"FirstName", "first_name"}});
  auto a = make(v);
  auto found = update(1);
  found.email = "Ada+news@Example.com";
  auto quoted = update(2);
  quoted.email = "o'brien\\x@example.com";
  auto fresh = update(3);
  fake_org org{
      {tests::answer_with(200, R"({"totalSize":2,"done":true,"records":[)"
                               R"({"attributes":{"type":"Lead"},"Id":"00Qnew","Email":"ada+news@example.com"},)"
                               R"({"attributes":{"type":"Lead"},"Id":"00Qold","Email":"ada+news@example.com"},)"
                               R"({"attributes":{"type":"Lead"},"Id":"00Qob","Email":"O'Brien\\x@example.com"}]})"),
       tests::answer_with(200, list({ok("00Qnew"), ok("00Qob")})),
       tests::answer_with(200, list({ok("00Qcreated", true)}))}};
  const auto r = run(*a, {found, quoted, fresh}, org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 3u);

  EXPECT_EQ(api[0].method, "GET");
  EXPECT_TRUE(api[0].url.starts_with(std::string{instance} + "/services/data/v60.0/query?q=SELECT%20Id"));
  EXPECT_EQ(api[0].url.find_first_of(" '+\\"), std::string::npos) << api[0].url;
  EXPECT_NE(api[0].url.find("Ada%2Bnews%40Example.com"), std::string::npos) << api[0].url;
  EXPECT_EQ(soql_of(api[0]),
            "SELECT Id, Email FROM Lead WHERE Email IN ('Ada+news@Example.com', 'o\\'brien\\\\x@example.com', "
            "'lead3@example.com') ORDER BY LastModifiedDate DESC");

  EXPECT_EQ(api[1].method, "PATCH");
  EXPECT_EQ(api[1].url, collection_url);
  const json::array updates = records_of(api[1]);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0], json::parse(R"({"attributes":{"type":"Lead"},"Status":"Working - Contacted",)"
                                    R"("FirstName":"Ada","Id":"00Qnew"})"));
  EXPECT_EQ(updates[1].at("Id"), "00Qob");

  EXPECT_EQ(api[2].method, "POST");
  EXPECT_EQ(api[2].url, collection_url);
  const json::array creates = records_of(api[2]);
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0], json::parse(R"({"attributes":{"type":"Lead"},"Status":"Working - Contacted",)"
                                    R"("FirstName":"Ada","Email":"lead3@example.com",)"
                                    R"("LastName":"[not provided]","Company":"[not provided]"})"));

  const auto& res = r.result.records;
  EXPECT_EQ(res[0].external_id->second, "00Qnew");
  EXPECT_EQ(res[1].external_id->second, "00Qob");
  EXPECT_EQ(res[2].external_id->second, "00Qcreated");
  for (const auto& rec : res) {
    EXPECT_EQ(rec.outcome, delivery_outcome::delivered);
  }
}

TEST(SalesforceEmailMatch, LookupFollowsResultPagesAndAFailedLookupRejects) {
  auto v = base_options();
  v.set("match", std::string{"email"});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, R"({"done":false,"nextRecordsUrl":"/services/data/v60.0/query/01g-2000",)"
                                        R"("records":[]})"),
                tests::answer_with(200, R"({"done":true,"records":[{"Id":"00Q1","Email":"lead1@example.com"}]})"),
                tests::answer_with(200, list({ok("00Q1")}))}};
  const auto r = run(*a, batch_of(1), org);
  const auto api = api_requests(r);
  ASSERT_EQ(api.size(), 3u);
  EXPECT_EQ(api[1].url, std::string{instance} + "/services/data/v60.0/query/01g-2000");
  EXPECT_EQ(api[2].method, "PATCH");
  EXPECT_EQ(r.result.records.at(0).external_id->second, "00Q1");

  fake_org bad{{tests::answer_with(400, R"([{"message":"No such column 'Email' on entity 'Thing__c'",)"
                                        R"("errorCode":"INVALID_FIELD"}])")}};
  const auto rejected = run(*a, batch_of(2), bad);
  EXPECT_EQ(api_requests(rejected).size(), 1u);
  for (const auto& rec : rejected.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::reject);
    EXPECT_EQ(rec.code, "INVALID_FIELD");
    EXPECT_NE(rec.message.find("No such column"), std::string::npos);
  }
}

// ---- whole-request answers, limits and the budget --------------------------------------

TEST(SalesforceLimits, RequestLimitExceededPausesTheConnector) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(403, R"([{"message":"TotalRequests Limit exceeded.",)"
                                        R"("errorCode":"REQUEST_LIMIT_EXCEEDED"}])")}};
  const auto r = run(*a, batch_of(2), org);
  ASSERT_TRUE(r.result.pause_until.has_value());
  EXPECT_EQ(*r.result.pause_until, t0 + 15min);
  EXPECT_NE(r.result.pause_reason.find("REQUEST_LIMIT_EXCEEDED"), std::string::npos);
  for (const auto& rec : r.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::retry);
    EXPECT_EQ(rec.retry_after, std::chrono::milliseconds{15min});
  }

  fake_org quiet;
  const auto during = run(*a, batch_of(1), quiet, t0 + 5min);
  EXPECT_TRUE(during.sent.empty());
  EXPECT_EQ(during.result.records.at(0).outcome, delivery_outcome::retry);
  EXPECT_EQ(during.result.records.at(0).retry_after, std::chrono::milliseconds{10min});
  EXPECT_EQ(during.result.pause_until, t0 + 15min);

  fake_org after{{tests::answer_with(200, list({ok("00Q1")}))}};
  const auto resumed = run(*a, batch_of(1), after, t0 + 16min);
  EXPECT_EQ(api_requests(resumed).size(), 1u);
  EXPECT_EQ(resumed.result.records.at(0).outcome, delivery_outcome::delivered);
}

TEST(SalesforceLimits, UsingTheBudgetShareStopsTheConnectorAfterThisAnswer) {
  auto v = base_options();
  v.set("pause_minutes", std::int64_t{30});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, list({ok("00Q1")}), {{"sforce-limit-info", "api-usage=91/100"}})}};
  const auto r = run(*a, batch_of(1), org);
  EXPECT_EQ(r.result.records.at(0).outcome, delivery_outcome::delivered);  // what was confirmed stays confirmed
  ASSERT_TRUE(r.result.pause_until.has_value());
  EXPECT_EQ(*r.result.pause_until, t0 + 30min);
  EXPECT_NE(r.result.pause_reason.find("91 of 100"), std::string::npos) << r.result.pause_reason;
  EXPECT_NE(r.result.pause_reason.find("90%"), std::string::npos) << r.result.pause_reason;

  const auto st = a->status();
  EXPECT_EQ(st.api_used, 91);
  EXPECT_EQ(st.api_limit, 100);
  EXPECT_EQ(st.api_budget, 90);

  fake_org quiet;
  const auto next = run(*a, batch_of(1, 2), quiet, t0 + 1min);
  EXPECT_TRUE(next.sent.empty());
  EXPECT_EQ(next.result.records.at(0).outcome, delivery_outcome::retry);
  EXPECT_EQ(next.result.records.at(0).retry_after, std::chrono::milliseconds{29min});
}

TEST(SalesforceLimits, BudgetUsedUpMidExchangeRetriesWhatIsNotConfirmed) {
  auto v = base_options();
  v.set("match", std::string{"email"});
  v.set("api_budget_percent", std::int64_t{50});
  auto a = make(v);
  fake_org org{{tests::answer_with(200, R"({"done":true,"records":[]})",
                                   {{"sforce-limit-info", "api-usage=2500/5000; api-bursts=1/750"}})}};
  const auto r = run(*a, batch_of(2), org);
  EXPECT_EQ(api_requests(r).size(), 1u);  // the create is not sent
  for (const auto& rec : r.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::retry);
    EXPECT_EQ(rec.code, "api_budget");
  }
  EXPECT_EQ(a->status().api_budget, 2500);

  // Below the share nothing pauses.
  auto b = make(base_options());
  fake_org fine{{tests::answer_with(200, list({ok("00Q1")}), {{"sforce-limit-info", "api-usage=89/100"}})}};
  EXPECT_FALSE(run(*b, batch_of(1), fine).result.pause_until.has_value());
  EXPECT_EQ(b->status().api_used, 89);
}

TEST(SalesforceLimits, ARequestWideErrorRejectsEveryRecordOfIt) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(400, R"([{"message":"No such column 'Lead_Key__c' on sobject of type Lead",)"
                                        R"("errorCode":"INVALID_FIELD"}])")}};
  const auto r = run(*a, batch_of(2), org);
  for (const auto& rec : r.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::reject);
    EXPECT_EQ(rec.code, "INVALID_FIELD");
    EXPECT_EQ(rec.message, "HTTP 400: No such column 'Lead_Key__c' on sobject of type Lead");
  }

  fake_org multiple{{tests::answer_with(300, R"(["/services/data/v60.0/sobjects/Lead/00Q1",)"
                                             R"("/services/data/v60.0/sobjects/Lead/00Q2"])")}};
  const auto several = run(*a, batch_of(1), multiple);
  EXPECT_EQ(several.result.records.at(0).outcome, delivery_outcome::reject);
  EXPECT_EQ(several.result.records.at(0).code, "http_300");

  fake_org locked{{tests::answer_with(400, R"([{"message":"unable to obtain exclusive access to this record",)"
                                           R"("errorCode":"UNABLE_TO_LOCK_ROW"}])")}};
  EXPECT_EQ(run(*a, batch_of(1), locked).result.records.at(0).outcome, delivery_outcome::retry);
}

TEST(SalesforceLimits, TransientFailuresRetryAndHonourRetryAfter) {
  auto a = make(base_options());
  fake_org org{{tests::answer_with(503, "Service Unavailable", {{"retry-after", "120"}}),
                tests::answer_with(429, "", {{"retry-after", "Tue, 14 Nov 2023 22:15:20 GMT"}}),
                core::outbound_response{0, {}, {}, "connection reset"}}};
  const auto unavailable = run(*a, batch_of(2), org);
  for (const auto& rec : unavailable.result.records) {
    EXPECT_EQ(rec.outcome, delivery_outcome::retry);
    EXPECT_EQ(rec.retry_after, 120'000ms);
    EXPECT_EQ(rec.code, "http_503");
  }
  // t0 is 2023-11-14T22:13:20Z: two minutes before the date.
  EXPECT_EQ(run(*a, batch_of(1), org).result.records.at(0).retry_after, 120'000ms);
  const auto reset = run(*a, batch_of(1), org);
  EXPECT_EQ(reset.result.records.at(0).outcome, delivery_outcome::retry);
  EXPECT_NE(reset.result.records.at(0).message.find("connection reset"), std::string::npos);
  EXPECT_EQ(org.token_requests, 1);
}

// ---- the factory -------------------------------------------------------------------------

std::vector<std::string> error_keys(const core::option_values& v) {
  auto built = build(v);
  EXPECT_EQ(built.instance, nullptr);
  std::vector<std::string> keys;
  for (const auto& e : built.errors) {
    keys.push_back(e.key);
  }
  return keys;
}

TEST(SalesforceFactory, ReportsEveryBadOptionByName) {
  auto v = base_options();
  v.set("stages", core::string_map{});
  v.set("api_version", std::string{"45.0"});
  v.set("login_url", std::string{"http://login.salesforce.com"});
  v.set("fields", core::string_map{{"Bad Field", "email"}, {"Status", "stage"}});
  EXPECT_EQ(error_keys(v),
            (std::vector<std::string>{"login_url", "api_version", "stages", "fields.Bad Field", "fields.Status"}));

  for (const char* version : {"60", "v60.0", "60.00", "6a.0"}) {
    auto w = base_options();
    w.set("api_version", std::string{version});
    EXPECT_EQ(error_keys(w), std::vector<std::string>{"api_version"}) << version;
  }
  auto loopback = base_options();
  loopback.set("login_url", std::string{"http://127.0.0.1:8443"});
  EXPECT_TRUE(build(loopback).errors.empty());
}

TEST(SalesforceFactory, EachFlowNeedsItsCredentials) {
  auto cc = base_options();
  core::option_values no_secret;
  no_secret.set("auth", std::string{"client_credentials"});
  no_secret.set("client_id", std::string{"id"});
  no_secret.set("stages", core::string_map{{"mql", "Working"}});
  EXPECT_EQ(error_keys(no_secret), std::vector<std::string>{"client_secret"});

  auto jwt = no_secret;
  jwt.set("auth", std::string{"jwt"});
  jwt.set("username", std::string{"u@acme.com"});
  EXPECT_EQ(error_keys(jwt), std::vector<std::string>{"private_key_file"});
  jwt.set("private_key_file", std::string{"/nonexistent/key.pem"});
  auto built = build(jwt);
  ASSERT_EQ(built.errors.size(), 1u);
  EXPECT_EQ(built.errors[0].message, "cannot read /nonexistent/key.pem");

  key_file ec{EVP_EC_gen("P-256"), "ec"};
  jwt.set("private_key_file", ec.path.string());
  built = build(jwt);
  ASSERT_EQ(built.errors.size(), 1u);
  EXPECT_NE(built.errors[0].message.find("not RSA"), std::string::npos);

  auto refresh = no_secret;
  refresh.set("auth", std::string{"refresh_token"});
  refresh.set("username", std::string{"u@acme.com"});
  EXPECT_EQ(error_keys(refresh), (std::vector<std::string>{"refresh_token", "username"}));

  auto unknown = no_secret;
  unknown.set("auth", std::string{"password"});
  EXPECT_EQ(error_keys(unknown), std::vector<std::string>{"auth"});
}

TEST(SalesforceFactory, DeclaresTheDocumentedOptions) {
  core::registry r;
  register_builtin(r);
  const auto* f = r.crm("salesforce");
  ASSERT_NE(f, nullptr);
  std::vector<std::string> names;
  for (const auto& spec : f->options()) {
    names.push_back(spec.name);
  }
  for (const char* name : {"login_url",
                           "auth",
                           "client_id",
                           "client_secret",
                           "client_secret_env",
                           "client_secret_file",
                           "refresh_token",
                           "refresh_token_env",
                           "refresh_token_file",
                           "username",
                           "private_key_file",
                           "audience",
                           "api_version",
                           "object",
                           "match",
                           "external_id_field",
                           "stage_field",
                           "stages",
                           "fields",
                           "batch_size",
                           "api_budget_percent",
                           "pause_minutes",
                           "token_max_age_minutes",
                           "timeout_ms",
                           "ca_file"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

// ---- building blocks ----------------------------------------------------------------------

TEST(SalesforceParts, SoqlLiteralsCannotBeBrokenOutOf) {
  EXPECT_EQ(salesforce::soql_literal("a@b.com"), "'a@b.com'");
  EXPECT_EQ(salesforce::soql_literal("o'hara@x.io"), "'o\\'hara@x.io'");
  EXPECT_EQ(salesforce::soql_literal("a\\' OR Id != '"), "'a\\\\\\' OR Id != \\''");
  EXPECT_EQ(salesforce::soql_literal("a\nb"), "'a\\nb'");
}

TEST(SalesforceParts, LongEmailListsSplitIntoQueriesUnderTheUrlLimit) {
  std::vector<std::string> emails;
  for (int i = 0; i < 200; ++i) {
    emails.push_back(std::string(60, 'x') + std::to_string(i) + "@example.com");
  }
  std::string shouted = emails[0];
  std::transform(shouted.begin(), shouted.end(), shouted.begin(), [](char c) { return std::toupper(c); });
  emails.push_back(shouted);
  emails.push_back(emails[0]);
  const auto queries = salesforce::email_queries("60.0", "Lead", emails);
  ASSERT_GE(queries.size(), 2u);
  std::size_t covered = 0;
  for (const auto& q : queries) {
    EXPECT_LE(q.path.size(), 12'000u);
    covered += q.items.size();
  }
  EXPECT_EQ(covered, emails.size());
  // Both repeats of emails[0] ride on its literal in the first query.
  EXPECT_EQ(std::count(queries[0].items.begin(), queries[0].items.end(), 200u), 1);
  EXPECT_EQ(std::count(queries[0].items.begin(), queries[0].items.end(), 201u), 1);
  EXPECT_EQ(std::count(queries[0].path.begin(), queries[0].path.end(), '@') +
                std::count(queries[1].path.begin(), queries[1].path.end(), '@'),
            0);  // '@' is percent-encoded
}

TEST(SalesforceParts, LimitInfoReadsApiUsage) {
  const auto usage = salesforce::parse_limit_info("api-usage=18/5000");
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->used, 18);
  EXPECT_EQ(usage->limit, 5000);
  const auto later = salesforce::parse_limit_info("per-app-api-usage=17/250(appName=x); api-usage=10018/100000");
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->used, 10018);
  EXPECT_FALSE(salesforce::parse_limit_info("api-usage=x/5000").has_value());
  EXPECT_FALSE(salesforce::parse_limit_info("api-bursts=1/750").has_value());
}

}  // namespace
}  // namespace leadsync::adapters
