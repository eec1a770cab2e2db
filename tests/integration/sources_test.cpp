// Every source format end to end: the real daemon runs
// config/examples/all-sources.toml (port and paths moved into the sandbox,
// secrets in the environment it inherits), and each format's golden fixture
// is posted signed the way its tool signs it (tests/integration/signers.hpp).
// Then the refusals: a changed body, a wrong secret, a missing signature
// header, a timestamp outside the window, and a replay.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "tests/integration/daemon_test.hpp"
#include "tests/integration/signers.hpp"

namespace leadsync::tests {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using signers::header_value;
using signers::merged;
using signers::scheme;

const fs::path example_config = fs::path{LEADSYNC_SOURCE_DIR} / "config/examples/all-sources.toml";
const fs::path fixtures = fs::path{LEADSYNC_SOURCE_DIR} / "tests/fixtures/sources";

// The base URL the example's hubspot-v3 sources are configured with.
constexpr std::string_view public_url = "https://leads.example.com";

// One [sources.<name>] of the example; the name is the format name.
struct source_spec {
  std::string_view name;
  signers::signing how;
  std::string_view env;      // secrets_env
  std::string_view secret;   // what the test puts there
  std::string_view fixture;  // a case under tests/fixtures/sources that parses to events
};

const std::vector<source_spec>& specs() {
  static const std::vector<source_spec> all{
      {"typeform", {scheme::typeform}, "LEADSYNC_TYPEFORM_SECRET", "3f9d1c7be0a24e6f9b1d",
       "typeform-form-response"},
      {"hubspot-form", {scheme::hubspot_v3, {}, public_url}, "LEADSYNC_HUBSPOT_FORM_SECRET",
       "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "hubspot-form-workflow-contact"},
      {"webflow", {scheme::webflow}, "LEADSYNC_WEBFLOW_SECRET", "webflow_secret",
       "webflow-form-submission"},
      {"tally", {scheme::tally}, "LEADSYNC_TALLY_SECRET", "tally_signing_secret", "tally-form-response"},
      {"form", {scheme::leadsync_hmac}, "LEADSYNC_FORM_SECRET", "form-secret-1", "form-urlencoded"},
      {"intercom", {scheme::intercom}, "LEADSYNC_INTERCOM_SECRET", "intercom_client_secret",
       "intercom-conversation-qualified"},
      {"drift", {scheme::header_token, "X-Verification-Token"}, "LEADSYNC_DRIFT_SECRET",
       "verification-token", "drift-qualified"},
      {"crisp", {scheme::query_token, "token"}, "LEADSYNC_CRISP_SECRET", "crisp-url-token",
       "crisp-set-data-qualified"},
      {"chat", {scheme::body_hmac, "X-Signature"}, "LEADSYNC_CHAT_SECRET", "chat-secret-1",
       "chat-qualified"},
      {"segment", {scheme::segment}, "LEADSYNC_SEGMENT_SECRET", "segment_shared_secret",
       "segment-identify"},
      {"stripe", {scheme::stripe}, "LEADSYNC_STRIPE_SECRET", "whsec_test_secret", "stripe-trial-started"},
      {"auth-user", {scheme::standard_webhooks}, "LEADSYNC_AUTH_USER_SECRET",
       "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "auth-user-clerk"},
      {"product", {scheme::leadsync_hmac}, "LEADSYNC_PRODUCT_SECRET", "product-secret-1",
       "product-feature-used"},
      {"hubspot-crm", {scheme::hubspot_v3, {}, public_url}, "LEADSYNC_HUBSPOT_CRM_SECRET",
       "hubspot-crm-client-secret", "hubspot-crm-lifecycle"},
      {"crm-feedback", {scheme::header_token, "X-Leadsync-Token"}, "LEADSYNC_CRM_FEEDBACK_SECRET",
       "sf-callout-token", "crm-feedback-accepted"},
      {"generic", {scheme::leadsync_hmac}, "LEADSYNC_GENERIC_SECRET", "generic-secret-1",
       "generic-demo-request"},
  };
  return all;
}

const source_spec& spec_for(std::string_view name) {
  for (const auto& s : specs()) {
    if (s.name == name) {
      return s;
    }
  }
  throw std::invalid_argument("no source " + std::string{name} + " in the example");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A golden case as a request: body, content type and headers, and what it parses to.
struct fixture_request {
  std::string format;
  std::string body;
  header_list headers;
  json::value expected;
};

fixture_request load_fixture(std::string_view name) {
  const fs::path dir = fixtures / name;
  const json::object spec = parse_json(read_text_file(dir / "case.json")).as_object();
  fixture_request out;
  out.format = std::string{spec.at("format").as_string()};
  out.body = read_text_file(dir / std::string{spec.at("body_file").as_string()});
  if (const auto* ct = spec.if_contains("content_type")) {
    out.headers.emplace_back("Content-Type", std::string{ct->as_string()});
  }
  if (const auto* hs = spec.if_contains("headers")) {
    for (const auto& kv : hs->as_object()) {
      out.headers.emplace_back(std::string{kv.key()}, std::string{kv.value().as_string()});
    }
  }
  out.expected = parse_json(read_text_file(dir / "expected.json"));
  return out;
}

::testing::AssertionResult is_json_error(const http_response& res, unsigned status, std::string_view error) {
  auto body = parse_object(res.body);
  if (res.status != status || !body || string_field(*body, "error") != error) {
    return ::testing::AssertionFailure() << "expected " << status << " {\"error\":\"" << error
                                         << "\"}, got " << res.status << " " << res.body;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_answer(const http_response& res, unsigned status, const std::string& body) {
  if (res.status != status || parse_json(res.body) != json::parse(body)) {
    return ::testing::AssertionFailure()
           << "expected " << status << " " << body << ", got " << res.status << " " << res.body;
  }
  return ::testing::AssertionSuccess();
}

// `text` with its one match of `pattern` replaced; throws unless there is exactly one.
std::string replace_once(const std::string& text, const std::string& pattern, const std::string& with) {
  const std::regex re(pattern);
  const auto n = std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator());
  if (n != 1) {
    throw std::runtime_error("all-sources.toml: expected one match of " + pattern + ", found " +
                             std::to_string(n));
  }
  return std::regex_replace(text, re, with);
}

class sources_test : public daemon_test {
 protected:
  void SetUp() override {
    daemon_test::SetUp();
    for (const auto& s : specs()) {
      ::setenv(std::string{s.env}.c_str(), std::string{s.secret}.c_str(), 1);
    }
  }

  void TearDown() override {
    daemon_test::TearDown();
    for (const auto& s : specs()) {
      ::unsetenv(std::string{s.env}.c_str());
    }
  }

  // The example with this sandbox's port, database and jsonl file.
  void write_example_config() {
    std::string text = read_text_file(example_config);
    ASSERT_NE(text.find("public_url = \"" + std::string{public_url} + "\""), std::string::npos)
        << example_config << " is missing or its hubspot-v3 sources no longer use " << public_url;
    text = replace_once(text, R"(listen_port = \d+)", "listen_port = " + std::to_string(port_));
    text = replace_once(text, R"(path = "var/leadsync\.db")", R"(path = "data/leadsync.db")");
    text = replace_once(text, R"(path = "var/stage-updates\.jsonl")", R"(path = "data/updates.jsonl")");
    write_config_text(text);
  }

  http_response post(std::string_view source, const std::string& body, const header_list& headers) {
    header_list real = headers;
    const std::string query = signers::query_of(real);
    return http_post(port_, "/hooks/" + std::string{source} + query, body, real);
  }

  // The fixture's headers plus the signature of `s`'s sender, signed at `at_ms`.
  static header_list signed_headers(const source_spec& s, const fixture_request& f, std::int64_t at_ms,
                                    std::string_view secret) {
    const std::string target = "/hooks/" + std::string{s.name};
    return merged(f.headers, signers::sign(s.how, secret, f.body, target, at_ms, f.headers));
  }

  http_response post_signed(const source_spec& s, const fixture_request& f) {
    return post(s.name, f.body, signed_headers(s, f, now_ms(), s.secret));
  }

  bool jsonl_has(std::string_view email, std::string_view stage) {
    const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
    for (;;) {
      for (const std::string& line : jsonl_lines()) {
        auto obj = parse_object(line);
        if (obj && string_field(*obj, "email") == email && string_field(*obj, "stage") == stage) {
          return true;
        }
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return false;
      }
      std::this_thread::sleep_for(100ms);
    }
  }
};

// ---------------------------------------------------------------- signers ----

// Each signer returns the signature header last.
std::string last_value(const header_list& headers) { return headers.empty() ? "" : headers.back().second; }

// The test signers reproduce the vectors of docs/wire-formats.md section 1,
// so a refusal below is the daemon's doing, not the signer's.
TEST(sources_signers, reproduce_the_wire_format_vectors) {
  namespace sg = signers;
  EXPECT_EQ(last_value(sg::stripe("whsec_test_secret",
                                   "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}", 1614265330)),
            "t=1614265330,v1=af4ead0627a34a8cca29808e8de9ada8e41a92e6237c63cef6eacf51d36cca34");
  EXPECT_EQ(last_value(sg::standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                              "msg_p5jXN8AQM9LWM0D4loKWxJek", R"({"test": 2432232314})",
                                              1614265330)),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_EQ(header_value(sg::hubspot_v3("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "POST",
                                        "https://www.example.com/webhook_uri",
                                        "{'example_field':'example_value'}", 1693657560000),
                         "X-HubSpot-Signature-v3"),
            "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=");
  EXPECT_EQ(last_value(sg::typeform(
                "s3cr3t", R"({"event_id":"01E1FT3ZBHA2WA9AZSA2KPJ6RJ","event_type":"form_response"})")),
            "sha256=n5ufc4Td8SPTER8mlATlY/ykZjL1+xFfk6ZRFEcCvuk=");
  EXPECT_EQ(last_value(sg::intercom("intercom_client_secret",
                                     R"({"type":"notification_event",)"
                                     R"("id":"notif_78c122d0-23ba-11e4-9464-79b01267cc2e","topic":"user.created"})")),
            "sha1=9c2676506d3c2009e0964e8367b200fc7c22f78d");
  EXPECT_EQ(last_value(sg::segment(
                "segment_shared_secret",
                R"({"type":"identify","userId":"019mr8mf4r","traits":{"email":"achilles@segment.com"}})")),
            "f70be69e9097033f26564ef57fbd9a891b914da7");
  EXPECT_EQ(last_value(sg::tally("tally_signing_secret",
                                  R"({"eventId":"a4cb511e-d513-4fa5-baee-b815d718dfd1","eventType":"FORM_RESPONSE"})")),
            "L/ySV97c5lNmfP97FK2bAwSE9QoGEkIq4y9zr0sC3to=");
  EXPECT_EQ(last_value(sg::webflow(
                "webflow_secret",
                R"({"triggerType":"form_submission","payload":{"id":"65a5d3c8f7e2b40012345678"}})", 1700000000000)),
            "c6ea8252fcefb87ee805854734d684e8c3ef876daafd1c5def3880a999d03d68");
  // GitHub's published value checks the generic body HMAC (hex SHA-256).
  EXPECT_EQ(last_value(sg::body_hmac("X-Signature", "It's a Secret to Everybody", "Hello, World!")),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

// ----------------------------------------------------------------- config ----

using sources_config_test = sources_test;

TEST_F(sources_config_test, example_passes_check_with_every_secret_set) {
  write_config_text(read_text_file(example_config));
  const run_result r = run_check();
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << "\n" << r.output;
}

TEST_F(sources_config_test, check_names_every_unset_variable) {
  write_config_text(read_text_file(example_config));
  for (const auto& s : specs()) {
    ::unsetenv(std::string{s.env}.c_str());
  }
  const run_result r = run_check();
  EXPECT_TRUE(r.status.exited && r.status.code == 78) << r.status.describe() << "\n" << r.output;
  for (const auto& s : specs()) {
    EXPECT_NE(r.output.find("environment variable " + std::string{s.env} + " is not set"), std::string::npos)
        << s.env << " not named in:\n"
        << r.output;
  }
}

TEST_F(sources_config_test, check_names_only_the_variables_at_fault_never_a_value) {
  write_config_text(read_text_file(example_config));
  ::unsetenv("LEADSYNC_STRIPE_SECRET");
  ::setenv("LEADSYNC_TALLY_SECRET", "pasted-with-newline\n", 1);
  const run_result r = run_check();
  EXPECT_TRUE(r.status.exited && r.status.code == 78) << r.status.describe() << "\n" << r.output;
  // file:line:col, the key path, and the variable by name.
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex(R"(leadsync\.toml:\d+:\d+: sources\.stripe\.signature\.secrets_env: )"
                           R"(environment variable LEADSYNC_STRIPE_SECRET is not set)")))
      << r.output;
  EXPECT_NE(r.output.find("LEADSYNC_TALLY_SECRET has leading or trailing whitespace"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("pasted-with-newline"), std::string::npos) << "a secret value printed:\n" << r.output;
  for (const auto& s : specs()) {
    if (s.name != "stripe" && s.name != "tally") {
      EXPECT_EQ(r.output.find(std::string{s.env}), std::string::npos) << r.output;
    }
  }
}

TEST_F(sources_config_test, daemon_refuses_to_start_without_a_secret) {
  write_example_config();
  ::unsetenv("LEADSYNC_AUTH_USER_SECRET");
  EXPECT_FALSE(start_daemon());
  EXPECT_NE(daemon_log().find("LEADSYNC_AUTH_USER_SECRET"), std::string::npos) << daemon_log();
}

// ------------------------------------------------------------ every format ----

class sources_format_test : public sources_test, public ::testing::WithParamInterface<std::string_view> {};

TEST_P(sources_format_test, signed_fixture_is_accepted_once_and_forgeries_refused) {
  const source_spec& s = spec_for(GetParam());
  const fixture_request f = load_fixture(s.fixture);
  ASSERT_TRUE(f.expected.is_array()) << s.fixture << " is not a case that parses";
  const std::size_t events = f.expected.as_array().size();
  write_example_config();
  ASSERT_TRUE(start_daemon());

  // Signed: stored (or acknowledged, when the fixture yields no events).
  const header_list good = signed_headers(s, f, now_ms(), s.secret);
  const std::string ignored = R"({"status":"ignored"})";
  const std::string accepted = R"({"status":"accepted","events":)" + std::to_string(events) + "}";
  EXPECT_TRUE(is_answer(post(s.name, f.body, good), events == 0 ? 200 : 202, events == 0 ? ignored : accepted));

  // The same signed message again (a sender's retry, or a replay inside the
  // window): not processed twice.
  EXPECT_TRUE(is_answer(post(s.name, f.body, good), 200, events == 0 ? ignored : R"({"status":"duplicate"})"));

  if (s.how.kind == scheme::header_token || s.how.kind == scheme::query_token) {
    // A token does not cover the body; what it refuses is a wrong token.
    EXPECT_TRUE(is_json_error(post(s.name, f.body, signed_headers(s, f, now_ms(), "not-the-token")), 401,
                              "bad_signature"));
  } else {
    // The body changed after signing (one byte added).
    EXPECT_TRUE(is_json_error(post(s.name, f.body + " ", good), 401, "bad_signature"));
    // Signed with another secret (Standard Webhooks keys must be base64).
    const std::string_view other = s.how.kind == scheme::standard_webhooks
                                       ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr=="
                                       : "another-secret";
    EXPECT_TRUE(is_json_error(post(s.name, f.body, signed_headers(s, f, now_ms(), other)), 401,
                              "bad_signature"));
  }

  const std::string sig_header = signers::signature_header(s.how, good);
  ASSERT_FALSE(header_value(good, sig_header).empty()) << sig_header;
  EXPECT_TRUE(is_json_error(post(s.name, f.body, signers::without(good, sig_header)), 401, "missing_signature"))
      << "without " << sig_header;

  if (signers::timestamped(s.how.kind)) {
    for (const auto offset : {-1h, 1h}) {
      const auto at = now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(offset).count();
      EXPECT_TRUE(is_json_error(post(s.name, f.body, signed_headers(s, f, at, s.secret)), 401, "stale_timestamp"))
          << "signed " << offset.count() << " h from now";
    }
  }
}

std::vector<std::string_view> source_names() {
  std::vector<std::string_view> out;
  for (const auto& s : specs()) {
    out.push_back(s.name);
  }
  return out;
}

std::string param_name(const ::testing::TestParamInfo<std::string_view>& info) {
  std::string name{info.param};
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(all_sources, sources_format_test, ::testing::ValuesIn(source_names()), param_name);

// Well-formed deliveries a format takes nothing from: acknowledged with 200
// so the sender stops, once the signature checks out.
class sources_ignored_test : public sources_test, public ::testing::WithParamInterface<std::string_view> {};

TEST_P(sources_ignored_test, signed_unused_event_is_acknowledged) {
  const fixture_request f = load_fixture(GetParam());
  ASSERT_EQ(f.expected, json::parse("[]")) << GetParam();
  write_example_config();
  ASSERT_TRUE(start_daemon());
  EXPECT_TRUE(is_answer(post_signed(spec_for(f.format), f), 200, R"({"status":"ignored"})"));
}

INSTANTIATE_TEST_SUITE_P(all_sources, sources_ignored_test,
                         ::testing::Values("auth-user-ignored", "intercom-ping", "stripe-ignored-event-type",
                                           "typeform-ignored-partial", "webflow-ignored-trigger"),
                         param_name);

// ------------------------------------------------------------ chat to CQL ----

using sources_lead_test = sources_test;

// Qualifier answers from a chat (budget and timeline) make the lead a CQL
// under the default definition, delivered through the jsonl connector.
TEST_F(sources_lead_test, qualified_chats_become_cql_leads) {
  write_example_config();
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_signed(spec_for("drift"), load_fixture("drift-qualified")).status, 202U);
  // The fixture's chat is from 2023: past the definition's 90 days of
  // inactivity, the lead would be recycled to nurture at once. Without a
  // time of its own, the chat happens now.
  fixture_request chat = load_fixture("chat-qualified");
  json::object body = parse_json(chat.body).as_object();
  ASSERT_TRUE(body.erase("ts"));
  chat.body = json::serialize(body);
  ASSERT_EQ(post_signed(spec_for("chat"), chat).status, 202U);

  const bool drift_cql = jsonl_has("linus@kernel.example", "cql");
  const bool chat_cql = jsonl_has("ada@example.com", "cql");
  std::string lines;
  for (const std::string& line : jsonl_lines()) {
    lines += line + "\n";
  }
  EXPECT_TRUE(drift_cql) << lines;
  EXPECT_TRUE(chat_cql) << lines;
}

}  // namespace
}  // namespace leadsync::tests
