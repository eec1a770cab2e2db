// Delivery policies through the real daemon against the fake CRMs: the
// circuit breaker while a CRM is down, batching linger, the attempt limit,
// the request rate limit, concurrent workers that keep per-lead order, and a
// Retry-After longer than retry_max. Each test ends with the fake holding
// exactly the final stage of every lead and the dead-letter queue holding
// exactly what must be there.
#include <algorithm>
#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/fake_salesforce.hpp"
#include "tests/integration/daemon_test.hpp"

namespace leadsync::tests {
namespace {

long long millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::string email_of(int n) { return "lead-" + std::to_string(n) + "@example.com"; }

class delivery_policy_test : public daemon_test {
 protected:
  // The http connector against the fake CRM (max_batch 1), with
  // [connectors.crm.delivery] set to `policy`.
  ::testing::AssertionResult start_http(std::string_view policy) {
    std::ostringstream out;
    out << "[connectors.crm]\n"
        << "type = \"http\"\n"
        << "url = \"" << crm_.url("/stage") << "\"\n"
        << "timeout_ms = 1000\n"
        << "\n[connectors.crm.headers]\n"
        << "Authorization = \"Bearer test-token\"\n"
        << "\n[connectors.crm.delivery]\n"
        << policy << "\n";
    daemon_options options;
    options.connectors_toml = out.str();
    write_config(options);
    return start_daemon();
  }

  // Posts the events over one keep-alive connection; every one must be accepted.
  ::testing::AssertionResult post_all(const std::vector<std::string>& bodies) {
    http_client client(port_, 10s);
    for (const auto& body : bodies) {
      const auto res = client.post("/hooks/website", body);
      if (res.status != 202) {
        return ::testing::AssertionFailure() << "status " << res.status << " " << res.body << " for " << body;
      }
    }
    return ::testing::AssertionSuccess();
  }

  // Dead-letter lines naming a lead (leadsyncctl may add a header line).
  std::vector<std::string> parked() const {
    std::vector<std::string> out;
    for (auto& line : dead_letter_lines()) {
      if (line.find("@example.com") != std::string::npos) {
        out.push_back(std::move(line));
      }
    }
    return out;
  }

  // The stage each email ended with in the fake CRM (its last accepted update).
  std::map<std::string, std::string> final_stages() const {
    std::map<std::string, std::string> out;
    for (const auto& body : accepted_bodies(crm_.requests())) {
      out[string_field(body, "email")] = string_field(body, "stage");
    }
    return out;
  }

  bool wait_for_metric(std::string_view sample, long long value, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (metric(sample) == value) {
        return true;
      }
      std::this_thread::sleep_for(25ms);
    }
    return false;
  }
};

TEST_F(delivery_policy_test, crm_down_opens_the_circuit_which_probes_with_one_update_and_closes) {
  crm_.fail_with_status(503, 4);  // three failed batches open it, the first probe fails too
  ASSERT_TRUE(start_http("circuit_failures = 3\ncircuit_open_seconds = 1"));
  EXPECT_EQ(metric("leadsync_circuit_state{connector=\"crm\"}"), 0);
  ASSERT_TRUE(post_all({website_event("cb-1", email_of(1)), website_event("cb-2", email_of(2)),
                        website_event("cb-3", email_of(3))}));

  EXPECT_TRUE(wait_for_metric("leadsync_circuit_state{connector=\"crm\"}", 2, 10s)) << metrics();
  // The delivery loop saved it for `leadsyncctl status` (another process).
  const auto status = run_to_completion({LEADSYNC_CTL_PATH, "--config", config_path_.string(), "status"},
                                        dir_.path(), dir_.path() / "status.out", 20s);
  EXPECT_TRUE(status.status.exited && status.status.code == 0) << status.output;
  EXPECT_NE(status.output.find("open"), std::string::npos) << status.output;
  ASSERT_TRUE(crm_.wait_for([](const auto& all) { return all.size() >= 7; }, 20s));
  EXPECT_TRUE(wait_for_metric("leadsync_circuit_state{connector=\"crm\"}", 0, 5s)) << metrics();
  std::this_thread::sleep_for(500ms);  // nothing more may come

  const auto requests = crm_.requests();
  ASSERT_EQ(requests.size(), 7U) << "4 answered 503 (3 batches, 1 probe), then the probe and 2 more delivered";
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].answered_status, i < 4 ? 503U : 200U) << "request " << i;
  }
  // Open for 1 s after the third failure, then 2 s after the failed probe:
  // nothing at all is sent meanwhile, and each probe carries one update.
  EXPECT_GE(millis(requests[3].received_at - requests[2].received_at), 950);
  EXPECT_GE(millis(requests[4].received_at - requests[3].received_at), 1950);
  EXPECT_EQ(final_stages(), (std::map<std::string, std::string>{
                                {email_of(1), "engaged"}, {email_of(2), "engaged"}, {email_of(3), "engaged"}}));
  EXPECT_TRUE(parked().empty());
  EXPECT_EQ(metric("leadsync_outbox_depth{connector=\"crm\"}"), 0);
}

TEST_F(delivery_policy_test, linger_gathers_a_burst_of_webhooks_into_few_salesforce_batches) {
  fake_salesforce sf;
  write_text_file(dir_.path() / "sf-secret", sf.options().client_secret + "\n");
  std::ostringstream connector;
  connector << "[connectors.sfdc]\n"
            << "type = \"salesforce\"\n"
            << "login_url = \"" << sf.base_url() << "\"\n"
            << "auth = \"client_credentials\"\n"
            << "client_id = \"" << sf.options().client_id << "\"\n"
            << "client_secret_file = \"" << (dir_.path() / "sf-secret").string() << "\"\n"
            << "timeout_ms = 2000\n"
            << "[connectors.sfdc.stages]\n"
            << "engaged = \"Working - Contacted\"\n"
            << "[connectors.sfdc.fields]\n"
            << "Email = \"email\"\n"
            << "LastName = \"email\"\n"  // LastName and Company are required: no placeholder resends
            << "Company = \"company\"\n"
            << "[connectors.sfdc.delivery]\n"
            << "linger_ms = 400\n";
  daemon_options options;
  options.connectors_toml = connector.str();
  write_config(options);
  ASSERT_TRUE(start_daemon());

  // 20 webhooks over about 200 ms: each alone would be a batch of its own
  // (the fake answers at once); the linger gathers them.
  constexpr int leads = 20;
  {
    http_client client(port_, 10s);
    for (int n = 0; n < leads; ++n) {
      const auto res = client.post("/hooks/website", website_event("burst-" + std::to_string(n), email_of(n)));
      ASSERT_EQ(res.status, 202U) << res.body;
      std::this_thread::sleep_for(10ms);
    }
  }

  const auto all_written = [&] {
    const auto records = sf.records();
    return records.size() == leads && std::all_of(records.begin(), records.end(), [](const salesforce_record& r) {
             return r.field("Status") == "Working - Contacted";
           });
  };
  ASSERT_TRUE(sf.wait_for(all_written, 20s));
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(all_written());
  for (int n = 0; n < leads; ++n) {
    EXPECT_TRUE(sf.find_by_email(email_of(n))) << email_of(n);
  }
  EXPECT_EQ(sf.created_count(), static_cast<std::size_t>(leads));
  const std::size_t batches = sf.calls(sf_call::upsert);
  EXPECT_LT(batches, static_cast<std::size_t>(leads));
  EXPECT_LE(batches, 3U) << "20 updates due within the linger should leave in one or two batches";
  EXPECT_TRUE(parked().empty());
}

TEST_F(delivery_policy_test, max_attempts_dead_letters_after_that_many_tries) {
  crm_.fail_with_status(503);  // never recovers
  ASSERT_TRUE(start_http("max_attempts = 3\ncircuit_failures = 100"));
  const std::string email = email_of(1);
  ASSERT_TRUE(post_all({website_event("ma-1", email)}));

  std::vector<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
  while (lines.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    lines = parked();
  }
  std::this_thread::sleep_for(1s);  // a fourth try would come within retry_max_ms = 500
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find(email), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("max_attempts"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("HTTP 503"), std::string::npos) << "the last error is the message: " << lines[0];
  EXPECT_EQ(updates_for(crm_.requests(), email).size(), 3U);
  EXPECT_TRUE(final_stages().empty()) << "the CRM never accepted anything";
  EXPECT_EQ(parked().size(), 1U);
  EXPECT_EQ(metric("leadsync_dead_letters_total{connector=\"crm\",code=\"max_attempts\"}"), 1);
  EXPECT_TRUE(wait_for_metric("leadsync_outbox_depth{connector=\"crm\"}", 0, 2s));
}

TEST_F(delivery_policy_test, requests_per_second_spaces_the_requests_after_the_burst) {
  ASSERT_TRUE(start_http("requests_per_second = 5"));  // burst defaults to 5
  constexpr int leads = 20;
  std::vector<std::string> bodies;
  for (int n = 0; n < leads; ++n) {
    bodies.push_back(website_event("rps-" + std::to_string(n), email_of(n)));
  }
  ASSERT_TRUE(post_all(bodies));
  ASSERT_TRUE(crm_.wait_for([](const auto& all) { return all.size() >= leads; }, 20s));
  std::this_thread::sleep_for(300ms);

  const auto requests = crm_.requests();
  ASSERT_EQ(requests.size(), static_cast<std::size_t>(leads));
  // A full bucket lets 5 go at once; after that one every 200 ms: request i
  // (from 0) no sooner than (i - 4) * 200 ms after the first.
  for (std::size_t i = 5; i < requests.size(); ++i) {
    const long long expected = (static_cast<long long>(i) - 4) * 200;
    EXPECT_GE(millis(requests[i].received_at - requests[0].received_at), expected - 30) << "request " << i;
  }
  EXPECT_GE(millis(requests.back().received_at - requests.front().received_at), 2950);
  std::map<std::string, std::string> expected;
  for (int n = 0; n < leads; ++n) {
    expected[email_of(n)] = "engaged";
  }
  EXPECT_EQ(final_stages(), expected);
  EXPECT_TRUE(parked().empty());
}

TEST_F(delivery_policy_test, daily_request_budget_holds_the_rest_back_without_losing_them) {
  ASSERT_TRUE(start_http("daily_request_budget = 3"));
  constexpr int leads = 5;
  std::vector<std::string> bodies;
  for (int n = 0; n < leads; ++n) {
    bodies.push_back(website_event("budget-" + std::to_string(n), email_of(n)));
  }
  ASSERT_TRUE(post_all(bodies));
  ASSERT_TRUE(crm_.wait_for([](const auto& all) { return all.size() >= 3; }, delivery_timeout));
  EXPECT_TRUE(wait_for_metric("leadsync_connector_paused{connector=\"crm\"}", 1, 5s)) << metrics();
  EXPECT_TRUE(wait_for_metric("leadsync_outbox_depth{connector=\"crm\"}", 2, 5s)) << metrics();
  std::this_thread::sleep_for(1s);  // nothing more may go out today

  EXPECT_EQ(crm_.request_count(), 3U);
  EXPECT_EQ(metric("leadsync_connector_requests_24h{connector=\"crm\"}"), 3);
  EXPECT_EQ(metric("leadsync_connector_daily_request_budget{connector=\"crm\"}"), 3);
  const auto stages = final_stages();
  EXPECT_EQ(stages.size(), 3U);
  for (const auto& [email, stage] : stages) {
    EXPECT_EQ(stage, "engaged") << email;
  }
  EXPECT_TRUE(parked().empty()) << "held back, not given up";
}

TEST_F(delivery_policy_test, workers_send_concurrently_but_never_two_updates_of_one_lead_at_once) {
  constexpr auto crm_delay = 300ms;
  crm_.delay_responses(crm_delay);
  ASSERT_TRUE(start_http("workers = 4"));
  constexpr int leads = 8;
  // Each lead changes twice (engaged, then mql): the second change must wait
  // for the first's answer if that is in flight, and must be the one that stays.
  std::vector<std::string> bodies;
  for (int n = 0; n < leads; ++n) {
    bodies.push_back(website_event("w-form-" + std::to_string(n), email_of(n)));
  }
  for (int n = 0; n < leads; ++n) {
    bodies.push_back(website_event("w-demo-" + std::to_string(n), email_of(n), "demo_request"));
  }
  ASSERT_TRUE(post_all(bodies));

  const auto all_mql = [&](const std::vector<recorded_request>& all) {
    int done = 0;
    for (int n = 0; n < leads; ++n) {
      done += has_accepted(all, email_of(n), "mql") ? 1 : 0;
    }
    return done == leads;
  };
  ASSERT_TRUE(crm_.wait_for(all_mql, 20s));
  std::this_thread::sleep_for(500ms);
  const auto requests = crm_.requests();

  std::map<std::string, std::string> expected;
  for (int n = 0; n < leads; ++n) {
    expected[email_of(n)] = "mql";
  }
  EXPECT_EQ(final_stages(), expected);
  // Per lead: one request at a time (the next only after the answer came),
  // and versions only ever go up.
  for (int n = 0; n < leads; ++n) {
    const auto mine = updates_for(requests, email_of(n));
    ASSERT_FALSE(mine.empty());
    for (std::size_t i = 1; i < mine.size(); ++i) {
      EXPECT_GE(millis(mine[i].received_at - mine[i - 1].received_at), millis(crm_delay) - 10)
          << email_of(n) << " had two requests in flight";
      const auto before = parse_object(mine[i - 1].body);
      const auto after = parse_object(mine[i].body);
      ASSERT_TRUE(before && after);
      EXPECT_GT(after->at("version").as_int64(), before->at("version").as_int64()) << email_of(n);
    }
  }
  // Several leads at once: with one worker this would take at least 8 x 300 ms.
  std::size_t most_at_once = 0;
  for (const auto& r : requests) {
    const auto overlapping = std::count_if(requests.begin(), requests.end(), [&](const recorded_request& o) {
      return o.received_at <= r.received_at && r.received_at < o.received_at + crm_delay;
    });
    most_at_once = std::max(most_at_once, static_cast<std::size_t>(overlapping));
  }
  EXPECT_GE(most_at_once, 3U);
  EXPECT_LE(most_at_once, 4U) << "more requests in flight than workers";
  const auto span = requests.back().received_at + crm_delay - requests.front().received_at;
  EXPECT_LT(millis(span), millis(leads * crm_delay)) << requests.size() << " requests";
  EXPECT_TRUE(parked().empty());
}

TEST_F(delivery_policy_test, sigterm_lets_every_worker_finish_its_batch) {
  crm_.delay_responses(600ms);  // within the connector's timeout_ms = 1000
  ASSERT_TRUE(start_http("workers = 4"));
  constexpr int leads = 4;
  std::vector<std::string> bodies;
  for (int n = 0; n < leads; ++n) {
    bodies.push_back(website_event("term-" + std::to_string(n), email_of(n)));
  }
  ASSERT_TRUE(post_all(bodies));
  ASSERT_TRUE(crm_.wait_for([](const auto& all) { return all.size() >= leads; }, delivery_timeout));
  const auto status = stop_daemon(SIGTERM, 15s);  // while all four wait for their answers
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited && status->code == 0) << status->describe();
  EXPECT_EQ(daemon_log().find("shutdown deadline reached"), std::string::npos) << daemon_log();

  // Every answer was recorded before the exit: a restart sends nothing again.
  crm_.heal();
  ASSERT_TRUE(start_daemon());
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(crm_.request_count(), static_cast<std::size_t>(leads));
  std::map<std::string, std::string> expected;
  for (int n = 0; n < leads; ++n) {
    expected[email_of(n)] = "engaged";
  }
  EXPECT_EQ(final_stages(), expected);
  EXPECT_TRUE(parked().empty());
}

TEST_F(delivery_policy_test, retry_after_longer_than_retry_max_is_honoured) {
  crm_.fail_with_status(429, 1, "2");  // retry_max_ms is 500 in this config
  ASSERT_TRUE(start_http("max_attempts = 25"));
  const std::string email = email_of(1);
  ASSERT_TRUE(post_all({website_event("ra-1", email)}));
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  const auto attempts = updates_for(crm_.requests(), email);
  ASSERT_EQ(attempts.size(), 2U);
  EXPECT_EQ(attempts[0].answered_status, 429U);
  EXPECT_GE(millis(attempts[1].received_at - attempts[0].received_at), 1950);
  EXPECT_EQ(final_stages(), (std::map<std::string, std::string>{{email, "engaged"}}));
  EXPECT_TRUE(parked().empty());
}

}  // namespace
}  // namespace leadsync::tests
