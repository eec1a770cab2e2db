// Lead stages computed by the real daemon and delivered to the fake CRM and
// the jsonl file, including retries after failures and timeouts.
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

namespace json = boost::json;

std::optional<std::int64_t> int_field(const json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return v->get_int64();
  }
  if (v->is_uint64()) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

long long millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The first request the fake answered 2xx for email with stage, or nullptr.
const recorded_request* find_accepted(const std::vector<recorded_request>& all,
                                      std::string_view email, std::string_view stage) {
  for (const auto& r : all) {
    auto body = parse_object(r.body);
    if (r.answered_status >= 200 && r.answered_status < 300 && body &&
        string_field(*body, "email") == email && string_field(*body, "stage") == stage) {
      return &r;
    }
  }
  return nullptr;
}

// The http connector's request: POST <url>, JSON, configured headers, the
// idempotency key, and every field of the canonical stage update.
::testing::AssertionResult is_stage_update_request(const recorded_request& r) {
  auto body = parse_object(r.body);
  if (!body) {
    return ::testing::AssertionFailure() << "body is not a JSON object: " << r.body;
  }
  auto fail = [&](std::string_view what) {
    return ::testing::AssertionFailure() << what << " in " << r.method << " " << r.target
                                         << " body " << r.body;
  };
  if (r.method != "POST" || r.target != "/stage") {
    return fail("expected POST /stage");
  }
  if (r.header("Content-Type").rfind("application/json", 0) != 0) {
    return fail("Content-Type is \"" + r.header("Content-Type") + "\", not application/json");
  }
  if (r.header("Authorization") != "Bearer test-token") {
    return fail("configured header Authorization missing");
  }
  const auto lead_id = int_field(*body, "lead_id");
  const auto version = int_field(*body, "version");
  if (!lead_id || !version || !int_field(*body, "score")) {
    return fail("lead_id, version and score must be integers");
  }
  const std::string key = "crm:" + std::to_string(*lead_id) + ":" + std::to_string(*version);
  if (r.header("Idempotency-Key") != key) {
    return fail("Idempotency-Key is \"" + r.header("Idempotency-Key") + "\", expected \"" +
                key + "\"");
  }
  if (string_field(*body, "connector") != "crm") {
    return fail("connector is not \"crm\"");
  }
  for (const char* field : {"email", "stage", "rule", "reason"}) {
    if (string_field(*body, field).empty()) {
      return fail(std::string("missing string field ") + field);
    }
  }
  if (!body->contains("previous_stage")) {
    return fail("missing previous_stage");
  }
  static const std::regex rfc3339_utc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
  if (!std::regex_match(string_field(*body, "changed_at"), rfc3339_utc)) {
    return fail("changed_at is not RFC 3339 UTC");
  }
  return ::testing::AssertionSuccess();
}

using delivery_test = daemon_test;

TEST_F(delivery_test, form_then_demo_request_reach_crm_as_engaged_then_mql) {
  ASSERT_TRUE(start_daemon());
  const std::string email = "ada@example.com";
  const auto first = post_hook(website_event("ada-1", "  Ada@Example.COM "));
  ASSERT_EQ(first.status, 202U) << first.body;
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));

  auto requests = crm_.requests();
  const auto* engaged_req = find_accepted(requests, email, "engaged");
  ASSERT_NE(engaged_req, nullptr);
  EXPECT_TRUE(is_stage_update_request(*engaged_req));
  const auto engaged = *parse_object(engaged_req->body);
  EXPECT_EQ(int_field(engaged, "score"), 10);
  ASSERT_TRUE(wait_for_jsonl_lines(1));

  const auto second = post_hook(website_event("ada-2", "ADA@example.com", "demo_request"));
  ASSERT_EQ(second.status, 202U) << second.body;
  ASSERT_TRUE(wait_for_accepted(email, "mql"));

  requests = crm_.requests();
  const auto* mql_req = find_accepted(requests, email, "mql");
  ASSERT_NE(mql_req, nullptr);
  EXPECT_TRUE(is_stage_update_request(*mql_req));
  const auto mql = *parse_object(mql_req->body);
  EXPECT_EQ(string_field(mql, "previous_stage"), "engaged");
  EXPECT_EQ(int_field(mql, "score"), 60);
  EXPECT_EQ(int_field(mql, "lead_id"), int_field(engaged, "lead_id"));
  EXPECT_GT(int_field(mql, "version").value_or(0), int_field(engaged, "version").value_or(0));
}

TEST_F(delivery_test, jsonl_file_gets_the_same_updates_as_the_crm) {
  ASSERT_TRUE(start_daemon());
  const std::string email = "grace@example.com";
  ASSERT_EQ(post_hook(website_event("grace-1", " Grace@EXAMPLE.com")).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  ASSERT_TRUE(wait_for_jsonl_lines(1));
  ASSERT_EQ(post_hook(website_event("grace-2", email, "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "mql"));
  const auto crm_updates = accepted_bodies(crm_.requests());
  ASSERT_TRUE(wait_for_jsonl_lines(crm_updates.size()));
  std::this_thread::sleep_for(500ms);  // any extra line would show up now

  const auto lines = jsonl_lines();
  ASSERT_EQ(lines.size(), crm_updates.size());
  ASSERT_GE(lines.size(), 2U);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto line = parse_object(lines[i]);
    ASSERT_TRUE(line) << "line " << i << " is not a JSON object: " << lines[i];
    auto crm = crm_updates[i];
    EXPECT_EQ(string_field(*line, "connector"), "log") << lines[i];
    EXPECT_EQ(string_field(crm, "connector"), "crm");
    line->erase("connector");
    crm.erase("connector");
    EXPECT_EQ(json::value(*line), json::value(crm)) << "jsonl line " << i;
  }
  auto last = parse_object(lines.back());
  ASSERT_TRUE(last);
  EXPECT_EQ(string_field(*last, "email"), email);
  EXPECT_EQ(string_field(*last, "stage"), "mql");
  EXPECT_EQ(string_field(*last, "previous_stage"), "engaged");
}

TEST_F(delivery_test, server_errors_are_retried_until_delivered) {
  crm_.fail_with_status(500, 3);
  ASSERT_TRUE(start_daemon());
  const std::string email = "retry@example.com";
  ASSERT_EQ(post_hook(website_event("retry-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  std::this_thread::sleep_for(1s);  // a delivered update must not be sent again

  const auto attempts = updates_for(crm_.requests(), email);
  ASSERT_EQ(attempts.size(), 4U) << "3 answered 500, then 1 delivered";
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(attempts[i].answered_status, 500U);
  }
  EXPECT_EQ(attempts[3].answered_status, 200U);
  for (const auto& a : attempts) {
    EXPECT_TRUE(is_stage_update_request(a));
    EXPECT_EQ(a.header("Idempotency-Key"), attempts[0].header("Idempotency-Key"));
    EXPECT_EQ(parse_json(a.body), parse_json(attempts[0].body));
  }
  // Full jitter: each wait is at most 100, 200, 400 ms (retry_initial_ms
  // doubling), so three retries finish well within a second (plus slack for
  // a loaded machine); the lower bound is random by design.
  EXPECT_LE(millis(attempts[3].received_at - attempts[0].received_at), 700 + 1500);
}

TEST_F(delivery_test, a_refused_update_is_dead_lettered_with_the_receivers_answer) {
  crm_.fail_with_status(422, 1);  // a receiver saying "not this record": retrying cannot help
  ASSERT_TRUE(start_daemon());
  const std::string email = "rejected@example.com";
  ASSERT_EQ(post_hook(website_event("rej-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_jsonl_lines(1));  // the other connector is not held up
  std::vector<std::string> parked;
  const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
  while (parked.empty() && std::chrono::steady_clock::now() < deadline) {
    parked = dead_letter_lines();
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(parked.size(), 1U);
  EXPECT_NE(parked[0].find(email), std::string::npos) << parked[0];
  EXPECT_NE(parked[0].find("HTTP 422"), std::string::npos) << parked[0];
  EXPECT_EQ(updates_for(crm_.requests(), email).size(), 1U) << "a rejected update is not sent again";
}

TEST_F(delivery_test, too_many_requests_waits_for_retry_after) {
  crm_.fail_with_status(429, 1, "1");
  ASSERT_TRUE(start_daemon());
  const std::string email = "throttled@example.com";
  ASSERT_EQ(post_hook(website_event("thr-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  const auto attempts = updates_for(crm_.requests(), email);
  ASSERT_EQ(attempts.size(), 2U);
  EXPECT_EQ(attempts[0].answered_status, 429U);
  EXPECT_EQ(attempts[1].answered_status, 200U);
  // Retry-After: 1 s, honoured up to an hour, even past retry_max_ms = 500; the plain first backoff
  // (retry_initial_ms = 100) would come much sooner.
  EXPECT_GE(millis(attempts[1].received_at - attempts[0].received_at), 450);
}

TEST_F(delivery_test, latest_state_wins_while_crm_is_down) {
  crm_.fail_with_status(503);
  ASSERT_TRUE(start_daemon());
  const std::string email = "coalesce@example.com";
  ASSERT_EQ(post_hook(website_event("co-1", email)).status, 202U);
  ASSERT_EQ(post_hook(website_event("co-2", email, "demo_request")).status, 202U);
  // Once an attempt carries mql, the engaged update has been replaced.
  ASSERT_TRUE(crm_.wait_for(
      [&](const auto& all) {
        for (const auto& r : updates_for(all, email)) {
          auto body = parse_object(r.body);
          if (body && string_field(*body, "stage") == "mql") {
            return true;
          }
        }
        return false;
      },
      delivery_timeout));
  crm_.heal();
  ASSERT_TRUE(wait_for_accepted(email, "mql"));
  std::this_thread::sleep_for(1s);  // a stale engaged update would arrive now
  const auto delivered = accepted_bodies(updates_for(crm_.requests(), email));
  ASSERT_EQ(delivered.size(), 1U);
  EXPECT_EQ(string_field(delivered[0], "stage"), "mql");
  // The CRM never received engaged: previous_stage is what it last got (nothing).
  EXPECT_EQ(string_field(delivered[0], "previous_stage"), "");
  EXPECT_EQ(int_field(delivered[0], "score"), 60);
}

TEST_F(delivery_test, timed_out_delivery_is_retried) {
  crm_.delay_responses(3s, 1);  // far past timeout_ms = 1000
  ASSERT_TRUE(start_daemon());
  const std::string email = "slow@example.com";
  ASSERT_EQ(post_hook(website_event("slow-1", email)).status, 202U);
  ASSERT_TRUE(crm_.wait_for(
      [&](const auto& all) { return updates_for(all, email).size() >= 2; }, delivery_timeout));

  const auto attempts = updates_for(crm_.requests(), email);
  const auto gap = millis(attempts[1].received_at - attempts[0].received_at);
  EXPECT_GE(gap, 900) << "retried before timeout_ms passed";
  EXPECT_LT(gap, 2900) << "waited for the delayed answer instead of timing out";
  EXPECT_EQ(attempts[1].answered_status, 200U);
  EXPECT_TRUE(is_stage_update_request(attempts[1]));
  auto body = parse_object(attempts[1].body);
  ASSERT_TRUE(body);
  EXPECT_EQ(string_field(*body, "stage"), "engaged");
  EXPECT_EQ(attempts[1].header("Idempotency-Key"), attempts[0].header("Idempotency-Key"));
}

TEST_F(delivery_test, dropped_connection_is_retried) {
  crm_.close_connections(2);
  ASSERT_TRUE(start_daemon());
  const std::string email = "dropped@example.com";
  ASSERT_EQ(post_hook(website_event("drop-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  const auto attempts = updates_for(crm_.requests(), email);
  ASSERT_GE(attempts.size(), 3U);
  EXPECT_EQ(attempts[0].answered_status, 0U);
  EXPECT_EQ(attempts[1].answered_status, 0U);
  EXPECT_EQ(attempts[2].answered_status, 200U);
}

TEST_F(delivery_test, fifty_concurrent_events_all_reach_the_crm) {
  ASSERT_TRUE(start_daemon());
  constexpr int connections = 5;
  constexpr int per_connection = 10;
  std::mutex mutex;
  std::vector<std::string> problems;
  std::vector<std::thread> senders;
  for (int c = 0; c < connections; ++c) {
    senders.emplace_back([&, c] {
      try {
        http_client client(port_, 10s);
        for (int i = 0; i < per_connection; ++i) {
          const int n = c * per_connection + i;
          const std::string id = "bulk-" + std::to_string(n);
          const auto res = client.post(
              "/hooks/website", website_event(id, "lead-" + std::to_string(n) + "@example.com"));
          if (res.status != 202) {
            std::lock_guard lock(mutex);
            problems.push_back(id + ": " + std::to_string(res.status) + " " + res.body);
          }
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        problems.push_back(std::string("connection ") + std::to_string(c) + ": " + e.what());
      }
    });
  }
  for (auto& t : senders) {
    t.join();
  }
  ASSERT_TRUE(problems.empty()) << problems.size() << " problem(s), first: " << problems.front();

  auto missing = [](const std::vector<recorded_request>& all) {
    std::set<std::string> engaged;
    for (const auto& body : accepted_bodies(all)) {
      if (string_field(body, "stage") == "engaged") {
        engaged.insert(string_field(body, "email"));
      }
    }
    std::vector<std::string> out;
    for (int n = 0; n < connections * per_connection; ++n) {
      const std::string email = "lead-" + std::to_string(n) + "@example.com";
      if (engaged.count(email) == 0) {
        out.push_back(email);
      }
    }
    return out;
  };
  const bool all_arrived =
      crm_.wait_for([&](const auto& all) { return missing(all).empty(); }, 30s);
  const auto still_missing = missing(crm_.requests());
  EXPECT_TRUE(all_arrived) << still_missing.size() << " lead(s) never reached the CRM, first: "
                           << (still_missing.empty() ? "" : still_missing.front());
}

TEST_F(delivery_test, metrics_count_deliveries_and_retries_per_connector) {
  crm_.fail_with_status(503, 1);
  ASSERT_TRUE(start_daemon());
  ASSERT_EQ(post_hook(website_event("m-1", "metrics@example.com")).status, 202U);
  ASSERT_TRUE(wait_for_accepted("metrics@example.com", "engaged"));
  ASSERT_TRUE(wait_for_jsonl_lines(1));

  // The daemon counts a result once the CRM's answer is handled: wait for it.
  EXPECT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"log\",result=\"delivered\"}", 1), 1);
  EXPECT_EQ(metric_reaching("leadsync_deliveries_total{connector=\"crm\",result=\"delivered\"}", 1), 1);
  const auto res = http_get(port_, "/metrics");
  ASSERT_EQ(res.status, 200U);
  EXPECT_NE(res.body.find("# TYPE leadsync_deliveries_total counter"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("leadsync_deliveries_total{connector=\"crm\",result=\"delivered\"} 1\n"), std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find("leadsync_deliveries_total{connector=\"crm\",result=\"retried\"} 1\n"), std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find("leadsync_deliveries_total{connector=\"log\",result=\"delivered\"} 1\n"), std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find("leadsync_crm_api_calls_total{connector=\"crm\"}"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("leadsync_connector_paused{connector=\"crm\"} 0\n"), std::string::npos) << res.body;
}

}  // namespace
}  // namespace leadsync::tests
