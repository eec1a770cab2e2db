// The generic http connector in the real daemon against the fake CRM: the
// body rendered from a template, stage labels from `stages`, and Standard
// Webhooks signatures checked with the test's own HMAC (tests/integration/
// signers.hpp, OpenSSL), for a whsec_ secret and for a raw one.
// (HTTPS is not covered here: fake_http_crm serves plain HTTP only.)
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "tests/integration/daemon_test.hpp"
#include "tests/integration/signers.hpp"

namespace leadsync::tests {
namespace {

namespace json = boost::json;

constexpr std::string_view hook_path = "/hook";

// One line, so the expected body can be built by substitution.
constexpr std::string_view body_template =
    R"({"email": {{email}}, "status": {{stage}}, "was": {{previous_stage}}, "score": {{score}}, )"
    R"("name": {{first_name}}, "org": {{company}}, "title": {{title}}, "via": {{connector}}})";

// text with every {{name}} replaced by its JSON.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{{" + name + "}}";
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

std::int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class http_connector_test : public daemon_test {
 protected:
  ::testing::AssertionResult start_with(const std::string& connectors) {
    daemon_options options;
    options.connectors_toml = connectors;
    write_config(options);
    return start_daemon();
  }

  bool wait_for_requests(std::size_t count) {
    return crm_.wait_for([&](const std::vector<recorded_request>& all) { return all.size() >= count; },
                         delivery_timeout);
  }

  // Checks the three Standard Webhooks headers of r against an HMAC-SHA256
  // computed here with `key` over "<id>.<timestamp>.<body>".
  static void expect_signed(const recorded_request& r, std::string_view key) {
    const std::string id = r.header("webhook-id");
    const std::string ts = r.header("webhook-timestamp");
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(id, r.header("idempotency-key")) << "webhook-id is the idempotency key";
    ASSERT_FALSE(ts.empty());
    EXPECT_LE(std::llabs(std::stoll(ts) - unix_now_s()), 60) << "webhook-timestamp " << ts;
    const std::string expected =
        "v1," + signers::to_base64(signers::hmac(signers::digest::sha256, key, id + "." + ts + "." + r.body));
    EXPECT_EQ(r.header("webhook-signature"), expected) << r.body;
  }
};

TEST_F(http_connector_test, template_body_with_stage_labels_signed_the_standard_webhooks_way) {
  const std::string key = "test-key-bytes-\x01\x02\x03-for-hmac";
  const std::string secret = "whsec_" + signers::to_base64(key);
  daemon_env_["SALES_HOOK_SECRET"] = secret;
  ASSERT_TRUE(start_with("[connectors.sales-hook]\n"
                         "type = \"http\"\n"
                         "url = \"" + crm_.url(hook_path) + "\"\n"
                         "timeout_ms = 1000\n"
                         "secret_env = \"SALES_HOOK_SECRET\"\n"
                         "stages = { engaged = \"Engaged\", mql = \"Marketing Qualified\" }\n"
                         "template = '" + std::string{body_template} + "'\n"));

  ASSERT_EQ(post_hook(website_event("t-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_requests(1));
  ASSERT_EQ(post_hook(website_event("t-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_requests(2));

  const auto requests = crm_.requests();
  ASSERT_EQ(requests.size(), 2U);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, hook_path);
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_TRUE(r.header("idempotency-key").starts_with("sales-hook:")) << r.header("idempotency-key");
    expect_signed(r, key);
  }

  // The first update's previous stage depends on where new leads start; the
  // rest is fixed.
  const auto first = parse_object(requests[0].body);
  ASSERT_TRUE(first.has_value()) << requests[0].body;
  EXPECT_EQ(string_field(*first, "email"), "ada@example.com");
  EXPECT_EQ(string_field(*first, "status"), "Engaged");
  EXPECT_EQ(first->at("score"), json::value(10));
  EXPECT_EQ(string_field(*first, "via"), "sales-hook");

  // Byte for byte: the template with each placeholder replaced by its JSON,
  // the previous stage translated too, a missing value as null.
  EXPECT_EQ(requests[1].body, fill(std::string{body_template}, {{"email", R"("ada@example.com")"},
                                                                {"stage", R"("Marketing Qualified")"},
                                                                {"previous_stage", R"("Engaged")"},
                                                                {"score", "60"},
                                                                {"first_name", R"("Ada")"},
                                                                {"company", R"("Example Ltd")"},
                                                                {"title", "null"},
                                                                {"connector", R"("sales-hook")"}}));

  const std::string log = daemon_log();
  EXPECT_EQ(log.find(secret), std::string::npos) << "the secret leaked into the log";
  EXPECT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"sales-hook\",result=\"delivered\"}", 2), 2);
  // leadsyncctl builds no connector, so it needs none of the daemon's secrets.
  ASSERT_EQ(::getenv("SALES_HOOK_SECRET"), nullptr);
  EXPECT_TRUE(dead_letter_lines().empty());
  const auto status = run_to_completion({LEADSYNC_CTL_PATH, "--config", config_path_.string(), "status"}, dir_.path(),
                                        dir_.path() / "status.out", 20s);
  EXPECT_TRUE(status.status.exited && status.status.code == 0) << status.output;
  EXPECT_NE(status.output.find("sales-hook"), std::string::npos) << status.output;
}

TEST_F(http_connector_test, a_raw_secret_from_a_file_signs_as_its_own_bytes_and_unmapped_stages_are_skipped) {
  const std::string secret = "a shared secret that is not base64!";
  write_text_file(dir_.path() / "hook-secret", secret + "\n");
  ASSERT_TRUE(start_with("[connectors.sales-hook]\n"
                         "type = \"http\"\n"
                         "url = \"" + crm_.url(hook_path) + "\"\n"
                         "timeout_ms = 1000\n"
                         "secret_file = \"" + (dir_.path() / "hook-secret").string() + "\"\n"
                         "stages = { mql = \"MQL\" }\n"));

  ASSERT_EQ(post_hook(website_event("r-1", "ada@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_log("stage \"engaged\" has no mapping", 10s)) << daemon_log();
  EXPECT_EQ(crm_.request_count(), 0U) << "the engaged update was sent";
  ASSERT_EQ(post_hook(website_event("r-2", "ada@example.com", "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_requests(1));

  const auto requests = crm_.requests();
  ASSERT_EQ(requests.size(), 1U);
  expect_signed(requests[0], secret);
  // Without a template: the canonical update object, stage as labelled.
  const auto body = parse_object(requests[0].body);
  ASSERT_TRUE(body.has_value()) << requests[0].body;
  EXPECT_EQ(string_field(*body, "email"), "ada@example.com");
  EXPECT_EQ(string_field(*body, "stage"), "MQL");
  EXPECT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"sales-hook\",result=\"delivered\"}", 1), 1);
  EXPECT_EQ(metric("leadsync_deliveries_total{connector=\"sales-hook\",result=\"skipped\"}"), 1);
  EXPECT_TRUE(dead_letter_lines().empty());
}

}  // namespace
}  // namespace leadsync::tests
