// The HTTP API of the real daemon: statuses, JSON bodies, dedup, keep-alive.
#include <csignal>
#include <regex>
#include <string>
#include <thread>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

namespace json = boost::json;

// Every error body is a JSON object with string "error" and "message".
::testing::AssertionResult is_json_error(const http_response& res, std::string_view error) {
  auto body = parse_object(res.body);
  if (!body) {
    return ::testing::AssertionFailure() << "body is not a JSON object: " << res.body;
  }
  if (string_field(*body, "error") != error) {
    return ::testing::AssertionFailure() << "expected error \"" << error << "\" in " << res.body;
  }
  if (string_field(*body, "message").empty()) {
    return ::testing::AssertionFailure() << "no non-empty string \"message\" in " << res.body;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult has_error_shape(const http_response& res) {
  auto body = parse_object(res.body);
  if (!body || string_field(*body, "error").empty() || string_field(*body, "message").empty()) {
    return ::testing::AssertionFailure()
           << "expected a JSON object with \"error\" and \"message\", got: " << res.body;
  }
  return ::testing::AssertionSuccess();
}

using api_test = daemon_test;

TEST_F(api_test, healthz_answers_ok) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_get(port_, "/healthz");
  EXPECT_EQ(res.status, 200U);
  EXPECT_EQ(parse_json(res.body), json::parse(R"({"status":"ok"})")) << res.body;
}

TEST_F(api_test, readyz_answers_ready_while_the_database_takes_commits) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_get(port_, "/readyz");
  EXPECT_EQ(res.status, 200U);
  EXPECT_EQ(parse_json(res.body), json::parse(R"({"status":"ready"})")) << res.body;
}

TEST_F(api_test, every_answer_carries_a_request_id_and_a_sane_one_is_kept) {
  ASSERT_TRUE(start_daemon());
  const auto fresh = http_get(port_, "/healthz");
  EXPECT_EQ(fresh.header("X-Request-Id").size(), 16U) << fresh.header("X-Request-Id");
  EXPECT_NE(http_get(port_, "/healthz").header("X-Request-Id"), fresh.header("X-Request-Id"));
  const auto kept = http_post(port_, "/hooks/website", website_event("rid-1", "rid@example.com"),
                              {{"X-Request-Id", "sender-trace.42"}});
  EXPECT_EQ(kept.header("X-Request-Id"), "sender-trace.42");
  const auto replaced =
      http_post(port_, "/hooks/website", website_event("rid-2", "rid@example.com"), {{"X-Request-Id", "bad id\"<>"}});
  EXPECT_EQ(replaced.header("X-Request-Id").size(), 16U);
}

TEST_F(api_test, json_logs_are_one_object_per_line_with_emails_masked) {
  daemon_options options;
  options.extra_toml = "[log]\nformat = \"json\"\nlevel = \"debug\"\n";
  write_config(options);
  ASSERT_TRUE(start_daemon());
  // The CRM refuses the update quoting the address; the daemon logs its answer.
  fault refuse;
  refuse.status = 422;
  refuse.body = R"({"error":"grace.hopper@example.com is on the blocklist"})";
  crm_.set_fault(refuse, 1);
  ASSERT_EQ(post_hook(website_event("log-1", "grace.hopper@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_log("delivery rejected", 10s)) << daemon_log();
  ASSERT_TRUE(stop_daemon(SIGTERM, 10s).has_value());
  const std::string log = daemon_log();
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < log.size()) {
    const auto end = log.find('\n', start);
    const std::string line = log.substr(start, end - start);
    start = end == std::string::npos ? log.size() : end + 1;
    if (line.empty()) {
      continue;
    }
    ++lines;
    const auto o = parse_object(line);
    ASSERT_TRUE(o.has_value()) << "not a JSON object: " << line;
    for (const char* key : {"time", "level", "logger", "message"}) {
      EXPECT_FALSE(string_field(*o, key).empty()) << key << " missing in " << line;
    }
  }
  EXPECT_GT(lines, 3U);
  EXPECT_NE(log.find("g***@example.com is on the blocklist"), std::string::npos) << log;
  EXPECT_EQ(log.find("grace.hopper@"), std::string::npos) << log;
}

TEST_F(api_test, unknown_path_is_404_with_json_error) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_get(port_, "/no/such/path");
  EXPECT_EQ(res.status, 404U);
  EXPECT_TRUE(has_error_shape(res));
}

TEST_F(api_test, unknown_source_is_404_unknown_source) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_post(port_, "/hooks/nosuchsource", website_event("u1", "u1@example.com"));
  EXPECT_EQ(res.status, 404U);
  EXPECT_TRUE(is_json_error(res, "unknown_source"));
}

TEST_F(api_test, get_on_hook_is_405_with_allow_post) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_get(port_, "/hooks/website");
  EXPECT_EQ(res.status, 405U);
  EXPECT_EQ(res.header("Allow"), "POST");
  EXPECT_TRUE(has_error_shape(res));
}

TEST_F(api_test, body_over_max_body_bytes_is_413) {
  ASSERT_TRUE(start_daemon());
  json::object big{{"submission_id", "big1"},
                   {"email", "big@example.com"},
                   {"company", std::string(5000, 'x')}};
  const std::string body = json::serialize(big);
  ASSERT_GT(body.size(), 4096U);
  const auto res = http_post(port_, "/hooks/website", body);
  EXPECT_EQ(res.status, 413U);
  EXPECT_TRUE(is_json_error(res, "body_too_large"));
  // Refused, so never stored: the daemon is still up and the CRM hears nothing.
  EXPECT_EQ(http_get(port_, "/healthz").status, 200U);
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(updates_for(crm_.requests(), "big@example.com").empty());
}

TEST_F(api_test, malformed_json_is_400_with_line_and_column) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_post(port_, "/hooks/website",
                             "{\n  \"submission_id\": \"m1\",\n  \"email\": }\n");
  EXPECT_EQ(res.status, 400U);
  EXPECT_TRUE(is_json_error(res, "malformed_json"));
  auto body = parse_object(res.body);
  ASSERT_TRUE(body);
  const std::string message = string_field(*body, "message");
  EXPECT_TRUE(std::regex_search(message, std::regex(R"(line 3, column [1-9][0-9]*)")))
      << "message: " << message;
}

TEST_F(api_test, missing_event_id_is_422_naming_the_pointer) {
  ASSERT_TRUE(start_daemon());
  const auto res = http_post(port_, "/hooks/website", R"({"email":"nobody@example.com"})");
  EXPECT_EQ(res.status, 422U);
  EXPECT_TRUE(is_json_error(res, "missing_field"));
  auto body = parse_object(res.body);
  ASSERT_TRUE(body);
  EXPECT_NE(string_field(*body, "message").find("/submission_id"), std::string::npos)
      << res.body;
}

TEST_F(api_test, accepted_then_duplicate_delivers_one_update) {
  ASSERT_TRUE(start_daemon());
  const std::string email = "dup@example.com";
  const auto first = post_hook(website_event("dup-1", email));
  ASSERT_EQ(first.status, 202U) << first.body;
  EXPECT_EQ(parse_json(first.body), json::parse(R"({"status":"accepted","events":1})"))
      << first.body;

  const auto again = post_hook(website_event("dup-1", email));
  EXPECT_EQ(again.status, 200U) << again.body;
  EXPECT_EQ(parse_json(again.body), json::parse(R"({"status":"duplicate"})")) << again.body;
  // Same event id with another kind: still the same event, nothing changes.
  const auto changed = post_hook(website_event("dup-1", email, "demo_request"));
  EXPECT_EQ(changed.status, 200U) << changed.body;
  EXPECT_EQ(parse_json(changed.body), json::parse(R"({"status":"duplicate"})")) << changed.body;

  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  // Give a second update (there must be none) several poll intervals to show up.
  std::this_thread::sleep_for(1500ms);
  const auto updates = updates_for(crm_.requests(), email);
  ASSERT_EQ(updates.size(), 1U);
  auto body = parse_object(updates[0].body);
  ASSERT_TRUE(body);
  EXPECT_EQ(string_field(*body, "stage"), "engaged");
  EXPECT_EQ(body->at("score"), json::value(10));
}

TEST_F(api_test, keep_alive_serves_several_requests_on_one_connection) {
  ASSERT_TRUE(start_daemon());
  http_client client(port_);
  const auto a = client.get("/healthz");
  EXPECT_EQ(a.status, 200U);
  const auto b = client.post("/hooks/website", website_event("ka-1", "ka@example.com"));
  EXPECT_EQ(b.status, 202U) << b.body;
  const auto c = client.get("/healthz");
  EXPECT_EQ(c.status, 200U);
  EXPECT_NE(a.header("Connection"), "close");
  EXPECT_NE(b.header("Connection"), "close");
  EXPECT_EQ(client.connections_opened(), 1);
}

}  // namespace
}  // namespace leadsync::tests
